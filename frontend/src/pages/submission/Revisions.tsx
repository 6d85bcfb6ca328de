// The report's history: who did what when, and what changed between any two versions, told
// as a person reads the report: section titles with the words added and removed, indicators by
// name in Vietnamese notation (97,98, not 97.97619), tasks by number and title, files by name.
import { useQuery } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { api, type Schemas, unwrap } from "../../api/client";
import { dateVi, numberVi } from "../../format";
import { t } from "../../i18n/vi";
import type { Submission } from "./draft";
import { textDiff } from "./textDiff";

type Change = Schemas["Change"];
interface Row { key: string; label: string; before: ReactNode; after: ReactNode; text?: [string, string] }

const FIELDS: Record<string, string> = {
  doc_number: t.submission.number, doc_symbol: t.submission.symbol, place: t.submission.place,
  report_date: t.submission.date, title: t.submission.docTitle,
  issued_documents: t.submission.documents, links: t.submission.links, recipients: t.submission.recipientsShort,
};
const SIGNER: Record<string, string> = {
  mode: t.submission.signerMode, authority: t.submission.signerAuthority,
  position: t.submission.signerPosition, name: t.submission.signerName,
};
const VALUE_PARTS: Record<string, string> = {
  numerator: t.submission.numerator, denominator: t.submission.denominator,
  value: t.submission.value, comment: t.submission.note,
};
const TASK_PARTS: Record<string, string> = {
  result: t.submission.result, status: t.submission.taskStatus, note: t.submission.note, outputs: t.submission.outputs,
};

const EMPTY = "—";

/** Any stored value as words: a list item per line, an object by its fields, never "[object Object]". */
export function plain(value: unknown): string {
  if (value === null || value === undefined || value === "") return EMPTY;
  if (Array.isArray(value)) return value.length ? value.map(plain).join("\n") : EMPTY;
  if (typeof value === "object") {
    const o = value as Record<string, unknown>;
    if ("title" in o || "reference" in o) {
      return [o.reference, o.issued_on ? dateVi(String(o.issued_on)) : null, o.title].filter(Boolean).join(" · ");
    }
    if ("label" in o) return [o.label, o.value !== null && o.value !== undefined ? numberVi(String(o.value), 6) : null, o.unit].filter(Boolean).join(" ");
    if ("name" in o && "url" in o) return `${o.name} (${o.url})`;
    return Object.values(o).map(plain).filter((x) => x !== EMPTY).join(" · ") || EMPTY;
  }
  return String(value);
}

const num = (v: unknown, decimals = 6) =>
  (v === null || v === undefined ? EMPTY : /^-?\d+(\.\d+)?$/.test(String(v)) ? numberVi(String(v), decimals) : String(v));

/** The API's field-level changes as rows a person reads. */
export function readable(changes: Change[], s: Submission): Row[] {
  const rows: Row[] = [];
  const files = new Map<string, { before: Record<string, unknown>; after: Record<string, unknown> }>();
  const sectionTitle = (key: string) =>
    s.outline.find((o) => o.key === key)?.heading ?? s.sections.find((x) => x.key === key)?.heading ?? "";
  for (const c of changes) {
    const parts = c.path.split(".");
    const [head] = parts;
    if (head === "sections") {
      const field = parts[parts.length - 1];
      const key = parts.slice(1, -1).join(".");
      const label = `${key}. ${sectionTitle(key)}`;
      if (field === "body") rows.push({ key: c.path, label, before: null, after: null, text: [String(c.before ?? ""), String(c.after ?? "")] });
      // A section added or removed is told by its text; only a renamed one by its title.
      else if (c.before && c.after) rows.push({ key: c.path, label: `${label} (${t.submission.heading})`, before: plain(c.before), after: plain(c.after) });
    } else if (head === "values") {
      const field = parts[parts.length - 1];
      const key = parts.slice(1, -1).join(".");
      const [code, ...option] = key.split(".");
      const v = s.values.find((x) => x.indicator.code === code);
      const name = `${v?.indicator.name ?? code}${option.length ? ` (${option.join(".")})` : ""}`;
      // A computed value as the indicator shows it (97,98), the numbers typed as typed.
      const decimals = field === "value" && v?.indicator.numerator_label ? v.indicator.decimals : 6;
      rows.push({ key: c.path, label: `${name} — ${VALUE_PARTS[field] ?? field}`, before: num(c.before, decimals), after: num(c.after, decimals) });
    } else if (head === "task_results") {
      const task = s.tasks.find((x) => x.task_id === parts[1]);
      const field = parts.slice(2).join(".");
      const label = `${t.submission.task} ${task ? `${task.number}. ${task.title}` : parts[1]} — ${TASK_PARTS[field] ?? field}`;
      const show = (v: unknown) => (field === "status" && typeof v === "string" ? t.reports.taskStatuses[v] ?? v : plain(v));
      if (field === "result" || field === "note") rows.push({ key: c.path, label, before: null, after: null, text: [String(c.before ?? ""), String(c.after ?? "")] });
      else rows.push({ key: c.path, label, before: show(c.before), after: show(c.after) });
    } else if (head === "attachments") {
      const f = files.get(parts[1]) ?? { before: {}, after: {} };
      f.before[parts[2]] = c.before;
      f.after[parts[2]] = c.after;
      files.set(parts[1], f);
    } else if (head === "signer") {
      rows.push({ key: c.path, label: `${t.submission.signer}: ${SIGNER[parts[1]] ?? parts[1]}`, before: plain(c.before), after: plain(c.after) });
    } else {
      const show = (v: unknown) => (head === "report_date" && typeof v === "string" ? dateVi(v) : plain(v));
      rows.push({ key: c.path, label: FIELDS[head] ?? c.path, before: show(c.before), after: show(c.after) });
    }
  }
  for (const [id, f] of files) {
    const name = (side: Record<string, unknown>) => (side.filename ? String(side.filename) : null);
    const before = name(f.before);
    const after = name(f.after);
    // The same name with other bytes: a file replaced. (A checksum only recorded since, on
    // a revision kept before files had one, is no change to tell.)
    const replaced = !before && !after;
    if (replaced && !(f.before.sha256 && f.after.sha256)) continue;
    rows.push({
      key: `attachments.${id}`, label: t.submission.attachments,
      before: replaced ? t.submission.fileBefore : before ?? EMPTY,
      after: replaced ? t.submission.fileReplaced : after ?? EMPTY,
    });
  }
  return rows;
}

