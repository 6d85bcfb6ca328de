// The report's indicator values: numbers typed the Vietnamese way, a ratio's value computed
// while typing (numerator / denominator × factor), and rows pasted from Excel spread over the
// cells from the one pasted into, row by row.
import type { ClipboardEvent } from "react";
import { numberVi } from "../../format";
import { t } from "../../i18n/vi";
import { computed, pastedGrid } from "./cells";
import type { Pending, Refusal, Submission } from "./draft";
import { FieldError } from "./parts";

type Part = "numerator" | "denominator" | "value";
type Row = Submission["values"][number];

const text = (x: unknown) => (x === null || x === undefined ? null : String(x));
const keyOf = (v: Row) => `${v.indicator.code}.${v.option}`;
const partsOf = (v: Row): Part[] => (v.indicator.numerator_label ? ["numerator", "denominator"] : ["value"]);

export function ValuesTable({ s, pending, refusal, change }: {
  s: Submission;
  pending: Pending;
  refusal: (key: string) => Refusal | undefined;
  change: (key: string, apply: (p: Pending) => void) => void;
}) {
  const base = (v: Row) => ({
    indicator: v.indicator.code,
    option: v.option === "default" ? null : v.option,
    numerator: v.numerator, denominator: v.denominator,
    value: v.indicator.numerator_label ? null : v.value,
  });
  const put = (v: Row, part: Part, text: string) => {
    const key = keyOf(v);
    // On top of what the person sees (saved since the page loaded, or the server's copy).
    change(`value:${key}`, (q) => {
      q.values[key] = { ...(q.values[key] ?? pending.values[key] ?? base(v)), [part]: text || null };
    });
  };

  function paste(e: ClipboardEvent<HTMLInputElement>, row: number, part: Part) {
    const grid = pastedGrid(e.clipboardData.getData("text/plain"));
    if (!grid) return;
    e.preventDefault();
    const start = Math.max(0, partsOf(s.values[row]).indexOf(part));
    grid.forEach((cells, i) => {
      const v = s.values[row + i];
      if (!v) return;
      const parts = partsOf(v);
      cells.forEach((text, j) => {
        const target = parts[start + j];
        if (!target) return;
        const input = document.querySelector<HTMLInputElement>(`[data-cell="${row + i}:${target}"]`);
        if (input) input.value = text;
        put(v, target, text);
      });
    });
  }

  return (
    <div className="scroll">
      <table className="grid values" data-testid="values">
        <thead>
          <tr>
            <th>{t.submission.indicator}</th><th>{t.submission.numerator}</th>
            <th>{t.submission.denominator}</th><th>{t.submission.value}</th>
          </tr>
        </thead>
        <tbody>
          {s.values.map((v, row) => {
            const key = keyOf(v);
            const fraction = Boolean(v.indicator.numerator_label);
            const typed = pending.values[key];
            const bad = refusal(`value:${key}`);
            const badPart = bad ? (["numerator", "denominator", "value"].includes(bad.part[0] ?? "")
              ? bad.part[0] : fraction ? "numerator" : "value") : null;
            const shown = (f: Part) => (typed ? String(typed[f] ?? "") : numberVi(v[f], 6));
            const cell = (f: Part, label: string) => (
              <>
                <input aria-label={`${v.indicator.code} ${label}`} defaultValue={shown(f)} inputMode="decimal"
                  data-cell={`${row}:${f}`} aria-invalid={badPart === f ? true : undefined}
                  onPaste={(e) => paste(e, row, f)}
                  onChange={(e) => put(v, f, e.target.value)} />
                {badPart === f && <FieldError id={`${key}-${f}`} message={bad?.message} />}
              </>
            );
            // What the server will compute, shown as soon as both numbers read.
            const value = fraction && typed
              ? computed(text(typed.numerator), text(typed.denominator), v.indicator.factor)
              : v.value === null ? null : Number(v.value);
            return (
              <tr key={key} className={bad ? "refused" : undefined}>
                <td>{v.indicator.name}{v.option_name ? ` – ${v.option_name}` : ""}{v.indicator.unit ? ` (${v.indicator.unit})` : ""}</td>
                <td>{fraction && cell("numerator", t.submission.numerator)}</td>
                <td>{fraction && cell("denominator", t.submission.denominator)}</td>
                <td className="num">
                  {fraction ? <output aria-label={`${v.indicator.code} ${t.submission.value}`} data-testid={`computed-${v.indicator.code}`}>
                    {value === null ? "" : numberVi(value, v.indicator.decimals)}</output>
                    : cell("value", t.submission.value)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
