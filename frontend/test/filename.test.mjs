// Downloads are named as the server names them (Content-Disposition), the Vietnamese name
// when it is given, never a path or an empty name.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import ts from "typescript";

const dir = mkdtempSync(join(tmpdir(), "filename-"));
const source = readFileSync(new URL("../src/api/filename.ts", import.meta.url), "utf8");
const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
writeFileSync(join(dir, "filename.mjs"), js.outputText);
const { dispositionName } = await import(join(dir, "filename.mjs"));

test("the UTF-8 name wins over the ASCII one", () => {
  const header = `attachment; filename="BC-315-SYT-2026.docx"; filename*=UTF-8''${encodeURIComponent("Báo cáo tổng hợp số 315-BC-SYT năm 2026.docx")}`;
  assert.equal(dispositionName(header, "x.docx"), "Báo cáo tổng hợp số 315-BC-SYT năm 2026.docx");
});

test("a plain name, quoted or not", () => {
  assert.equal(dispositionName('attachment; filename="don-vi.csv"', "x"), "don-vi.csv");
  assert.equal(dispositionName("attachment; filename=chi-so.xlsx", "x"), "chi-so.xlsx");
  assert.equal(dispositionName('attachment; filename="a \\"b\\".pdf"', "x"), "a _b_.pdf");
});

test("no header, no name, or a broken encoding falls back", () => {
  assert.equal(dispositionName(null, "bao-cao.pdf"), "bao-cao.pdf");
  assert.equal(dispositionName("attachment", "bao-cao.pdf"), "bao-cao.pdf");
  assert.equal(dispositionName("attachment; filename*=UTF-8''%E0%A4%A", "bao-cao.pdf"), "bao-cao.pdf");
  assert.equal(dispositionName("attachment; filename*=UTF-8''%E0%A4%A; filename=\"ok.pdf\"", "x"), "ok.pdf");
});

test("never a path: separators and leading dots are replaced", () => {
  assert.equal(dispositionName('attachment; filename="../../etc/passwd"', "x"), "_.._etc_passwd");
  assert.equal(dispositionName(`attachment; filename*=UTF-8''${encodeURIComponent("a/b\\c.pdf")}`, "x"), "a_b_c.pdf");
  assert.equal(dispositionName('attachment; filename="..."', "fallback.pdf"), "fallback.pdf");
});

test("a decomposed Vietnamese name comes out composed (NFC)", () => {
  const nfd = "Báo cáo.pdf".normalize("NFD");
  assert.equal(dispositionName(`attachment; filename*=UTF-8''${encodeURIComponent(nfd)}`, "x"), "Báo cáo.pdf");
});
