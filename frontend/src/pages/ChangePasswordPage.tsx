import { type FormEvent, useState } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router-dom";
import { api, tokens, unwrap } from "../api/client";
import { ErrorBox } from "../components/ErrorBox";
import { t } from "../i18n/vi";
import { queryClient } from "../queryClient";

/** Where to go after the change: only a path inside this app (never `//host` or a URL). */
function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") && next !== "/change-password"
    ? next
    : "/org-units";
}

/** Change one's own password; the landing page while an administrator-set password is in use. */
export function ChangePasswordPage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<unknown>(null);
  const [mismatch, setMismatch] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!tokens.access) return <Navigate to="/login" replace />;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const newPassword = String(form.get("new_password") ?? "");
    setError(null);
    setMismatch(newPassword !== String(form.get("confirm") ?? ""));
    if (newPassword !== String(form.get("confirm") ?? "")) return;
    setBusy(true);
    try {
      const pair = unwrap(
        await api.POST("/api/v1/auth/password", {
          body: { current_password: String(form.get("current_password") ?? ""), new_password: newPassword },
        }),
      );
      // The change ended every earlier session, this one's token included: use the new pair,
      // and forget what was fetched before (a cached "me" would still ask for the change).
      tokens.set(pair.access_token, pair.refresh_token);
      queryClient.clear();
      navigate(safeNext(params.get("next")), { replace: true });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="login">
      <form onSubmit={submit} className="card" aria-labelledby="change-password-title">
        <h1 id="change-password-title">{t.changePassword.title}</h1>
        {params.has("next") && <p data-testid="password-required">{t.changePassword.required}</p>}
        <p className="muted">{t.changePassword.policy}</p>
        <label>
          {t.changePassword.current}
          <input name="current_password" type="password" autoComplete="current-password" required autoFocus />
        </label>
        <label>
          {t.changePassword.next}
          <input name="new_password" type="password" autoComplete="new-password" minLength={10} required />
        </label>
        <label>
          {t.changePassword.confirm}
          <input name="confirm" type="password" autoComplete="new-password" minLength={10} required />
        </label>
        {mismatch && (
          <div className="error" role="alert">
            {t.changePassword.mismatch}
          </div>
        )}
        <ErrorBox error={error} />
        <button type="submit" disabled={busy}>
          {busy ? t.changePassword.submitting : t.changePassword.submit}
        </button>
      </form>
    </div>
  );
}
