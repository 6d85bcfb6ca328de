import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api, type Schemas, unwrap } from "../api/client";
import { ErrorBox } from "../components/ErrorBox";
import { LineChart, type Series } from "../components/LineChart";
import { comparatorVi, numberVi, periodVi } from "../format";
import { t } from "../i18n/vi";
import { useDebounced } from "../useDebounced";

type Indicator = Schemas["IndicatorRead"];
const KINDS = ["input", "activity", "result", "impact"] as const;

function IndicatorData({ indicator }: { indicator: Indicator }) {
  const [unit, setUnit] = useState("");
  const code = unit.trim();
  const values = useQuery({
    queryKey: ["data-values", indicator.code, code],
    // JSON is asked for (no format=csv), so the page is the JSON shape.
    queryFn: async () => unwrap(await api.GET("/api/v1/data-values", { params: { query: {
      indicator: [indicator.code], ...(code ? { org_unit: code, include_subtree: true } : {}),
      limit: 1000 } } })) as Schemas["DataValuePage"],
  });
  const targets = useQuery({
    queryKey: ["targets", indicator.code],
    queryFn: async () => unwrap(await api.GET("/api/v1/targets", { params: { query: {
      indicator: indicator.code } } })).items,
  });
  const items = [...(values.data?.items ?? [])].sort((a, b) =>
    a.period_start.localeCompare(b.period_start));
  const byOption = new Map<string, Series>();
  for (const v of items) {
    if (v.value === null || v.value === undefined) continue;
    const key = `${v.org_unit}${v.option === "default" ? "" : ` · ${v.option}`}`;
    const series = byOption.get(key) ?? { name: key, points: [] };
    series.points.push({ label: periodVi(v.period), value: Number(v.value) });
    byOption.set(key, series);
  }
  const target = targets.data?.[0];
  const decimals = indicator.decimals;
  return (
    <div>
      <label className="search">
        {t.indicators.orgUnit}
        <input value={unit} placeholder="BN-SONHAI, LD-DUCTRONG-TTYT…"
          onChange={(e) => setUnit(e.target.value)} />
      </label>
      {target && (
        <p data-testid="target">
          {t.indicators.target} {target.year} ({target.org_unit_code}): {comparatorVi(target.comparator)}{" "}
          {numberVi(target.value, decimals)} {indicator.unit ?? ""}
          {target.wording ? ` — “${target.wording}”` : ""}
        </p>
      )}
      <ErrorBox error={values.error} />
      {values.data && items.length === 0 && <p>{t.indicators.noValues}</p>}
      {byOption.size > 0 && (
        <LineChart series={[...byOption.values()]} decimals={decimals}
          target={target ? Number(target.value) : null}
          targetLabel={target ? `${t.indicators.target} ${target.year}: ${comparatorVi(target.comparator)} ${numberVi(target.value, decimals)}` : undefined} />
      )}
      {items.length > 0 && (
        <table className="grid" data-testid="values">
          <thead>
            <tr>
              <th>{t.indicators.period}</th><th>{t.indicators.orgUnitCol}</th><th>{t.indicators.option}</th>
              <th className="num">{t.indicators.numerator}</th>
              <th className="num">{t.indicators.denominator}</th>
              <th className="num">{t.indicators.value}</th><th>{t.indicators.status}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((v) => (
              <tr key={v.id}>
                <td>{periodVi(v.period)}</td><td>{v.org_unit}</td>
                <td>{v.option === "default" ? "" : v.option}</td>
                <td className="num">{numberVi(v.numerator, 0)}</td>
                <td className="num">{numberVi(v.denominator, 0)}</td>
                <td className="num">{numberVi(v.value, decimals)}</td>
                <td>{t.statuses[v.status] ?? v.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

export function IndicatorsPage() {
  const [q, setQ] = useState("");
  const [kind, setKind] = useState("");
  const [selected, setSelected] = useState<Indicator | null>(null);
  const term = useDebounced(q.trim());
  const list = useQuery({
    queryKey: ["indicators", term, kind],
    queryFn: async () => unwrap(await api.GET("/api/v1/indicators", { params: { query: {
      ...(term ? { q: term } : {}),
      ...(kind ? { kind: kind as (typeof KINDS)[number] } : {}), limit: 200 } } })),
  });
  return (
    <div className="columns wide-aside">
      <section aria-labelledby="ind-title">
        <h1 id="ind-title">{t.indicators.title}</h1>
        <div className="filters">
          <label className="search">
            {t.indicators.search}
            <input type="search" value={q} placeholder={t.indicators.searchPlaceholder}
              onChange={(e) => setQ(e.target.value)} />
          </label>
          <label>
            {t.indicators.kind}
            <select value={kind} onChange={(e) => setKind(e.target.value)}>
              <option value="">{t.indicators.allKinds}</option>
              {KINDS.map((k) => <option key={k} value={k}>{t.kinds[k]}</option>)}
            </select>
          </label>
        </div>
        <ErrorBox error={list.error} />
        <ul className="results" data-testid="indicator-list">
          {list.data?.items.map((i) => (
            <li key={i.id}>
              <button type="button" className={`unit ${selected?.id === i.id ? "selected" : ""}`}
                onClick={() => setSelected(i)}>{i.name_vi}</button>
              <span className="muted"> · {t.kinds[i.kind]} · {i.code}</span>
            </li>
          ))}
        </ul>
      </section>
      <aside aria-labelledby="ind-data">
        <h2 id="ind-data">{selected ? selected.name_vi : t.indicators.values}</h2>
        {selected ? <IndicatorData key={selected.id} indicator={selected} />
          : <p className="muted">{t.indicators.choose}</p>}
      </aside>
    </div>
  );
}
