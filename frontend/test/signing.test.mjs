// The signing screens' pure helpers (src/signing/verdict.ts): every verification result has
// its Vietnamese badge and the worst of several wins, the signer's name comes out of a
// certificate subject, times read dd/mm/yyyy HH:mm in Vietnam, the page notices the signature
// it waits for and nothing else, and the signing client's command is one a shell runs as is.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import ts from "typescript";

const dir = mkdtempSync(join(tmpdir(), "signing-"));
const build = (path, out, rewrite = (x) => x) => {
  const source = readFileSync(new URL(path, import.meta.url), "utf8");
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  writeFileSync(join(dir, out), rewrite(js.outputText));
};
build("../src/i18n/vi.signing.ts", "vi.signing.mjs");
build("../src/signing/verdict.ts", "verdict.mjs", (js) => js.replace('"../i18n/vi.signing"', '"./vi.signing.mjs"'));
const v = await import(join(dir, "verdict.mjs"));

const RESULTS = ["valid", "altered", "untrusted", "expired", "revocation_unknown"];

test("each verification result has its Vietnamese label and tone", () => {
  assert.deepEqual(RESULTS.map(v.label), ["Hợp lệ", "Bị sửa sau khi ký", "Không tin cậy", "Chứng thư hết hạn", "Chưa rõ thu hồi"]);
  assert.equal(v.label("unsigned"), "Chưa ký");
  assert.deepEqual(RESULTS.map(v.tone), ["ok", "bad", "bad", "bad", "warn"]);
  for (const r of RESULTS) assert.equal(v.label(r), v.label(r).normalize("NFC"));
});

test("a file is as good as its worst signature, whatever their order", () => {
  let seed = 7;
  const r = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const rank = ["altered", "untrusted", "expired", "revocation_unknown", "valid"];
  for (let i = 0; i < 300; i++) {
    const picked = Array.from({ length: 1 + Math.floor(r() * 4) }, () => RESULTS[Math.floor(r() * 5)]);
    const expected = rank.find((x) => picked.includes(x));
    assert.equal(v.worst(picked), expected, picked.join(","));
    assert.equal(v.worst([...picked].reverse()), expected);
  }
  assert.equal(v.worst([]), "unsigned");
});

test("the signer's name, mode and time as a person reads them", () => {
  assert.equal(v.commonName("Common Name: Nguyễn Văn Hùng, Organization: Sở Y tế tỉnh Bắc Ninh, Country: VN"), "Nguyễn Văn Hùng");
  assert.equal(v.commonName("Country: VN, Common Name: UBND xã Sơn Hải"), "UBND xã Sơn Hải");
  assert.equal(v.commonName("Nguyễn Văn Hải"), "Nguyễn Văn Hải");
  assert.equal(v.commonName(null), null);
  assert.deepEqual(["KT", "TL.", "TM", "", null].map(v.modeShort), ["KT.", "TL.", "TM.", "", ""]);
  // 07:05 UTC is 14:05 in Hà Nội; the day turns at 17:00 UTC.
  assert.equal(v.dateTimeVi("2026-12-07T07:05:09Z"), "07/12/2026 14:05");
  assert.equal(v.dateTimeVi("2026-12-31T17:30:00+00:00"), "01/01/2027 00:30");
  assert.equal(v.dateTimeVi(null), "");
  const shown = v.fromVersion({ signer_mode: "KT", certificate_subject: "Common Name: Nguyễn Văn Hùng",
    certificate_issuer: "Common Name: CA", certificate_serial: "1F", signing_time: "2026-12-07T07:05:00Z",
    verification: "valid", verification_detail: "ok", checked_at: "2026-12-07T07:05:01Z" });
  assert.equal(v.summary(shown), "Hợp lệ · Nguyễn Văn Hùng · KT. · 07/12/2026 14:05");
  assert.equal(v.summary(v.fromFile({ result: "altered", detail: "x" })), "Bị sửa sau khi ký");
  // The PAdES level travels to the details, from a version and from a received file alike.
  assert.equal(v.fromVersion({ ...shown, verification: "valid", level: "B-LTA" }).level, "B-LTA");
  assert.equal(v.fromFile({ result: "valid", detail: "", level: "B-T" }).level, "B-T");
  assert.equal(shown.level, null);
});

test("names compare as the server compares them", () => {
  assert.ok(v.sameName("Nguyễn Văn Hùng", "  nguyen  van HUNG "));
  assert.ok(v.sameName("Đỗ Quang Huy", "do quang huy"));
  assert.ok(v.sameName("Nguyễn Văn Hùng".normalize("NFD"), "Nguyễn Văn Hùng"));
  assert.ok(!v.sameName("Nguyễn Văn Hùng", "Nguyễn Văn Hải"));
  assert.ok(!v.sameName(null, "Nguyễn Văn Hùng"));
});

test("the page notices the signature it waits for, and only that", () => {
  const doc = (id, signed, n = signed ? 1 : 0) => ({ id, version: Number(id), signed, signatures: Array(n).fill({}) });
  assert.equal(v.newlySigned([], []), null);
  assert.equal(v.newlySigned([doc("1", true)], [doc("1", true)]), null);
  assert.equal(v.newlySigned([doc("1", true)], [doc("1", true), doc("2", false)]), null);
  assert.equal(v.newlySigned([doc("1", true)], [doc("1", true), doc("2", true)])?.id, "2");
  assert.equal(v.newlySigned([doc("1", false)], [doc("1", true)])?.id, "1");
  assert.equal(v.newlySigned([], [doc("1", true)])?.id, "1");
  assert.equal(v.newlySigned([doc("1", true)], [doc("1", true, 2)])?.id, "1");
});

test("signed as it stands: the newest version, signed after the last save", () => {
  const at = "2026-12-07T07:00:00Z";
  assert.equal(v.signedAsItStands([], at), false);
  assert.equal(v.signedAsItStands([{ signed: true, signed_at: "2026-12-07T07:01:00Z" }], at), true);
  assert.equal(v.signedAsItStands([{ signed: true, signed_at: "2026-12-07T06:59:00Z" }], at), false);
  assert.equal(v.signedAsItStands([{ signed: true, signed_at: "2026-12-07T07:01:00Z" }, { signed: false, signed_at: null }], at), false);
});

test("the signing client's command runs in a shell as shown", () => {
  const cmd = v.signCommand({ server: "https://baocao.soyte.vn/", type: "compilation", id: "3f2a", p12: "<tệp .p12 của bạn>", token: "ab.c-d_e" });
  assert.equal(cmd, "healthplan sign --server https://baocao.soyte.vn --compilation 3f2a --p12 '<tệp .p12 của bạn>' --token ab.c-d_e");
  assert.match(v.signCommand({ server: "http://x", type: "submission", id: "1", p12: "it's.p12", token: "t" }),
    /--submission 1 --p12 'it'\\''s.p12' --token t$/);
});
