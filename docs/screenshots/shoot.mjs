// The report form's screenshots in docs/screenshots (desktop and a 390 px phone): the seed
// draft of Lục Ngạn with a date typed dd/mm/yyyy and a pasted "50⇥130" the server refuses.
//     E2E_BASE_URL=http://127.0.0.1:8000 node docs/screenshots/shoot.mjs   (a server with the demo data)
import { createRequire } from "node:module";
const require = createRequire(new URL("../../frontend/package.json", import.meta.url));
const { chromium } = require("playwright-core");
const BASE = process.env.E2E_BASE_URL;
const OUT = new URL(".", import.meta.url).pathname;
const r = await fetch(`${BASE}/api/v1/auth/token`, { method: "POST", body: new URLSearchParams({ username: "lucngan.baocao", password: "healthplan" }) });
const tok = await r.json();
const list = await (await fetch(`${BASE}/api/v1/submissions?limit=200`, { headers: { Authorization: `Bearer ${tok.access_token}` } })).json();
const items = list.items ?? list;
const draft = items.find((s) => s.status === "draft" && /142/.test(s.request_title ?? "")) ?? items.find((s) => s.status === "draft");
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-gpu"] });
for (const [name, width, height] of [["report-form-desktop", 1280, 900], ["report-form-390", 390, 844]]) {
  const context = await browser.newContext({ locale: "vi-VN", viewport: { width, height }, deviceScaleFactor: 1 });
  await context.addInitScript(([a, b]) => { sessionStorage.setItem("hp.access", a); sessionStorage.setItem("hp.refresh", b); }, [tok.access_token, tok.refresh_token]);
  const page = await context.newPage();

  await page.goto(`${BASE}/submissions/${draft.id}`);
  await page.getByLabel("V. Đề xuất, kiến nghị").waitFor();
  await page.getByLabel("Ngày báo cáo").fill("7/12/2026");
  await page.getByLabel("I. Công tác lãnh đạo, chỉ đạo, tổ chức triển khai").fill("Đã quán triệt Kế hoạch 142/KH-UBND đến toàn thể cán bộ trạm y tế.");
  await page.getByLabel("TCDD Tử số").fill("50\t130");
  await page.getByTestId("refused").waitFor();
  await page.getByTestId("save-state").getByText(/Đã lưu lúc/).waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${OUT}/${name}.png` });
  await page.getByLabel("TCDD Tử số").evaluate((el) => el.scrollIntoView({ block: "center" }));
  await page.screenshot({ path: `${OUT}/${name}-refused.png` });
  await page.getByLabel("TCDD Tử số").fill("50");
  await page.waitForTimeout(1500);
  await context.close();
}
await browser.close();
