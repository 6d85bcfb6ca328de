// The report's history: who did what when, and what changed since a revision.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap } from "../../api/client";
import { dateVi } from "../../format";
import { t } from "../../i18n/vi";

export function Revisions({ id, version }: { id: string; version: number }) {
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
