// Reads started before React and the page's code have arrived: on a slow link the report's
// JSON comes down while its screen's code does, not one round trip after it.
import { tokens } from "./client";

const started = new Map<string, Promise<Response>>();

/** Start GET `path` now if signed in; `takeEarly` hands the answer to the page (once). */
export function fetchEarly(path: string): void {
  const access = tokens.access;
  if (!access || started.has(path)) return;
  const response = fetch(path, { headers: { Authorization: `Bearer ${access}` } });
  response.catch(() => undefined);
  started.set(path, response);
}

/** The early answer's body if it came back 200; anything else, the page asks again itself
 * (through the client, which refreshes an expired token). */
export async function takeEarly<T>(path: string): Promise<T | undefined> {
  const response = started.get(path);
  if (!response) return undefined;
  started.delete(path);
  try {
    const r = await response;
    return r.ok ? ((await r.json()) as T) : undefined;
  } catch {
    return undefined;
  }
}
