// The report form's number reading and spreadsheet paste (src/pages/submission/cells.ts).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import ts from "typescript";

const source = readFileSync(new URL("../src/pages/submission/cells.ts", import.meta.url), "utf8");
const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
const file = join(mkdtempSync(join(tmpdir(), "cells-")), "cells.mjs");
writeFileSync(file, js.outputText);
const { parseNumberVi, computed, pastedGrid } = await import(file);

test("numbers as people type them", () => {
  for (const [text, n] of [["38,46", 38.46], ["20.967.784.175", 20967784175], ["1.234,5", 1234.5],
    ["97.5", 97.5], [" 130 ", 130], ["-2", -2], ["0", 0]]) assert.equal(parseNumberVi(text), n, text);
  for (const text of ["", "abc", "50\t130", "1,2,3", "1,234.5", "1.2.3"]) assert.equal(parseNumberVi(text), null, text);
});

test("every Vietnamese-formatted number reads back as itself", () => {
  const vi = new Intl.NumberFormat("vi-VN", { maximumFractionDigits: 2 });
  for (let i = 0; i < 2000; i++) {
    const n = Math.round((Math.random() * 10 ** (1 + (i % 12))) * 100) / 100;
    assert.equal(parseNumberVi(vi.format(n)), n, vi.format(n));
  }
});

test("the value computed while typing", () => {
  assert.equal(computed("50", "130", 100).toFixed(2), "38.46");
  assert.equal(computed("50", "0", 100), null);
  assert.equal(computed("50", "", 100), null);
});

test("Excel rows split into cells", () => {
  assert.deepEqual(pastedGrid("50\t130\r\n12\t40\r\n"), [["50", "130"], ["12", "40"]]);
  assert.equal(pastedGrid("908\n"), null);
  assert.equal(pastedGrid("38,46"), null);
  assert.deepEqual(pastedGrid("1\n2"), [["1"], ["2"]]);
});