function TextChange({ before, after }: { before: string; after: string }) {
  return (
    <div className="textdiff">
      {textDiff(before, after).map((p, i) =>
        p.kind === "same" ? <span key={i}>{p.text}</span>
          : p.kind === "added" ? <ins key={i}>{p.text}</ins> : <del key={i}>{p.text}</del>)}
    </div>
  );
}

export function Revisions({ s, version }: { s: Submission; version: number }) {
  const id = s.id;
  const [pair, setPair] = useState<{ from: number; to: number | null } | null>(null);
  const revisions = useQuery({
    queryKey: ["revisions", id, version],
    queryFn: async () => unwrap(await api.GET("/api/v1/submissions/{submission_id}/revisions", {
      params: { path: { submission_id: id } } })).items,
  });
  const diff = useQuery({
    queryKey: ["diff", id, version, pair?.from, pair?.to],
    enabled: pair !== null,
    queryFn: async () => unwrap(await api.GET("/api/v1/submissions/{submission_id}/diff", {
      params: { path: { submission_id: id }, query: { from: pair?.from, ...(pair?.to ? { to: pair.to } : {}) } } })),
  });
  if (!revisions.data || revisions.data.length === 0) return null;
  const list = revisions.data;
  const name = (n: number) => {
    const r = list.find((x) => x.number === n);
    return r ? `${n}. ${t.submission.actions[r.action] ?? r.action} · ${dateVi(r.created_at)}` : String(n);
  };
  const rows = diff.data ? readable(diff.data.changes, s) : [];
  return (
    <details className="history" open={pair !== null || undefined}>
      <summary>{t.submission.revisions} ({list.length})</summary>
      <ol>
        {list.map((r) => (
          <li key={r.number}>
            {dateVi(r.created_at)} · {t.submission.actions[r.action] ?? r.action} · {r.actor ?? ""}
            {r.comment ? ` — ${r.comment}` : ""}{" "}
            <button type="button" className="small" onClick={() => setPair({ from: r.number, to: null })}>{t.submission.compare}</button>
          </li>
        ))}
      </ol>
      <div className="row compare" data-testid="compare">
        <label>
          {t.submission.compareFrom}
          <select value={pair?.from ?? ""} onChange={(e) => setPair({ from: Number(e.target.value), to: pair?.to ?? null })}>
            <option value="" disabled>…</option>
            {list.map((r) => <option key={r.number} value={r.number}>{name(r.number)}</option>)}
          </select>
        </label>
        <label>
          {t.submission.compareTo}
          <select value={pair?.to ?? ""} disabled={!pair}
            onChange={(e) => pair && setPair({ from: pair.from, to: e.target.value ? Number(e.target.value) : null })}>
            <option value="">{t.submission.current}</option>
            {list.map((r) => <option key={r.number} value={r.number}>{name(r.number)}</option>)}
          </select>
        </label>
      </div>
      {diff.data && (
        <table className="grid diff" data-testid="diff">
          <thead><tr><th /><th>{t.submission.before}</th><th>{t.submission.after}</th></tr></thead>
          <tbody>
            {rows.length === 0 && <tr><td colSpan={3}>{t.submission.noChanges}</td></tr>}
            {rows.map((r) => (
              <tr key={r.key}>
                <th scope="row">{r.label}</th>
                {r.text ? <td colSpan={2}><TextChange before={r.text[0]} after={r.text[1]} /></td> : (
                  <><td className="pre">{r.before}</td><td className="pre">{r.after}</td></>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}
