import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useState } from "react";
import { Link, useParams } from "react-router-dom";
import { ApiError, api, saveBlob, unwrap } from "../api/client";
import { dispositionName } from "../api/filename";
import { CompiledReport } from "../components/CompiledReport";
import { ErrorBox } from "../components/ErrorBox";
import { LetterFiles } from "../components/LetterFiles";
import { dateVi, numberVi, periodVi } from "../format";
import { t } from "../i18n/vi";

// The Ký số panel: its own chunk, fetched once the compiled report is on screen.
const SigningPanel = lazy(async () => ({ default: (await import("../signing/SigningPanel")).SigningPanel }));

/** Save a file the API returns (the browser cannot send our token on a plain link). */
async function saveFile(requestId: string, format: "docx" | "xlsx") {
  const result = await api.GET("/api/v1/report-requests/{request_id}/compilation", {
    params: { path: { request_id: requestId }, query: { format } },
    parseAs: "blob",
  });
  const named = result.response.headers.get("Content-Disposition");
  saveBlob(unwrap(result) as unknown as Blob, dispositionName(named, `bao-cao-tong-hop.${format}`));
}

export function RequestPage() {
  const { id = "" } = useParams();
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const request = useQuery({
    queryKey: ["report-request", id],
    queryFn: async () => unwrap(await api.GET("/api/v1/report-requests/{request_id}", {
      params: { path: { request_id: id } } })),
  });
  const can = (action: string) => request.data?.actions.includes(action) ?? false;
  const status = useQuery({
    queryKey: ["report-request-status", id],
    // The server says whether this caller sees the other units' states (the requesting side).
    enabled: can("status"),
    queryFn: async () => unwrap(await api.GET("/api/v1/report-requests/{request_id}/status", {
      params: { path: { request_id: id } } })),
    // Units see the request, not the other units' states: a 403 here is expected.
    retry: false,
  });
  const acceptAll = useMutation({
    mutationFn: async (ids: string[]) => unwrap(await api.POST("/api/v1/report-requests/{request_id}/accept", {
      params: { path: { request_id: id } }, body: { submission_ids: ids } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["report-request-status", id] }),
    onError: setError,
  });
  const move = useMutation({
    mutationFn: async ({ action, version }: { action: "open" | "close"; version: number }) => {
      const params = { path: { request_id: id }, header: { "if-match": `"${version}"` } };
      return unwrap(action === "open"
        ? await api.POST("/api/v1/report-requests/{request_id}/open", { params })
        : await api.POST("/api/v1/report-requests/{request_id}/close", { params }));
    },
    onSuccess: (next) => {
      queryClient.setQueryData(["report-request", id], next);
      void queryClient.invalidateQueries({ queryKey: ["report-request-status", id] });
    },
    onError: setError,
  });
  if (request.error) return <ErrorBox error={request.error} />;
  if (!request.data) return <p>{t.layout.loading}</p>;
  const r = request.data;
  const s = status.data;
  const submitted = s?.units.filter((u) => u.state === "submitted" && u.submission_id) ?? [];
  const forbidden = status.error instanceof ApiError && status.error.problem.status === 403;
  return (
    <div>
      <h1>{r.reference ?? r.title}</h1>
      <p>{r.title}</p>
      <dl className="details">
        <dt>{t.reports.unit}</dt><dd>{r.requester.name}</dd>
        {r.plan_reference && (<><dt>{t.reports.plan}</dt><dd>{r.plan_reference}</dd></>)}
        <dt>{t.reports.period}</dt><dd>{periodVi(r.period)}</dd>
        <dt>{t.reports.due}</dt><dd>{dateVi(r.due_date)}</dd>
        <dt>{t.reports.status}</dt><dd data-testid="request-status">{t.reports.requestStatuses[r.status] ?? r.status}</dd>
        <dt>{t.reports.units}</dt><dd>{r.units.map((u) => u.name).join(", ")}</dd>
        {r.indicators.length > 0 && (<><dt>{t.reports.chooseIndicators}</dt>
          <dd>{r.indicators.map((i) => i.name).join("; ")}</dd></>)}
        <LetterFiles documentId={r.document_id} />
      </dl>
      {(can("open") || can("close")) && (
        <div className="actions">
          {can("open") && (
            <button type="button" className="primary" disabled={move.isPending}
              onClick={() => move.mutate({ action: "open", version: r.version })}>{t.reports.openIt}</button>
          )}
          {can("close") && (
            <button type="button" disabled={move.isPending}
              onClick={() => move.mutate({ action: "close", version: r.version })}>{t.reports.closeIt}</button>
          )}
        </div>
      )}
      <ErrorBox error={error} />
      {status.error && !forbidden && <ErrorBox error={status.error} />}
      {s && (
        <section>
          <p data-testid="rates">
            {t.reports.rates(s.rates.submitted, s.rates.expected, numberVi(s.rates.completeness),
              s.rates.on_time, numberVi(s.rates.timeliness))}
          </p>
          <table className="grid" data-testid="unit-status">
            <thead>
              <tr>
                <th>{t.reports.unit}</th><th>{t.reports.status}</th><th>{t.reports.submittedAt}</th>
                <th>{t.reports.onTime}</th><th>{t.reports.acceptedAt}</th>
              </tr>
            </thead>
            <tbody>
              {s.units.map((u) => (
                <tr key={u.org_unit.id}>
                  <td>
                    {u.submission_id && u.state !== "not_started" && u.state !== "draft" ? (
                      <Link to={`/submissions/${u.submission_id}`}>{u.org_unit.name}</Link>
                    ) : u.org_unit.name}
                  </td>
                  <td>
                    <span className={`badge ${u.state}`}>{t.reports.states[u.state]}</span>
                    {u.overdue && <span className="badge overdue">{t.reports.overdue}</span>}
                  </td>
                  <td>{u.first_submitted_at ? dateVi(u.first_submitted_at) : ""}</td>
                  <td>{u.first_submitted_at ? (u.late ? t.reports.late : t.reports.onTime) : ""}</td>
                  <td>{u.accepted_at ? dateVi(u.accepted_at) : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="actions">
            {can("accept") && submitted.length > 0 && (
              <button type="button" disabled={acceptAll.isPending}
                onClick={() => acceptAll.mutate(submitted.map((u) => u.submission_id!))}>
                {t.reports.acceptAll} ({submitted.length})
              </button>
            )}
            <button type="button" onClick={() => saveFile(id, "docx").catch(setError)}>{t.reports.docx}</button>
            <button type="button" onClick={() => saveFile(id, "xlsx").catch(setError)}>{t.reports.xlsx}</button>
          </div>
          <CompiledReport requestId={id} />
          <Suspense fallback={null}><SigningPanel type="compilation" id={id} actions={r.actions} /></Suspense>
        </section>
      )}
    </div>
  );
}
