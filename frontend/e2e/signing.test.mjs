// Signed reports in the SPA: the Sở's signer opens a request's compiled report, the Ký số panel
// shows the signing client's command, the demo client (`healthplan sign`, a PKCS#12 file
// playing the USB token) signs with the signer's own login, and the page, waiting, shows
// "Đã ký" and "Hợp lệ"; the signed PDF downloads; the reviewer sees "Hợp lệ" beside it. A
// PDF altered after signing, given to "Kiểm tra chữ ký", shows "Bị sửa sau khi ký". A unit
// whose request wants signed reports is told to sign before it submits, until it has. The
// Sở's seal signs on the server; a second seal of the same content is refused in place.
// Each case makes its own request, so other journeys keep theirs. Needs E2E_SIGNING_DIR (the
// demo CA's tokens, in the server's trust store, and the Sở's seal: tests/test_browser.py).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, afterEach, before, test } from "node:test";
import { BASE, launch, api, token, keepScreenshot } from "./support.mjs";

const SIGNING = process.env.E2E_SIGNING_DIR;
const ROOT = new URL("../..", import.meta.url).pathname;
const run = promisify(execFile);

let browser;
let page;
let signedPdf;

before(async () => {
  assert.ok(SIGNING, "Set E2E_SIGNING_DIR to the demo CA's folder (tests/test_browser.py does)");
  browser = await launch();
});
after(async () => browser?.close());
afterEach(async (t) => {
  await keepScreenshot(t, page);
});

async function signIn(username, permissions = []) {
  const context = await browser.newContext({ locale: "vi-VN", viewport: { width: 1280, height: 900 } });
  if (permissions.length) await context.grantPermissions(permissions, { origin: BASE });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on("dialog", (dialog) => void dialog.accept());
  await page.goto(`${BASE}/login`);
  await page.getByLabel("Tên đăng nhập").fill(username);
  await page.getByLabel("Mật khẩu").fill("healthplan");
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await page.waitForURL(`${BASE}/`);
  return page;
}

/** A request of the Sở to one unit, opened; `signed` asks for signed reports. */
async function newRequest(unitCode, { signed = false } = {}) {
  const manager = await token("syt.kehoach");
  const pick = async (code) => (await api("GET", `/org-units?q=${code}&limit=50`, { token: manager }))
    .items.find((u) => u.code === code).id;
  const request = await api("POST", "/report-requests", { token: manager, body: {
    requester_id: await pick("BN-SYT"), title: `Báo cáo tiêm chủng có ký số (${Date.now()})`,
    kind: "thematic", period: "2026Q3", due_date: "2026-12-31", indicators: ["TCDD"],
    units: { unit_ids: [await pick(unitCode)] }, signed_reports: signed,
  } });
  await api("POST", `/report-requests/${request.id}/open`, { token: manager, version: request.version });
  return { id: request.id, manager };
}

/** The demo signing client, as the person would run the command the page shows: the PKCS#12
 * file in place of the USB token, their own login token. */
async function signWithDemoClient(command, p12, accessToken) {
  const line = command.replace("'<tệp .p12 của bạn>'", join(SIGNING, p12))
    .replace("'<mã đăng nhập của bạn>'", accessToken);
  const [program, ...args] = line.trim().split(/\s+/);
  assert.equal(`${program} ${args[0]}`, "healthplan sign");
  const done = await run(join(ROOT, ".venv/bin/healthplan"), args, {
    cwd: ROOT, env: { ...process.env, HEALTHPLAN_P12_PASSWORD: "healthplan", COLUMNS: "200" }, timeout: 120_000,
  });
  return done.stdout + done.stderr;
}

/** An offset in the middle of the first long stream: a change there keeps the file readable. */
function insideAStream(pdf) {
  let at = 0;
  for (;;) {
    const start = pdf.indexOf("stream\n", at) + "stream\n".length;
    const end = pdf.indexOf("endstream", start);
    if (end - start > 400) return start + Math.floor((end - start) / 2);
    at = end;
  }
}

