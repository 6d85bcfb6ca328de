// A 390 px phone: a one-line header, no blank block above a short page, nothing wider than
// the screen but a table scrolling in its own box, number inputs wide enough to read, rows
// pasted from Excel split into cells, and a ratio's value shown while typing.
// Its own request and report (BN-SDTTG), so other journeys keep theirs.
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
  const context = await browser.newContext({ locale: "vi-VN", viewport: { width: 390, height: 844 }, hasTouch: true });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${BASE}/login`);
  await page.getByLabel("Tên đăng nhập").fill(username);
  await page.getByLabel("Mật khẩu").fill("healthplan");
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForURL(`${BASE}/`);
}

const pageWidth = () => page.evaluate(() => document.documentElement.scrollWidth);

test("a short page on a phone: one-line header, the page right under the menu", async () => {
  await signIn("bn.xem");
  await page.getByRole("link", { name: "Thông báo" }).click();
  await page.getByRole("heading", { name: "Thông báo" }).waitFor();
  const header = await page.locator(".topbar").boundingBox();
  assert.ok(header.height <= 48, `header ${header.height}px`);
  const title = await page.getByRole("heading", { name: "Thông báo" }).boundingBox();
  assert.ok(title.y < 130, `the page starts ${title.y}px down`);
  assert.ok((await pageWidth()) <= 390, `page ${await pageWidth()}px wide`);
  // The menu is a strip: every item reachable, none pushing the page wider.
  await page.getByRole("link", { name: "Kiểm tra chữ ký" }).scrollIntoViewIfNeeded();
  assert.ok((await pageWidth()) <= 390);
});

test("a report on a phone: pasted Excel rows split into cells, the value shown while typing", async () => {
  const manager = await token("syt.kehoach");
  const find = async (code) => (await api("GET", `/org-units?q=${code}&limit=50`, { token: manager })).items.find((u) => u.code === code).id;
  const request = await api("POST", "/report-requests", { token: manager, body: {
    requester_id: await find("BN-SYT"), title: `Báo cáo tiêm chủng trên điện thoại (${Date.now()})`,
    kind: "thematic", period: "2026Q3", due_date: "2026-12-31",
    indicators: ["TCDD", "TCAT"], units: { unit_ids: [await find("BN-SDTTG")] },
  } });
  await api("POST", `/report-requests/${request.id}/open`, { token: manager, version: request.version });
  const reporter = await token("sdttg.baocao");
  const [sub] = (await api("GET", `/submissions?request_id=${request.id}`, { token: reporter })).items;

  await signIn("sdttg.baocao");
  await page.goto(`${BASE}/submissions/${sub.id}`);
  const numerator = page.getByLabel("TCDD Tử số");
  await numerator.waitFor();
  assert.ok((await pageWidth()) <= 390, `page ${await pageWidth()}px wide`);
  const box = await numerator.boundingBox();
  assert.ok(box.width >= 96, `a number input ${box.width}px wide`);

  // Typed: the value as the server will compute it, before any save.
  await numerator.fill("50");
  await page.getByLabel("TCDD Mẫu số").fill("130");
  await page.getByTestId("computed-TCDD").getByText("38,46").waitFor();

  // Two rows of two cells copied from Excel, pasted into the first cell.
  await numerator.evaluate((el) => {
    const data = new DataTransfer();
    data.setData("text/plain", "95\t97\r\n1.200\t1.250\r\n");
    el.focus();
    el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  });
  assert.equal(await numerator.inputValue(), "95");
  assert.equal(await page.getByLabel("TCDD Mẫu số").inputValue(), "97");
  assert.equal(await page.getByLabel("TCAT Tử số").inputValue(), "1.200");
  assert.equal(await page.getByLabel("TCAT Mẫu số").inputValue(), "1.250");
  await page.getByTestId("computed-TCDD").getByText("97,94").waitFor();
  await page.getByTestId("computed-TCAT").getByText("96").waitFor();
  await page.getByTestId("save-state").getByText(/Đã lưu lúc/).waitFor();
  const saved = await api("GET", `/submissions/${sub.id}`, { token: reporter });
  const values = Object.fromEntries(saved.values.map((v) => [v.indicator.code, v]));
  assert.equal(Number(values.TCDD.numerator), 95);
  assert.equal(Number(values.TCAT.denominator), 1250);
  assert.equal(Number(values.TCAT.value), 96);
  // After the save the page still shows what was typed, and a second edit of one cell keeps
  // the other (the page's copy of the report is not read again after each save).
  await page.getByTestId("computed-TCDD").getByText("97,94").waitFor();
  await page.getByLabel("TCDD Mẫu số").fill("100");
  await page.getByTestId("computed-TCDD").getByText("95").waitFor();
  let tcdd;
  for (let i = 0; i < 50; i++) {
    const again = await api("GET", `/submissions/${sub.id}`, { token: reporter });
    tcdd = again.values.find((v) => v.indicator.code === "TCDD");
    if (Number(tcdd.denominator) === 100) break;
    await page.waitForTimeout(200);
  }
  assert.equal(Number(tcdd.numerator), 95);
  assert.equal(Number(tcdd.denominator), 100);
});
