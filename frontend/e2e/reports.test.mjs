// The reporting cycle of seeds 000 and 001 in the SPA: the department returns Sơn Hải's
// report, the commune fixes and resubmits it, the department accepts it and downloads the
// compiled DOCX; and two tabs editing one draft, where the stale save is caught, not lost.
// Runs against a live server with the demo data (E2E_BASE_URL).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { BASE, launch } from "./support.mjs";

let browser;

before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

async function signIn(username) {
  const context = await browser.newContext({ locale: "vi-VN", acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on("dialog", (dialog) => dialog.accept());
  await page.goto(`${BASE}/login`);
  await page.getByLabel("Tên đăng nhập").fill(username);
  await page.getByLabel("Mật khẩu").fill("healthplan");
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForURL(`${BASE}/`);
  return page;
}

/** The reports page with both its lists loaded. The list of one's own reports renders above
 * the requests when it arrives: a click before that could land where a link had been. */
async function openReports(page) {
  const loaded = Promise.all(
    ["/api/v1/submissions?", "/api/v1/report-requests?"].map((path) =>
      page.waitForResponse((r) => r.url().includes(path))),
  );
  await page.getByRole("link", { name: "Báo cáo", exact: true }).click();
  await loaded;
}

async function openSeedRequest(page) {
  await openReports(page);
  await page.getByTestId("request-list").getByRole("link", { name: /2429\/SYT-KHTH/ }).click();
  await page.getByTestId("unit-status").waitFor();
}

test("return, fix, resubmit, accept and compile Sơn Hải's report", async () => {
  const reviewer = await signIn("syt.thamdinh");
  await openSeedRequest(reviewer);
  assert.match(await reviewer.getByTestId("rates").innerText(), /Đã nộp 2\/3 \(66,67 %\)/);
  await reviewer.getByTestId("unit-status").getByRole("link", { name: "Xã Sơn Hải" }).click();
  await reviewer.getByTestId("tasks").waitFor();
  assert.equal(await reviewer.getByTestId("tasks").locator("tbody tr:not(.group)").count(), 21);
  await reviewer.getByLabel("Lý do trả lại").fill("Bổ sung bài học kinh nghiệm (mục III.4).");
  await reviewer.getByRole("button", { name: "Trả lại" }).click();
  await reviewer.getByTestId("status").getByText("Bị trả lại").waitFor();

  const reporter = await signIn("sonhai.baocao");
  await reporter.getByTestId("unread").getByText(/\(\d+\)/).waitFor();
  await openReports(reporter);
  // (Its row by the letter's number: other journeys give Sơn Hải reports of their own.)
  await reporter.getByTestId("my-reports").locator("tr", { hasText: "2429/SYT-KHTH" })
    .getByRole("link", { name: "Xã Sơn Hải" }).click();
  assert.match(await reporter.getByTestId("review-comment").innerText(), /III\.4/);
  await reporter.getByLabel("III.4. Bài học kinh nghiệm").fill("Phát huy vai trò y tế thôn, bản.");
  await reporter.getByLabel("Kết quả thực hiện 7").fill("Tỷ lệ trẻ < 1 tuổi được tiêm chủng đạt 97,5%");
  await reporter.getByTestId("save-state").getByText(/Đã lưu lúc/).waitFor();
  await reporter.getByLabel(/Đính kèm tệp/).setInputFiles({
    name: "Biên bản kiểm tra.pdf", mimeType: "application/pdf",
    buffer: Buffer.from("%PDF-1.4\n% bien ban\n"),
  });
  await reporter.getByTestId("attachments").getByText("Biên bản kiểm tra.pdf").waitFor();
  assert.equal(await reporter.getByLabel("III.4. Bài học kinh nghiệm").inputValue(),
    "Phát huy vai trò y tế thôn, bản.");
  await reporter.getByRole("button", { name: "Nộp báo cáo" }).click();
  await reporter.getByTestId("status").getByText("Đã nộp").waitFor();
  await reporter.reload();
  assert.equal(await reporter.getByLabel("III.4. Bài học kinh nghiệm").inputValue(),
    "Phát huy vai trò y tế thôn, bản.");

  await reviewer.getByRole("link", { name: /Về yêu cầu báo cáo/ }).click();
  await reviewer.getByTestId("unit-status").getByRole("link", { name: "Xã Sơn Hải" }).click();
  await reviewer.getByTestId("status").getByText("Đã nộp").waitFor().catch(async (e) => {
    await reviewer.screenshot({ path: "e2e/artifacts/reviewer.png", fullPage: true });
    throw e;
  });
  // What changed since it was returned: the new section, the task result, the file.
  await reviewer.locator("summary", { hasText: "Lịch sử" }).click();
  await reviewer.getByRole("button", { name: "So với hiện tại" }).nth(1).click();
  const diff = reviewer.getByTestId("diff");
  // Told as the report reads: the section's title, the file's name, no paths or ids.
  await diff.getByRole("rowheader", { name: "III.4. Bài học kinh nghiệm", exact: true }).waitFor();
  assert.doesNotMatch(await diff.innerText(), /sections\.|sha256|\[object Object\]|[0-9a-f]{8}-[0-9a-f]{4}-/);
  // The task result's words: what went, what came.
  assert.match(await diff.locator("del").allInnerTexts().then((x) => x.join("|")), /≥ 97%/);
  assert.match(await diff.locator("ins").allInnerTexts().then((x) => x.join("|")), /97,5%/);
  assert.doesNotMatch(await diff.innerText(), /Đã thay bằng tệp khác/);
  assert.match(await diff.innerText(), /Biên bản kiểm tra\.pdf/);
  await reviewer.getByRole("button", { name: "Chấp nhận" }).click();
  await reviewer.getByTestId("status").getByText("Đã chấp nhận").waitFor();
  await reviewer.getByRole("link", { name: /Về yêu cầu báo cáo/ }).click();
  await reviewer.getByTestId("unit-status").getByText("Đã chấp nhận").nth(1).waitFor();
  const compiled = reviewer.getByTestId("compiled");
  assert.match(await reviewer.getByTestId("compiled-indicators").innerText(), /38,46 %/);
  await compiled.getByLabel("Số", { exact: true }).fill("315");
  await compiled.getByLabel(/III\.2\. Khó khăn, vướng mắc/).fill("Trang thiết bị trạm y tế còn thiếu.");
  await compiled.getByRole("button", { name: "Lưu bản tổng hợp" }).click();
  await compiled.getByRole("status").getByText("Đã lưu bản tổng hợp.").waitFor();
  assert.match(await compiled.locator("legend").innerText(), /Số: 315\/BC-SYT/);
  const [download] = await Promise.all([
    reviewer.waitForEvent("download"),
    reviewer.getByRole("button", { name: "Báo cáo tổng hợp (DOCX)" }).click(),
  ]);
  // Named as the server names it: the report's own number, in Vietnamese.
  assert.match(download.suggestedFilename(), /^Báo cáo tổng hợp số 315-BC-SYT năm \d{4}\.docx$/);
  const path = await download.path();
  const { statSync } = await import("node:fs");
  assert.ok(statSync(path).size > 10_000);
  await reviewer.context().close();
  await reporter.context().close();
});

test("two tabs on one draft: the stale save gets 412 and the UI merges", async () => {
  const first = await signIn("lucngan.baocao");
  await openReports(first);
  await first.getByTestId("my-reports").getByRole("link", { name: "Xã Lục Ngạn" }).first().click();
  const url = first.url();
  const second = await first.context().newPage();
  second.setDefaultTimeout(15_000);
  // A new tab has its own session storage: sign in there too, then open the same draft.
  await second.goto(`${BASE}/login`);
  await second.getByLabel("Tên đăng nhập").fill("lucngan.baocao");
  await second.getByLabel("Mật khẩu").fill("healthplan");
  await second.getByRole("button", { name: "Đăng nhập" }).click();
  await second.waitForURL(`${BASE}/`);
  await second.goto(url);
  await second.getByLabel("V. Đề xuất, kiến nghị").waitFor();

  await first.getByLabel("I. Công tác lãnh đạo, chỉ đạo, tổ chức triển khai").fill("Tab một: đã quán triệt.");
  await first.getByTestId("save-state").getByText(/Đã lưu lúc/).waitFor();
  await second.getByLabel("V. Đề xuất, kiến nghị").fill("Tab hai: đề nghị bổ sung kinh phí.");
  await second.getByTestId("conflict").waitFor();
  await second.getByRole("button", { name: "Giữ thay đổi của tôi và lưu lên bản mới nhất" }).click();
  await second.getByTestId("save-state").getByText(/Đã lưu lúc/).waitFor();
  assert.equal(await second.getByTestId("conflict").count(), 0);

  await first.reload();
  assert.equal(await first.getByLabel("I. Công tác lãnh đạo, chỉ đạo, tổ chức triển khai").inputValue(),
    "Tab một: đã quán triệt.");
  assert.equal(await first.getByLabel("V. Đề xuất, kiến nghị").inputValue(),
    "Tab hai: đề nghị bổ sung kinh phí.");
  await first.context().close();
});

test("a plan manager drafts a request, sends it, and the commune finds it to answer", async () => {
  const manager = await signIn("syt.kehoach");
  await openReports(manager);
  await manager.getByRole("link", { name: "+ Tạo yêu cầu báo cáo" }).click();
  await manager.getByLabel("Đơn vị yêu cầu").selectOption({ label: "Sở Y tế" });
  await manager.getByLabel("Nội dung yêu cầu").fill("Báo cáo tiêm chủng quý III/2026");
  // The period the way it is written, not typed as 2026Q3; the date as dd/mm/yyyy.
  await manager.getByLabel("Loại kỳ").selectOption({ label: "Quý" });
  await manager.getByLabel("Kỳ", { exact: true }).selectOption({ label: "Quý 3" });
  await manager.getByLabel("Năm", { exact: true }).fill("2026");
  assert.equal(await manager.getByTestId("period-text").innerText(), "Quý 3/2026");
  await manager.getByLabel("Hạn nộp", { exact: true }).fill("15/10/2026");
  await manager.getByLabel(/Thêm đơn vị phải báo cáo/).fill("luc ngan");
  await manager.getByRole("button", { name: "Xã Lục Ngạn (BN-LUCNGAN)" }).click();
  await manager.getByTestId("picked-units").getByText("Xã Lục Ngạn").waitFor();
  await manager.getByLabel("Tìm chỉ số (không cần dấu)").fill("tiem chung day du");
  await manager.getByLabel(/Tỷ lệ trẻ dưới 1 tuổi được tiêm chủng đầy đủ/).check();
  // The letter asking for it: its number, date and file, registered with the request.
  const number = String(2000 + (Date.now() % 7000));
  await manager.getByLabel("Số công văn").fill(number);
  await manager.getByLabel("Ký hiệu").fill("SYT-KHTH");
  await manager.getByLabel("Ngày công văn").fill("01/10/2026");
  const letter = Buffer.from("%PDF-1.4\n% công văn số " + number + "\n%%EOF\n");
  await manager.getByLabel("Tệp công văn").setInputFiles({
    name: "cong-van.pdf", mimeType: "application/pdf", buffer: letter,
  });
  await manager.getByRole("button", { name: "Lưu nháp" }).click();
  await manager.getByTestId("request-status").getByText("Nháp").waitFor();
  await manager.getByRole("heading", { name: `Công văn số ${number}/SYT-KHTH ngày 1/10/2026` }).waitFor();
  // The letter's file is on the request's page, and downloads as it was chosen, byte for byte.
  const file = manager.getByTestId("letter-files").getByRole("button", { name: "cong-van.pdf" });
  await file.waitFor();
  const [download] = await Promise.all([manager.waitForEvent("download"), file.click()]);
  assert.equal(download.suggestedFilename(), "cong-van.pdf");
  assert.deepEqual(readFileSync(await download.path()), letter);
  await manager.getByRole("button", { name: "Gửi yêu cầu đến các đơn vị" }).click();
  await manager.getByTestId("request-status").getByText("Đang mở").waitFor();
  assert.match(await manager.getByTestId("rates").innerText(), /Đã nộp 0\/1/);

  const commune = await signIn("lucngan.baocao");
  await commune.getByRole("link", { name: "Thông báo" }).click();
  await commune.getByTestId("notifications").getByText(/Yêu cầu báo cáo mới/).first().waitFor();
  await openReports(commune);
  // Listed by its letter.
  await commune.getByTestId("request-list").getByText(`Công văn số ${number}/SYT-KHTH ngày 1/10/2026`).waitFor();
  await manager.context().close();
  await commune.context().close();
});
