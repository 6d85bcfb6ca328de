// The inputs of the report form; each shows, in place, why the server refused its value.
import { type ComponentProps, useId, useRef, useState } from "react";
import type { Schemas } from "../../api/client";
import { DateField } from "../../components/DateField";
import { t } from "../../i18n/vi";
import type { EntryKey, Refusal, Submission, TaskResult } from "./draft";

type IssuedDocument = Schemas["IssuedDocument"];

export function FieldError({ id, message }: { id: string; message?: string }) {
  return message ? <span className="field-error" id={id} role="alert">{message}</span> : null;
}

export function Field(props: { label: string; value: string | null | undefined; error?: string;
  onChange: (value: string) => void }) {
  const hint = useId();
  return (
    <label>
      {props.label}
      <input defaultValue={props.value ?? ""} aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? hint : undefined}
        onChange={(e) => props.onChange(e.target.value.trim())} />
      <FieldError id={hint} message={props.error} />
    </label>
  );
}

/** A text box, and on paper its whole text instead: a printed text box shows only the lines
 * it shows on screen and cannot break across pages. The copy follows what is typed. */
export function LongText({ value, onChange, ...box }: Omit<ComponentProps<"textarea">, "value" | "defaultValue" | "onChange"> & {
  value: string; onChange: (text: string) => void;
}) {
  const [text, setText] = useState(value);
  return (
    <>
      <textarea {...box} defaultValue={value} onChange={(e) => { setText(e.target.value); onChange(e.target.value); }} />
      <div className="print-only print-text" aria-hidden="true">{text}</div>
    </>
  );
}

export function SectionField({ label, value, error, onChange }: {
  label: string; value: string; error?: string; onChange: (body: string) => void;
}) {
  const hint = useId();
  return (
    <label>
      {label}
      <LongText rows={5} value={value} aria-invalid={error ? true : undefined}
        aria-describedby={error ? hint : undefined} onChange={onChange} />
      <FieldError id={hint} message={error} />
    </label>
  );
}

export function TaskRow({ task, start, error, onChange }: {
  task: Schemas["TaskRow"]; start?: TaskResult; error?: string; onChange: (r: TaskResult) => void;
}) {
  const hint = useId();
  const state = useRef<TaskResult>(start ?? {
    task_id: task.task_id,
    status: (task.status ?? "in_progress") as TaskResult["status"],
    result: task.result,
    outputs: task.outputs,
    note: task.note,
  });
  const put = (patch: Partial<TaskResult>) => {
    state.current = { ...state.current, ...patch };
    onChange(state.current);
  };
  return (
    <tr className={error ? "refused" : undefined}>
      <td>{task.number}</td>
      <td>{task.title}</td>
      <td>{t.reports.roles[task.role ?? ""] ?? ""}</td>
      <td>
        <select aria-label={`${t.submission.taskStatus} ${task.number}`} defaultValue={state.current.status}
          onChange={(e) => put({ status: e.target.value as TaskResult["status"] })}>
          {Object.entries(t.reports.taskStatuses).map(([k, label]) => <option key={k} value={k}>{label}</option>)}
        </select>
      </td>
      <td>
        <LongText aria-label={`${t.submission.result} ${task.number}`} rows={2}
          value={state.current.result ?? ""} aria-invalid={error ? true : undefined}
          aria-describedby={error ? hint : undefined} onChange={(result) => put({ result })} />
        <FieldError id={hint} message={error} />
      </td>
      <td>
        <input aria-label={`${t.submission.note} ${task.number}`} defaultValue={state.current.note ?? ""}
          onChange={(e) => put({ note: e.target.value })} />
      </td>
    </tr>
  );
}

