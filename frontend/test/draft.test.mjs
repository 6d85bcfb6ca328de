// Properties of the autosave's bookkeeping (src/pages/submission/draft.ts), over random
// drafts: nothing typed is dropped by splitting off refused entries and merging back, what
// was typed since a failed save wins over what that save carried, and every position of a
// PATCH body leads back to the entry it came from (so a 422 marks the right field).
// A seeded generator, no dependency: `npm run test:unit` (tests/test_spa_units.py runs it).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import ts from "typescript";

const source = readFileSync(new URL("../src/pages/submission/draft.ts", import.meta.url), "utf8");
const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
const file = join(mkdtempSync(join(tmpdir(), "draft-")), "draft.mjs");
writeFileSync(file, js.outputText);
const d = await import(file);

function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function randomDraft(r) {
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const text = () => pick(["", "a", "Đã quán triệt", "50\t130", "x".repeat(Math.floor(r() * 50)), "38,46"]);
  const p = d.empty();
  const n = Math.floor(r() * 12);
  for (let i = 0; i < n; i++) {
    const kind = pick(["field", "section", "task", "value"]);
    if (kind === "field") p.fields[pick(["title", "place", "report_date", "recipients", "issued_documents"])] = text();
    if (kind === "section") { const key = pick(["I", "II", "III.1", "III.4", "V"]); p.sections[key] = { key, heading: key, body: text() }; }
    if (kind === "task") { const id = `t${Math.floor(r() * 30)}`; p.tasks[id] = { task_id: id, status: "done", result: text() }; }
    if (kind === "value") { const k = `${pick(["TCDD", "BHYT", "KCB"])}.default`; p.values[k] = { indicator: k.split(".")[0], numerator: text() }; }
  }
  return p;
}

const entry = (p, key) => {
  const [kind, name] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
  return { field: p.fields, section: p.sections, task: p.tasks, value: p.values }[kind][name];
};

test("splitting off refused entries and merging back loses and adds nothing", () => {
  for (let seed = 1; seed <= 300; seed++) {
    const r = rng(seed);
    const p = randomDraft(r);
    const refused = new Set(d.keys(p).filter(() => r() < 0.4));
    const [sending, waiting] = d.split(p, (k) => !refused.has(k));
    const waitingKeys = new Set(d.keys(waiting));
    for (const k of d.keys(sending)) assert.ok(!waitingKeys.has(k), `seed ${seed}: ${k} on both sides`);
    for (const k of d.keys(sending)) assert.ok(!refused.has(k));
    for (const k of d.keys(waiting)) assert.ok(refused.has(k));
    const back = d.merge(sending, waiting);
    assert.deepEqual(new Set(d.keys(back)), new Set(d.keys(p)), `seed ${seed}`);
    for (const k of d.keys(p)) assert.deepEqual(entry(back, k), entry(p, k), `seed ${seed} ${k}`);
  }
});

test("after a failed save, what was typed since wins over what the save carried", () => {
  for (let seed = 1; seed <= 300; seed++) {
    const r = rng(seed);
    const sent = randomDraft(r);
    const typedSince = randomDraft(r);
    const after = d.merge(sent, typedSince);
    for (const k of d.keys(typedSince)) assert.deepEqual(entry(after, k), entry(typedSince, k), `seed ${seed} ${k}`);
    for (const k of d.keys(sent)) assert.ok(d.keys(after).includes(k), `seed ${seed}: ${k} lost`);
  }
});

test("every position of the PATCH body leads back to its entry, in both path spellings", () => {
  const lists = { sections: "section", task_results: "task", values: "value" };
  for (let seed = 1; seed <= 300; seed++) {
    const p = randomDraft(rng(seed));
    const { body, at } = d.toBody(p);
    for (const [list, kind] of Object.entries(lists)) {
      (body[list] ?? []).forEach((item, i) => {
        for (const field of [`${list}[${i}].numerator`, `${list}.${i}.body`, `body.${list}.${i}`]) {
          const found = d.locate(field, body, at);
          assert.ok(found, `seed ${seed} ${field}`);
          assert.ok(found.key.startsWith(`${kind}:`), `seed ${seed} ${field} → ${found.key}`);
          assert.deepEqual(entry(p, found.key), item, `seed ${seed} ${field}`);
        }
      });
      assert.equal(d.locate(`${list}[${(body[list] ?? []).length}].x`, body, at), null, `seed ${seed}`);
    }
    for (const name of Object.keys(p.fields)) {
      assert.equal(d.locate(name, body, at)?.key, `field:${name}`);
      assert.deepEqual(d.locate(`${name}.2.title`, body, at)?.part, ["2", "title"]);
    }
    assert.equal(d.locate("nonexistent_field", body, at), null);
  }
});

test("English from pydantic gets its Vietnamese by code; Vietnamese stays as the server wrote it", () => {
  assert.equal(d.messageVi("String should have at most 50000 characters", "string_too_long"),
    "Nội dung quá dài so với giới hạn cho phép.");
  assert.equal(d.messageVi("'50\t130' không phải là số (ví dụ: 38,46).", "not_a_number"),
    "'50\t130' không phải là số (ví dụ: 38,46).");
  assert.equal(d.messageVi("Tối đa 50.000 ký tự", "string_too_long"), "Tối đa 50.000 ký tự");
});
