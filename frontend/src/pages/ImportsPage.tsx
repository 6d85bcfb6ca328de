// Bulk upload over /api/v1/imports: choose what and a file, check it without writing (a dry
// run), read the row errors as a table or download them (conflicts.csv), follow a large file's
// job, then import. The import is offered once the same file has passed its dry run.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useSearchParams } from "react-router-dom";
import { ApiError, api, downloadFile, type Schemas, unwrap } from "../api/client";
import { upload, UploadCancelled } from "../api/upload";
import { ErrorBox } from "../components/ErrorBox";
import { numberVi } from "../format";
import { t } from "../i18n/vi";

type Job = Schemas["ImportJobRead"];
const RESOURCES = ["data_values", "org_units", "indicators", "plan_matrix"] as const;
type Resource = (typeof RESOURCES)[number];
const DONE = new Set(["succeeded", "rejected", "failed", "cancelled"]);
const SHOWN = 200;

export function ImportsPage() {
  const [params] = useSearchParams();
  const [resource, setResource] = useState<Resource>(
    (RESOURCES as readonly string[]).includes(params.get("resource") ?? "") ? params.get("resource") as Resource : "data_values");
  const [planId, setPlanId] = useState(params.get("plan") ?? "");
  const [file, setFile] = useState<File | null>(null);
  const [job, setJob] = useState<Job | null>(null);
  const [checked, setChecked] = useState<string | null>(null); // the file and target that passed a dry run
  const [sending, setSending] = useState<{ sent: number; total: number; abort: AbortController } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const plans = useQuery({
    queryKey: ["plans", "drafts"],
    enabled: resource === "plan_matrix",
    queryFn: async () => unwrap(await api.GET("/api/v1/plans", { params: { query: { limit: 200 } } })).items
      .filter((p) => p.status === "draft"),
  });
  const plan = plans.data?.find((p) => p.id === planId);
  const target = file ? `${resource}|${planId}|${file.name}|${file.size}|${file.lastModified}` : null;

  // A job still queued or running: ask how far it is, every second, until it ends.
  const running = job !== null && !DONE.has(job.status);
  useEffect(() => {
    if (!running || !job) return;
    const timer = setInterval(async () => {
      try {
        const next = unwrap(await api.GET("/api/v1/imports/{job_id}", { params: { path: { job_id: job.id } } }));
        setJob(next);
        if (next.dry_run && next.status === "succeeded") setChecked(target);
      } catch (e) {
        setError(e);
      }
    }, 1000);
    return () => clearInterval(timer);
  }, [running, job, target]);

  async function send(dryRun: boolean) {
    if (!file) return;
    setError(null);
    setNotice(null);
    setJob(null);
    const form = new FormData();
    form.append("file", file);
    form.append("dry_run", String(dryRun));
    if (resource === "plan_matrix" && plan) {
      form.append("plan_id", plan.id);
      form.append("plan_version", String(plan.version));
    }
    const abort = new AbortController();
    setSending({ sent: 0, total: file.size, abort });
    try {
      const answer = await upload<Job>(`/api/v1/imports/${resource}`, form, {
        signal: abort.signal,
        onProgress: (sent, total) => setSending((s) => s && { ...s, sent, total: total || s.total }),
      });
      setJob(answer);
      if (dryRun && answer.status === "succeeded") setChecked(target);
      if (!dryRun) setChecked(null);
    } catch (e) {
      const rejected = e instanceof ApiError ? (e.problem as { import_job?: Job }).import_job : undefined;
      if (rejected) setJob(rejected);
      else if (e instanceof UploadCancelled) setNotice(t.imports.cancelled);
      else setError(e);
    } finally {
      setSending(null);
    }
  }

  const pct = sending && sending.total ? Math.round((sending.sent / sending.total) * 100) : 0;
  const ready = Boolean(file) && (resource !== "plan_matrix" || Boolean(plan));
  return (
    <div>
      <h1>{t.imports.title}</h1>
      <p className="muted">{t.imports.intro}</p>
      <div className="row">
        <label>
          {t.imports.resource}
          <select value={resource} onChange={(e) => { setResource(e.target.value as Resource); setJob(null); }}>
            {RESOURCES.map((r) => <option key={r} value={r}>{t.imports.resources[r]}</option>)}
          </select>
        </label>
        {resource === "plan_matrix" && (
          <label>
            {t.imports.plan}
            <select value={planId} onChange={(e) => setPlanId(e.target.value)}>
              <option value="">…</option>
              {plans.data?.map((p) => <option key={p.id} value={p.id}>{p.title}</option>)}
            </select>
          </label>
        )}
        <label>
          {t.imports.file}
          <input type="file" ref={input} accept=".csv,.xlsx,.json"
            onChange={(e) => { setFile(e.target.files?.[0] ?? null); setJob(null); }} />
        </label>
      </div>
      <p className="muted hint">{t.imports.formats}</p>
      <div className="actions">
        <button type="button" disabled={!ready || sending !== null || running} onClick={() => void send(true)}>
          {t.imports.dryRun}
        </button>
        <button type="button" className="primary" disabled={!ready || sending !== null || running || checked !== target}
          onClick={() => void send(false)} title={checked !== target ? t.imports.checkFirst : undefined}>
          {t.imports.run}
        </button>
      </div>
      {sending && (
        <div className="upload" role="status">
          <progress max={100} value={pct} aria-label={t.imports.sending(pct)} />
          <span>{t.imports.sending(pct)}</span>
          <button type="button" className="small" onClick={() => sending.abort.abort()}>{t.submission.cancelUpload}</button>
        </div>
      )}
      {notice && <p className="muted" role="status">{notice}</p>}
      <ErrorBox error={error} />
      {job && <JobView job={job} onChange={setJob} />}
    </div>
  );
}

