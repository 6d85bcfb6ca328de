// Vietnamese display of numbers and dates: 38,46 ; 20.967.784.175 ; 30/05/2026.
export function numberVi(value: string | number | null | undefined, decimals = 2): string {
  if (value === null || value === undefined || value === "") return "";
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(n)) return String(value);
  return n.toLocaleString("vi-VN", { maximumFractionDigits: decimals, minimumFractionDigits: 0 });
}

export const dateVi = (iso: string) => new Date(iso).toLocaleDateString("vi-VN");

export function periodVi(code: string): string {
  const range = /^(\d{4})-(\d{2})-(\d{2})_(\d{4})-(\d{2})-(\d{2})$/.exec(code);
  if (range) return `${range[3]}/${range[2]}/${range[1]}–${range[6]}/${range[5]}/${range[4]}`;
  const month = /^(\d{4})(\d{2})$/.exec(code);
  if (month) return `Tháng ${Number(month[2])}/${month[1]}`;
  const quarter = /^(\d{4})Q(\d)$/.exec(code);
  if (quarter) return `Quý ${quarter[2]}/${quarter[1]}`;
  const half = /^(\d{4})S(\d)$/.exec(code);
  if (half) return `6 tháng ${half[2] === "1" ? "đầu" : "cuối"} năm ${half[1]}`;
  return code;
}

const COMPARATORS: Record<string, string> = {
  gte: "≥", gt: ">", lte: "≤", lt: "<", eq: "=", approx: "≈", between: "từ",
};
export const comparatorVi = (c: string) => COMPARATORS[c] ?? c;
