// A plan's matrix in the SPA: Sơn Hải's 81/KH-UBND with lead and coordinating marks, filtered
// by unit. Runs against a live server with the demo data (E2E_BASE_URL).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";

const BASE = process.env.E2E_BASE_URL;
if (!BASE) throw new Error("Set E2E_BASE_URL to a running healthplan server (with demo data).");

let browser;
let page;

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"],
  });
  page = await (await browser.newContext({ locale: "vi-VN" })).newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${BASE}/login`);
  await page.getByLabel("Tên đăng nhập").fill("sonhai.baocao");
  await page.getByLabel("Mật khẩu").fill("healthplan");
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForURL(`${BASE}/org-units`);
});
after(async () => browser?.close());

test("Sơn Hải's matrix: 21 tasks in 6 groups, filtered to the health station", async () => {
  await page.getByRole("link", { name: "Kế hoạch" }).click();
  await page.getByTestId("plan-list").getByRole("button", { name: /81\/KH-UBND/ }).click();
  const matrix = page.getByTestId("matrix");
  await matrix.getByText("Nâng cao chất lượng công tác tiêm chủng mở rộng").waitFor();
  assert.equal(await matrix.locator("tbody tr.group").count(), 6);
  assert.equal(await matrix.locator("tbody tr:not(.group)").count(), 21);
  await page.getByLabel("Lọc theo đơn vị").selectOption({ label: "Trạm Y tế xã Sơn Hải" });
  const tasks = matrix.locator("tbody tr:not(.group)");
  const count = await tasks.count();
  assert.ok(count >= 10 && count < 21, `${count} tasks for the station`);
  const row = await matrix.locator("tbody tr", { hasText: "tiêm chủng mở rộng" }).innerText();
  assert.match(row, /●/);
});
