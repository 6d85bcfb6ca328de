// A value that settles: what a search sends once the person pauses typing (300 ms), not one
// request per key ("son hai" was 6 requests on a slow link).
import { useEffect, useState } from "react";

export const SEARCH_PAUSE_MS = 300;

export function useDebounced<T>(value: T, ms = SEARCH_PAUSE_MS): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}
