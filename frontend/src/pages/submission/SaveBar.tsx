// The sticky bar under the report: save state, what the server refused (by label), a lost
// connection and a conflict, where the person is typing rather than at the top of the page.
import { type ReactNode, useEffect, useState } from "react";
import { ApiError } from "../../api/client";
import { t } from "../../i18n/vi";
import type { EntryKey, Submission } from "./draft";
import { labelOf } from "./parts";
import type { SaveState } from "./useAutosave";

const clock = (d: Date) => d.toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit" });

function useSecondsUntil(at: number | null): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (at === null) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [at]);
  return at === null ? 0 : Math.max(0, Math.ceil((at - now) / 1000));
}

export function SaveBar({ s, state, unsaved, refusedKeys, onSave, onKeepMine, onDiscard, children }: {
  s: Submission; state: SaveState; unsaved: boolean; refusedKeys: EntryKey[];
  onSave: () => void; onKeepMine: () => void; onDiscard: () => void; children?: ReactNode;
}) {
  const seconds = useSecondsUntil(state.retryAt);
  const text = state.saving ? t.submission.saving
    : unsaved ? t.submission.unsaved
      : state.savedAt ? t.submission.saved(clock(state.savedAt)) : "";
  const problem = state.error instanceof ApiError ? state.error.problem : null;
  return (
    <div className="actions sticky savebar" data-testid="savebar">
      {state.conflict && (
        <div className="error" role="alert" data-testid="conflict">
          {t.submission.conflict}
          <div className="actions">
            <button type="button" onClick={onKeepMine}>{t.submission.keepMine}</button>
            <button type="button" onClick={onDiscard}>{t.submission.reload}</button>
          </div>
        </div>
      )}
      {refusedKeys.length > 0 && (
        <div className="error" role="alert" data-testid="refused">
          {t.submission.refused(refusedKeys.length)}
          <ul>
            {refusedKeys.map((k) => (
              <li key={k}>{labelOf(k, state.refused[k], s)}: {state.refused[k]?.message}</li>
            ))}
          </ul>
        </div>
      )}
      {state.error !== null && state.error !== undefined && (
        <div className="error" role="alert" data-testid="save-error">
          {state.retryAt !== null ? t.submission.offline(seconds)
            : problem ? `${problem.title}: ${problem.detail}` : t.errors.unknown}
          {state.retryAt !== null && (
            <button type="button" className="small" onClick={onSave}>{t.submission.retryNow}</button>
          )}
        </div>
      )}
      <div className="row-actions">
        <span className="muted" data-testid="save-state" role="status">{text}</span>
        {children}
      </div>
    </div>
  );
}
