// Before submitting: what the report still lacks, as the person sees it now (what they typed
// over the server's copy). The server refuses only an empty report; the rest is asked, not
// enforced: a unit may have no figure for an indicator this period.
import { t } from "../../i18n/vi";
import type { Pending, Submission } from "./draft";

export interface Check { key: string; label: string; ok: boolean }

const filled = (x: unknown) => x !== null && x !== undefined && String(x).trim() !== "";

/** `signed`: whether the report as it stands is signed (the Ký số panel tells, once loaded);
 * asked only when the request wants signed reports, and the server refuses the submit then. */
export function checklist(s: Submission, p: Pending, signed?: boolean | null): Check[] {
  const field = (name: keyof Submission & keyof Pending["fields"]) =>
    name in p.fields ? p.fields[name] : s[name];
  const body = (key: string) => p.sections[key]?.body ?? s.sections.find((x) => x.key === key)?.body ?? "";
  const checks: Check[] = s.outline.map((o) => ({
    key: `section:${o.key}`, label: t.checklist.section(o.key, o.heading), ok: filled(body(o.key)),
  }));
  checks.push({ key: "doc_number", label: t.checklist.number, ok: filled(field("doc_number")) });
  checks.push({ key: "report_date", label: t.checklist.date, ok: filled(field("report_date")) });
  checks.push({ key: "signer", label: t.checklist.signer,
    ok: filled(field("signer_name")) && filled(field("signer_position")) });
  if (s.signed_reports) checks.push({ key: "signed", label: t.checklist.signed, ok: signed === true });
  for (const v of s.values) {
    const typed = p.values[`${v.indicator.code}.${v.option}`];
    const cur = typed ?? v;
    const ok = v.indicator.numerator_label ? filled(cur.numerator) && filled(cur.denominator)
      : filled(cur.value) || filled(v.text_value);
    checks.push({ key: `value:${v.indicator.code}.${v.option}`, label: t.checklist.indicator(v.indicator.name), ok });
  }
  return checks;
}

export function Checklist({ checks }: { checks: Check[] }) {
  const missing = checks.filter((c) => !c.ok);
  return (
    <details className="presubmit" data-testid="checklist" open={missing.length > 0 || undefined}>
      <summary>{missing.length ? t.checklist.missing(missing.length) : t.checklist.complete}</summary>
      <ul>
        {checks.map((c) => (
          <li key={c.key} className={c.ok ? "ok" : "todo"}>
            <span aria-hidden="true">{c.ok ? "✓" : "✗"}</span> {c.label}
            <span className="sr-only">{c.ok ? t.checklist.done : t.checklist.todo}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}
