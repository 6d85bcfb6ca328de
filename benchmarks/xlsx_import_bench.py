"""An XLSX upload end to end (issue 21): the time and the job worker's peak memory of
importing N values sent as a workbook instead of CSV.

    .venv/bin/python benchmarks/xlsx_import_bench.py [--values 220000]

Uses import_bench.py's database, catalogue (1 100 communes, 200 indicators) and servers; the
sheet has the columns people upload (indicator, org_unit, period, value), written by openpyxl
(inline strings, as our own exports are). The XLSX limits are raised for the run: 1.1 M rows
written that way are 245 MB of sheet XML, over the default XLSX_MAX_MEMBER_BYTES.
"""

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_bench import (
    INDICATORS,
    ROOT,
    UNITS,
    load,
    machine_speed,
    peak_rss_mb,
    periods_for,
    setup_database,
)


def write_xlsx(path: Path, values: int) -> int:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Data")
    sheet.append(["indicator", "org_unit", "period", "value"])
    n = 0
    for period in periods_for(values):
        for u in range(UNITS):
            for i in range(INDICATORS):
                if n == values:
                    break
                sheet.append([f"BI_{i:03d}", f"BX-{u:04d}", period, (u * 7 + i * 13) % 997])
                n += 1
    book.save(path)
    return n


def upload(base: str, token: str, path: Path) -> tuple[float, dict[str, int]]:
    started = time.perf_counter()
    with path.open("rb") as f:
        r = httpx.post(
            f"{base}/api/v1/imports/data_values",
            headers={"Authorization": f"Bearer {token}"},
            files={"file": (path.name, f, "application/octet-stream")},
            timeout=600,
        )
    if r.status_code not in (200, 202):
        raise SystemExit(f"upload refused: {r.status_code} {r.text[:500]}")
    job = r.json()
    while job["status"] in ("queued", "running"):
        time.sleep(0.5)
        job = httpx.get(
            f"{base}/api/v1/imports/{job['id']}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        ).json()
    if job["status"] != "succeeded":
        raise SystemExit(f"import {job['status']}: {job.get('error')} {job['conflicts'][:3]}")
    return time.perf_counter() - started, job["counts"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=220_000)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/healthplan_bench_xlsx"
        ),
    )
    parser.add_argument("--port", type=int, default=8098)
    args = parser.parse_args()
    env = {
        **os.environ,
        "JWT_SECRET": os.environ.get("JWT_SECRET") or secrets.token_urlsafe(48),
        "DATABASE_URL": args.database_url,
        "LOG_LEVEL": "WARNING",
        "SPA_DIR": "/nonexistent",
        "IMPORT_MAX_BYTES": str(2 * 1024**3),
        "XLSX_MAX_MEMBER_BYTES": str(1024**3),
        "XLSX_MAX_EXPANDED_BYTES": str(1024**3),
    }
    print(f"this machine: {machine_speed():.0f} ms for a fixed pure-Python loop (lower is faster)")
    print(f"preparing {args.database_url} ...")
    setup_database(args.database_url, env)
    path = Path(tempfile.mkdtemp(prefix="hp-xlsx-")) / "values.xlsx"
    n = write_xlsx(path, args.values)
    print(f"{n} values in {path} ({path.stat().st_size / 1e6:.1f} MB)")
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(args.port)], env=env, cwd=ROOT
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "worker", "--queue", "imports", "--concurrency", "1"],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/api/v1/ready", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.3)
        token = httpx.post(
            f"{base}/api/v1/auth/token", data={"username": "admin", "password": "healthplan"}
        ).json()["access_token"]
        for label in ("first import", "re-import, unchanged"):
            seconds, counts = upload(base, token, path)
            rate = n / seconds
            print(f"{label:<22} {seconds:7.1f} s  {rate:>9,.0f} values/s  {counts}  {load()}")
        print(f"worker peak memory (VmHWM): {peak_rss_mb(worker.pid):.0f} MB")
    finally:
        for proc in (worker, server):
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
