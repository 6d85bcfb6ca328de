// A report on paper (issue 20 §7): a long section and a long task result print whole. A text
// box prints only the lines it shows and cannot break across pages, so the printed page shows
// a copy of its text instead; here checked on screen in print media and in Chromium's PDF.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { after, afterEach, before, beforeEach, test } from "node:test";
import { api, BASE, keepScreenshot, launch, token } from "./support.mjs";

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

/** A new request on the seed plan to Sơn Hải, opened: its draft (with the plan's tasks). */
async function draftWithTasks() {
  const manager = await token("syt.kehoach");
  const seed = (await api("GET", "/report-requests?limit=50", { token: manager })).items.find((r) => r.plan_id);
  const unit = (await api("GET", "/org-units?q=BN-SONHAI&limit=5", { token: manager })).items.find((u) => u.code === "BN-SONHAI");
  const created = await api("POST", "/report-requests", { token: manager, body: {
    requester_id: seed.requester.id, plan_id: seed.plan_id, include_child_plans: true,
    title: `Báo cáo để in (${process.pid}-${Date.now()})`, kind: "thematic", period: "2026Q4",
    due_date: "2027-01-15", units: { unit_ids: [unit.id] },
  } });
  await api("POST", `/report-requests/${created.id}/open`, { token: manager, version: created.version });
  const reporter = await token("sonhai.baocao");
  const [draft] = (await api("GET", `/submissions?request_id=${created.id}`, { token: reporter })).items;
  return draft;
}

const unclipped = (el) => el.scrollHeight <= el.clientHeight + 1 && el.getClientRects().length > 0;

test("a long section and a long task result print whole, on screen in print media and in the PDF", async () => {
  const draft = await draftWithTasks();
  await page.goto(`${BASE}/login`);
  await page.getByLabel("Tên đăng nhập").fill("sonhai.baocao");
  await page.getByLabel("Mật khẩu").fill("healthplan");
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForURL(`${BASE}/`);
  await page.goto(`${BASE}/submissions/${draft.id}`);
  const task = page.getByTestId("tasks").getByLabel(/^Kết quả thực hiện /).first();
  await task.waitFor();

  const section = "Đã quán triệt kế hoạch đến toàn thể cán bộ, công chức của xã.\n".repeat(30) +
    "Câu cuối cùng của mục một.";
  const result = "Tổ chức tiêm chủng mở rộng tại trạm y tế và các thôn, bản. ".repeat(25) +
    "Câu cuối cùng của kết quả.";
  await page.getByLabel(/^I\. Công tác lãnh đạo/).fill(section);
  await task.fill(result);
  await page.getByTestId("save-state").getByText(/Đã lưu lúc/).waitFor();

  await page.emulateMedia({ media: "print" });
  assert.equal(await task.isVisible(), false, "the text box itself is not printed");
  for (const last of ["Câu cuối cùng của mục một.", "Câu cuối cùng của kết quả."]) {
    const printed = page.locator(".print-text").filter({ hasText: last });
    assert.equal(await printed.count(), 1, last);
    assert.equal(await printed.isVisible(), true, last);
    assert.ok(await printed.evaluate(unclipped), `${last}: clipped`);
  }
  // The copy is what was typed, whole, and the page is drawn that way on paper too.
  const copy = page.locator(".print-text").filter({ hasText: "Câu cuối cùng của kết quả." });
  assert.equal((await copy.innerText()).trim(), result);
  // Kept beside the failures' screenshots, to look at.
  mkdirSync("e2e/artifacts", { recursive: true });
  writeFileSync("e2e/artifacts/print-report.pdf", await page.pdf({ format: "A4" }));
  const text = execFileSync("pdftotext", ["-enc", "UTF-8", "e2e/artifacts/print-report.pdf", "-"]).toString()
    .normalize("NFC").replace(/\s+/g, " ");
  assert.match(text, /Câu cuối cùng của mục một\./);
  assert.match(text, /Câu cuối cùng của kết quả\./);

  // After a reload the copy is the saved text, not only what this tab typed.
  await page.emulateMedia({ media: "screen" });
  await page.reload();
  await page.getByTestId("tasks").waitFor();
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator(".print-text").filter({ hasText: "Câu cuối cùng của kết quả." }).isVisible(), true);
});
