// A date typed the Vietnamese way, dd/mm/yyyy, whatever the browser's language (a native
// date input follows it: 12/07/2026 beside "ngày 7/12/2026").
import { useId, useState } from "react";
import { t } from "../i18n/vi";

/** "7/12/2026", "07.12.2026", "7-12-2026" or a pasted "2026-12-07" → "2026-12-07"; "" → null;
 * anything else → undefined. */
export function parseDateVi(text: string): string | null | undefined {
  const s = text.trim();
  if (!s) return null;
  let d: number, m: number, y: number;
  const vi = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (vi) [d, m, y] = [Number(vi[1]), Number(vi[2]), Number(vi[3])];
  else if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else return undefined;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  return `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

export const formatDateVi = (iso: string | null | undefined) => {
  const m = iso ? /^(\d{4})-(\d{2})-(\d{2})/.exec(iso) : null;
  return m ? `${m[3]}/${m[2]}/${m[1]}` : "";
};

export function DateField({ label, value, onChange, error, required, ariaLabel }: {
  label?: string; value: string | null | undefined; onChange: (iso: string | null) => void;
  error?: string; required?: boolean; ariaLabel?: string;
}) {
  const [bad, setBad] = useState(false);
  const hint = useId();
  const message = bad ? t.dates.invalid : error;
  const input = (
    <input type="text" inputMode="numeric" placeholder={t.dates.placeholder} autoComplete="off"
      aria-label={ariaLabel} defaultValue={formatDateVi(value)} required={required}
      aria-invalid={message ? true : undefined} aria-describedby={message ? hint : undefined}
      onChange={(e) => {
        const iso = parseDateVi(e.target.value);
        setBad(iso === undefined);
        if (iso !== undefined) onChange(iso);
      }}
      onBlur={(e) => {
        const iso = parseDateVi(e.target.value);
        if (iso) e.target.value = formatDateVi(iso);
      }} />
  );
  const note = message && <span className="field-error" id={hint} role="alert">{message}</span>;
  if (!label) return <>{input}{note}</>;
  return <label>{label}{input}{note}</label>;
}
