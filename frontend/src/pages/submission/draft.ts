// What a person changed in a report and has not yet saved, as entries the autosave sends,
// the local copy keeps, and a refusal (422) points at one by one.
import type { Schemas } from "../../api/client";

export type Submission = Schemas["SubmissionRead"];
export type Update = Schemas["SubmissionUpdate"];
export type Section = Schemas["Section"];
export type TaskResult = Schemas["TaskResultIn"];
export type Value = Schemas["ValueIn"];

/** What changed since the last save: only this goes over the wire (a few KB, not the report). */
export interface Pending {
  fields: Partial<Update>;
  sections: Record<string, Section>;
  tasks: Record<string, TaskResult>;
  values: Record<string, Value>;
}

/** One entry of a Pending: `field:title`, `section:III.4`, `task:<id>`, `value:<code>.<option>`. */
export type EntryKey = string;

/** Why the server refused an entry, and which part of it ("numerator", a row of a list). */
export interface Refusal {
  message: string;
  part: string[];
}

export const empty = (): Pending => ({ fields: {}, sections: {}, tasks: {}, values: {} });

export function keys(p: Pending): EntryKey[] {
  return [
    ...Object.keys(p.fields).map((k) => `field:${k}`),
    ...Object.keys(p.sections).map((k) => `section:${k}`),
    ...Object.keys(p.tasks).map((k) => `task:${k}`),
    ...Object.keys(p.values).map((k) => `value:${k}`),
  ];
}

export const size = (p: Pending) => keys(p).length;

export function merge(older: Pending, newer: Pending): Pending {
  return {
    fields: { ...older.fields, ...newer.fields },
    sections: { ...older.sections, ...newer.sections },
    tasks: { ...older.tasks, ...newer.tasks },
    values: { ...older.values, ...newer.values },
  };
}

const kind = (key: EntryKey) => key.slice(0, key.indexOf(":"));
const name = (key: EntryKey) => key.slice(key.indexOf(":") + 1);

/** Split a Pending into the entries `pick` accepts and the others. */
export function split(p: Pending, pick: (key: EntryKey) => boolean): [Pending, Pending] {
  const yes = empty();
  const no = empty();
  for (const key of keys(p)) {
    const into = pick(key) ? yes : no;
    const n = name(key);
    if (kind(key) === "field") (into.fields as Record<string, unknown>)[n] = (p.fields as Record<string, unknown>)[n];
    if (kind(key) === "section") into.sections[n] = p.sections[n];
    if (kind(key) === "task") into.tasks[n] = p.tasks[n];
    if (kind(key) === "value") into.values[n] = p.values[n];
  }
  return [yes, no];
}

/** The PATCH body, and for each list in it the entry each position came from, so that a
 * refusal at `values[3].numerator` or `sections.0.body` finds its entry again. */
export function toBody(p: Pending): { body: Update; at: Record<string, EntryKey[]> } {
  const body: Update = { ...p.fields };
  const at: Record<string, EntryKey[]> = {};
  if (Object.keys(p.sections).length) {
    body.sections = Object.values(p.sections);
    at.sections = Object.keys(p.sections).map((k) => `section:${k}`);
  }
  if (Object.keys(p.tasks).length) {
    body.task_results = Object.values(p.tasks);
    at.task_results = Object.keys(p.tasks).map((k) => `task:${k}`);
  }
  if (Object.keys(p.values).length) {
    body.values = Object.values(p.values);
    at.values = Object.keys(p.values).map((k) => `value:${k}`);
  }
  return { body, at };
}

/** `values[3].numerator`, `sections.0.body`, `body.title` → ["values", "3", "numerator"] … */
export function path(field: string): string[] {
  const parts = field.split(/[.[\]]+/).filter(Boolean);
  return parts[0] === "body" ? parts.slice(1) : parts;
}

/** The entry a field error points at, or null when it points at none of what was sent. */
export function locate(field: string, body: Update, at: Record<string, EntryKey[]>):
  { key: EntryKey; part: string[] } | null {
  const [head, index, ...rest] = path(field);
  if (!head) return null;
  if (at[head] && index !== undefined && /^\d+$/.test(index)) {
    const key = at[head][Number(index)];
    return key ? { key, part: rest } : null;
  }
  if (head in body && !(head in at)) return { key: `field:${head}`, part: index === undefined ? [] : [index, ...rest] };
  return null;
}

// Until every message comes translated from the server, the few that pydantic words in English.
const BY_CODE: Record<string, string> = {
  string_too_long: "Nội dung quá dài so với giới hạn cho phép.",
  too_long: "Quá nhiều mục.",
  date_from_datetime_parsing: "Ngày không hợp lệ (nhập dạng ngày/tháng/năm).",
  date_parsing: "Ngày không hợp lệ (nhập dạng ngày/tháng/năm).",
  decimal_parsing: "Không phải là số.",
  missing: "Chưa nhập.",
  enum: "Giá trị không nằm trong danh sách cho phép.",
  literal_error: "Giá trị không nằm trong danh sách cho phép.",
};

export function messageVi(message: string, code: string): string {
  // ASCII only is English; Vietnamese always carries a diacritic.
  return /^[\x20-\x7e]*$/.test(message) && BY_CODE[code] ? BY_CODE[code] : message;
}
