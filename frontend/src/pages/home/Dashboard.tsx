// The leader's and viewer's home: completeness and timeliness by unit across the open requests,
// the units overdue, the indicators against their targets (the compilation's roll-up), and the
// rates over past requests. Built from the existing endpoints: the open requests, each one's
// status and compilation.
import { useQueries, useQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { api, type Schemas, unwrap } from "../../api/client";
import { Chart, type ChartConfig } from "../../components/Chart";
import { ErrorBox } from "../../components/ErrorBox";
import { dateVi, numberVi, periodVi } from "../../format";
import { t } from "../../i18n/vi";

type Request = Schemas["ReportRequestRead"];
type Status = Schemas["RequestStatus"];

export interface UnitRate { code: string; name: string; expected: number; submitted: number; onTime: number }

/** Per unit, over several requests: what it owed, filed, and filed on time. */
export function ratesByUnit(statuses: Status[]): UnitRate[] {
  const units = new Map<string, UnitRate>();
  for (const s of statuses) {
    for (const u of s.units) {
      if (!u.active) continue;
      const r = units.get(u.org_unit.code) ?? { code: u.org_unit.code, name: u.org_unit.name, expected: 0, submitted: 0, onTime: 0 };
      r.expected += 1;
      if (u.first_submitted_at && (u.state === "submitted" || u.state === "accepted" || u.state === "returned")) {
        r.submitted += 1;
        if (!u.late) r.onTime += 1;
      }
      units.set(r.code, r);
    }
  }
  return [...units.values()].sort((a, b) => a.code.localeCompare(b.code));
}

const pct = (part: number, whole: number) => (whole ? Math.round((part / whole) * 10000) / 100 : 0);
const percentAxis = { min: 0, max: 100, ticks: { stepSize: 20, callback: (v: string | number) => `${numberVi(v, 0)} %` } };
const tooltipPct = { callbacks: { label: (c: { dataset: { label?: string }; parsed: { x: number | null; y: number | null } }) =>
  `${c.dataset.label}: ${numberVi((c.parsed.y ?? c.parsed.x) as number, 2)} %` } };
const BLUE = "#1f6feb";
const GREEN = "#2da44e";

function useStatuses(requests: Request[]) {
  return useQueries({
    queries: requests.map((r) => ({
      queryKey: ["report-request-status", r.id],
      queryFn: async () => unwrap(await api.GET("/api/v1/report-requests/{request_id}/status", {
        params: { path: { request_id: r.id } } })),
    })),
  });
}

export function Dashboard() {
  const requests = useQuery({
    queryKey: ["report-requests", "dashboard"],
    queryFn: async () => unwrap(await api.GET("/api/v1/report-requests", { params: { query: { limit: 100 } } })).items,
  });
  const mine = (requests.data ?? []).filter((r) => r.actions.includes("status") && r.status !== "draft");
  const open = mine.filter((r) => r.status === "open");
  const statuses = useStatuses(mine);
  const byId = new Map(mine.map((r, i) => [r.id, statuses[i]?.data]));
  const openStatuses = open.map((r) => byId.get(r.id)).filter((s): s is Status => Boolean(s));
  const loaded = openStatuses.length === open.length;
  const units = ratesByUnit(openStatuses);
  return (
    <section className="dashboard" data-testid="home-dashboard">
      <h2>{t.home.dashboard}</h2>
      <ErrorBox error={requests.error ?? statuses.find((q) => q.error)?.error} />
      {requests.data && open.length === 0 && <p className="muted">{t.home.noOpen}</p>}
      {open.length > 0 && <p className="muted">{t.home.openRequests(open.length)}:{" "}
        {open.map((r, i) => (
          <span key={r.id}>{i > 0 && "; "}<Link to={`/report-requests/${r.id}`}>{r.reference ?? r.title}</Link></span>
        ))}</p>}
      {loaded && units.length > 0 && <UnitRates units={units} />}
      {loaded && open.length > 0 && <Overdue open={open} statuses={openStatuses} />}
      {open.length > 0 && <Indicators open={open} />}
      <Trend requests={mine} statuses={byId} />
    </section>
  );
}

function UnitRates({ units }: { units: UnitRate[] }) {
  const config: ChartConfig = {
    type: "bar",
    data: {
      labels: units.map((u) => u.name),
      datasets: [
        { label: t.home.completeness, data: units.map((u) => pct(u.submitted, u.expected)), backgroundColor: BLUE },
        { label: t.home.timeliness, data: units.map((u) => pct(u.onTime, u.expected)), backgroundColor: GREEN },
      ],
    },
    options: { indexAxis: "y", scales: { x: percentAxis }, plugins: { tooltip: tooltipPct } },
  };
  return (
    <>
      <h3>{t.home.byUnit}</h3>
      <Chart config={config} label={t.home.byUnit} testId="chart-units" height={Math.max(160, 60 + units.length * 44)} />
      <table className="grid compact" data-testid="unit-rates">
        <thead><tr><th>{t.reports.unit}</th><th>{t.home.completeness}</th><th>{t.home.timeliness}</th></tr></thead>
        <tbody>
          {units.map((u) => (
            <tr key={u.code}>
              <td>{u.name}</td>
              <td className="num">{u.submitted}/{u.expected} ({numberVi(pct(u.submitted, u.expected))} %)</td>
              <td className="num">{u.onTime}/{u.expected} ({numberVi(pct(u.onTime, u.expected))} %)</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Overdue({ open, statuses }: { open: Request[]; statuses: Status[] }) {
  const rows = statuses.flatMap((s) => {
    const r = open.find((x) => x.id === s.request_id);
    return s.units.filter((u) => u.overdue).map((u) => ({ u, r }));
  });
  return (
    <>
      <h3>{t.home.overdueUnits}</h3>
      {rows.length === 0 ? <p className="muted">{t.home.overdueNone}</p> : (
        <ul data-testid="overdue-units">
          {rows.map(({ u, r }) => (
            <li key={`${r?.id}-${u.org_unit.id}`}>
              <strong>{u.org_unit.name}</strong> · {t.reports.states[u.state]} ·{" "}
              {r && <Link to={`/report-requests/${r.id}`}>{r.reference ?? r.title}</Link>}
              {r && <span className="muted"> · {t.reports.due} {dateVi(r.due_date)}</span>}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function Indicators({ open }: { open: Request[] }) {
  const withIndicators = open.filter((r) => r.indicators.length > 0);
  const compiled = useQueries({
    queries: withIndicators.map((r) => ({
      queryKey: ["compilation", r.id],
      queryFn: async () => unwrap(await api.GET("/api/v1/report-requests/{request_id}/compilation", {
        params: { path: { request_id: r.id } } })) as Schemas["Compilation"],
    })),
  });
  const rows = compiled.flatMap((q, i) => (q.data?.indicators ?? []).map((ind) => ({ ind, r: withIndicators[i] })));
  const counts = { met: 0, not_met: 0, no_target: 0, no_data: 0 } as Record<string, number>;
  for (const { ind } of rows) counts[ind.evaluation] = (counts[ind.evaluation] ?? 0) + 1;
  const slices = [
    { name: t.home.evaluations.met, value: counts.met, color: GREEN },
    { name: t.home.evaluations.not_met, value: counts.not_met, color: "#cf222e" },
    { name: t.home.evaluations.no_target, value: counts.no_target, color: "#8c959f" },
    { name: t.home.evaluations.no_data, value: counts.no_data, color: "#d0d7de" },
  ].filter((d) => d.value > 0);
  const config: ChartConfig = {
    type: "doughnut",
    data: {
      labels: slices.map((d) => `${d.name}: ${d.value}`),
      datasets: [{ data: slices.map((d) => d.value), backgroundColor: slices.map((d) => d.color) }],
    },
    options: { plugins: { legend: { position: "bottom" } } },
  };
  return (
    <>
      <h3>{t.home.indicators}</h3>
      <ErrorBox error={compiled.find((q) => q.error)?.error} />
      {withIndicators.length === 0 && <p className="muted">{t.home.indicatorsNone}</p>}
      {rows.length > 0 && (
        <div className="columns">
          <div className="scroll">
            <table className="grid" data-testid="indicator-targets">
              <thead>
                <tr><th>{t.home.indicator}</th><th>{t.home.value}</th><th>{t.home.target}</th><th>{t.home.evaluation}</th></tr>
              </thead>
              <tbody>
                {rows.map(({ ind, r }) => (
                  <tr key={`${r.id}-${ind.indicator.code}-${ind.option}`}>
                    <td>{ind.indicator.name}{ind.option_name ? ` (${ind.option_name})` : ""}</td>
                    <td className="num">{ind.value_text ?? ""}</td>
                    <td>{ind.target ?? ""}</td>
                    <td><span className={`badge ${ind.evaluation}`}>{t.home.evaluations[ind.evaluation] ?? ind.evaluation}</span></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Chart config={config} label={t.home.metSummary} testId="chart-met" height={240} />
        </div>
      )}
    </>
  );
}

function Trend({ requests, statuses }: { requests: Request[]; statuses: Map<string, Status | undefined> }) {
  const points = requests
    .filter((r) => statuses.get(r.id))
    .sort((a, b) => a.period_end.localeCompare(b.period_end) || a.due_date.localeCompare(b.due_date))
    .slice(-12);
  const config: ChartConfig = {
    type: "line",
    data: {
      labels: points.map((r) => [periodVi(r.period), `${t.reports.due} ${dateVi(r.due_date)}`]),
      datasets: [
        { label: t.home.completeness, data: points.map((r) => Number(statuses.get(r.id)!.rates.completeness)), borderColor: BLUE, backgroundColor: BLUE },
        { label: t.home.timeliness, data: points.map((r) => Number(statuses.get(r.id)!.rates.timeliness)), borderColor: GREEN, backgroundColor: GREEN },
      ],
    },
    options: { scales: { y: percentAxis }, plugins: { tooltip: tooltipPct } },
  };
  return (
    <>
      <h3>{t.home.trend}</h3>
      {points.length === 0 ? <p className="muted">{t.home.trendNone}</p> : (
        <Chart config={config} label={t.home.trend} testId="chart-trend" height={240} />
      )}
    </>
  );
}
