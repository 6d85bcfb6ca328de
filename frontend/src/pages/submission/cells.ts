// Numbers typed the Vietnamese way and cells pasted from a spreadsheet. No imports:
// test/cells.test.mjs runs it in node.

/** "38,46" → 38.46; "20.967.784.175" → 20967784175; "1.234,5" → 1234.5; "97.5" → 97.5.
 * Anything else (letters, two separators in the wrong order) → null. */
export function parseNumberVi(text: string): number | null {
  const s = text.trim().replace(/[ \u00a0]/g, "");
  if (!/^[-+]?[\d.,]+$/.test(s) || !/\d/.test(s)) return null;
  let plain: string;
  if (s.includes(",") && s.includes(".")) {
    if (s.lastIndexOf(",") < s.lastIndexOf(".")) return null;
    plain = s.replace(/\./g, "").replace(",", ".");
  } else if (s.includes(",")) {
    if (s.split(",").length > 2) return null;
    plain = s.replace(",", ".");
  } else if (/^[-+]?\d{1,3}(\.\d{3})+$/.test(s)) {
    plain = s.replace(/\./g, ""); // thousands: 1.234.567
  } else {
    if (s.split(".").length > 2) return null;
    plain = s;
  }
  const n = Number(plain);
  return Number.isFinite(n) ? n : null;
}

/** numerator / denominator × factor, or null while either is missing or not a number. */
export function computed(numerator: string | null | undefined, denominator: string | null | undefined,
  factor: number): number | null {
  const n = parseNumberVi(numerator ?? "");
  const d = parseNumberVi(denominator ?? "");
  if (n === null || d === null || d === 0) return null;
  return (n / d) * factor;
}

/** Text pasted from Excel as rows of cells ("50⇥130⏎12⇥40"), or null for a plain value. */
export function pastedGrid(text: string): string[][] | null {
  const body = text.replace(/\r\n?/g, "\n").replace(/\n+$/, "");
  if (!/[\t\n]/.test(body)) return null;
  return body.split("\n").map((line) => line.split("\t").map((c) => c.trim()));
}
