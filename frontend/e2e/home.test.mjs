// Each role's home page, and what a role cannot do hidden from it. The reporter sees what their
// unit owes; the reviewer the reports waiting for review; the leader (a viewer) the dashboard:
// completeness and timeliness by unit, overdue units, indicators against targets, the trend,
// drawn by Chart.js, which loads with the dashboard and not before.
// Runs against a live server with the demo data (E2E_BASE_URL).
import assert from "node:assert/strict";
import { after, afterEach, before, test } from "node:test";
import { BASE, launch, keepScreenshot } from "./support.mjs";

let browser;
let page;

before(async () => {
  browser = await launch();
});
after(async () => browser?.close());
afterEach(async (t) => {
  await keepScreenshot(t, page);
  await page?.context().close();
});

async function signIn(username, scripts) {
  const context = await browser.newContext({ locale: "vi-VN" });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  if (scripts) page.on("request", (r) => { if (r.resourceType() === "script") scripts.push(r.url()); });
  await page.goto(`${BASE}/login`);
  await page.getByLabel("Tên đăng nhập").fill(username);
  await page.getByLabel("Mật khẩu").fill("healthplan");
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForURL(`${BASE}/`);
  return page;
}

test("a reporter's home: what the unit owes, overdue marked, no dashboard", async () => {
  const scripts = [];
  await signIn("lucngan.baocao", scripts);
  const owed = page.getByTestId("home-owed");
  await owed.getByRole("heading", { name: "Báo cáo cần nộp" }).waitFor();
  const row = owed.locator("tbody tr").filter({ hasText: "2429/SYT-KHTH" });
  await row.waitFor();
  assert.match(await row.innerText(), /Xã Lục Ngạn[\s\S]*05\/06\/2026[\s\S]*Quá hạn/);
  assert.equal(await page.getByTestId("home-dashboard").count(), 0);
  assert.equal(await page.getByTestId("home-inbox").count(), 0);
  // The charting library is not fetched for a person who sees no chart.
  assert.ok(!scripts.some((u) => /Dashboard|\/Chart-/.test(u)), scripts.join("\n"));
  await row.getByRole("link").click();
  await page.getByLabel("V. Đề xuất, kiến nghị").waitFor();
  await page.getByRole("button", { name: "Nộp báo cáo" }).waitFor();
});

test("a reviewer's home: the inbox of submitted reports, each one a link", async () => {
  await signIn("syt.thamdinh");
  const inbox = page.getByTestId("home-inbox");
  const heading = inbox.getByRole("heading", { name: /Báo cáo chờ thẩm định \(\d+\)/ });
  await heading.waitFor();
  const count = Number(/\((\d+)\)/.exec(await heading.innerText())[1]);
  if (count === 0) {
    await inbox.getByText("Không có báo cáo nào chờ thẩm định.").waitFor();
  } else {
    assert.equal(await inbox.locator("tbody tr").count(), count);
    await inbox.locator("tbody tr").first().getByRole("link").first().click();
    await page.getByTestId("status").getByText("Đã nộp").waitFor();
    // A reviewer reviews: return and accept, not edit or submit.
    await page.getByRole("button", { name: "Chấp nhận" }).waitFor();
    assert.equal(await page.getByRole("button", { name: "Nộp báo cáo" }).count(), 0);
  }
});

test("a leader's dashboard: rates by unit, overdue units, indicators against targets", async () => {
  await signIn("bn.xem");
  const board = page.getByTestId("home-dashboard");
  const rates = board.getByTestId("unit-rates");
  await rates.waitFor();
  const text = await rates.innerText();
  for (const unit of ["Xã Sơn Hải", "Sở Dân tộc và Tôn giáo", "Xã Lục Ngạn"]) assert.match(text, new RegExp(unit));
  // Lục Ngạn has filed none of what it owes: 0/n (0 %).
  assert.match(text, /Xã Lục Ngạn\s+0\/\d+ \(0 %\)/);
  await board.getByTestId("overdue-units").getByText("Xã Lục Ngạn").first().waitFor();
  // The chart's axis reads 0 % … 100 %, each label different (the old one read 98 / 98 / 98).
  const chart = board.getByTestId("chart-units");
  await chart.locator("canvas").waitFor();
  await page.waitForFunction(() => document.querySelector("[data-testid=chart-units]")?.dataset.ticksX);
  const ticks = (await chart.getAttribute("data-ticks-x")).split("|");
  assert.deepEqual(ticks, ["0 %", "20 %", "40 %", "60 %", "80 %", "100 %"]);
  // Indicators by name, in Vietnamese notation, met or not against the target.
  const indicators = board.getByTestId("indicator-targets");
  await indicators.waitFor();
  const rows = await indicators.locator("tbody tr").allInnerTexts();
  assert.ok(rows.length >= 5, rows.join("\n"));
  assert.ok(rows.every((r) => !/\d\.\d/.test(r.split("\t")[1] ?? "")), rows.join("\n"));
  assert.ok(rows.some((r) => /Đạt|Không đạt/.test(r)), rows.join("\n"));
  await board.getByTestId("chart-trend").locator("canvas").waitFor();
});

test("a viewer is not offered what a viewer cannot do", async () => {
  await signIn("bn.xem");
  await page.getByRole("link", { name: "Báo cáo", exact: true }).click();
  await page.getByTestId("request-list").getByRole("link", { name: /2429\/SYT-KHTH/ }).click();
  await page.getByTestId("unit-status").waitFor();
  assert.equal(await page.getByRole("button", { name: "Đóng yêu cầu" }).count(), 0);
  assert.equal(await page.getByRole("button", { name: /Chấp nhận tất cả/ }).count(), 0);
  await page.getByRole("link", { name: "Báo cáo", exact: true }).click();
  await page.getByTestId("request-list").waitFor();
  assert.equal(await page.getByRole("link", { name: "+ Tạo yêu cầu báo cáo" }).count(), 0);
  // Nothing to upload either: the menu has no "Nhập dữ liệu" for a viewer.
  await page.getByTestId("who").getByText(/ · /).waitFor();  // the roles are known
  assert.equal(await page.getByRole("link", { name: "Nhập dữ liệu" }).count(), 0);
  assert.equal(await page.getByRole("link", { name: "Kiểm tra chữ ký" }).count(), 1);
});

test("the plan manager may close the request the viewer may not", async () => {
  await signIn("syt.kehoach");
  await page.getByRole("link", { name: "Báo cáo", exact: true }).click();
  await page.getByTestId("request-list").getByRole("link", { name: /2429\/SYT-KHTH/ }).click();
  await page.getByTestId("unit-status").waitFor();
  await page.getByRole("button", { name: "Đóng yêu cầu" }).waitFor();
  assert.equal(await page.getByRole("button", { name: /Chấp nhận tất cả/ }).count(), 0);
  // A plan manager also sees the dashboard at home.
  await page.getByRole("link", { name: "Trang chủ" }).click();
  await page.getByTestId("home-dashboard").getByTestId("unit-rates").waitFor();
});
