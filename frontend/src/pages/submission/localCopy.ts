// The local copy of unsaved edits (IndexedDB): it survives a reload, a crash, a killed tab
// and a re-login, and is kept apart per signed-in person on a shared computer.
import { del, get, set } from "idb-keyval";
import type { Pending } from "./draft";

export interface LocalCopy {
  pending: Pending;
  at: number; // when it was written (ms since epoch)
}

export const copyKey = (person: string, submissionId: string) => `hp.draft.${person}.${submissionId}`;

export async function readCopy(key: string): Promise<LocalCopy | undefined> {
  try {
    return await get<LocalCopy>(key);
  } catch {
    return undefined; // a browser without IndexedDB (private mode of some): the server copy only
  }
}

/** Write the latest copy; writes never overlap and the last one asked for wins. */
export function copyWriter(key: string) {
  let writing: Promise<void> | null = null;
  let next: LocalCopy | null | undefined; // undefined: nothing queued; null: delete
  const run = async (): Promise<void> => {
    while (next !== undefined) {
      const value = next;
      next = undefined;
      try {
        if (value === null) await del(key);
        else await set(key, value);
      } catch {
        // No IndexedDB: nothing to do, the autosave still runs.
      }
    }
    writing = null;
  };
  return {
    write(value: LocalCopy | null): Promise<void> {
      next = value;
      writing ??= run();
      return writing;
    },
  };
}
