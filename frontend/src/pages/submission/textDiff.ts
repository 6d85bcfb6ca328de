// A word-level diff of two texts, for a person to read what a section gained and lost.
// No imports: test/textDiff.test.mjs runs it in node.

export type Piece = { kind: "same" | "added" | "removed"; text: string };

const tokens = (s: string) => s.split(/(\s+)/).filter((x) => x !== "");

/** The pieces of `after` and `before` in order: kept, added and removed runs of words.
 * Joining the same+removed pieces gives `before` back; same+added gives `after`. */
export function textDiff(before: string, after: string, limit = 4_000_000): Piece[] {
  const a = tokens(before);
  const b = tokens(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) { endA--; endB--; }
  const out: Piece[] = [];
  const push = (kind: Piece["kind"], text: string) => {
    if (!text) return;
    const last = out[out.length - 1];
    if (last && last.kind === kind) last.text += text;
    else out.push({ kind, text });
  };
  push("same", a.slice(0, start).join(""));
  const x = a.slice(start, endA);
  const y = b.slice(start, endB);
  const n = x.length;
  const m = y.length;
  if (n * m > limit) {
    // Too long to align word by word: the changed middle as one removal and one addition.
    push("removed", x.join(""));
    push("added", y.join(""));
  } else {
    // lcs[i][j]: the longest common run of x[i..] and y[j..].
    const w = m + 1;
    const lcs = new Uint32Array((n + 1) * w);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * w + j] = x[i] === y[j] ? lcs[(i + 1) * w + j + 1] + 1
          : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (x[i] === y[j]) { push("same", x[i]); i++; j++; }
      else if (lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) { push("removed", x[i]); i++; }
      else { push("added", y[j]); j++; }
    }
    while (i < n) push("removed", x[i++]);
    while (j < m) push("added", y[j++]);
  }
  push("same", a.slice(endA).join(""));
  return out;
}
