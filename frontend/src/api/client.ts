// The typed API client: paths and bodies come from openapi.yaml (src/api/schema.d.ts).
import createClient, { type Middleware } from "openapi-fetch";
import { t } from "../i18n/vi";
import type { paths } from "./schema";
import { dispositionName } from "./filename";

const ACCESS = "hp.access";
const REFRESH = "hp.refresh";

export const tokens = {
  get access() {
    return sessionStorage.getItem(ACCESS);
  },
  set(access: string, refresh: string) {
    sessionStorage.setItem(ACCESS, access);
    sessionStorage.setItem(REFRESH, refresh);
  },
  clear() {
    sessionStorage.removeItem(ACCESS);
    sessionStorage.removeItem(REFRESH);
  },
};

const RETURN_TO = "hp.returnTo";

/** Where to go after the next login: the page the person was on when the session ended. */
export function rememberReturnTo(path: string): void {
  if (!path.startsWith("/login")) sessionStorage.setItem(RETURN_TO, path);
}

/** The remembered page (once), or the home page. Only a path of this site, never a URL. */
export function takeReturnTo(): string {
  const path = sessionStorage.getItem(RETURN_TO);
  sessionStorage.removeItem(RETURN_TO);
  return path && path.startsWith("/") && !path.startsWith("//") ? path : "/";
}

/** The signed-in user's id (the token's subject), to keep one person's local drafts apart
 * from the next person's on a shared computer. */
export function currentSubject(): string | null {
  const access = tokens.access;
  if (!access) return null;
  try {
    const payload = JSON.parse(atob(access.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    return typeof payload.sub === "string" ? payload.sub : null;
  } catch {
    return null;
  }
}

let leavingForLogin = false;
/** True once the session has ended and the page is on its way to the login: the local copy
 * holds what was typed, so the "leave this page?" question would only be in the way. */
export const isLeavingForLogin = () => leavingForLogin;

/** RFC 9457 problem details, as every API error is shaped. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { in: string; field: string; message: string; code: string; row?: number; column?: string }[];
}

export class ApiError extends Error {
  constructor(public problem: Problem) {
    super(problem.detail);
  }
}

let refreshing: Promise<boolean> | null = null;

/** Renew the access token with the refresh token (one renewal for all who ask together). */
export function refreshSession(): Promise<boolean> {
  refreshing ??= refreshTokens().finally(() => (refreshing = null));
  return refreshing;
}

async function refreshTokens(): Promise<boolean> {
  const refresh = sessionStorage.getItem(REFRESH);
  if (!refresh) return false;
  const r = await fetch("/api/v1/auth/refresh", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ refresh_token: refresh }),
  });
  if (!r.ok) return false;
  const body = await r.json();
  tokens.set(body.access_token, body.refresh_token);
  return true;
}

// A body can be read once: keep an unread copy of each request for the retry after a refresh.
const unsent = new WeakMap<Request, Request>();

const auth: Middleware = {
  onRequest({ request }) {
    const access = tokens.access;
    if (access) request.headers.set("Authorization", `Bearer ${access}`);
    unsent.set(request, request.clone());
    return request;
  },
  async onResponse({ request, response }) {
    // A 401 from the login or the refresh itself is an answer, not an expired session.
    if (response.status !== 401 || /\/auth\/(token|refresh)$/.test(new URL(request.url).pathname)) {
      return response;
    }
    // One refresh for all the requests that failed together, then a single retry each.
    if (await refreshSession()) {
      const retry = unsent.get(request) ?? request.clone();
      retry.headers.set("Authorization", `Bearer ${tokens.access}`);
      return fetch(retry);
    }
    tokens.clear();
    rememberReturnTo(window.location.pathname + window.location.search + window.location.hash);
    leavingForLogin = true;
    window.location.assign("/login");
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: "" });
api.use(auth);

/** Unwrap an openapi-fetch result: the data, or an ApiError carrying the problem. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || result.data === undefined) {
    const p = result.error as Partial<Problem> | undefined;
    throw new ApiError({
      type: p?.type ?? "about:blank",
      title: p?.title ?? t.errors.title,
      status: result.response.status,
      detail: p?.detail ?? `HTTP ${result.response.status}`,
      errors: p?.errors,
    });
  }
  return result.data;
}

export type Schemas = import("./schema").components["schemas"];

/** Hand a fetched file to the browser as a download. */
export function saveBlob(blob: Blob, filename: string): void {
  const href = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = href;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

/** Download a file the API serves at `url` (a plain link cannot carry the bearer token), named
 *  as the server names it; `filename` when it names none. */
export async function downloadFile(url: string, filename: string): Promise<void> {
  const r = await fetch(url, { headers: { Authorization: `Bearer ${tokens.access}` } });
  if (!r.ok) {
    const p = (await r.json().catch(() => ({}))) as Partial<Problem>;
    throw new ApiError({ type: p.type ?? "about:blank", title: p.title ?? t.errors.title,
      status: r.status, detail: p.detail ?? `HTTP ${r.status}`, errors: p.errors });
  }
  saveBlob(await r.blob(), dispositionName(r.headers.get("Content-Disposition"), filename));
}
