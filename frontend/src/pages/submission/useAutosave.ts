// The autosave of a report: what was typed goes to the server a moment after typing, is kept
// on this computer until the server has it, survives leaving the page, a reload, a crash and
// an expired session; a field the server refuses waits, marked, while the others save.
import { useCallback, useEffect, useRef, useState } from "react";
import { ApiError, api, currentSubject, isLeavingForLogin, tokens, unwrap } from "../../api/client";
import {
  empty, type EntryKey, keys, locate, merge, messageVi, type Pending, type Refusal, size, split,
  toBody,
} from "./draft";
import { copyKey, copyWriter, readCopy } from "./localCopy";

const AUTOSAVE_MS = 1200;
const RETRY_MAX_MS = 60_000;

export const ifMatch = (version: number) => ({ "if-match": `"${version}"` });

export interface SaveState {
  saving: boolean;
  savedAt: Date | null;
  conflict: boolean;
  /** A failure not tied to one field (network, server down): retried with growing pauses. */
  error: unknown;
  retryAt: number | null;
  refused: Record<EntryKey, Refusal>;
  /** Entries restored from this computer's copy when the page opened. */
  restored: number;
}

export function useAutosave(id: string, loaded: boolean) {
  const version = useRef<number | null>(null);
  const pending = useRef<Pending>(empty());
  // What was saved since the page read the report: the page's copy of the report is not read
  // again after each save, so what it shows is this over that copy, with `pending` on top.
  const applied = useRef<Pending>(empty());
  const refused = useRef<Record<EntryKey, Refusal>>({});
  const inFlight = useRef(false);
  const failures = useRef(0);
  const [ready, setReady] = useState(false);
  const [tick, setTick] = useState(0);
  const [state, setState] = useState<SaveState>({
    saving: false, savedAt: null, conflict: false, error: null, retryAt: null, refused: {}, restored: 0,
  });
  const person = useRef(currentSubject() ?? "anonymous");
  const writer = useRef(copyWriter(copyKey(person.current, id)));
  const patch = (p: Partial<SaveState>) => setState((s) => ({ ...s, ...p }));

  const persist = useCallback(() => {
    void writer.current.write(size(pending.current) ? { pending: pending.current, at: Date.now() } : null);
  }, []);

  // The local copy is read before the form is laid out, so the inputs show what was typed.
  useEffect(() => {
    let live = true;
    void readCopy(copyKey(person.current, id)).then((copy) => {
      if (!live) return;
      if (copy && size(copy.pending)) {
        pending.current = merge(copy.pending, pending.current);
        patch({ restored: size(copy.pending) });
        setTick((n) => n + 1);
      }
      setReady(true);
    });
    return () => { live = false; };
  }, [id]);

  const saveOnce = useCallback(async (): Promise<boolean> => {
    if (version.current === null) return size(pending.current) === 0;
    // Refused entries wait for the person to change them; the others go now.
    const [sending, waiting] = split(pending.current, (k) => !(k in refused.current));
    if (size(sending) === 0) return size(waiting) === 0;
    pending.current = waiting;
    inFlight.current = true;
    patch({ saving: true });
    const { body, at } = toBody(sending);
    try {
      const saved = unwrap(await api.PATCH("/api/v1/submissions/{submission_id}", {
        params: { path: { submission_id: id }, header: ifMatch(version.current) },
        body,
      }));
      version.current = saved.version;
      applied.current = merge(applied.current, sending);
      failures.current = 0;
      patch({ savedAt: new Date(), error: null, retryAt: null, conflict: false });
      return size(pending.current) === 0;
    } catch (e) {
      // Nothing typed is lost: what failed goes back in front of anything typed since.
      pending.current = merge(sending, pending.current);
      if (e instanceof ApiError && e.problem.status === 412) {
        patch({ conflict: true });
        return false;
      }
      const errors = e instanceof ApiError && e.problem.status === 422 ? e.problem.errors ?? [] : [];
      const located = errors.map((err) => ({ err, at: locate(err.field, body, at) }));
      if (located.length && located.every((x) => x.at)) {
        // Mark each refused entry in place; the rest are sent again at once without them.
        for (const { err, at: where } of located) {
          const prev = refused.current[where!.key];
          const message = messageVi(err.message, err.code);
          refused.current[where!.key] = prev && prev.message !== message
            ? { message: `${prev.message} ${message}`, part: prev.part }
            : { message, part: where!.part };
        }
        patch({ refused: { ...refused.current }, error: null, retryAt: null });
        setTick((n) => n + 1);
        return false;
      }
      if (e instanceof ApiError && e.problem.status < 500 && e.problem.status !== 429 && e.problem.status !== 408) {
        // An answer that will not change by asking again: shown, retried after the next edit.
        patch({ error: e, retryAt: null });
        return false;
      }
      // The network or the server: try again, waiting longer each time (2 s … 1 min).
      failures.current += 1;
      const wait = Math.min(RETRY_MAX_MS, 1000 * 2 ** failures.current);
      patch({ error: e, retryAt: Date.now() + wait });
      return false;
    } finally {
      inFlight.current = false;
      persist();
      patch({ saving: false });
      setTick((n) => n + 1);
    }
  }, [id, persist]);

  // One save at a time; an explicit save (before submitting, uploading) waits for the
  // autosave on its way, then sends what is left.
  const running = useRef<Promise<boolean> | null>(null);
  const save = useCallback(async (): Promise<boolean> => {
    while (running.current) await running.current;
    const once = saveOnce();
    running.current = once;
    try {
      return await once;
    } finally {
      running.current = null;
    }
  }, [saveOnce]);

  // The autosave timer: a moment after the last edit, or after the retry pause.
  useEffect(() => {
    if (!ready || state.conflict || version.current === null) return;
    const [sendable] = split(pending.current, (k) => !(k in refused.current));
    if (size(sendable) === 0) return;
    if (state.error && state.retryAt === null) return;
    const delay = state.retryAt ? Math.max(0, state.retryAt - Date.now()) : AUTOSAVE_MS;
    const timer = setTimeout(() => void save(), delay);
    return () => clearTimeout(timer);
  }, [tick, ready, state.conflict, state.error, state.retryAt, save]);

  /** Record an edit: `apply` changes the pending entries; `key` is the entry it touched. */
  const change = useCallback((key: EntryKey, apply: (p: Pending) => void) => {
    apply(pending.current);
    if (key in refused.current) {
      delete refused.current[key];
      patch({ refused: { ...refused.current } });
    }
    patch({ error: null, retryAt: null });
    failures.current = 0;
    persist();
    setTick((n) => n + 1);
  }, [persist]);

  // Leaving the screen inside the app: save now (the page's JavaScript lives on to finish).
  const saveRef = useRef(save);
  saveRef.current = save;
  useEffect(() => () => { void saveRef.current(); }, []);

  // Leaving the page (close, reload, another site): ask first, and send what can be sent.
  useEffect(() => {
    const unsaved = () => size(pending.current) > 0 || inFlight.current;
    const beforeUnload = (event: BeforeUnloadEvent) => {
      if (!unsaved() || isLeavingForLogin()) return;
      event.preventDefault();
      event.returnValue = "";
    };
    const pageHide = () => {
      const [sending] = split(pending.current, (k) => !(k in refused.current));
      if (!size(sending) || version.current === null || !tokens.access || inFlight.current) return;
      // Best effort: the local copy is what guarantees nothing is lost.
      void fetch(`/api/v1/submissions/${id}`, {
        method: "PATCH", keepalive: true,
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${tokens.access}`,
          "If-Match": `"${version.current}"` },
        body: JSON.stringify(toBody(sending).body),
      }).catch(() => undefined);
    };
    window.addEventListener("beforeunload", beforeUnload);
    window.addEventListener("pagehide", pageHide);
    return () => {
      window.removeEventListener("beforeunload", beforeUnload);
      window.removeEventListener("pagehide", pageHide);
    };
  }, [id]);

  /** After a conflict, or a reload, start again from this server version. */
  const setVersion = useCallback((v: number) => {
    if (version.current === null || v > version.current) version.current = v;
    setTick((n) => n + 1);
  }, []);

  const discard = useCallback(() => {
    pending.current = empty();
    refused.current = {};
    persist();
    patch({ conflict: false, refused: {}, error: null, retryAt: null });
  }, [persist]);

  useEffect(() => {
    if (loaded) setTick((n) => n + 1);
  }, [loaded]);

  return {
    ready, tick, state, pending, applied, version, save, change, setVersion, discard,
    clearConflict: () => patch({ conflict: false }),
    // Waiting to be sent; refused entries are listed on their own and wait for an edit.
    unsaved: size(split(pending.current, (k) => !(k in refused.current))[0]) > 0,
    refusedKeys: () => keys(pending.current).filter((k) => k in refused.current),
  };
}
