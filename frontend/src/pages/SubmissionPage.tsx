import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { ApiError, api, downloadFile, type Schemas, unwrap } from "../api/client";
import { ErrorBox } from "../components/ErrorBox";
import { dateVi, numberVi } from "../format";
import { t } from "../i18n/vi";

type Submission = Schemas["SubmissionRead"];
type Update = Schemas["SubmissionUpdate"];
type Section = Schemas["Section"];
type TaskResult = Schemas["TaskResultIn"];
type Value = Schemas["ValueIn"];
type IssuedDocument = Schemas["IssuedDocument"];

/** What changed since the last save: only this goes over the wire (a few KB, not the report). */
interface Pending {
  fields: Partial<Update>;
  sections: Record<string, Section>;
  tasks: Record<string, TaskResult>;
  values: Record<string, Value>;
}

const empty = (): Pending => ({ fields: {}, sections: {}, tasks: {}, values: {} });
const size = (p: Pending) =>
  Object.keys(p.fields).length + Object.keys(p.sections).length + Object.keys(p.tasks).length +
  Object.keys(p.values).length;

function merge(older: Pending, newer: Pending): Pending {
  return {
    fields: { ...older.fields, ...newer.fields },
    sections: { ...older.sections, ...newer.sections },
    tasks: { ...older.tasks, ...newer.tasks },
    values: { ...older.values, ...newer.values },
  };
}

function toBody(p: Pending): Update {
  const body: Update = { ...p.fields };
  if (Object.keys(p.sections).length) body.sections = Object.values(p.sections);
  if (Object.keys(p.tasks).length) body.task_results = Object.values(p.tasks);
  if (Object.keys(p.values).length) body.values = Object.values(p.values);
  return body;
}

const AUTOSAVE_MS = 1200;

function unwrapRefetch<T>(result: { data?: T; error: unknown }): T {
  if (result.error || result.data === undefined) throw result.error;
  return result.data;
}
const ifMatch = (version: number) => ({ "if-match": `"${version}"` });
const clock = (d: Date) => d.toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit" });

