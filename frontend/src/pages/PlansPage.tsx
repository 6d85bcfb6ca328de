import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router-dom";
import { api, downloadFile, type Schemas, unwrap } from "../api/client";
import { ErrorBox } from "../components/ErrorBox";
import { MatrixEditor } from "../components/MatrixEditor";
import { UnitPicker } from "../components/UnitPicker";
import { t } from "../i18n/vi";

type Plan = Schemas["PlanRead"];

function MatrixGrid({ plan }: { plan: Plan }) {
  const [unit, setUnit] = useState("");
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const matrix = useQuery({
    queryKey: ["matrix", plan.id, plan.version],
    queryFn: async () => unwrap(await api.GET("/api/v1/plans/{plan_id}/matrix", {
      params: { path: { plan_id: plan.id } } })),
  });
  if (matrix.error) return <ErrorBox error={matrix.error} />;
  if (!matrix.data) return <p>{t.layout.loading}</p>;
  const m = matrix.data;
  if (editing) {
    return (
      <div>
        <button type="button" className="small" onClick={() => setEditing(false)}>{t.plans.stopEdit}</button>
        <MatrixEditor plan={plan} matrix={m} onSaved={() => void matrix.refetch()} />
      </div>
    );
  }
  const columns = m.columns.filter((c) => !unit || c.code === unit);
  const rows = m.rows.filter((r) => r.is_group || !unit || r.cells[unit]);
  return (
    <div>
      <div className="actions">
        {plan.status === "draft" && (
          <button type="button" onClick={() => setEditing(true)}>{t.plans.edit}</button>
        )}
        {plan.status === "draft" && (
          <Link to={`/imports?resource=plan_matrix&plan=${plan.id}`}>{t.plans.importMatrix}</Link>
        )}
        {(["xlsx", "csv"] as const).map((format) => (
          <button key={format} type="button" onClick={() => void downloadFile(
            `/api/v1/plans/${plan.id}/matrix/export?format=${format}`, `phu-luc-phan-cong.${format}`).catch(setError)}>
            {format === "xlsx" ? t.plans.exportXlsx : t.plans.exportCsv}
          </button>
        ))}
      </div>
      <ErrorBox error={error} />
      <label className="search">
        {t.plans.filterUnit}
        <select value={unit} onChange={(e) => setUnit(e.target.value)} aria-label={t.plans.filterUnit}>
          <option value="">{t.plans.allUnits}</option>
          {m.columns.map((c) => <option key={c.code} value={c.code}>{c.name}</option>)}
        </select>
      </label>
      {m.warnings.length > 0 && (
        <ul className="warnings">{m.warnings.map((w, i) => <li key={i}>{w.message}</li>)}</ul>
      )}
      <div className="scroll">
        <table className="grid matrix" data-testid="matrix">
          <thead>
            <tr>
              <th>{t.plans.number}</th><th>{t.plans.task}</th>
              {columns.map((c) => <th key={c.code} className="unitcol" title={c.name}>{c.name}</th>)}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} className={r.is_group ? "group" : ""}>
                <td>{r.number}</td>
                <td>{r.title}</td>
                {columns.map((c) => (
                  <td key={c.code} className="mark" aria-label={r.cells[c.code] ?? ""}>
                    {r.cells[c.code] === "lead" ? "●" : r.cells[c.code] === "coordinating" ? "○" : ""}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted">● {t.plans.lead} · ○ {t.plans.coordinating}</p>
    </div>
  );
}

function Children({ plan, onCreated }: { plan: Plan; onCreated: (p: Plan) => void }) {
  const queryClient = useQueryClient();
  const [title, setTitle] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [made, setMade] = useState<number | null>(null);
  const children = useQuery({
    queryKey: ["children", plan.id],
    queryFn: async () => unwrap(await api.GET("/api/v1/plans/{plan_id}/children", {
      params: { path: { plan_id: plan.id } } })).items,
  });
  async function create(owner: Schemas["OrgUnitRead"]) {
    setError(null);
    try {
      const r = await api.POST("/api/v1/plans/{plan_id}/children", {
        params: { path: { plan_id: plan.id } },
        body: { owner_id: owner.id, title: title.trim() || `Kế hoạch thực hiện của ${owner.name}` },
      });
      const child = unwrap(r);
      setMade(Number(r.response.headers.get("X-Tasks-Copied") ?? "0"));
      await queryClient.invalidateQueries({ queryKey: ["plans"] });
      onCreated(child);
    } catch (e) {
      setError(e);
    }
  }
  return (
    <section className="children">
      {children.data && children.data.length > 0 && (
        <>
          <h3>{t.plans.children}</h3>
          <ul>
            {children.data.map((c) => (
              <li key={c.id}>
                {c.reference ?? c.title} · {c.owner_name} · {t.plans.statuses[c.status] ?? c.status}
                {c.covered.length > 0 && ` · ${t.plans.covers} ${c.covered.map((x) => x.number).join(", ")}`}
              </li>
            ))}
          </ul>
        </>
      )}
      {plan.status === "issued" && (
        <details>
          <summary>{t.plans.child}</summary>
          <ErrorBox error={error} />
          <label>{t.plans.childTitle}<input value={title} onChange={(e) => setTitle(e.target.value)} /></label>
          <UnitPicker label={t.plans.pickUnit} onPick={(u) => void create(u)} />
        </details>
      )}
      {made !== null && <p role="status" className="muted">{t.plans.childCreated(made)}</p>}
    </section>
  );
}

export function PlansPage() {
  const [selected, setSelected] = useState<Plan | null>(null);
  const list = useQuery({
    queryKey: ["plans"],
    queryFn: async () => unwrap(await api.GET("/api/v1/plans", { params: { query: { limit: 100 } } })),
  });
  return (
    <div>
      <h1>{t.plans.title}</h1>
      <ErrorBox error={list.error} />
      <ul className="results" data-testid="plan-list">
        {list.data?.items.map((p) => (
          <li key={p.id}>
            <button type="button" className={`unit ${selected?.id === p.id ? "selected" : ""}`}
              onClick={() => setSelected(p)}>{p.reference ?? t.plans.draft}</button>
            <span className="muted"> · {p.title} · {t.plans.statuses[p.status] ?? p.status}</span>
          </li>
        ))}
      </ul>
      {selected && (
        <section aria-labelledby="plan-title" className="plan">
          <h2 id="plan-title">{selected.title}</h2>
          {selected.sections.map((s, i) => (
            <details key={i}><summary>{s.heading}</summary><p>{s.body}</p></details>
          ))}
          <h3>{t.plans.matrix}</h3>
          <MatrixGrid key={`${selected.id}.${selected.version}`} plan={selected} />
          <Children key={`children.${selected.id}`} plan={selected} onCreated={setSelected} />
        </section>
      )}
    </div>
  );
}
