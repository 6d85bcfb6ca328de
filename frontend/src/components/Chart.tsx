// Charts drawn by Chart.js, only the parts used (bar, line, doughnut; ~64 KB gzipped, against
// ~190 KB for ECharts with the same three): this module and the library load with the screens
// that show a chart, never on /login.
import {
  ArcElement, BarController, BarElement, CategoryScale, Chart as ChartJs, type ChartConfiguration,
  DoughnutController, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip,
} from "chart.js";
import { useEffect, useRef } from "react";

ChartJs.register(BarController, BarElement, LineController, LineElement, PointElement, DoughnutController,
  ArcElement, CategoryScale, LinearScale, Tooltip, Legend);
ChartJs.defaults.font.family = "inherit";
ChartJs.defaults.locale = "vi-VN";

export type ChartConfig = ChartConfiguration<"bar" | "line" | "doughnut">;

/** One chart; `label` names it for a screen reader (the picture itself is not read out; each
 * chart here has its figures in a table beside it). The axes' labels as drawn are kept in
 * data-ticks-* attributes, for a test to read. */
export function Chart({ config, height = 280, label, testId }: {
  config: ChartConfig; height?: number; label: string; testId?: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const box = useRef<HTMLDivElement>(null);
  // Drawn again only when what it shows changes (the formatters are the same functions).
  const key = JSON.stringify(config);
  const latest = useRef(config);
  latest.current = config;
  useEffect(() => {
    if (!canvas.current || !box.current) return;
    const { options, ...rest } = latest.current;
    const chart = new ChartJs(canvas.current, {
      ...rest, options: { animation: false, maintainAspectRatio: false, ...options },
    } as ChartConfig);
    for (const [id, scale] of Object.entries(chart.scales)) {
      box.current.dataset[`ticks${id.toUpperCase()}`] = scale.ticks.map((tick) => String(tick.label)).join("|");
    }
    return () => chart.destroy();
  }, [key]);
  return (
    <div ref={box} className="chart" data-testid={testId} style={{ height }}>
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}