test("the Sở's signer signs the compiled report with the token; the reviewer sees it valid", async () => {
  const { id, manager } = await newRequest("BN-SDTTG");
  // The officer names the signer on the compiled report's signer block (KT. by default).
  const compiled = await api("GET", `/report-requests/${id}/compilation`, { token: manager });
  await api("PATCH", `/report-requests/${id}/compilation`, { token: manager, version: compiled.version,
    body: { signer_name: "Nguyễn Văn Hùng" } });

  await signIn("syt.pgd", ["clipboard-read", "clipboard-write"]);
  await page.goto(`${BASE}/report-requests/${id}`);
  const panel = page.getByTestId("signing-panel");
  await panel.getByTestId("no-versions").waitFor();
  assert.equal(await panel.getByTestId("name-mismatch").count(), 0);
  await panel.getByRole("button", { name: "Ký số bản hiện tại" }).click();
  const shown = await panel.getByTestId("sign-command").textContent();
  assert.ok(shown.includes(`--server ${BASE} --compilation ${id} `), shown);
  assert.ok(!shown.includes("eyJ"), "the login token is not on the screen");
  // The copied command carries the signer's own login; the one shown does not.
  await panel.getByRole("button", { name: "Sao chép lệnh" }).click();
  await panel.getByText("Đã sao chép lệnh.").waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  const access = await page.evaluate(() => sessionStorage.getItem("hp.access"));
  assert.ok(access && copied.endsWith(`--token ${access}`), copied);
  await panel.getByText(/Đang chờ chữ ký/).waitFor();
  mkdirSync("e2e/artifacts", { recursive: true });
  await panel.screenshot({ path: "e2e/artifacts/signing-waiting.png" });

  const said = await signWithDemoClient(shown, "syt.pgd.p12", access);
  assert.match(said, /Đã ký phiên bản 1/);
  // The page was waiting: it shows the signature without a reload.
  const signed = panel.getByTestId("signed");
  await signed.getByText("Đã ký phiên bản 1.").waitFor({ timeout: 30_000 });
  await signed.getByTestId("signature-status").getByText("Hợp lệ").waitFor();
  await signed.getByText("Nguyễn Văn Hùng", { exact: true }).waitFor();
  assert.match(await signed.textContent(), /KT\. · \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
  const row = panel.getByTestId("version-1");
  await row.getByTestId("signature-status").getByText("Hợp lệ").waitFor();
  await row.getByText("KT. Nguyễn Văn Hùng").waitFor();
  // Details on demand: the certificate and what the checker found.
  await row.getByText("Chi tiết").click();
  await row.getByText(/Common Name: Nguyễn Văn Hùng/).waitFor();
  await panel.screenshot({ path: "e2e/artifacts/signing-panel.png" });

  const [download] = await Promise.all([page.waitForEvent("download"), panel.getByTestId("download-signed").click()]);
  assert.match(download.suggestedFilename(), /-v1-da-ky\.pdf$/);
  signedPdf = readFileSync(await download.path());
  assert.equal(signedPdf.subarray(0, 5).toString("latin1"), "%PDF-");
  assert.ok(signedPdf.includes("/ByteRange"), "a signed PDF has its /ByteRange");

  // The reviewer, on the same request, sees the signed version valid beside the file.
  await page.context().close();
  await signIn("syt.thamdinh");
  await page.goto(`${BASE}/report-requests/${id}`);
  const theirs = page.getByTestId("signing-panel").getByTestId("version-1");
  await theirs.getByTestId("signature-status").getByText("Hợp lệ").waitFor();
  await theirs.getByText("Nguyễn Văn Hùng", { exact: true }).waitFor();
  // Not a signer: no signing steps offered.
  assert.equal(await page.getByRole("button", { name: "Ký số bản hiện tại" }).count(), 0);
  await page.context().close();
});

test("Kiểm tra chữ ký: a PDF altered after signing shows “Bị sửa sau khi ký”", async () => {
  assert.ok(signedPdf, "the signing journey gives the signed PDF");
  const altered = Buffer.from(signedPdf);
  altered[insideAStream(altered.toString("latin1"))] ^= 1;
  mkdirSync("e2e/artifacts", { recursive: true });
  writeFileSync("e2e/artifacts/da-ky.pdf", signedPdf);
  writeFileSync("e2e/artifacts/bi-sua.pdf", altered);

  await signIn("syt.thamdinh");
  await page.getByRole("link", { name: "Kiểm tra chữ ký", exact: true }).click();
  await page.getByRole("heading", { name: "Kiểm tra chữ ký" }).waitFor();
  const result = page.getByTestId("verify-result");
  await page.getByLabel("Tệp PDF").setInputFiles("e2e/artifacts/da-ky.pdf");
  await result.getByRole("heading", { name: "da-ky.pdf" }).waitFor();
  await result.getByTestId("signature-status").getByText("Hợp lệ").waitFor();
  await page.getByLabel("Tệp PDF").setInputFiles("e2e/artifacts/bi-sua.pdf");
  await result.getByRole("heading", { name: "bi-sua.pdf" }).waitFor();
  await result.getByTestId("signature-status").getByText("Bị sửa sau khi ký").waitFor();
  await result.getByText("Nguyễn Văn Hùng", { exact: true }).waitFor();
  await page.screenshot({ path: "e2e/artifacts/signing-verify.png" });
  await page.context().close();
});

test("a unit that must sign is told so by the submit button until its signer has signed", async () => {
  const { id: requestId } = await newRequest("BN-SONHAI", { signed: true });
  const reporter = await token("sonhai.baocao");
  const list = await api("GET", `/submissions?request_id=${requestId}`, { token: reporter });
  let sub = await api("GET", `/submissions/${list.items[0].id}`, { token: reporter });
  sub = await api("PATCH", `/submissions/${sub.id}`, { token: reporter, version: sub.version, body: {
    sections: [{ key: "I", heading: sub.outline[0].heading, body: "Đã tiêm đủ cho 95 trẻ trong quý." }],
    signer_mode: "TM", signer_name: "Nguyễn Văn Hải", signer_position: "Phó Chủ tịch",
  } });

  await signIn("sonhai.baocao");
  await page.goto(`${BASE}/submissions/${sub.id}`);
  await page.getByTestId("sign-first").getByText("Cần ký số bản hiện tại (mục Ký số) trước khi nộp.").waitFor();
  const item = page.getByTestId("checklist").locator("li", { hasText: "Ký số bản hiện tại" });
  assert.equal(await item.getAttribute("class"), "todo");
  // A signed letter attached to the report: checked on arrival, its status beside it.
  await page.getByLabel("Đính kèm tệp").setInputFiles("e2e/artifacts/da-ky.pdf");
  const attached = page.getByTestId("attachments").locator("li", { hasText: "da-ky.pdf" });
  await attached.getByTestId("signature-status").getByText("Hợp lệ").waitFor();
  await attached.getByText("Nguyễn Văn Hùng", { exact: true }).waitFor();
  await attached.screenshot({ path: "e2e/artifacts/signing-attachment.png" });
  // The reporter is no signer: the panel lists the versions, offers no signing.
  await page.getByTestId("signing-panel").getByTestId("no-versions").waitFor();
  assert.equal(await page.getByRole("button", { name: "Ký số bản hiện tại" }).count(), 0);

  // The commune's signer signs the report as it stands (their own page, the same command).
  const signer = await token("sonhai.pct");
  const said = await signWithDemoClient(
    `healthplan sign --server ${BASE} --submission ${sub.id} --p12 '<tệp .p12 của bạn>' --token '<mã đăng nhập của bạn>'`,
    "sonhai.pct.p12", signer);
  assert.match(said, /Đã ký phiên bản 1/);

  await page.reload();
  await page.getByTestId("signing-panel").getByTestId("version-1").getByTestId("signature-status").getByText("Hợp lệ").waitFor();
  await page.getByTestId("checklist").locator("li.ok", { hasText: "Ký số bản hiện tại" }).waitFor();
  assert.equal(await page.getByTestId("sign-first").count(), 0);
  await page.getByRole("button", { name: "Nộp báo cáo" }).click();
  await page.getByTestId("status").getByText("Đã nộp").waitFor();
  await page.context().close();
});

test("the Sở seals its compiled report on the server; a second seal is refused where it was asked", async () => {
  const { id } = await newRequest("BN-SDTTG");
  await signIn("syt.pgd");
  await page.goto(`${BASE}/report-requests/${id}`);
  const panel = page.getByTestId("signing-panel");
  await panel.getByTestId("no-versions").waitFor();
  await panel.getByRole("button", { name: "Đóng dấu của đơn vị" }).click();
  await panel.getByText("Đã đóng dấu số của đơn vị vào phiên bản 1.").waitFor();
  const row = panel.getByTestId("version-1");
  await row.getByTestId("signature-status").getByText("Hợp lệ").waitFor();
  await row.getByText("Sở Y tế tỉnh Bắc Ninh", { exact: true }).waitFor();
  // Signed is frozen: sealing the same content again is a 409, said under the button.
  await panel.getByRole("button", { name: "Đóng dấu của đơn vị" }).click();
  await panel.getByTestId("error").getByText("Phiên bản 1 đã được ký.").waitFor();
  assert.equal(await panel.getByText("Đã đóng dấu số của đơn vị").count(), 0);
  await panel.screenshot({ path: "e2e/artifacts/signing-seal.png" });
  await page.context().close();
});
