// A reporting period chosen the way it is written: "Tháng 5/2026", "Quý 4/2026",
// "6 tháng đầu năm 2026", "Năm 2026"; it reads and writes the API's codes (202605, 2026Q4,
// 2026S1, 2026).
import { useState } from "react";
import { t } from "../i18n/vi";

type Kind = "month" | "quarter" | "half" | "year";

export function parsePeriod(code: string): { kind: Kind; n: number; year: number } | null {
  let m = /^(\d{4})(\d{2})$/.exec(code);
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) return { kind: "month", n: Number(m[2]), year: Number(m[1]) };
  m = /^(\d{4})Q([1-4])$/.exec(code);
  if (m) return { kind: "quarter", n: Number(m[2]), year: Number(m[1]) };
  m = /^(\d{4})S([12])$/.exec(code);
  if (m) return { kind: "half", n: Number(m[2]), year: Number(m[1]) };
  m = /^(\d{4})$/.exec(code);
  if (m) return { kind: "year", n: 1, year: Number(m[1]) };
  return null;
}

export function periodCode(kind: Kind, n: number, year: number): string {
  if (kind === "month") return `${year}${String(n).padStart(2, "0")}`;
  if (kind === "quarter") return `${year}Q${n}`;
  if (kind === "half") return `${year}S${n}`;
  return String(year);
}

const COUNT: Record<Kind, number> = { month: 12, quarter: 4, half: 2, year: 1 };

export function PeriodPicker({ label, value, onChange }: {
  label: string; value: string; onChange: (code: string) => void;
}) {
  const start = parsePeriod(value) ?? { kind: "quarter" as Kind, n: 1, year: new Date().getFullYear() };
  const [kind, setKind] = useState<Kind>(start.kind);
  const [n, setN] = useState(start.n);
  const [year, setYear] = useState(start.year);
  const put = (k: Kind, nn: number, y: number) => {
    const fixed = Math.min(nn, COUNT[k]);
    setKind(k); setN(fixed); setYear(y);
    onChange(periodCode(k, fixed, y));
  };
  const options = Array.from({ length: COUNT[kind] }, (_, i) => i + 1);
  return (
    <fieldset className="period">
      <legend>{label}</legend>
      <select aria-label={t.period.kind} value={kind} onChange={(e) => put(e.target.value as Kind, n, year)}>
        {(Object.keys(COUNT) as Kind[]).map((k) => <option key={k} value={k}>{t.period.kinds[k]}</option>)}
      </select>
      {kind !== "year" && (
        <select aria-label={t.period.which} value={n} onChange={(e) => put(kind, Number(e.target.value), year)}>
          {options.map((i) => <option key={i} value={i}>{t.period.option(kind, i)}</option>)}
        </select>
      )}
      <input aria-label={t.period.year} type="number" min={2000} max={2100} value={year}
        onChange={(e) => { const y = Number(e.target.value); if (y >= 1900 && y <= 2200) put(kind, n, y); else setYear(y); }} />
      <output data-testid="period-text">{t.period.text(kind, n, year)}</output>
    </fieldset>
  );
}
