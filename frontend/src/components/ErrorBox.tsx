import { ApiError } from "../api/client";
import { t } from "../i18n/vi";

/** A field error's place as a person reads it: "values[3].numerator" → "values – dòng 4 –
 * numerator" at worst; screens that know their labels (the report form) name fields themselves. */
export function humanField(field: string): string {
  const parts = field.split(/[.[\]]+/).filter(Boolean).filter((p) => p !== "body" && p !== "rows");
  return parts.map((p) => (/^\d+$/.test(p) ? t.submission.row(Number(p) + 1) : t.fields[p] ?? p)).join(" – ");
}

/** Shows an API problem the way the server words it, with its field errors. */
export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const problem = error instanceof ApiError ? error.problem : null;
  const detail = problem?.detail ?? (error instanceof TypeError ? t.errors.network
    : error instanceof Error && error.message ? error.message : t.errors.unknown);
  const many = problem?.errors && problem.errors.length > 1;
  return (
    <div className="error" role="alert" data-testid="error">
      {problem && <strong>{problem.title}: </strong>}
      {many ? null : detail}
      {problem?.errors && problem.errors.length > 0 && (many || problem.errors[0].message !== detail) && (
        <ul>
          {problem.errors.map((e, i) => (
            <li key={i}>
              {/* A row as the file or the screen numbers it, when the server says which. */}
              {e.row != null ? [t.errors.row(e.row), e.column && humanField(e.column)].filter(Boolean).join(" – ")
                : humanField(e.field)}: {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
