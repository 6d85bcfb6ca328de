import { type FormEvent, useState } from "react";
import { useNavigate } from "react-router-dom";
import { takeReturnTo, tokens } from "../api/client";
import { t } from "../i18n/vi";

/** What went wrong, as the person would say it: a wrong password is not an expired session. */
async function loginError(r: Response): Promise<string> {
  const body = (await r.json().catch(() => ({}))) as { detail?: string };
  if (r.status === 401) return t.login.wrong;
  if (r.status === 429) return body.detail ?? t.login.tooMany;
  if (r.status >= 500) return t.login.serverDown;
  return body.detail ?? t.errors.unknown;
}

export function LoginPage() {
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const form = new FormData(event.currentTarget);
    try {
      // OAuth2 password flow: a form, not JSON.
      const r = await fetch("/api/v1/auth/token", {
        method: "POST",
        body: new URLSearchParams({
          username: String(form.get("username") ?? ""),
          password: String(form.get("password") ?? ""),
        }),
      });
      if (!r.ok) {
        setError(await loginError(r));
        return;
      }
      const body = await r.json();
      tokens.set(body.access_token, body.refresh_token);
      // Back to the page the person was on (a report half typed), else the home page; a
      // password an administrator set is replaced first, then on to that page.
      const next = takeReturnTo();
      if (body.password_change_required) {
        navigate(`/change-password?next=${encodeURIComponent(next)}`, { replace: true });
      } else {
        navigate(next, { replace: true });
      }
    } catch {
      setError(t.errors.network);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="login">
      <form onSubmit={submit} className="card" aria-labelledby="login-title">
        <h1 id="login-title">{t.appName}</h1>
        <h2>{t.login.title}</h2>
        <label>
          {t.login.username}
          <input name="username" autoComplete="username" required autoFocus />
        </label>
        <label>
          {t.login.password}
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        {error && <div className="error" role="alert" data-testid="error">{error}</div>}
        <button type="submit" disabled={busy}>
          {busy ? t.login.submitting : t.login.submit}
        </button>
      </form>
    </div>
  );
}
