// Properties of the revision view's word diff (src/pages/submission/textDiff.ts), over random
// texts: the kept and removed pieces give the old text back, the kept and added the new one,
// and nothing kept is shown as changed when the texts are equal.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import ts from "typescript";

const source = readFileSync(new URL("../src/pages/submission/textDiff.ts", import.meta.url), "utf8");
const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
const file = join(mkdtempSync(join(tmpdir(), "textdiff-")), "textDiff.mjs");
writeFileSync(file, js.outputText);
const { textDiff } = await import(file);

function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}
const WORDS = ["tiêm", "chủng", "đầy", "đủ", "98", "%", "xã", "Sơn", "Hải", "\n", "đạt"];
function text(r, n) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(WORDS[Math.floor(r() * WORDS.length)]);
  return out.join(r() < 0.5 ? " " : "  ");
}
const join_ = (pieces, kinds) => pieces.filter((p) => kinds.includes(p.kind)).map((p) => p.text).join("");

test("the pieces give back both texts", () => {
  for (let seed = 1; seed <= 400; seed++) {
    const r = rng(seed);
    const before = text(r, Math.floor(r() * 30));
    const after = r() < 0.3 ? before : text(r, Math.floor(r() * 30));
    const pieces = textDiff(before, after, seed % 5 === 0 ? 10 : undefined);
    assert.equal(join_(pieces, ["same", "removed"]), before, `seed ${seed}`);
    assert.equal(join_(pieces, ["same", "added"]), after, `seed ${seed}`);
    if (before === after) assert.ok(pieces.every((p) => p.kind === "same"), `seed ${seed}`);
  }
});

test("a word changed in a sentence is that word, not the sentence", () => {
  assert.deepEqual(textDiff("Tỷ lệ đạt 97 % kế hoạch", "Tỷ lệ đạt 98 % kế hoạch"), [
    { kind: "same", text: "Tỷ lệ đạt " },
    { kind: "removed", text: "97" },
    { kind: "added", text: "98" },
    { kind: "same", text: " % kế hoạch" },
  ]);
});
