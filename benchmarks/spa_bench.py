"""The SPA over a slow link (issue 20 §3): starts `healthplan serve` with the demo data and the
built SPA on a free loopback port, then runs benchmarks/spa_bench.mjs against it.

    .venv/bin/python benchmarks/spa_bench.py [--runs 3]

It creates its own database (healthplan_bench_spa by default, BENCH_DATABASE_URL to change;
dropped and recreated). It prints figures and never fails on slowness.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conftest import running_server  # noqa: E402


def main() -> int:
    url = os.environ.get(
        "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/healthplan_bench_spa"
    )
    dist = ROOT / "frontend" / "dist"
    if not (dist / "index.html").is_file():
        print("the SPA is not built: run `make frontend`", file=sys.stderr)
        return 1
    with running_server(url, spa_dir=dist) as base:
        script = ROOT / "benchmarks" / "spa_bench.mjs"
        env = {**os.environ, "E2E_BASE_URL": base}
        node = shutil.which("node") or "node"
        return subprocess.run([node, str(script), *sys.argv[1:]], env=env, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
