// Review that a person can read: the department's reviewer returns a report (asked first, told
// where they are), the unit fixes and resubmits it, and the reviewer compares the two filed
// versions: section titles with the words changed, indicators by name as 97,98, no uuid, no
// sha256, no "[object Object]"; then accepts it. Its own request, so other journeys keep theirs.
// Runs against a live server with the demo data (E2E_BASE_URL).
import assert from "node:assert/strict";
import { after, afterEach, before, test } from "node:test";
import { BASE, launch, api, token, keepScreenshot } from "./support.mjs";

let browser;
let page;
const dialogs = [];

before(async () => {
  browser = await launch();
});
after(async () => browser?.close());
afterEach(async (t) => {
  await keepScreenshot(t, page);
});

/** A request of the department to one unit, opened, with the unit's report filed. */
async function filedReport() {
  const manager = await token("syt.kehoach");
  const units = await api("GET", "/org-units?q=BN-SDTTG&limit=50", { token: manager });
  const syt = await api("GET", "/org-units?q=BN-SYT&limit=50", { token: manager });
  const pick = (page_, code) => (page_.items ?? page_).find((u) => u.code === code).id;
  const request = await api("POST", "/report-requests", { token: manager, body: {
    requester_id: pick(syt, "BN-SYT"), title: `Báo cáo nhanh tiêm chủng (${Date.now()})`,
    kind: "thematic", period: "2026Q3", due_date: "2026-12-31",
    indicators: ["TCDD"], units: { unit_ids: [pick(units, "BN-SDTTG")] },
  } });
  await api("POST", `/report-requests/${request.id}/open`, { token: manager, version: request.version });
  const reporter = await token("sdttg.baocao");
  const list = await api("GET", `/submissions?request_id=${request.id}`, { token: reporter });
  let sub = await api("GET", `/submissions/${list.items[0].id}`, { token: reporter });
  sub = await api("PATCH", `/submissions/${sub.id}`, { token: reporter, version: sub.version, body: {
    sections: [{ key: "I", heading: sub.outline[0].heading, body: "Đã tiêm đủ cho 95 trẻ trong quý." }],
    values: [{ indicator: "TCDD", numerator: "95", denominator: "97" }],
  } });
  await api("POST", `/submissions/${sub.id}/submit`, { token: reporter, version: sub.version });
  return { id: sub.id, reporter };
}

async function signIn(username) {
  const context = await browser.newContext({ locale: "vi-VN" });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on("dialog", (dialog) => { dialogs.push(dialog.message()); void dialog.accept(); });
  await page.goto(`${BASE}/login`);
  await page.getByLabel("Tên đăng nhập").fill(username);
  await page.getByLabel("Mật khẩu").fill("healthplan");
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForURL(`${BASE}/`);
}

test("return, resubmit, compare two versions in words, accept", async () => {
  const { id, reporter } = await filedReport();
  await signIn("syt.thamdinh");
  // From the inbox on the home page.
  await page.getByTestId("home-inbox").locator(`a[href="/submissions/${id}"]`).click();
  await page.getByTestId("status").getByText("Đã nộp").waitFor();
  await page.getByLabel("Lý do trả lại").fill("Bổ sung số trẻ được tiêm chủng đầy đủ.");
  await page.getByRole("button", { name: "Trả lại" }).click();
  await page.getByTestId("done").getByText("Đã trả lại báo cáo cho Sở Dân tộc và Tôn giáo.").waitFor();
  assert.match(dialogs.at(-1), /Trả lại báo cáo của Sở Dân tộc và Tôn giáo/);
  await page.getByTestId("status").getByText("Bị trả lại").waitFor();

  // The unit fixes it and files it again.
  let sub = await api("GET", `/submissions/${id}`, { token: reporter });
  sub = await api("PATCH", `/submissions/${id}`, { token: reporter, version: sub.version, body: {
    sections: [{ key: "I", heading: sub.outline[0].heading, body: "Đã tiêm đủ cho 96 trẻ trong quý, đạt kế hoạch." }],
    values: [{ indicator: "TCDD", numerator: "96", denominator: "98" }],
  } });
  await api("POST", `/submissions/${id}/submit`, { token: reporter, version: sub.version });

  await page.reload();
  await page.getByTestId("status").getByText("Đã nộp").waitFor();
  await page.getByText(/^Lịch sử/).click();
  const compare = page.getByTestId("compare");
  await compare.getByLabel("So sánh phiên bản").selectOption({ index: 1 });
  await compare.getByLabel("với").selectOption({ index: 3 });
  const diff = page.getByTestId("diff");
  await diff.waitFor();
  const text = await diff.innerText();
  assert.match(text, /I\. Công tác lãnh đạo/);
  assert.equal(await diff.locator("del").filter({ hasText: "95" }).count(), 1, text);
  assert.equal(await diff.locator("ins").filter({ hasText: "96" }).count(), 1, text);
  assert.match(text, /Tỷ lệ trẻ dưới 1 tuổi được tiêm chủng đầy đủ — Giá trị\s+97,94\s+97,96/);
  assert.doesNotMatch(text, /\[object Object\]|[0-9a-f]{8}-[0-9a-f]{4}-|sha256|\d\.\d/, text);

  await page.getByRole("button", { name: "Chấp nhận" }).click();
  await page.getByTestId("done").getByText("Đã chấp nhận báo cáo của Sở Dân tộc và Tôn giáo.").waitFor();
  assert.match(dialogs.at(-1), /Chấp nhận báo cáo của Sở Dân tộc và Tôn giáo/);
  await page.getByTestId("status").getByText("Đã chấp nhận").waitFor();
  await page.context().close();
});
