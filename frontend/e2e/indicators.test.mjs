// The indicator page: the catalogue, a value table in Vietnamese notation, a chart with the
// target line. Runs against a live server with the demo data (E2E_BASE_URL).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { BASE, launch } from "./support.mjs";

let browser;
let page;

before(async () => {
  browser = await launch();
  page = await (await browser.newContext({ locale: "vi-VN" })).newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${BASE}/login`);
  await page.getByLabel("Tên đăng nhập").fill("admin");
  await page.getByLabel("Mật khẩu").fill("healthplan");
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForURL(`${BASE}/`);
});
after(async () => browser?.close());

test("Sơn Hải's vaccination against the 2030 target, in Vietnamese notation", async () => {
  await page.getByRole("link", { name: "Chỉ số" }).click();
  await page.getByLabel("Tìm chỉ số (không cần dấu)").fill("tiem chung day du");
  await page.getByTestId("indicator-list")
    .getByRole("button", { name: "Tỷ lệ trẻ dưới 1 tuổi được tiêm chủng đầy đủ" }).click();
  const table = page.getByTestId("values");
  await table.getByText("01/01/2026–30/05/2026").waitFor();
  const row = await table.locator("tbody tr").first().innerText();
  assert.match(row, /50\s+130\s+38,46/);
  assert.match(await page.getByTestId("target").innerText(), /Chỉ tiêu 2030 \(BN\): ≥ 98/);
  await page.getByTestId("target-line").waitFor();
  // The axis labels differ from each other (the hand-drawn chart read 98 / 98 / 98).
  await page.waitForFunction(() => document.querySelector("[data-testid=line-chart]")?.dataset.ticksY);
  const ticks = (await page.getByTestId("line-chart").getAttribute("data-ticks-y")).split("|");
  assert.ok(ticks.length >= 3, ticks.join(" / "));
  assert.equal(new Set(ticks).size, ticks.length, ticks.join(" / "));
});

test("Đức Trọng's hospital quality score 2016–2021 as a series", async () => {
  await page.getByLabel("Tìm chỉ số (không cần dấu)").fill("chat luong benh vien");
  await page.getByTestId("indicator-list").getByRole("button", { name: /chất lượng bệnh viện/ })
    .click();
  await page.getByLabel("Đơn vị báo cáo (mã)").fill("LD-DUCTRONG-TTYT");
  const table = page.getByTestId("values");
  await table.getByText("2,88").waitFor();
  assert.equal(await table.locator("tbody tr").count(), 6);
  assert.equal(await page.getByTestId("chart").getAttribute("data-points"), "6");
});
