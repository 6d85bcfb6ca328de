// File uploads with progress and a cancel button: fetch() reports neither, XMLHttpRequest does.
import { ApiError, type Problem, refreshSession, tokens } from "./client";
import { t } from "../i18n/vi";

export interface UploadOptions {
  headers?: Record<string, string>;
  onProgress?: (sent: number, total: number) => void;
  signal?: AbortSignal;
}

export class UploadCancelled extends Error {}

function send(url: string, form: FormData, o: UploadOptions): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    if (tokens.access) xhr.setRequestHeader("Authorization", `Bearer ${tokens.access}`);
    for (const [k, v] of Object.entries(o.headers ?? {})) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => o.onProgress?.(e.loaded, e.lengthComputable ? e.total : 0);
    xhr.onload = () => {
      let body: unknown = null;
      try { body = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => reject(new TypeError(t.errors.network));
    xhr.onabort = () => reject(new UploadCancelled());
    o.signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(form);
  });
}

/** POST a multipart form; the parsed answer, or an ApiError carrying the problem. */
export async function upload<T>(url: string, form: FormData, o: UploadOptions = {}): Promise<T> {
  let r = await send(url, form, o);
  if (r.status === 401 && (await refreshSession())) r = await send(url, form, o);
  if (r.status >= 200 && r.status < 300) return r.body as T;
  const p = (r.body ?? {}) as Partial<Problem>;
  // The whole problem, its extensions too (a refused upload carries its import_job).
  throw new ApiError({ ...p, type: p.type ?? "about:blank", title: p.title ?? t.errors.title, status: r.status,
    detail: p.detail ?? `HTTP ${r.status}`, errors: p.errors });
}
