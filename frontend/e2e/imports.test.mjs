// Bulk upload in the SPA: an administrator checks a units file (a dry run), reads its bad row
// in a table, downloads the errors as CSV, fixes the file, checks it again and imports it.
// And the plan's matrix exported as XLSX from the plans screen.
// Runs against a live server with the demo data (E2E_BASE_URL).
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
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

async function signIn(username) {
  const context = await browser.newContext({ locale: "vi-VN", acceptDownloads: true });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${BASE}/login`);
  await page.getByLabel("Tên đăng nhập").fill(username);
  await page.getByLabel("Mật khẩu").fill("healthplan");
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForURL(`${BASE}/`);
}

const csv = (rows) => ({ name: "don-vi.csv", mimeType: "text/csv", buffer: Buffer.from(rows.join("\n") + "\n") });

test("units from a file: dry run, the bad row in a table and as CSV, fixed, imported", async () => {
  await signIn("admin");
  await page.getByRole("link", { name: "Nhập dữ liệu" }).click();
  await page.getByLabel("Loại dữ liệu").selectOption("org_units");
  const tag = Date.now().toString(36).toUpperCase();
  const header = "code,name,type,parent_code";
  await page.getByLabel("Tệp").setInputFiles(csv([
    header, `E2E-${tag}-1,Tổ dân phố thử 1,residential_group,BN-SONHAI`,
    `E2E-${tag}-2,Tổ dân phố thử 2,khong-co-loai-nay,BN-SONHAI`,
  ]));
  // Nothing is imported before a clean dry run of this very file.
  assert.equal(await page.getByRole("button", { name: "Nhập", exact: true }).isDisabled(), true);
  await page.getByRole("button", { name: "Kiểm tra thử" }).click();
  const result = page.getByTestId("import-result");
  await result.getByText("có lỗi, không ghi gì").waitFor();
  const errors = await page.getByTestId("import-errors").locator("tbody tr").allInnerTexts();
  assert.equal(errors.length, 1, errors.join("\n"));
  assert.match(errors[0], /^3\ttype\tkhong-co-loai-nay\t/);
  const download = page.waitForEvent("download");
  await result.getByRole("button", { name: "Tải danh sách lỗi (CSV)" }).click();
  const file = await download;
  const body = readFileSync(await file.path(), "utf8");
  assert.match(body, /dòng,cột,giá trị,mã lỗi,thông báo/);
  assert.match(body, /3,type,khong-co-loai-nay,/);
  assert.equal(await page.getByRole("button", { name: "Nhập", exact: true }).isDisabled(), true);

  await page.getByLabel("Tệp").setInputFiles(csv([
    header, `E2E-${tag}-1,Tổ dân phố thử 1,residential_group,BN-SONHAI`,
    `E2E-${tag}-2,Tổ dân phố thử 2,residential_group,BN-SONHAI`,
  ]));
  await page.getByRole("button", { name: "Kiểm tra thử" }).click();
  await page.getByTestId("import-counts").getByText("Sẽ thêm 2, sẽ sửa 0, không đổi 0.").waitFor();
  await page.getByRole("button", { name: "Nhập", exact: true }).click();
  await page.getByTestId("import-counts").getByText("Đã thêm 2, đã sửa 0, không đổi 0.").waitFor();
  // The same file again changes nothing.
  await page.getByRole("button", { name: "Kiểm tra thử" }).click();
  await page.getByTestId("import-counts").getByText("Sẽ thêm 0, sẽ sửa 0, không đổi 2.").waitFor();
});

test("a plan's matrix exported as XLSX from the plans screen", async () => {
  await signIn("sonhai.baocao");
  await page.getByRole("link", { name: "Kế hoạch" }).click();
  await page.getByTestId("plan-list").getByRole("button", { name: /81\/KH-UBND/ }).click();
  await page.getByTestId("matrix").waitFor();
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Tải phụ lục (XLSX)" }).click();
  const file = await download;
  assert.equal(file.suggestedFilename(), "phu-luc-phan-cong.xlsx");
  const bytes = readFileSync(await file.path());
  assert.equal(bytes.subarray(0, 2).toString(), "PK");
});
