import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ApiError, api, type Schemas, unwrap } from "../api/client";
import { t } from "../i18n/vi";
import { ErrorBox } from "./ErrorBox";
import { DateField } from "./DateField";

type Row = Schemas["MatrixRowIn"];
type Changes = Schemas["MatrixChanges"];

interface EditRow extends Omit<Row, "coordinating"> { coordinating: string; key: number }

let nextKey = 1;

function toEdit(r: Schemas["MatrixRow"], names: Record<string, string>): EditRow {
  return {
    key: nextKey++,
    number: r.number,
    title: r.title,
    lead: r.lead ? names[r.lead] ?? r.lead : null,
    coordinating: r.coordinating.map((c) => names[c] ?? c).join(", "),
    deadline: r.deadline ?? null,
    recurrence: (r.recurrence ?? null) as Row["recurrence"],
    result: r.result,
    note: r.note,
  };
}

function toRow(r: EditRow): Row {
  return {
    number: r.number.trim(),
    title: r.title,
    lead: r.lead?.trim() || null,
    coordinating: r.coordinating.split(",").map((x) => x.trim()).filter(Boolean),
    deadline: r.deadline || null,
    recurrence: r.recurrence || null,
    result: r.result || null,
    note: r.note || null,
  };
}

/** A draft plan's task tree and assignments as an editable table, replaced in one request:
 * preview (dry run) shows what would change; a stale plan version is refused (412). */
export function MatrixEditor({ plan, matrix, onSaved }: {
  plan: Schemas["PlanRead"]; matrix: Schemas["Matrix"]; onSaved: () => void;
}) {
  const queryClient = useQueryClient();
  const names = Object.fromEntries(matrix.columns.map((c) => [c.code, c.name]));
  const [rows, setRows] = useState<EditRow[]>(() => matrix.rows.map((r) => toEdit(r, names)));
  const [changes, setChanges] = useState<Changes | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const put = (key: number, patch: Partial<EditRow>) => {
    setRows(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
    setChanges(null);
    setSaved(false);
  };

  async function send(dryRun: boolean) {
    setError(null);
    setSaved(false);
    try {
      const result = unwrap(await api.PUT("/api/v1/plans/{plan_id}/matrix", {
        params: { path: { plan_id: plan.id }, query: { dry_run: dryRun },
          header: { "if-match": `"${matrix.version}"` } },
        body: { rows: rows.map(toRow) },
      }));
      setChanges(result);
      if (!dryRun) {
        setSaved(true);
        await queryClient.invalidateQueries({ queryKey: ["plans"] });
        onSaved();
      }
    } catch (e) {
      if (e instanceof ApiError && e.problem.status === 412) {
        await queryClient.invalidateQueries({ queryKey: ["plans"] });
      }
      setError(e);
    }
  }

  return (
    <div className="matrix-editor" data-testid="matrix-editor">
      <ErrorBox error={error} />
      <div className="scroll">
        <table className="grid">
          <thead>
            <tr>
              <th>{t.plans.number}</th><th>{t.plans.title_}</th><th>{t.plans.leadCol}</th>
              <th>{t.plans.coordinatingCol}</th><th>{t.plans.deadline}</th><th>{t.plans.recurrence}</th><th />
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={r.key}>
                <td><input aria-label={`${t.plans.number} ${i + 1}`} value={r.number} size={4}
                  onChange={(e) => put(r.key, { number: e.target.value })} /></td>
                <td><input aria-label={`${t.plans.title_} ${i + 1}`} value={r.title}
                  onChange={(e) => put(r.key, { title: e.target.value })} /></td>
                <td><input aria-label={`${t.plans.leadCol} ${i + 1}`} value={r.lead ?? ""}
                  onChange={(e) => put(r.key, { lead: e.target.value })} /></td>
                <td><input aria-label={`${t.plans.coordinatingCol} ${i + 1}`} value={r.coordinating}
                  onChange={(e) => put(r.key, { coordinating: e.target.value })} /></td>
                <td><DateField ariaLabel={`${t.plans.deadline} ${i + 1}`} value={r.deadline}
                  onChange={(iso) => put(r.key, { deadline: iso })} /></td>
                <td>
                  <select aria-label={`${t.plans.recurrence} ${i + 1}`} value={r.recurrence ?? ""}
                    onChange={(e) => put(r.key, { recurrence: (e.target.value || null) as Row["recurrence"] })}>
                    {Object.entries(t.plans.recurrences).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
                  </select>
                </td>
                <td><button type="button" className="small" aria-label={`${t.plans.removeRow} ${i + 1}`}
                  onClick={() => { setRows(rows.filter((x) => x.key !== r.key)); setChanges(null); }}>×</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="actions">
        <button type="button" onClick={() => setRows([...rows, {
          key: nextKey++, number: "", title: "", lead: null, coordinating: "", deadline: null,
          recurrence: null, result: null, note: null }])}>{t.plans.addRow}</button>
        <button type="button" onClick={() => void send(true)}>{t.plans.preview}</button>
        <button type="button" className="primary" onClick={() => void send(false)}>{t.plans.save}</button>
        {saved && <span role="status" className="muted">{t.plans.saved}</span>}
      </div>
      {changes && (
        <div className="review" data-testid="matrix-changes">
          {t.plans.changes(changes.tasks_created.length, changes.tasks_updated.length,
            changes.tasks_deleted.length, changes.assignments_added.length, changes.assignments_removed.length)}
          {changes.warnings.length > 0 && (
            <ul className="warnings">{changes.warnings.map((w, i) => <li key={i}>{w.message}</li>)}</ul>
          )}
        </div>
      )}
    </div>
  );
}
