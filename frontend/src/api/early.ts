// Reads started before React and the page's code have arrived (src/early.ts starts them): on
// a slow link the report's JSON comes down while its screen's code does, not one round trip
// after it.

function started(): Map<string, Promise<Response>> {
  const w = window as unknown as { __hpEarly?: Map<string, Promise<Response>> };
  return (w.__hpEarly ??= new Map());
}

/** The early answer's body if it came back 200 (once); anything else, the page asks again
 * itself (through the client, which renews an expired token). */
export async function takeEarly<T>(path: string): Promise<T | undefined> {
  const response = started().get(path);
  if (!response) return undefined;
  started().delete(path);
  try {
    const r = await response;
    return r.ok ? ((await r.json()) as T) : undefined;
  } catch {
    return undefined;
  }
}
