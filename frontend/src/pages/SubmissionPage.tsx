import { useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useCallback, useEffect, useRef, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { ApiError, api, downloadFile, type Schemas, unwrap } from "../api/client";
import { takeEarly } from "../api/early";
import { upload, UploadCancelled } from "../api/upload";
import { DateField } from "../components/DateField";
import { ErrorBox } from "../components/ErrorBox";
import { dateVi, numberVi } from "../format";
import { t } from "../i18n/vi";
import { empty, merge, type Submission, type Update } from "./submission/draft";
import { Documents, Field, FieldError, LongText, SectionField, TaskRow } from "./submission/parts";
import { Checklist, checklist } from "./submission/Checklist";
import { ValuesTable } from "./submission/ValuesTable";
import { SaveBar } from "./submission/SaveBar";
import { ifMatch, useAutosave } from "./submission/useAutosave";

// The history and its word diff sit below the form: fetched after it, off the slow link's
// critical path (the report form cold is held under 4 s: benchmarks/spa_bench.mjs).
const Revisions = lazy(async () => ({ default: (await import("./submission/Revisions")).Revisions }));
// The signing panel and the files' signature badges, likewise: their own chunk, fetched after.
const signing = () => import("../signing/SigningPanel");
const SigningPanel = lazy(async () => ({ default: (await signing()).SigningPanel }));
const FileSignatures = lazy(async () => ({ default: (await signing()).FileSignatures }));

function unwrapRefetch<T>(result: { data?: T; error: unknown }): T {
  if (result.error || result.data === undefined) throw result.error;
  return result.data;
}

interface Uploading { name: string; sent: number; total: number; abort: AbortController }

export function SubmissionPage() {
  const { id = "" } = useParams();
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: ["submission", id],
    queryFn: async () => (await takeEarly<Submission>(`/api/v1/submissions/${id}`)) ??
      unwrap(await api.GET("/api/v1/submissions/{submission_id}", {
        params: { path: { submission_id: id } } })),
    // Fresh on every visit (the cache goes with the page), then left alone while typing:
    // the inputs are laid out once from it.
    staleTime: Infinity,
    gcTime: 0,
  });
  const auto = useAutosave(id, Boolean(query.data));
  const { setVersion, applied } = auto;
  // Inputs are uncontrolled; a new loadKey lays them out again from the server's copy.
  const [loadKey, setLoadKey] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [comment, setComment] = useState("");
  const [legacy, setLegacy] = useState<Schemas["LegacyImportResult"] | null>(null);
  const [uploading, setUploading] = useState<Uploading | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  // Whether the report as it stands is signed, as the signing panel finds it (null: not known).
  const [signed, setSigned] = useState<boolean | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (query.data) setVersion(query.data.version);
  }, [query.data, setVersion]);

  const { refetch } = query;
  const reload = useCallback(async () => {
    // Through the page's own query, so its options (no cache kept after the page) still hold.
    const fresh = unwrapRefetch(await refetch());
    applied.current = empty();
    setVersion(fresh.version);
    setLoadKey((k) => k + 1);
    return fresh;
  }, [refetch, setVersion, applied]);

  const fail = (e: unknown) => {
    if (e instanceof ApiError && e.problem.status === 412) void reload().catch(setError);
    setError(e);
  };

  async function keepMine() {
    // The conflict holds the autosave until the newest version is here: a save sent in
    // between would carry the stale version and meet a second 412.
    const fresh = await reload().catch(setError);
    if (!fresh) return;
    auto.clearConflict();
    // The save is a merge: my changed fields land on top of the other tab's version.
    if (await auto.save()) await reload();
  }

  async function discardMine() {
    auto.discard();
    await reload().catch(setError);
  }

  async function sendFile(path: "attachments" | "legacy-docx", file: File) {
    setError(null);
    setNotice(null);
    if (!(await auto.save())) return null;
    const form = new FormData();
    form.append("file", file);
    const abort = new AbortController();
    setUploading({ name: file.name, sent: 0, total: file.size, abort });
    try {
      return await upload<unknown>(`/api/v1/submissions/${id}/${path}`, form, {
        headers: ifMatch(auto.version.current ?? 0), signal: abort.signal,
        onProgress: (sent, total) => setUploading((u) => u && { ...u, sent, total: total || u.total }),
      });
    } catch (e) {
      if (e instanceof UploadCancelled) setNotice(t.submission.uploadCancelled);
      else fail(e);
      return null;
    } finally {
      setUploading(null);
      if (fileInput.current) fileInput.current.value = "";
    }
  }

  async function attach(file: File) {
    if ((await sendFile("attachments", file)) !== null) await reload().catch(setError);
  }

  async function importLegacy(file: File) {
    setLegacy(null);
    const result = await sendFile("legacy-docx", file);
    if (result === null) return;
    await reload().catch(setError);
    setLegacy(result as Schemas["LegacyImportResult"]);
  }

  async function detach(attachmentId: string) {
    setError(null);
    if (!(await auto.save())) return;
    try {
      const r = await api.DELETE("/api/v1/submissions/{submission_id}/attachments/{attachment_id}", {
        params: { path: { submission_id: id, attachment_id: attachmentId }, header: ifMatch(auto.version.current ?? 0) },
      });
      if (!r.response.ok) unwrap(r);
      await reload();
    } catch (e) {
      fail(e);
    }
  }

  async function act(action: "submit" | "accept" | "return") {
    setError(null);
    setDone(null);
    if (action === "submit" && !(await auto.save())) {
      if (auto.refusedKeys().length) setError(new Error(t.submission.fixFirst));
      return;
    }
    const unit = query.data?.org_unit.name ?? "";
    const todo = checklist(query.data!, merge(auto.applied.current, auto.pending.current), signed && !auto.unsaved).filter((c) => !c.ok).map((c) => c.label);
    if (action === "submit" && !window.confirm(todo.length ? t.checklist.confirm(todo) : t.submission.confirmSubmit)) return;
    if (action === "return" && !window.confirm(t.submission.confirmReturn(unit))) return;
    if (action === "accept" && !window.confirm(t.submission.confirmAccept(unit))) return;
    const params = { path: { submission_id: id }, header: ifMatch(auto.version.current ?? 0) };
    try {
      if (action === "submit") unwrap(await api.POST("/api/v1/submissions/{submission_id}/submit", { params }));
      if (action === "accept") unwrap(await api.POST("/api/v1/submissions/{submission_id}/accept", {
        params, body: { comment: comment || null } }));
      if (action === "return") unwrap(await api.POST("/api/v1/submissions/{submission_id}/return", {
        params, body: { comment } }));
      setComment("");
      await reload();
      // Said here, by the buttons the person just used, not only in the status badge above.
      setDone(action === "submit" ? t.submission.doneSubmit
        : action === "return" ? t.submission.doneReturn(unit) : t.submission.doneAccept(unit));
      void queryClient.invalidateQueries({ queryKey: ["submissions"] });
    } catch (e) {
      fail(e);
    }
  }

  if (query.error) return <ErrorBox error={query.error} />;
  if (!query.data || !auto.ready) return <p>{t.layout.loading}</p>;
  const s: Submission = query.data;
  // What the server lets this person do to the report now (and nothing else is offered).
  const can = (action: string) => s.actions.includes(action);
  const edit = can("edit");
  // What the person sees: the server's copy, what was saved since, what is not saved yet.
  const p = merge(auto.applied.current, auto.pending.current);
  const refusal = (key: string) => auto.state.refused[key];
  const problem = (key: string) => auto.state.refused[key]?.message;
  // What the inputs show: the server's copy under what this person typed and has not saved.
  const field = <K extends keyof Update & keyof Submission>(name: K) =>
    (name in p.fields ? p.fields[name] : s[name]) as Submission[K];
  const put = (name: keyof Update, value: unknown) =>
    auto.change(`field:${name}`, (q) => { (q.fields as Record<string, unknown>)[name] = value; });
  const text = (name: keyof Update & keyof Submission) => ({
    value: field(name) as string | null, error: problem(`field:${name}`),
    onChange: (v: string) => put(name, v || null),
  });
  const sectionBody = (key: string) => p.sections[key]?.body ?? s.sections.find((x) => x.key === key)?.body ?? "";
  const headings = [
    ...s.outline.map((o) => ({ key: o.key, heading: o.heading })),
    ...s.sections.filter((x) => !s.outline.some((o) => o.key === x.key)),
  ];
  const pct = uploading && uploading.total ? Math.round((uploading.sent / uploading.total) * 100) : 0;
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
      {auto.state.restored > 0 && (
        <p className="review" role="status" data-testid="restored">{t.submission.restored(auto.state.restored)}</p>
      )}
      {!edit && <p className="muted">{t.submission.readOnly}</p>}

      <fieldset disabled={!edit}>
        <legend>{t.submission.header}</legend>
        <div className="row">
          <Field label={t.submission.number} {...text("doc_number")} />
          <Field label={t.submission.symbol} {...text("doc_symbol")} />
          <Field label={t.submission.place} {...text("place")} />
          <DateField label={t.submission.date} value={field("report_date")} error={problem("field:report_date")}
            onChange={(iso) => put("report_date", iso)} />
        </div>
        <Field label={t.submission.docTitle} {...text("title")} />
      </fieldset>

      <fieldset disabled={!edit}>
        <legend>{t.submission.sections}</legend>
        {headings.map((h) => (
          <SectionField key={h.key} label={`${h.key}. ${h.heading}`} value={sectionBody(h.key)}
            error={problem(`section:${h.key}`)}
            onChange={(body) => auto.change(`section:${h.key}`, (q) => {
              q.sections[h.key] = { key: h.key, heading: h.heading, body };
            })} />
        ))}
      </fieldset>

      <fieldset disabled={!edit}>
        <legend>{t.submission.tasks}</legend>
        {edit && s.tasks.length > 0 && (
          <label>
            {t.submission.legacy}
            <input type="file" accept=".docx" disabled={uploading !== null}
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
            <table className="grid tasks" data-testid="tasks">
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
                  <TaskRow key={task.task_id} task={task} start={p.tasks[task.task_id]}
                    error={problem(`task:${task.task_id}`)}
                    onChange={(r) => auto.change(`task:${task.task_id}`, (q) => { q.tasks[task.task_id] = r; })} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </fieldset>

      {s.values.length > 0 && (
        <fieldset disabled={!edit}>
          <legend>{t.submission.values} · {t.reports.period}</legend>
          <ValuesTable s={s} pending={p} refusal={refusal} change={auto.change} />
        </fieldset>
      )}

      <Documents documents={field("issued_documents") ?? []} disabled={!edit}
        refusal={refusal("field:issued_documents")} onChange={(docs) => put("issued_documents", docs)} />

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
              {a.signatures != null && <Suspense fallback={null}><FileSignatures signatures={a.signatures} /></Suspense>}
              {edit && (
                <button type="button" className="small" onClick={() => void detach(a.id)}>{t.submission.remove}</button>
              )}
            </li>
          ))}
        </ul>
        {edit && (
          <label>
            {t.submission.attach}
            <input type="file" ref={fileInput} disabled={uploading !== null}
              accept=".pdf,.doc,.docx,.xls,.xlsx,.odt,.ods,.jpg,.jpeg,.png"
              onChange={(e) => { const f = e.target.files?.[0]; if (f) void attach(f); }} />
          </label>
        )}
        {uploading && (
          <div className="upload" role="status" data-testid="upload-progress">
            <progress max={100} value={pct} aria-label={t.submission.uploading(uploading.name, pct)} />
            <span>{t.submission.uploading(uploading.name, pct)}</span>
            <button type="button" className="small" onClick={() => uploading.abort.abort()}>
              {t.submission.cancelUpload}
            </button>
          </div>
        )}
        {notice && <p className="muted" role="status">{notice}</p>}
      </fieldset>

      <fieldset disabled={!edit}>
        <legend>{t.submission.signer}</legend>
        <div className="row">
          <Field label={t.submission.signerMode} {...text("signer_mode")} />
          <Field label={t.submission.signerAuthority} {...text("signer_authority")} />
          <Field label={t.submission.signerPosition} {...text("signer_position")} />
          <Field label={t.submission.signerName} {...text("signer_name")} />
        </div>
        <label>
          {t.submission.recipients}
          <LongText rows={4} value={(field("recipients") ?? []).join("\n")}
            aria-invalid={problem("field:recipients") ? true : undefined}
            onChange={(text) => put("recipients", text.split("\n").map((x) => x.trim()).filter(Boolean))} />
          <FieldError id="recipients-error" message={problem("field:recipients")} />
        </label>
      </fieldset>

      <Suspense fallback={null}>
        <SigningPanel type="submission" id={s.id} actions={s.actions} blockName={field("signer_name")}
          updatedAt={s.updated_at} savedAt={auto.state.savedAt}
          onSignedAsItStands={setSigned} />
      </Suspense>
      {can("submit") && <Checklist checks={checklist(s, p, signed && !auto.unsaved)} />}
      <SaveBar s={s} state={auto.state} unsaved={auto.unsaved} refusedKeys={auto.refusedKeys()}
        onSave={() => void auto.save()} onKeepMine={() => void keepMine()} onDiscard={() => void discardMine()}>
        {edit && (
          <>
            <button type="button" onClick={() => void auto.save()} disabled={auto.state.saving || !auto.unsaved}>
              {t.submission.save}
            </button>
            {can("submit") && (
              <button type="button" className="primary" disabled={uploading !== null}
                onClick={() => void act("submit")}>{t.submission.submit}</button>
            )}
            {can("submit") && s.signed_reports && !(signed && !auto.unsaved) && (
              <span className="muted" data-testid="sign-first">{t.submission.signFirst}</span>
            )}
          </>
        )}
        {(can("return") || can("accept")) && (
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
        {done && <p className="done" role="status" data-testid="done">{done}</p>}
        <ErrorBox error={error} />
      </SaveBar>
      <Suspense fallback={null}><Revisions s={s} version={s.version} /></Suspense>
    </div>
  );
}
