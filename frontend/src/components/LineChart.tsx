// An indicator's values over periods, one line per option, with its target as a dashed line:
// drawn by Chart.js, whose axis picks ticks that differ in the notation shown (the hand-drawn
// SVG before it rounded three close ticks to 98 / 98 / 98).
import { numberVi } from "../format";
import { t } from "../i18n/vi";
import { Chart, type ChartConfig } from "./Chart";

export interface Series {
  name: string;
  points: { label: string; value: number }[];
}

const COLORS = ["#0b6e4f", "#0b4f8a", "#b35c00", "#7a3fa0"];
const TARGET = "#c0392b";

export function LineChart({ series, target, targetLabel, decimals = 2 }: {
  series: Series[];
  target?: number | null;
  targetLabel?: string;
  decimals?: number;
}) {
  const labels = [...new Set(series.flatMap((s) => s.points.map((p) => p.label)))];
  const points = series.reduce((n, s) => n + s.points.length, 0);
  if (labels.length === 0 || points === 0) return null;
  const hasTarget = target !== undefined && target !== null;
  const config: ChartConfig = {
    type: "line",
    data: {
      labels,
      datasets: [
        ...series.map((s, i) => ({
          label: s.name,
          data: labels.map((l) => s.points.find((p) => p.label === l)?.value ?? null),
          borderColor: COLORS[i % COLORS.length], backgroundColor: COLORS[i % COLORS.length],
          spanGaps: true,
        })),
        ...(hasTarget ? [{
          label: targetLabel ?? t.indicators.target, data: labels.map(() => target),
          borderColor: TARGET, backgroundColor: TARGET, borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5,
        }] : []),
      ],
    },
    options: {
      scales: { y: { ticks: { callback: (v: string | number) => numberVi(v, Math.min(decimals, 3)) } } },
      plugins: {
        legend: { display: series.length > 1 || hasTarget },
        tooltip: { callbacks: { label: (c: { dataset: { label?: string }; parsed: { y: number | null } }) =>
          `${c.dataset.label}: ${numberVi(c.parsed.y ?? "", decimals)}` } },
      },
    },
  };
  return (
    <figure className="chart-figure" data-testid="chart" data-points={points}>
      <Chart config={config} label={t.indicators.chartLabel} testId="line-chart" height={260} />
      {hasTarget && <figcaption className="muted" data-testid="target-line">{targetLabel}</figcaption>}
    </figure>
  );
}
