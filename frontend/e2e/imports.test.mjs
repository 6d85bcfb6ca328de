// Bulk upload in the SPA: an administrator checks a units file (a dry run), reads its bad row
// in a table, downloads the errors as CSV, fixes the file, checks it again and imports it.
// And the plan's matrix exported as XLSX from the plans screen.
// Runs against a live server with the demo data (E2E_BASE_URL).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
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

/** The job worker, started by this journey when it wants the queued upload to run (the
 * server under test runs no worker of its own). */
function startWorker() {
  const db = process.env.E2E_DATABASE_URL;
  assert.ok(db, "E2E_DATABASE_URL: the server's database, for the job worker (tests/test_browser.py sets it)");
  const worker = spawn(process.env.E2E_PYTHON ?? "../.venv/bin/python", ["-m", "api.cli", "worker"], {
    cwd: new URL("../..", import.meta.url).pathname, stdio: "ignore",
    env: { ...process.env, DATABASE_URL: db, LOG_LEVEL: "WARNING" },
  });
  return { stop: () => worker.kill("SIGTERM") };
}

test("a file large enough to be a job: its progress moves, then its result; one cancelled", async () => {
  await signIn("admin");
  await page.getByRole("link", { name: "Nhập dữ liệu" }).click();
  await page.getByLabel("Loại dữ liệu").selectOption("org_units");
  // Over 2 MB, so the server queues it as a job; its last row is wrong, so the dry run stops
  // after reading the rows and writes nothing.
  const tag = Date.now().toString(36).toUpperCase();
  const unitsFile = (rows) => {
    const lines = ["code,name,type,parent_code"];
    for (let i = 1; i < rows; i++) lines.push(`E2E-${tag}-${i},Tổ dân phố thử nghiệm số ${i},residential_group,BN-SONHAI`);
    lines.push(`E2E-${tag}-${rows},Tổ dân phố thử nghiệm số ${rows},khong-co-loai-nay,BN-SONHAI`);
    return { name: `don-vi-${rows}.csv`, mimeType: "text/csv", buffer: Buffer.from(lines.join("\n") + "\n") };
  };
  const rows = 32_000;
  const file = unitsFile(rows);
  assert.ok(file.buffer.length > 2 * 1024 * 1024);
  await page.getByLabel("Tệp").setInputFiles(file);

  // Queued (no worker yet): the progress is shown, and a queued job can be cancelled.
  await page.getByRole("button", { name: "Kiểm tra thử" }).click();
  const result = page.getByTestId("import-result");
  await result.getByText("đang chờ xử lý").waitFor();
  await page.getByTestId("import-rows").getByText("Đã xử lý 0 dòng").waitFor();
  await page.getByRole("button", { name: "Hủy lượt nhập" }).click();
  await result.getByText("Kiểm tra thử: đã hủy").waitFor();
  assert.equal(await page.getByTestId("import-progress").count(), 0);

  const worker = startWorker();
  try {
    // Running: the figure moves, then the result with the bad row.
    await page.getByRole("button", { name: "Kiểm tra thử" }).click();
    const seen = new Set();
    // The figure as the screen writes it (Vietnamese notation: "Đã xử lý 21.355 dòng").
    const rowsRead = () => page.getByTestId("import-rows").innerText({ timeout: 500 })
      .then((x) => Number(/Đã xử lý ([\d.]+)/.exec(x)?.[1].replaceAll(".", "") ?? -1)).catch(() => -1);
    const done = result.getByText("có lỗi, không ghi gì");
    for (let i = 0; i < 600 && !(await done.isVisible()); i++) {
      seen.add(await rowsRead());
      await page.waitForTimeout(100);
    }
    await done.waitFor();
    const partway = [...seen].filter((n) => n > 0 && n < rows);
    assert.ok(partway.length >= 1, `no figure between 0 and ${rows} seen: ${[...seen]}`);
    const errors = await page.getByTestId("import-errors").locator("tbody tr").allInnerTexts();
    assert.deepEqual(errors.length, 1, errors.join("\n"));
    assert.match(errors[0], new RegExp(`^${rows + 1}\\ttype\\tkhong-co-loai-nay\\t`));

    // Cancelled while running: once the figure has moved, the job stops and writes nothing
    // (a file three times longer: still being read when the cancel arrives, on any machine).
    await page.getByLabel("Tệp").setInputFiles(unitsFile(3 * rows));
    await page.getByRole("button", { name: "Kiểm tra thử" }).click();
    await result.getByText("đang xử lý").waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => /Đã xử lý [1-9]/.test(document.querySelector("[data-testid=import-rows]")?.textContent ?? ""),
      undefined, { timeout: 60_000 });
    mkdirSync("e2e/artifacts", { recursive: true }); // to look at
    await page.screenshot({ path: "e2e/artifacts/import-progress.png" });
    await page.getByRole("button", { name: "Hủy lượt nhập" }).click();
    await result.getByText("Kiểm tra thử: đã hủy").waitFor({ timeout: 30_000 });
    assert.equal(await page.getByTestId("import-errors").count(), 0);
  } finally {
    worker.stop();
  }
});
