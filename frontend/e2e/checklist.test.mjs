// Before submitting, the report says what it still lacks (empty sections, number, date,
// signer, indicators) and the submit asks with that list; on paper (print media) it is the
// document only, every section's whole text. Its own request and report (BN-SDTTG).
// Runs against a live server with the demo data (E2E_BASE_URL).
import assert from "node:assert/strict";
import { after, afterEach, before, test } from "node:test";
import { BASE, launch, api, token, keepScreenshot } from "./support.mjs";

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
  const context = await browser.newContext({ locale: "vi-VN" });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${BASE}/login`);
  await page.getByLabel("Tên đăng nhập").fill(username);
  await page.getByLabel("Mật khẩu").fill("healthplan");
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForURL(`${BASE}/`);
}

const dialogs = [];

test("the pre-submit checklist, the submit that asks with it, and the print stylesheet", async () => {
  const manager = await token("syt.kehoach");
  const find = async (code) => (await api("GET", `/org-units?q=${code}&limit=50`, { token: manager })).items.find((u) => u.code === code).id;
  const request = await api("POST", "/report-requests", { token: manager, body: {
    requester_id: await find("BN-SYT"), title: `Báo cáo kiểm tra trước khi nộp (${Date.now()})`,
    kind: "thematic", period: "2026Q3", due_date: "2026-12-31",
    indicators: ["TCDD"], units: { unit_ids: [await find("BN-SDTTG")] },
  } });
  await api("POST", `/report-requests/${request.id}/open`, { token: manager, version: request.version });
  const reporter = await token("sdttg.baocao");
  const [sub] = (await api("GET", `/submissions?request_id=${request.id}`, { token: reporter })).items;

  await signIn("sdttg.baocao");
  page.on("dialog", (d) => { dialogs.push(d.message()); void d.dismiss(); });
  await page.goto(`${BASE}/submissions/${sub.id}`);
  const checklist = page.getByTestId("checklist");
  const summary = checklist.locator("summary");
  await summary.getByText(/còn \d+ mục chưa điền/).waitFor();
  const before = Number(/còn (\d+)/.exec(await summary.innerText())[1]);
  // Every outline section and the indicator start empty; the number, date and signer unless
  // the new draft already carries them.
  const fresh = await api("GET", `/submissions/${sub.id}`, { token: reporter });
  const blank = (x) => x === null || x === "";
  // (A unit's figures are its own per period, whichever request asked: another journey may
  // have filled this one.)
  const noFigure = fresh.values.filter((v) => blank(v.numerator) || blank(v.denominator)).length;
  assert.equal(before, fresh.outline.length + noFigure + [blank(fresh.doc_number), blank(fresh.report_date),
    blank(fresh.signer_name) || blank(fresh.signer_position)].filter(Boolean).length);
  const todo = () => checklist.locator("li.todo").allInnerTexts();
  assert.ok((await todo()).some((x) => /Mục I\. Công tác lãnh đạo/.test(x)));
  assert.equal((await todo()).some((x) => /Số liệu: Tỷ lệ trẻ dưới 1 tuổi/.test(x)), noFigure > 0);

  const long = "Đã quán triệt kế hoạch đến toàn thể cán bộ.\n".repeat(12) + "Dòng cuối của mục I.";
  await page.getByLabel("I. Công tác lãnh đạo").fill(long);
  await page.getByLabel("TCDD Tử số").fill("50");
  await page.getByLabel("TCDD Mẫu số").fill("130");
  const after_ = before - 1 - noFigure;
  await summary.getByText(`còn ${after_} mục chưa điền`).waitFor();
  assert.ok(!(await todo()).some((x) => /Mục I\./.test(x)));

  // The submit asks, listing what is missing; declined, nothing is filed.
  await page.getByTestId("save-state").getByText(/Đã lưu lúc/).waitFor();
  await page.getByRole("button", { name: "Nộp báo cáo" }).click();
  await page.waitForFunction(() => true);
  while (dialogs.length === 0) await page.waitForTimeout(100);
  assert.match(dialogs.at(-1), new RegExp(`^Còn ${after_} mục chưa điền:[\\s\\S]*Số văn bản[\\s\\S]*Vẫn nộp báo cáo\\?`));
  assert.equal((await api("GET", `/submissions/${sub.id}`, { token: reporter })).status, "draft");

  // On paper: no header, menu, buttons or checklist; a section's whole text, not a text box.
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator(".topbar").isVisible(), false);
  assert.equal(await page.getByRole("button", { name: "Nộp báo cáo" }).isVisible(), false);
  assert.equal(await checklist.isVisible(), false);
  assert.equal(await page.getByLabel("I. Công tác lãnh đạo").isVisible(), false);
  const printed = page.locator(".print-text").filter({ hasText: "Dòng cuối của mục I." });
  assert.equal(await printed.isVisible(), true);
  const font = await printed.evaluate((el) => getComputedStyle(el).fontFamily);
  assert.match(font, /Times New Roman/);
  const pdf = await page.pdf({ format: "A4" });
  assert.ok(pdf.length > 10_000 && pdf.subarray(0, 4).toString() === "%PDF");
});
