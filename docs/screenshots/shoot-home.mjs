// Each role's home page in docs/screenshots: home-reporter (Lục Ngạn's reporter), home-reviewer
// (the department's reviewer: inbox and dashboard), home-leader (a viewer: the dashboard).
//     E2E_BASE_URL=http://127.0.0.1:8000 node docs/screenshots/shoot-home.mjs   (a server with the demo data)
import { createRequire } from "node:module";
const require = createRequire(new URL("../../frontend/package.json", import.meta.url));
const { chromium } = require("playwright-core");
const BASE = process.env.E2E_BASE_URL;
const OUT = new URL(".", import.meta.url).pathname;
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-gpu"] });
for (const [name, username, ready] of [
  ["home-reporter", "lucngan.baocao", "home-owed"],
  ["home-reviewer", "syt.thamdinh", "chart-trend"],
  ["home-leader", "bn.xem", "chart-trend"],
]) {
  const r = await fetch(`${BASE}/api/v1/auth/token`, { method: "POST", body: new URLSearchParams({ username, password: "healthplan" }) });
  const tok = await r.json();
  const context = await browser.newContext({ locale: "vi-VN", viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  await context.addInitScript(([a, b]) => { sessionStorage.setItem("hp.access", a); sessionStorage.setItem("hp.refresh", b); }, [tok.access_token, tok.refresh_token]);
  const page = await context.newPage();
  await page.goto(`${BASE}/`);
  await page.getByTestId(ready).waitFor();
  await page.waitForTimeout(800);
  await page.screenshot({ path: `${OUT}/${name}.png`, fullPage: true });
  await context.close();
}
await browser.close();
