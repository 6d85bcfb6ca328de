// Vietnamese display of numbers and dates: 38,46 ; 20.967.784.175 ; 30/05/2026.
import { t } from "./i18n/vi";

export function numberVi(value: string | number | null | undefined, decimals = 2): string {
  if (value === null || value === undefined || value === "") return "";
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(n)) return String(value);
  return n.toLocaleString("vi-VN", { maximumFractionDigits: decimals, minimumFractionDigits: 0 });
}

const DATE = new Intl.DateTimeFormat("vi-VN", { day: "2-digit", month: "2-digit", year: "numeric" });

/** dd/mm/yyyy (a bare "vi-VN" gives 5/3/2026). A plain date is not moved by the time zone;
 * a timestamp is shown in the browser's. */
export function dateVi(iso: string): string {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return day ? `${day[3]}/${day[2]}/${day[1]}` : DATE.format(new Date(iso));
}

export function periodVi(code: string): string {
  const range = /^(\d{4})-(\d{2})-(\d{2})_(\d{4})-(\d{2})-(\d{2})$/.exec(code);
  if (range) return `${range[3]}/${range[2]}/${range[1]}–${range[6]}/${range[5]}/${range[4]}`;
  const month = /^(\d{4})(\d{2})$/.exec(code);
  if (month) return t.periods.month(Number(month[2]), month[1]);
  const quarter = /^(\d{4})Q(\d)$/.exec(code);
  if (quarter) return t.periods.quarter(quarter[2], quarter[1]);
  const half = /^(\d{4})S(\d)$/.exec(code);
  if (half) return t.periods.half(half[2] === "1", half[1]);
  return code;
}

export const comparatorVi = (c: string) => t.comparators[c] ?? c;
