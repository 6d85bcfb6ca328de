import { useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useNavigate } from "react-router-dom";
import { api, type Schemas, unwrap } from "../api/client";
import { upload } from "../api/upload";
import { DateField } from "../components/DateField";
import { ErrorBox } from "../components/ErrorBox";
import { PeriodPicker } from "../components/PeriodPicker";
import { UnitPicker } from "../components/UnitPicker";
import { t } from "../i18n/vi";

type Unit = Schemas["OrgUnitRead"];
type Create = Schemas["ReportRequestCreate"];

/** A plan manager drafts a report request: who asks, about which plan, for which period,
 * by when, who answers and which indicators they report. Sent from the request's page. */
export function NewRequestPage() {
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  const [units, setUnits] = useState<Unit[]>([]);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [filter, setFilter] = useState("");
  const [period, setPeriod] = useState(() => `${new Date().getFullYear()}Q${Math.floor(new Date().getMonth() / 3) + 1}`);
  const [due, setDue] = useState<string | null>(null);
  const [letterDate, setLetterDate] = useState<string | null>(null);
  const me = useQuery({
    queryKey: ["me"],
    queryFn: async () => unwrap(await api.GET("/api/v1/auth/me")),
  });
  const managed = (me.data?.user.roles ?? [])
    .filter((r) => (r.role === "plan_manager" || r.role === "admin") && r.org_unit_id)
    .map((r) => r.org_unit_id!);
  const requesters = useQuery({
    queryKey: ["units", managed],
    enabled: managed.length > 0,
    queryFn: async () => Promise.all(managed.map(async (unitId) => unwrap(
      await api.GET("/api/v1/org-units/{unit_id}", { params: { path: { unit_id: unitId } } })))),
  });
  const plans = useQuery({
    queryKey: ["plans", "issued"],
    queryFn: async () => unwrap(await api.GET("/api/v1/plans", {
      params: { query: { status: "issued", limit: 200 } } })),
  });
  const indicators = useQuery({
    queryKey: ["indicators", "all"],
    queryFn: async () => unwrap(await api.GET("/api/v1/indicators", { params: { query: { limit: 500 } } })),
  });

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    const f = new FormData(event.currentTarget);
    const text = (name: string) => String(f.get(name) ?? "").trim();
    const recurrence = text("recurrence");
    const body: Create = {
      requester_id: text("requester_id"),
      plan_id: text("plan_id") || null,
      title: text("title"),
      kind: text("kind") as Create["kind"],
      period,
      cutoff: false,
      include_child_plans: true,
      due_date: due ?? "",
      indicators: [...picked],
      units: { unit_ids: units.map((u) => u.id), from_plan_assignments: f.get("from_plan") === "on" },
      recurrence: (recurrence || null) as Create["recurrence"],
      due_days_after_period: recurrence ? Number(text("due_days") || "0") : null,
    };
    try {
      // The letter asking for the report (its number, date and file), registered first.
      const number = text("letter_number");
      if (number) {
        let doc = unwrap(await api.POST("/api/v1/documents", { body: {
          type: "CV", number, symbol: text("letter_symbol") || "CV", party_style: false, issuer_id: body.requester_id,
          issued_on: letterDate, title: body.title, recipients: [], legal_basis_ids: [],
        } }));
        const file = f.get("letter_file");
        if (file instanceof File && file.size > 0) {
          const form = new FormData();
          form.append("file", file);
          await upload(`/api/v1/documents/${doc.id}/attachments`, form, { headers: { "If-Match": `"${doc.version}"` } });
          doc = { ...doc, version: doc.version + 1 };
        }
        body.document_id = doc.id;
      }
      const created = unwrap(await api.POST("/api/v1/report-requests", { body }));
      navigate(`/report-requests/${created.id}`);
    } catch (e) {
      setError(e);
    }
  }

  const shown = (indicators.data?.items ?? []).filter((i) =>
    !filter || `${i.code} ${i.name_vi}`.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").includes(filter.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d")));
  return (
    <form onSubmit={submit} className="newrequest">
      <h1>{t.reports.create}</h1>
      <ErrorBox error={error} />
      <fieldset>
        <label>{t.reports.requester}
          <select name="requester_id" required>
            {requesters.data?.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
          </select>
        </label>
        <label>{t.reports.titleField}<input name="title" required maxLength={2000} /></label>
        <PeriodPicker label={t.reports.period} value={period} onChange={setPeriod} />
        <div className="row">
          <label>{t.reports.plan}
            <select name="plan_id">
              <option value="">{t.reports.noPlan}</option>
              {plans.data?.items.map((p) => <option key={p.id} value={p.id}>{p.reference ?? p.title}</option>)}
            </select>
          </label>
          <label>{t.reports.kind}
            <select name="kind" defaultValue="periodic">
              {Object.entries(t.reports.kinds).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
            </select>
          </label>
          <DateField label={t.reports.due} value={due} required onChange={setDue} />
          <label>{t.reports.recurrence}
            <select name="recurrence" defaultValue="">
              {Object.entries(t.reports.recurrences).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
            </select>
          </label>
          <label>{t.reports.dueDays}<input name="due_days" type="number" min={0} max={365} defaultValue={10} /></label>
        </div>
      </fieldset>
      <fieldset>
        <legend>{t.reports.letter}</legend>
        <div className="row">
          <label>{t.reports.letterNumber}<input name="letter_number" inputMode="numeric" pattern="[0-9]+[A-Za-z]?" maxLength={16} /></label>
          <label>{t.reports.letterSymbol}<input name="letter_symbol" placeholder="SYT-KHTH" maxLength={64} /></label>
          <DateField label={t.reports.letterDate} value={letterDate} onChange={setLetterDate} />
        </div>
        <label>{t.reports.letterFile}<input type="file" name="letter_file" accept=".pdf,.doc,.docx,.odt,.jpg,.jpeg,.png" /></label>
      </fieldset>
      <fieldset>
        <legend>{t.reports.units}</legend>
        <label className="check"><input type="checkbox" name="from_plan" /> {t.reports.fromPlan}</label>
        <ul className="chips" data-testid="picked-units">
          {units.map((u) => (
            <li key={u.id}>{u.name}
              <button type="button" aria-label={`${t.submission.remove} ${u.name}`}
                onClick={() => setUnits(units.filter((x) => x.id !== u.id))}>×</button>
            </li>
          ))}
        </ul>
        <UnitPicker label={t.reports.addUnit} exclude={units.map((u) => u.id)}
          onPick={(u) => setUnits([...units, u])} />
      </fieldset>
      <fieldset>
        <legend>{t.reports.chooseIndicators} ({picked.size})</legend>
        <label>{t.indicators.search}<input value={filter} onChange={(e) => setFilter(e.target.value)} /></label>
        <ul className="checklist">
          {shown.map((i) => (
            <li key={i.id}>
              <label className="check">
                <input type="checkbox" checked={picked.has(i.code)} onChange={(e) => {
                  const next = new Set(picked);
                  if (e.target.checked) next.add(i.code); else next.delete(i.code);
                  setPicked(next);
                }} /> {i.name_vi} <span className="muted">({i.code})</span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <div className="actions"><button type="submit" className="primary">{t.reports.createDraft}</button></div>
    </form>
  );
}
