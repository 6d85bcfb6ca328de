// A small SVG line chart (no chart library: the bundle stays small on slow links).
import { numberVi } from "../format";
import { t } from "../i18n/vi";

export interface Series {
  name: string;
  points: { label: string; value: number }[];
}

const COLORS = ["#0b6e4f", "#0b4f8a", "#b35c00", "#7a3fa0"];

export function LineChart({ series, target, targetLabel, decimals = 2 }: {
  series: Series[];
  target?: number | null;
  targetLabel?: string;
  decimals?: number;
}) {
  const labels = [...new Set(series.flatMap((s) => s.points.map((p) => p.label)))];
  const values = series.flatMap((s) => s.points.map((p) => p.value));
  if (target !== undefined && target !== null) values.push(target);
  if (labels.length === 0 || values.length === 0) return null;
  const W = 560, H = 240, left = 48, right = 16, top = 16, bottom = 36;
  let lo = Math.min(...values), hi = Math.max(...values);
  if (lo === hi) { lo -= 1; hi += 1; }
  const pad = (hi - lo) * 0.1;
  lo -= pad; hi += pad;
  const x = (i: number) => left + (labels.length === 1 ? (W - left - right) / 2
    : (i * (W - left - right)) / (labels.length - 1));
  const y = (v: number) => top + ((hi - v) * (H - top - bottom)) / (hi - lo);
  const ticks = [lo + pad, (lo + hi) / 2, hi - pad];
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t.indicators.chartLabel} data-testid="chart">
        {ticks.map((v) => (
          <g key={v}>
            <line x1={left} x2={W - right} y1={y(v)} y2={y(v)} stroke="#e3e8ed" />
            <text x={left - 6} y={y(v) + 4} textAnchor="end" fontSize="11">{numberVi(v, 1)}</text>
          </g>
        ))}
        {labels.map((label, i) => (
          <text key={label} x={x(i)} y={H - 12} textAnchor="middle" fontSize="11">{label}</text>
        ))}
        {target !== undefined && target !== null && (
          <g data-testid="target-line">
            <line x1={left} x2={W - right} y1={y(target)} y2={y(target)} stroke="#c0392b"
              strokeDasharray="6 4" />
            <text x={W - right} y={y(target) - 6} textAnchor="end" fontSize="11" fill="#c0392b">
              {targetLabel}
            </text>
          </g>
        )}
        {series.map((s, si) => {
          const pts = s.points.map((p) => [x(labels.indexOf(p.label)), y(p.value), p] as const);
          return (
            <g key={s.name} fill={COLORS[si % COLORS.length]} stroke={COLORS[si % COLORS.length]}>
              <polyline fill="none" strokeWidth="2" points={pts.map(([a, b]) => `${a},${b}`).join(" ")} />
              {pts.map(([a, b, p]) => (
                <circle key={p.label} cx={a} cy={b} r="3.5" data-testid="point">
                  <title>{`${s.name} ${p.label}: ${numberVi(p.value, decimals)}`}</title>
                </circle>
              ))}
            </g>
          );
        })}
      </svg>
      {series.length > 1 && (
        <figcaption className="legend">
          {series.map((s, si) => (
            <span key={s.name} style={{ color: COLORS[si % COLORS.length] }}>■ {s.name} </span>
          ))}
        </figcaption>
      )}
    </figure>
  );
}
