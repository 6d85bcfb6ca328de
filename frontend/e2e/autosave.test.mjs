// Nobody loses typed work (issue 20 §1–2): leaving within a second of typing, closing the tab,
// a killed tab, a session that ends mid-edit, a field the server refuses beside others that
// must still save. Each test answers its own fresh report request, so tests share nothing.
// Runs against a live server with the demo data (E2E_BASE_URL); tests/test_browser.py runs it.
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, test } from "node:test";
import { BASE, launch, keepScreenshot } from "./support.mjs";

const REPORTER = "lucngan.baocao";
const SECTION_I = "I. Công tác lãnh đạo, chỉ đạo, tổ chức triển khai";
const SECTION_V = "V. Đề xuất, kiến nghị";

let browser;
let context;
let page;

before(async () => {
  browser = await launch();
});
after(async () => browser?.close());
beforeEach(async () => {
  context = await browser.newContext({ locale: "en-US" }); // the dates must not follow it
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
});
afterEach(async (t) => {
  await keepScreenshot(t, page);
  await context.close();
});

async function token(username) {
  const r = await fetch(`${BASE}/api/v1/auth/token`, {
    method: "POST", body: new URLSearchParams({ username, password: "healthplan" }),
  });
  assert.equal(r.status, 200, await r.clone().text());
  return (await r.json()).access_token;
}

