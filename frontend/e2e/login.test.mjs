// The SPA in real headless Chromium (Debian's, never a downloaded one) against a live server
// with the demo data. E2E_BASE_URL says where; tests/test_browser.py starts one and runs this.
import assert from "node:assert/strict";
import { after, before, beforeEach, afterEach, test } from "node:test";
import { BASE, launch, keepScreenshot } from "./support.mjs";

let browser;
let context;
let page;

before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

beforeEach(async () => {
  context = await browser.newContext({ locale: "vi-VN" });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
});
afterEach(async (t) => {
  await keepScreenshot(t, page);
  await context.close();
});

async function login(username, password) {
  await page.goto(`${BASE}/login`);
  await page.getByLabel("Tên đăng nhập").fill(username);
  await page.getByLabel("Mật khẩu").fill(password);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
}

test("an admin logs in, sees the tree, opens a province and finds a commune", async () => {
  await login("admin", "healthplan");
  await page.waitForURL(`${BASE}/`);
  await page.getByRole("link", { name: "Đơn vị", exact: true }).click();
  await page.getByTestId("who").getByText("Quản trị hệ thống").waitFor();
  const tree = page.getByTestId("org-tree");
  await tree.getByRole("button", { name: "Tỉnh Bắc Ninh", exact: true }).waitFor();
  // The province starts open; its departments are listed under it.
  await tree.getByRole("button", { name: "Sở Y tế", exact: true }).waitFor();
  await tree.getByRole("button", { name: "Thu gọn Tỉnh Bắc Ninh" }).click();
  assert.equal(await tree.getByRole("button", { name: "Sở Y tế", exact: true }).count(), 0);
  await tree.getByRole("button", { name: "Mở Tỉnh Bắc Ninh" }).click();
  await tree.getByRole("button", { name: "Sở Y tế", exact: true }).click();
  await page.getByTestId("unit-details").getByText("BN-SYT").waitFor();
  // A commune's own units are beyond the first request's depth: opening it fetches them.
  await tree.getByRole("button", { name: "Mở Xã Sơn Hải" }).click();
  await tree.getByRole("button", { name: "Trạm Y tế xã Sơn Hải", exact: true }).waitFor();

  await page.getByLabel("Tìm đơn vị (không cần dấu)").fill("son hai");
  const results = page.getByTestId("search-results");
  await results.getByRole("button", { name: "Xã Sơn Hải", exact: true }).click();
  const details = page.getByTestId("unit-details");
  await details.getByText("BN-SONHAI", { exact: true }).waitFor();
  const text = await details.innerText();
  assert.match(text, /Loại\s+Xã\s/);
  assert.match(text, /Trạng thái\s+Đang hoạt động/);
  const path = details.getByTestId("unit-path");
  await path.getByText("Tỉnh Bắc Ninh").waitFor(); // the path, as names
  assert.deepEqual(await path.getByRole("listitem").allInnerTexts(), ["Tỉnh Bắc Ninh", "Xã Sơn Hải"]);
  assert.match(text, /Cập nhật\s+\d{2}\/\d{2}\/\d{4}/);
});

test("a wrong password shows the server's Vietnamese message and stays on the login page", async () => {
  await login("admin", "sai-mat-khau");
  await page.getByRole("alert").getByText("Sai tên đăng nhập hoặc mật khẩu.").waitFor();
  assert.ok(page.url().endsWith("/login"));
});

test("without a session every page leads to the login", async () => {
  await page.goto(`${BASE}/org-units`);
  await page.waitForURL(`${BASE}/login`);
  await page.getByRole("heading", { name: "Đăng nhập" }).waitFor();
});
