// One-time passwords in the browser: a user whose password an administrator set lands on
// "Đổi mật khẩu" after logging in, and once it is changed carries on where they were going.
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, test } from "node:test";
import { BASE, api, launch, keepScreenshot } from "./support.mjs";

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

test("a user given a one-time password must choose their own, then goes on", async () => {
  const { access_token: admin } = await api("POST", "/auth/token", {
    form: { username: "bn.quantri", password: "healthplan" },
  });
  const units = await api("GET", "/org-units?q=BN-SONHAI&limit=50", { token: admin });
  const sonHai = units.items.find((u) => u.code === "BN-SONHAI");
  const username = `sonhai.e2e${Date.now()}`;
  await api("POST", "/users", {
    token: admin,
    body: {
      username, full_name: "Người dùng mới", org_unit_id: sonHai.id, password: "Mat-khau-tam-2026",
      roles: [{ role: "reporter", org_unit_id: sonHai.id, include_subtree: true }],
    },
  });

  await page.goto(`${BASE}/login`);
  await page.getByLabel("Tên đăng nhập").fill(username);
  await page.getByLabel("Mật khẩu").fill("Mat-khau-tam-2026");
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForURL(/\/change-password\?next=/);
  await page.getByRole("heading", { name: "Đổi mật khẩu" }).waitFor();
  await page.getByTestId("password-required").waitFor();

  await page.getByLabel("Mật khẩu hiện tại").fill("Mat-khau-tam-2026");
  await page.getByLabel("Mật khẩu mới", { exact: true }).fill("ngan");
  await page.getByLabel("Nhập lại mật khẩu mới").fill("ngan");
  // The browser's own minimum length stops this one; a policy failure is the server's word.
  await page.getByLabel("Mật khẩu mới", { exact: true }).fill("chuthuongdai");
  await page.getByLabel("Nhập lại mật khẩu mới").fill("chuthuongdai");
  await page.getByRole("button", { name: "Đổi mật khẩu" }).click();
  await page.getByRole("alert").getByText("hai loại ký tự", { exact: false }).waitFor();

  await page.getByLabel("Mật khẩu mới", { exact: true }).fill("Mat-khau-rieng-2026");
  await page.getByLabel("Nhập lại mật khẩu mới").fill("Mat-khau-rieng-2026");
  await page.getByRole("button", { name: "Đổi mật khẩu" }).click();
  await page.waitForURL(`${BASE}/`);
  await page.getByTestId("who").getByText("Người dùng mới").waitFor();
  assert.equal(await page.getByRole("alert").count(), 0);
});
