"""Where a load run's slow answers were: a `load_bench.py --trace` file, window by window.

    .venv/bin/python benchmarks/trace_windows.py TRACE.json [--step 0.5] [--until 10]

Per window of `--step` seconds (by when requests were sent): how many were sent, the most
frequent operations, form writes' p95 and worst, and the cores the API and the whole machine
used in it.
"""

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path

from load_bench import FORM_WRITES, percentile


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("trace", type=Path)
    parser.add_argument("--step", type=float, default=0.5, help="seconds per window")
    parser.add_argument("--until", type=float, default=float("inf"), help="seconds into the run")
    args = parser.parse_args()
    trace = json.loads(args.trace.read_text())
    windows: dict[int, list[tuple[str, float, float]]] = defaultdict(list)
    for op, sent, answered, _ in trace["requests"]:
        if sent < args.until:
            windows[int(sent // args.step)].append((op, sent, answered))
    samples = trace["cpu"]

    def cores(key: str, lo: float, hi: float) -> float:
        inside = [s for s in samples if lo <= s["at"] <= hi]
        if len(inside) < 2:
            return float("nan")
        return (inside[-1][key] - inside[0][key]) / (inside[-1]["at"] - inside[0]["at"])

    print(
        f"{'from s':>6} {'sent':>5}  {'operations':<52} {'fw p95':>7} {'worst':>6} "
        f"{'API':>5} {'all':>5}"
    )
    for n in sorted(windows):
        rows = windows[n]
        ops = ", ".join(f"{op} {k}" for op, k in Counter(r[0] for r in rows).most_common(3))
        writes = sorted(
            (answered - sent) * 1000 for op, sent, answered in rows if op in FORM_WRITES
        )
        lo, hi = n * args.step, (n + 1) * args.step
        print(
            f"{lo:6.1f} {len(rows):5d}  {ops:<52.52} {percentile(writes, 95):7.0f} "
            f"{max(writes, default=float('nan')):6.0f} {cores('API', lo, hi):5.2f} "
            f"{cores('machine', lo, hi):5.2f}"
        )


if __name__ == "__main__":
    main()
