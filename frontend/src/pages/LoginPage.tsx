import { type FormEvent, useState } from "react";
import { useNavigate } from "react-router-dom";
import { ApiError, type Problem, tokens } from "../api/client";
import { ErrorBox } from "../components/ErrorBox";
import { t } from "../i18n/vi";

export function LoginPage() {
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
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
      const body = await r.json();
      if (!r.ok) throw new ApiError(body as Problem);
      tokens.set(body.access_token, body.refresh_token);
      navigate("/org-units", { replace: true });
    } catch (e) {
      setError(e);
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
        <ErrorBox error={error} />
        <button type="submit" disabled={busy}>
          {busy ? t.login.submitting : t.login.submit}
        </button>
      </form>
    </div>
  );
}
