import { ApiError } from "../api/client";
import { t } from "../i18n/vi";

/** Shows an API problem the way the server words it, with its field errors. */
export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const problem = error instanceof ApiError ? error.problem : null;
  const detail = problem?.detail ?? (error instanceof TypeError ? t.errors.network : t.errors.unknown);
  return (
    <div className="error" role="alert" data-testid="error">
      {problem && <strong>{problem.title}: </strong>}
      {detail}
      {problem?.errors && problem.errors.length > 0 && (
        <ul>
          {problem.errors.map((e, i) => (
            <li key={i}>
              {e.field}: {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