function JobView({ job, onChange }: { job: Job; onChange: (job: Job) => void }) {
  const [error, setError] = useState<unknown>(null);
  const [cancelling, setCancelling] = useState(false);
  const c = job.counts;
  const total = job.rows_total ?? 0;
  async function cancel() {
    setError(null);
    setCancelling(true);
    try {
      onChange(unwrap(await api.POST("/api/v1/imports/{job_id}/cancel", { params: { path: { job_id: job.id } } })));
    } catch (e) {
      setError(e);
    } finally {
      setCancelling(false);
    }
  }
  return (
    <section className="import-result" data-testid="import-result">
      <h2>{job.dry_run ? t.imports.dryRunResult : t.imports.runResult}: {t.imports.statuses[job.status] ?? job.status}</h2>
      {!DONE.has(job.status) && (
        <div className="upload" role="status" data-testid="import-progress">
          {/* The rows read so far; the file's count of rows is known only at its end. */}
          {total ? <progress max={total} value={job.rows_processed} /> : <progress aria-label={t.imports.statuses[job.status]} />}
          <span data-testid="import-rows">{t.imports.rows(numberVi(job.rows_processed, 0), job.rows_total ? numberVi(job.rows_total, 0) : null)}</span>
          <button type="button" className="small" disabled={cancelling || job.cancel_requested}
            onClick={() => void cancel()}>{job.cancel_requested ? t.imports.cancelling : t.imports.cancel}</button>
        </div>
      )}
      {job.status === "succeeded" && (
        <p data-testid="import-counts">
          {t.imports.counts(job.dry_run, c.created, c.updated, c.unchanged, c.deleted)}
        </p>
      )}
      {job.error && <p className="error">{job.error}</p>}
      {job.conflicts_total > 0 && (
        <>
          <p>
            {t.imports.conflicts(job.conflicts_total)}{" "}
            <button type="button" className="small" onClick={() => void downloadFile(
              `/api/v1/imports/${job.id}/conflicts.csv`, `loi-nhap-${job.id}.csv`).catch(setError)}>
              {t.imports.conflictsCsv}
            </button>
          </p>
          <ErrorBox error={error} />
          <div className="scroll">
            <table className="grid" data-testid="import-errors">
              <thead>
                <tr><th>{t.imports.row}</th><th>{t.imports.column}</th><th>{t.imports.value}</th><th>{t.imports.message}</th></tr>
              </thead>
              <tbody>
                {job.conflicts.slice(0, SHOWN).map((x, i) => (
                  <tr key={i}>
                    <td className="num">{x.row ?? ""}</td><td>{x.column ?? ""}</td><td>{x.value ?? ""}</td><td>{x.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {job.conflicts.length > SHOWN && <p className="muted">{t.imports.more(numberVi(job.conflicts_total - SHOWN, 0))}</p>}
        </>
      )}
    </section>
  );
}