export function SubmissionPage() {
  const { id = "" } = useParams();
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: ["submission", id],
    queryFn: async () => unwrap(await api.GET("/api/v1/submissions/{submission_id}", {
      params: { path: { submission_id: id } } })),
    // Fresh on every visit (the cache goes with the page), then left alone while typing:
    // the inputs are laid out once from it.
    staleTime: Infinity,
    gcTime: 0,
  });
  // Inputs are uncontrolled; a new loadKey lays them out again from the server's copy.
  const [loadKey, setLoadKey] = useState(0);
  const version = useRef<number | null>(null);
  const pending = useRef<Pending>(empty());
  const [dirty, setDirty] = useState(0);
  const [saving, setSaving] = useState(false);
  const [savedAt, setSavedAt] = useState<Date | null>(null);
  const [conflict, setConflict] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [comment, setComment] = useState("");
  const [legacy, setLegacy] = useState<Schemas["LegacyImportResult"] | null>(null);

  useEffect(() => {
    if (query.data && version.current === null) version.current = query.data.version;
  }, [query.data]);

  const { refetch } = query;
  const reload = useCallback(async () => {
    // Through the page's own query, so its options (no cache kept after the page) still hold.
    const fresh = unwrapRefetch(await refetch());
    version.current = fresh.version;
    setLoadKey((k) => k + 1);
    return fresh;
  }, [refetch]);

  const save = useCallback(async (): Promise<boolean> => {
    if (size(pending.current) === 0 || version.current === null) return true;
    const sending = pending.current;
    pending.current = empty();
    setSaving(true);
    try {
      const saved = unwrap(await api.PATCH("/api/v1/submissions/{submission_id}", {
        params: { path: { submission_id: id }, header: ifMatch(version.current) },
        body: toBody(sending),
      }));
      version.current = saved.version;
      setSavedAt(new Date());
      setError(null);
      return true;
    } catch (e) {
      // Nothing typed is lost: what failed goes back in front of anything typed since.
      pending.current = merge(sending, pending.current);
      if (e instanceof ApiError && e.problem.status === 412) setConflict(true);
      else setError(e);
      return false;
    } finally {
      setSaving(false);
      setDirty((n) => n + 1);
    }
  }, [id]);

  useEffect(() => {
    if (dirty === 0 || conflict || size(pending.current) === 0) return;
    const timer = setTimeout(() => void save(), AUTOSAVE_MS);
    return () => clearTimeout(timer);
  }, [dirty, conflict, save]);

  const change = (apply: (p: Pending) => void) => {
    apply(pending.current);
    setDirty((n) => n + 1);
  };

  async function keepMine() {
    setConflict(false);
    const fresh = await reload().catch(setError);
    if (!fresh) return;
    // The save is a merge: my changed fields land on top of the other tab's version.
    if (await save()) await reload();
  }

  async function discardMine() {
    pending.current = empty();
    setConflict(false);
    await reload().catch(setError);
  }

  async function attach(file: File) {
    setError(null);
    if (!(await save())) return;
    const form = new FormData();
    form.append("file", file);
    try {
      const r = await api.POST("/api/v1/submissions/{submission_id}/attachments", {
        params: { path: { submission_id: id }, header: ifMatch(version.current ?? 0) },
        body: form as unknown as { file: string },
        bodySerializer: (b) => b as unknown as FormData,
      });
      unwrap(r);
      await reload();
    } catch (e) {
      if (e instanceof ApiError && e.problem.status === 412) setConflict(true);
      else setError(e);
    }
  }

  async function importLegacy(file: File) {
    setError(null);
    setLegacy(null);
    if (!(await save())) return;
    const form = new FormData();
    form.append("file", file);
    try {
      const result = unwrap(await api.POST("/api/v1/submissions/{submission_id}/legacy-docx", {
        params: { path: { submission_id: id }, header: ifMatch(version.current ?? 0) },
        body: form as unknown as { file: string },
        bodySerializer: (b) => b as unknown as FormData,
      }));
      await reload();
      setLegacy(result);
    } catch (e) {
      if (e instanceof ApiError && e.problem.status === 412) setConflict(true);
      else setError(e);
    }
  }

  async function detach(attachmentId: string) {
    setError(null);
    if (!(await save())) return;
    try {
      const r = await api.DELETE("/api/v1/submissions/{submission_id}/attachments/{attachment_id}", {
        params: { path: { submission_id: id, attachment_id: attachmentId }, header: ifMatch(version.current ?? 0) },
      });
      if (!r.response.ok) unwrap(r);
      await reload();
    } catch (e) {
      if (e instanceof ApiError && e.problem.status === 412) setConflict(true);
      else setError(e);
    }
  }

  async function act(action: "submit" | "accept" | "return") {
    setError(null);
    if (action === "submit" && !(await save())) return;
    if (action === "submit" && !window.confirm(t.submission.confirmSubmit)) return;
    const params = { path: { submission_id: id }, header: ifMatch(version.current ?? 0) };
    try {
      if (action === "submit") unwrap(await api.POST("/api/v1/submissions/{submission_id}/submit", { params }));
      if (action === "accept") unwrap(await api.POST("/api/v1/submissions/{submission_id}/accept", {
        params, body: { comment: comment || null } }));
      if (action === "return") unwrap(await api.POST("/api/v1/submissions/{submission_id}/return", {
        params, body: { comment } }));
      setComment("");
      await reload();
      void queryClient.invalidateQueries({ queryKey: ["submissions"] });
    } catch (e) {
      if (e instanceof ApiError && e.problem.status === 412) setConflict(true);
      else setError(e);
    }
  }

  if (query.error) return <ErrorBox error={query.error} />;
  if (!query.data) return <p>{t.layout.loading}</p>;
  const s: Submission = query.data;
  const edit = s.can_edit;
  const unsaved = size(pending.current) > 0;
  const sectionBody = (key: string) => s.sections.find((x) => x.key === key)?.body ?? "";
  const headings = [
    ...s.outline.map((o) => ({ key: o.key, heading: o.heading })),
    ...s.sections.filter((x) => !s.outline.some((o) => o.key === x.key)),
  ];
  return (
    <div className="report" key={loadKey}>
      <p><Link to={`/report-requests/${s.request_id}`}>← {t.submission.backToRequest}</Link></p>
      <h1>{s.org_unit.name}: {s.reference}</h1>
      <p>{s.request_reference ?? s.request_title} · {t.reports.due} {dateVi(s.due_date)}</p>
      <p>
        <span className={`badge ${s.status}`} data-testid="status">{t.reports.states[s.status]}</span>
        {s.overdue && <span className="badge overdue">{t.reports.overdue}</span>}
        {s.late && <span className="badge late">{t.reports.late}</span>}
      </p>
      {s.review_comment && (
        <p className="review" data-testid="review-comment">
          <strong>{t.submission.reviewComment}:</strong> {s.review_comment}
        </p>
      )}
      {conflict && (
        <div className="error" role="alert" data-testid="conflict">
          {t.submission.conflict}
          <div className="actions">
            <button type="button" onClick={() => void keepMine()}>{t.submission.keepMine}</button>
            <button type="button" onClick={() => void discardMine()}>{t.submission.reload}</button>
          </div>
        </div>
      )}
      <ErrorBox error={error} />
      {!edit && <p className="muted">{t.submission.readOnly}</p>}

      <fieldset disabled={!edit}>
        <legend>{t.submission.header}</legend>
        <div className="row">
          <Field label={t.submission.number} value={s.doc_number}
            onChange={(v) => change((p) => { p.fields.doc_number = v || null; })} />
          <Field label={t.submission.symbol} value={s.doc_symbol}
            onChange={(v) => change((p) => { p.fields.doc_symbol = v || null; })} />
          <Field label={t.submission.place} value={s.place}
            onChange={(v) => change((p) => { p.fields.place = v || null; })} />
          <Field label={t.submission.date} value={s.report_date} type="date"
            onChange={(v) => change((p) => { p.fields.report_date = v || null; })} />
        </div>
        <Field label={t.submission.docTitle} value={s.title}
          onChange={(v) => change((p) => { p.fields.title = v || null; })} />
      </fieldset>

      <fieldset disabled={!edit}>
        <legend>{t.submission.sections}</legend>
        {headings.map((h) => (
          <label key={h.key}>
            {h.key}. {h.heading}
            <textarea rows={5} defaultValue={sectionBody(h.key)}
              onChange={(e) => change((p) => {
                p.sections[h.key] = { key: h.key, heading: h.heading, body: e.target.value };
              })} />
          </label>
        ))}
      </fieldset>

      <fieldset disabled={!edit}>
        <legend>{t.submission.tasks}</legend>
        {edit && s.tasks.length > 0 && (
          <label>
            {t.submission.legacy}
            <input type="file" accept=".docx"
              onChange={(e) => { const f = e.target.files?.[0]; if (f) void importLegacy(f); }} />
          </label>
        )}
        {legacy && (
          <div className="review" role="status" data-testid="legacy-result">
            {t.submission.legacyResult(legacy.matched)}
            {legacy.unmatched.length > 0 && (
              <>
                <div>{t.submission.legacyUnmatched}</div>
                <ul>{legacy.unmatched.map((u, i) => <li key={i}>{u.number} · {u.title}</li>)}</ul>
              </>
            )}
          </div>
        )}
        {s.tasks.length === 0 ? <p className="muted">{t.submission.noTasks}</p> : (
          <div className="scroll">
            <table className="grid" data-testid="tasks">
              <thead>
                <tr>
                  <th>{t.submission.number_}</th><th>{t.submission.task}</th><th>{t.submission.role}</th>
                  <th>{t.submission.taskStatus}</th><th>{t.submission.result}</th><th>{t.submission.note}</th>
                </tr>
              </thead>
              <tbody>
                {s.tasks.map((task) => task.is_group ? (
                  <tr key={task.task_id} className="group"><td>{task.number}</td><td colSpan={5}>{task.title}</td></tr>
                ) : (
                  <TaskRow key={task.task_id} task={task}
                    onChange={(r) => change((p) => { p.tasks[task.task_id] = r; })} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </fieldset>

      {s.values.length > 0 && (
        <fieldset disabled={!edit}>
          <legend>{t.submission.values} · {t.reports.period}</legend>
          <table className="grid" data-testid="values">
            <thead>
              <tr>
                <th>{t.submission.indicator}</th><th>{t.submission.numerator}</th>
                <th>{t.submission.denominator}</th><th>{t.submission.value}</th>
              </tr>
            </thead>
            <tbody>
              {s.values.map((v) => {
                const key = `${v.indicator.code}.${v.option}`;
                const fraction = Boolean(v.indicator.numerator_label);
                const current = pending.current.values[key] ?? {
                  indicator: v.indicator.code,
                  option: v.option === "default" ? null : v.option,
                  numerator: v.numerator, denominator: v.denominator,
                  value: fraction ? null : v.value,
                };
                const put = (field: "numerator" | "denominator" | "value", text: string) =>
                  change((p) => { p.values[key] = { ...(p.values[key] ?? current), [field]: text || null }; });
                return (
                  <tr key={key}>
                    <td>{v.indicator.name}{v.indicator.unit ? ` (${v.indicator.unit})` : ""}</td>
                    <td>{fraction && <input aria-label={`${v.indicator.code} ${t.submission.numerator}`}
                      defaultValue={numberVi(v.numerator, 6)} inputMode="decimal"
                      onChange={(e) => put("numerator", e.target.value)} />}</td>
                    <td>{fraction && <input aria-label={`${v.indicator.code} ${t.submission.denominator}`}
                      defaultValue={numberVi(v.denominator, 6)} inputMode="decimal"
                      onChange={(e) => put("denominator", e.target.value)} />}</td>
                    <td className="num">{fraction ? numberVi(v.value, v.indicator.decimals) : (
                      <input aria-label={`${v.indicator.code} ${t.submission.value}`}
                        defaultValue={numberVi(v.value, 6)} inputMode="decimal"
                        onChange={(e) => put("value", e.target.value)} />)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </fieldset>
      )}

      <Documents documents={s.issued_documents} disabled={!edit}
        onChange={(docs) => change((p) => { p.fields.issued_documents = docs; })} />

      <fieldset>
        <legend>{t.submission.attachments}</legend>
        {s.attachments.length === 0 && <p className="muted">{t.submission.noAttachments}</p>}
        <ul data-testid="attachments">
          {s.attachments.map((a) => (
            <li key={a.id}>
              <button type="button" className="unit" onClick={() => void downloadFile(a.url, a.filename).catch(setError)}>
                {a.filename}
              </button>
              <span className="muted"> · {numberVi(a.size / 1024, 0)} KB</span>
              {edit && (
                <button type="button" className="small" onClick={() => void detach(a.id)}>{t.submission.remove}</button>
              )}
            </li>
          ))}
        </ul>
        {edit && (
          <label>
            {t.submission.attach}
            <input type="file" accept=".pdf,.doc,.docx,.xls,.xlsx,.odt,.ods,.jpg,.jpeg,.png"
              onChange={(e) => { const f = e.target.files?.[0]; if (f) void attach(f); }} />
          </label>
        )}
      </fieldset>

      <fieldset disabled={!edit}>
        <legend>{t.submission.signer}</legend>
        <div className="row">
          <Field label={t.submission.signerMode} value={s.signer_mode}
            onChange={(v) => change((p) => { p.fields.signer_mode = (v || null) as Update["signer_mode"]; })} />
          <Field label={t.submission.signerAuthority} value={s.signer_authority}
            onChange={(v) => change((p) => { p.fields.signer_authority = v || null; })} />
          <Field label={t.submission.signerPosition} value={s.signer_position}
            onChange={(v) => change((p) => { p.fields.signer_position = v || null; })} />
          <Field label={t.submission.signerName} value={s.signer_name}
            onChange={(v) => change((p) => { p.fields.signer_name = v || null; })} />
        </div>
        <label>
          {t.submission.recipients}
          <textarea rows={4} defaultValue={s.recipients.join("\n")}
            onChange={(e) => change((p) => {
              p.fields.recipients = e.target.value.split("\n").map((x) => x.trim()).filter(Boolean);
            })} />
        </label>
      </fieldset>

      <div className="actions sticky">
        {edit && (
          <>
            <span className="muted" data-testid="save-state">
              {saving ? t.submission.saving : unsaved ? t.submission.unsaved
                : savedAt ? t.submission.saved(clock(savedAt)) : ""}
            </span>
            <button type="button" onClick={() => void save()} disabled={saving || !unsaved}>{t.submission.save}</button>
            <button type="button" className="primary" onClick={() => void act("submit")}>{t.submission.submit}</button>
          </>
        )}
        {s.can_review && s.status === "submitted" && (
          <>
            <label className="inline">
              {t.submission.returnComment}
              <textarea rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
            </label>
            <button type="button" onClick={() => void act("return")} disabled={!comment.trim()}>
              {t.submission.returnIt}
            </button>
            <button type="button" className="primary" onClick={() => void act("accept")}>{t.submission.accept}</button>
          </>
        )}
      </div>
      <Revisions id={id} version={s.version} />
    </div>
  );
}

function Field(props: { label: string; value: string | null | undefined; type?: string;
  onChange: (value: string) => void }) {
  return (
    <label>
      {props.label}
      <input type={props.type ?? "text"} defaultValue={props.value ?? ""}
        onChange={(e) => props.onChange(e.target.value.trim())} />
    </label>
  );
}

function TaskRow({ task, onChange }: { task: Schemas["TaskRow"]; onChange: (r: TaskResult) => void }) {
  const state = useRef<TaskResult>({
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
    <tr>
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
        <textarea aria-label={`${t.submission.result} ${task.number}`} rows={2} defaultValue={task.result}
          onChange={(e) => put({ result: e.target.value })} />
      </td>
      <td>
        <input aria-label={`${t.submission.note} ${task.number}`} defaultValue={task.note}
          onChange={(e) => put({ note: e.target.value })} />
      </td>
    </tr>
  );
}

function Documents({ documents, disabled, onChange }: {
  documents: IssuedDocument[]; disabled: boolean; onChange: (docs: IssuedDocument[]) => void;
}) {
  const [rows, setRows] = useState(documents);
  const update = (next: IssuedDocument[]) => {
    setRows(next);
    onChange(next.filter((d) => d.title.trim()));
  };
  return (
    <fieldset disabled={disabled}>
      <legend>{t.submission.documents}</legend>
      <table className="grid" data-testid="documents">
        <thead>
          <tr><th>{t.submission.reference}</th><th>{t.submission.issuedOn}</th><th>{t.submission.docTitleCol}</th><th /></tr>
        </thead>
        <tbody>
          {rows.map((d, i) => (
            <tr key={i}>
              <td><input aria-label={`${t.submission.reference} ${i + 1}`} defaultValue={d.reference ?? ""}
                onChange={(e) => update(rows.map((x, j) => j === i ? { ...x, reference: e.target.value || null } : x))} /></td>
              <td><input type="date" aria-label={`${t.submission.issuedOn} ${i + 1}`} defaultValue={d.issued_on ?? ""}
                onChange={(e) => update(rows.map((x, j) => j === i ? { ...x, issued_on: e.target.value || null } : x))} /></td>
              <td><input aria-label={`${t.submission.docTitleCol} ${i + 1}`} defaultValue={d.title}
                onChange={(e) => update(rows.map((x, j) => j === i ? { ...x, title: e.target.value } : x))} /></td>
              <td><button type="button" onClick={() => update(rows.filter((_, j) => j !== i))}>{t.submission.remove}</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={() => setRows([...rows, { title: "" }])}>{t.submission.addDocument}</button>
    </fieldset>
  );
}

function Revisions({ id, version }: { id: string; version: number }) {
  const [from, setFrom] = useState<number | null>(null);
  const revisions = useQuery({
    queryKey: ["revisions", id, version],
    queryFn: async () => unwrap(await api.GET("/api/v1/submissions/{submission_id}/revisions", {
      params: { path: { submission_id: id } } })).items,
  });
  const diff = useQuery({
    queryKey: ["diff", id, version, from],
    enabled: from !== null,
    queryFn: async () => unwrap(await api.GET("/api/v1/submissions/{submission_id}/diff", {
      params: { path: { submission_id: id }, query: { from: from ?? undefined } } })),
  });
  if (!revisions.data || revisions.data.length === 0) return null;
  const show = (v: unknown) => (v === null || v === undefined ? "—" : String(v));
  return (
    <details className="history">
      <summary>{t.submission.revisions} ({revisions.data.length})</summary>
      <ol>
        {revisions.data.map((r) => (
          <li key={r.number}>
            {dateVi(r.created_at)} · {t.submission.actions[r.action] ?? r.action} · {r.actor ?? ""}
            {r.comment ? ` — ${r.comment}` : ""}{" "}
            <button type="button" className="small" onClick={() => setFrom(r.number)}>{t.submission.compare}</button>
          </li>
        ))}
      </ol>
      {diff.data && (
        <table className="grid" data-testid="diff">
          <thead><tr><th /><th>{t.submission.before}</th><th>{t.submission.after}</th></tr></thead>
          <tbody>
            {diff.data.changes.length === 0 && <tr><td colSpan={3}>{t.submission.noChanges}</td></tr>}
            {diff.data.changes.map((c) => (
              <tr key={c.path}><td>{c.path}</td><td>{show(c.before)}</td><td>{show(c.after)}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}