export function Documents({ documents, disabled, refusal, onChange }: {
  documents: IssuedDocument[]; disabled: boolean; refusal?: Refusal;
  onChange: (docs: IssuedDocument[]) => void;
}) {
  const [rows, setRows] = useState(documents);
  const update = (next: IssuedDocument[]) => {
    setRows(next);
    onChange(next.filter((d) => d.title.trim()));
  };
  const badRow = refusal && /^\d+$/.test(refusal.part[0] ?? "") ? Number(refusal.part[0]) : -1;
  return (
    <fieldset disabled={disabled}>
      <legend>{t.submission.documents}</legend>
      {refusal && badRow < 0 && <FieldError id="documents-error" message={refusal.message} />}
      <table className="grid" data-testid="documents">
        <thead>
          <tr><th>{t.submission.reference}</th><th>{t.submission.issuedOn}</th><th>{t.submission.docTitleCol}</th><th /></tr>
        </thead>
        <tbody>
          {rows.map((d, i) => (
            <tr key={i} className={i === badRow ? "refused" : undefined}>
              <td><input aria-label={`${t.submission.reference} ${i + 1}`} defaultValue={d.reference ?? ""}
                onChange={(e) => update(rows.map((x, j) => j === i ? { ...x, reference: e.target.value || null } : x))} /></td>
              <td><DateField ariaLabel={`${t.submission.issuedOn} ${i + 1}`} value={d.issued_on}
                onChange={(iso) => update(rows.map((x, j) => j === i ? { ...x, issued_on: iso } : x))} /></td>
              <td><input aria-label={`${t.submission.docTitleCol} ${i + 1}`} defaultValue={d.title}
                onChange={(e) => update(rows.map((x, j) => j === i ? { ...x, title: e.target.value } : x))} />
                {i === badRow && <FieldError id={`doc-${i}`} message={refusal?.message} />}</td>
              <td><button type="button" onClick={() => update(rows.filter((_, j) => j !== i))}>{t.submission.remove}</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={() => setRows([...rows, { title: "" }])}>{t.submission.addDocument}</button>
    </fieldset>
  );
}

const FIELD_LABELS: Record<string, string> = {
  doc_number: t.submission.number, doc_symbol: t.submission.symbol, place: t.submission.place,
  report_date: t.submission.date, title: t.submission.docTitle, issued_documents: t.submission.documents,
  signer_mode: t.submission.signerMode, signer_authority: t.submission.signerAuthority,
  signer_position: t.submission.signerPosition, signer_name: t.submission.signerName,
  recipients: t.submission.recipients,
};
const PARTS: Record<string, string> = {
  numerator: t.submission.numerator, denominator: t.submission.denominator, value: t.submission.value,
  result: t.submission.result, note: t.submission.note, status: t.submission.taskStatus,
};

/** An entry named as the screen names it ("Tỷ lệ … – Tử số", "Kết quả thực hiện 7",
 * "Văn bản đã ban hành trong kỳ – dòng 3"), never by its path in the request. */
export function labelOf(key: EntryKey, refusal: Refusal | undefined, s: Submission): string {
  const kind = key.slice(0, key.indexOf(":"));
  const name = key.slice(key.indexOf(":") + 1);
  const part = refusal?.part ?? [];
  if (kind === "section") {
    const heading = s.outline.find((o) => o.key === name)?.heading ?? s.sections.find((x) => x.key === name)?.heading;
    return heading ? `${name}. ${heading}` : name;
  }
  if (kind === "task") {
    const task = s.tasks.find((x) => x.task_id === name);
    return `${PARTS[part[0] ?? "result"] ?? t.submission.result} ${task?.number ?? ""}`.trim();
  }
  if (kind === "value") {
    const v = s.values.find((x) => `${x.indicator.code}.${x.option}` === name);
    const what = PARTS[part[0] ?? ""];
    return `${v?.indicator.name ?? name}${what ? ` – ${what}` : ""}`;
  }
  const label = FIELD_LABELS[name] ?? name;
  return /^\d+$/.test(part[0] ?? "") ? `${label} – ${t.submission.row(Number(part[0]) + 1)}` : label;
}