async function call(access, method, path, body, headers = {}) {
  const r = await fetch(`${BASE}${path}`, {
    method, headers: { Authorization: `Bearer ${access}`, "Content-Type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  assert.ok(r.ok, `${method} ${path}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

let serial = 0;
/** A new report request to Lục Ngạn, opened: its draft's page URL and id. */
async function freshDraft() {
  const manager = await token("syt.kehoach");
  const me = await call(manager, "GET", "/api/v1/auth/me");
  const requester = me.user.roles.find((r) => r.role === "plan_manager").org_unit_id;
  const reporter = await token(REPORTER);
  const mine = await call(reporter, "GET", "/api/v1/submissions?limit=5");
  const unit = (mine.items ?? mine)[0].org_unit.id;
  serial += 1;
  const created = await call(manager, "POST", "/api/v1/report-requests", {
    requester_id: requester, title: `Báo cáo thử tự lưu ${process.pid}-${serial}`, kind: "ad_hoc",
    period: "2026Q4", due_date: "2027-01-15", cutoff: false, include_child_plans: true,
    indicators: ["TCDD"], units: { unit_ids: [unit], from_plan_assignments: false },
  });
  await call(manager, "POST", `/api/v1/report-requests/${created.id}/open`, undefined,
    { "If-Match": `"${created.version}"` });
  const drafts = await call(reporter, "GET", `/api/v1/submissions?request_id=${created.id}`);
  const id = (drafts.items ?? drafts)[0].id;
  return { id, url: `${BASE}/submissions/${id}`, read: () => call(reporter, "GET", `/api/v1/submissions/${id}`) };
}

async function signIn(p = page) {
  await p.getByLabel("Tên đăng nhập").fill(REPORTER);
  await p.getByLabel("Mật khẩu").fill("healthplan");
  await p.getByRole("button", { name: "Đăng nhập" }).click();
}

/** Open the draft in a tab with no session: the login, then the draft (the first test holds
 * that the login leads back to it by itself). */
async function openDraft(draft, p = page) {
  await p.goto(draft.url);
  await p.waitForURL(`${BASE}/login`);
  await signIn(p);
  await p.waitForURL((u) => u.pathname !== "/login");
  if (p.url() !== draft.url) await p.goto(draft.url);
  await p.getByLabel(SECTION_V).waitFor();
}

const body = (s, key) => s.sections.find((x) => x.key === key)?.body ?? "";

test("a link opened signed out leads back to it after the login; a wrong password says so", async () => {
  const draft = await freshDraft();
  await page.goto(draft.url);
  await page.waitForURL(`${BASE}/login`);
  await page.getByLabel("Tên đăng nhập").fill(REPORTER);
  await page.getByLabel("Mật khẩu").fill("sai");
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  const alert = page.getByRole("alert");
  await alert.getByText("Sai tên đăng nhập hoặc mật khẩu.").waitFor();
  assert.doesNotMatch(await alert.innerText(), /phiên/i);
  await signIn();
  await page.waitForURL(draft.url);
  await page.getByLabel(SECTION_V).waitFor();
});

test("leaving for another screen within a second of typing saves what was typed", async () => {
  const draft = await freshDraft();
  await openDraft(draft);
  await page.getByLabel(SECTION_I).fill("Đã quán triệt trước khi rời trang.");
  await page.getByRole("link", { name: "Báo cáo", exact: true }).click(); // well inside 1.2 s
  await page.waitForURL(`${BASE}/reports`);
  await assert.doesNotReject(async () => {
    for (let i = 0; i < 40 && body(await draft.read(), "I") === ""; i++) await page.waitForTimeout(250);
  });
  assert.equal(body(await draft.read(), "I"), "Đã quán triệt trước khi rời trang.");
  await page.goBack();
  assert.equal(await page.getByLabel(SECTION_I).inputValue(), "Đã quán triệt trước khi rời trang.");
});

test("closing the tab with unsaved text asks first", async () => {
  const draft = await freshDraft();
  await openDraft(draft);
  await page.route("**/api/v1/submissions/*", (route) =>
    route.request().method() === "PATCH" ? route.abort("internetdisconnected") : route.fallback());
  await page.getByLabel(SECTION_I).click();
  await page.keyboard.type("Chưa lưu");
  const asked = page.waitForEvent("dialog");
  await page.close({ runBeforeUnload: true });
  const dialog = await asked;
  assert.equal(dialog.type(), "beforeunload");
  await dialog.dismiss();
  assert.equal(page.isClosed(), false);
  // The network is down: the bar says so where the person is, and keeps the draft here.
  await page.getByTestId("save-error").getByText(/sẽ thử lại sau \d+ giây/).waitFor();
});

test("a killed tab: what was typed comes back from this computer and is then saved", async () => {
  const draft = await freshDraft();
  await openDraft(draft);
  await page.route("**/api/v1/submissions/*", (route) =>
    route.request().method() === "PATCH" ? route.abort("internetdisconnected") : route.fallback());
  await page.getByLabel(SECTION_V).fill("Đề nghị bổ sung kinh phí (gõ trước khi tab bị tắt).");
  await page.waitForTimeout(300); // less than the autosave's 1.2 s: only the local copy has it
  const cdp = await context.newCDPSession(page);
  const crashed = page.waitForEvent("crash");
  void cdp.send("Page.crash").catch(() => undefined); // answered never: the renderer is gone
  await crashed;
  assert.equal(body(await draft.read(), "V"), "");

  page = await context.newPage(); // a new tab: no session, the same computer
  page.setDefaultTimeout(15_000);
  await openDraft(draft, page);
  await page.getByTestId("restored").waitFor();
  assert.equal(await page.getByLabel(SECTION_V).inputValue(), "Đề nghị bổ sung kinh phí (gõ trước khi tab bị tắt).");
  await page.getByTestId("save-state").getByText(/Đã lưu lúc/).waitFor();
  assert.equal(body(await draft.read(), "V"), "Đề nghị bổ sung kinh phí (gõ trước khi tab bị tắt).");
});

test("a session that ends mid-edit: login, back on the report, the text restored and saved", async () => {
  const draft = await freshDraft();
  await openDraft(draft);
  await page.getByLabel(SECTION_I).fill("Gõ khi phiên đã hết hạn.");
  // Both tokens expired (the refresh token too): the save's 401 cannot be renewed.
  await page.evaluate(() => {
    sessionStorage.setItem("hp.access", "expired");
    sessionStorage.setItem("hp.refresh", "expired");
  });
  await page.waitForURL(`${BASE}/login`);
  await signIn();
  await page.waitForURL(draft.url);
  assert.equal(await page.getByLabel(SECTION_I).inputValue(), "Gõ khi phiên đã hết hạn.");
  await page.getByTestId("save-state").getByText(/Đã lưu lúc/).waitFor();
  assert.equal(body(await draft.read(), "I"), "Gõ khi phiên đã hết hạn.");
});

test("a refused field is marked in place, stops retrying, and the others still save", async () => {
  const draft = await freshDraft();
  await openDraft(draft);
  const patches = [];
  page.on("request", (r) => { if (r.method() === "PATCH") patches.push(r.postDataJSON()); });
  await page.getByLabel(SECTION_V).fill("x".repeat(50_001));
  await page.getByLabel("TCDD Tử số").fill("50\t130");
  await page.getByLabel(SECTION_I).fill("Phần này phải được lưu.");
  const refused = page.getByTestId("refused");
  await refused.getByText(/Tỷ lệ trẻ dưới 1 tuổi được tiêm chủng đầy đủ – Tử số: .*không phải là số/).waitFor();
  await refused.getByText(/V\. Đề xuất, kiến nghị: /).waitFor();
  await page.getByTestId("save-state").getByText(/Đã lưu lúc/).waitFor();
  assert.equal(body(await draft.read(), "I"), "Phần này phải được lưu.");
  // Named by label, in Vietnamese, never by path.
  const bar = await page.getByTestId("savebar").innerText();
  assert.doesNotMatch(bar, /values\[|sections\.|String should/);
  // Marked in place, on the field itself.
  assert.equal(await page.getByLabel(SECTION_V).getAttribute("aria-invalid"), "true");
  assert.equal(await page.getByLabel("TCDD Tử số").getAttribute("aria-invalid"), "true");
  // And no retry loop: nothing more is sent while nothing changes.
  const sent = patches.length;
  assert.ok(sent <= 4, `${sent} saves`);
  await page.waitForTimeout(4000);
  assert.equal(patches.length, sent);
  // The person fixes the cell: it saves, its mark goes; the long section still waits.
  await page.getByLabel("TCDD Tử số").fill("50");
  await page.getByLabel("TCDD Mẫu số").fill("130");
  await page.waitForFunction(() => !document.querySelector('[aria-label="TCDD Tử số"][aria-invalid]'));
  await page.getByTestId("save-state").getByText(/Đã lưu lúc/).waitFor();
  const saved = await draft.read();
  assert.equal(Number(saved.values.find((v) => v.indicator.code === "TCDD").numerator), 50);
  assert.equal(body(saved, "V"), "");
  assert.match(await refused.innerText(), /V\. Đề xuất, kiến nghị/);
  assert.doesNotMatch(await refused.innerText(), /Tử số/);
});

test("dates read and write dd/mm/yyyy whatever the browser's language", async () => {
  const draft = await freshDraft();
  await openDraft(draft);
  const date = page.getByLabel("Ngày báo cáo");
  assert.equal(await date.getAttribute("type"), "text");
  await date.fill("7/12/2026");
  await page.getByTestId("save-state").getByText(/Đã lưu lúc/).waitFor();
  assert.equal((await draft.read()).report_date, "2026-12-07");
  await date.fill("31/02/2026");
  await page.getByText("Ngày không hợp lệ").first().waitFor();
  await page.reload();
  assert.equal(await page.getByLabel("Ngày báo cáo").inputValue(), "07/12/2026");
});

test("an upload shows its progress, can be cancelled, and holds the submit meanwhile", async () => {
  const draft = await freshDraft();
  await openDraft(draft);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions",
    { offline: false, latency: 100, downloadThroughput: 200_000, uploadThroughput: 100_000 });
  await page.getByLabel(/Đính kèm tệp/).setInputFiles({
    name: "Bien ban lon.pdf", mimeType: "application/pdf",
    buffer: Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(3_000_000, 32)]),
  });
  const progress = page.getByTestId("upload-progress");
  await progress.getByText(/Đang tải lên Bien ban lon\.pdf: \d+ %/).waitFor();
  assert.equal(await page.getByRole("button", { name: "Nộp báo cáo" }).isDisabled(), true);
  await progress.getByRole("button", { name: "Hủy tải lên" }).click();
  await page.getByText("Đã hủy tải lên.").waitFor();
  assert.equal(await progress.count(), 0);
  assert.equal(await page.getByRole("button", { name: "Nộp báo cáo" }).isDisabled(), false);
  assert.equal((await draft.read()).attachments.length, 0);
});
