"""Bulk upload benchmark (issue 5): DHIS2 CSV of N values over HTTP, end to end, against a
raw PostgreSQL COPY of the same rows into the same table.

    .venv/bin/python benchmarks/import_bench.py [--values 1100000] [--database-url URL]

It creates its own database (healthplan_bench by default; dropped and recreated) with the
demo data, then a province's 1 100 communes and 200 count indicators through
POST /imports/org_units and /imports/indicators, writes the CSV to a temporary folder, starts
`healthplan serve` and one `healthplan worker`, then times: the first import, a re-import of
the same file (every value unchanged) and a re-import with 10 % of the values changed. The
floor is measured in the same run, as issue 21 asks: `psql \\copy` of the same rows,
resolved to ids, into `CREATE TABLE ... (LIKE data_value INCLUDING ALL)` (before and after
the imports; the lower is used). It prints each run's time, values/second and ratio to the
floor with the load average at its end (the machine may be shared), and the worker's peak
memory (VmHWM).
"""

import argparse
import asyncio
import calendar
import contextlib
import csv
import io
import json
import math
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

UNITS, INDICATORS = 1100, 200


def server_url(url: str, database: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + database


async def prepare(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    conn = await asyncpg.connect(server_url(url, "postgres"))
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()


def run(cmd: list[str], env: dict[str, str]) -> None:
    subprocess.run(cmd, env=env, cwd=ROOT, check=True, capture_output=True)


def setup_database(url: str, env: dict[str, str], *, catalogue: bool = True) -> None:
    """A fresh benchmark database: migrated, with the demo data (the province BN) and, with
    `catalogue`, the generated units and indicators inserted directly."""
    asyncio.run(prepare(url))
    run([sys.executable, "-m", "api.cli", "migrate"], env)
    run([sys.executable, "-m", "api.cli", "load-demo"], env)
    if catalogue:
        asyncio.run(seed_catalogue_directly(url))


async def seed_catalogue_directly(url: str) -> None:
    """1 100 communes under one province, 200 count indicators, inserted directly (the load
    and read benchmarks, whose servers start with them)."""
    conn = await asyncpg.connect(url)
    root = await conn.fetchrow("SELECT id, path FROM org_unit WHERE code = 'BN'")
    units = []
    for i in range(UNITS):
        uid = uuid.uuid4()
        units.append(
            (
                uid,
                f"BX-{i:04d}",
                f"Xã thử {i}",
                f"xa thu {i} | bx-{i:04d}",
                "commune",
                root["id"],
                root["path"] + uid.hex + "/",
                1,
                True,
                1,
            )
        )
    await conn.copy_records_to_table(
        "org_unit",
        records=units,
        columns=[
            "id",
            "code",
            "name",
            "search_name",
            "type",
            "parent_id",
            "path",
            "level",
            "active",
            "version",
        ],
    )
    indicators = [
        (
            uuid.uuid4(),
            f"BI_{i:03d}",
            f"Chỉ số thử {i}",
            f"chi so thu {i}",
            "activity",
            "count",
            1,
            "higher",
            0,
            "sum",
            False,
            "[]",
            True,
            1,
        )
        for i in range(INDICATORS)
    ]
    await conn.copy_records_to_table(
        "indicator",
        records=indicators,
        columns=[
            "id",
            "code",
            "name_vi",
            "search_name",
            "kind",
            "value_type",
            "factor",
            "direction",
            "decimals",
            "aggregation",
            "allow_numerator_above_denominator",
            "categories",
            "active",
            "version",
        ],
    )
    await conn.execute("UPDATE org_unit SET created_at = now(), updated_at = now()")
    await conn.execute("UPDATE indicator SET created_at = now(), updated_at = now()")
    await conn.close()


def seed_catalogue(base: str, token: str) -> float:
    """1 100 communes under the province BN and 200 count indicators, as an integrator makes
    them: a CSV each through POST /imports/org_units and /imports/indicators (issue 21).
    Returns the seconds both took."""
    units = io.StringIO()
    out = csv.writer(units, lineterminator="\n")
    out.writerow(["code", "name", "type", "parent_code"])
    out.writerows([f"BX-{i:04d}", f"Xã thử {i}", "commune", "BN"] for i in range(UNITS))
    indicators = io.StringIO()
    out = csv.writer(indicators, lineterminator="\n")
    out.writerow(["code", "name_vi", "kind", "value_type", "aggregation"])
    out.writerows(
        [f"BI_{i:03d}", f"Chỉ số thử {i}", "activity", "count", "sum"] for i in range(INDICATORS)
    )
    started = time.perf_counter()
    for resource, content in (("org_units", units), ("indicators", indicators)):
        job = upload(base, token, resource, content.getvalue().encode(), f"{resource}.csv")
        want = UNITS if resource == "org_units" else INDICATORS
        if job["counts"]["created"] != want:
            raise SystemExit(f"{resource}: created {job['counts']} of {want}")
    return time.perf_counter() - started


def periods_for(values: int) -> list[str]:
    count = max(1, -(-values // (UNITS * INDICATORS)))
    return [f"{2020 + m // 12}{m % 12 + 1:02d}" for m in range(count)]


def machine_speed() -> float:
    """Milliseconds for 2 M additions in a Python loop, best of three: machines of the same
    kind differ (one session's measured twice another's), so figures from different runs are
    comparable only with this beside them."""
    best = math.inf
    for _ in range(3):
        started, total = time.perf_counter(), 0
        for n in range(2_000_000):
            total += n
        best = min(best, (time.perf_counter() - started) * 1000)
    return best


def write_csv(
    path: Path, values: int, *, change: float = 0.0, bad: float = 0.0, seed: int = 1
) -> int:
    rng = random.Random(seed)
    written = 0
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(
            [
                "dataelement",
                "period",
                "orgunit",
                "catoptcombo",
                "attroptcombo",
                "value",
                "storedby",
                "lastupdated",
                "comment",
                "followup",
            ]
        )
        for period in periods_for(values):
            for u in range(UNITS):
                for i in range(INDICATORS):
                    if written >= values:
                        return written
                    value = (u * 7 + i * 13 + int(period)) % 997
                    if change and rng.random() < change:
                        value += 1000
                    row = [f"BI_{i:03d}", period, f"BX-{u:04d}", "", "", value, "", "", "", "false"]
                    if bad and rng.random() < bad:
                        # One bad cell of four kinds: unknown indicator, period, unit; a word.
                        kind = rng.randrange(4)
                        row[(0, 1, 2, 5)[kind]] = ("BI_999", "202013", "BX-9999", "nhiều")[kind]
                    out.writerow(row)
                    written += 1
    return written


def peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def phases_logged(log: Path, seen: int) -> list[str]:
    """The importer's phase lines (api.import_phases, INFO) in the worker's log after the
    first `seen`."""
    found = []
    for line in log.read_text().splitlines():
        with contextlib.suppress(ValueError):  # JSON logs (LOG_JSON) or plain ones
            record = json.loads(line)
            line = record.get("msg") or record.get("message") or ""
        if "phases:" in line:
            found.append(line.split("phases:", 1)[1].strip())
    return found[seen:]


def upload(
    base: str, token: str, resource: str, content: bytes, name: str, expect: str = "succeeded"
) -> dict[str, Any]:
    """POST a file to /imports/{resource}, polled to its end; the job."""
    r = httpx.post(
        f"{base}/api/v1/imports/{resource}",
        headers={"Authorization": f"Bearer {token}"},
        files={"file": (name, content, "text/csv")},
        timeout=600,
    )
    if r.status_code not in (200, 202):
        raise SystemExit(f"upload refused: {r.status_code} {r.text[:500]}")
    job: dict[str, Any] = r.json()
    while job["status"] in ("queued", "running"):
        time.sleep(0.5)
        job = httpx.get(
            f"{base}/api/v1/imports/{job['id']}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        ).json()
    if job["status"] != expect:
        raise SystemExit(f"import {job['status']}: {job.get('error')} {job['conflicts'][:3]}")
    return job


def timed_upload(base: str, token: str, path: Path, expect: str = "succeeded") -> float:
    """The values file through POST /imports/data_values, polled to its end: seconds."""
    started = time.perf_counter()
    job = upload(base, token, "data_values", path.read_bytes(), path.name, expect)
    elapsed = time.perf_counter() - started
    print(f"    counts {job['counts']}")
    return elapsed


async def resolved_file(url: str, path: Path, out: Path) -> int:
    """The upload's rows resolved to ids, as the text COPY reads (the floor's input)."""
    conn = await asyncpg.connect(url)
    units = {r["code"]: r["id"] for r in await conn.fetch("SELECT id, code FROM org_unit")}
    inds = {r["code"]: r["id"] for r in await conn.fetch("SELECT id, code FROM indicator")}
    await conn.close()
    now = time.strftime("%Y-%m-%d %H:%M:%S+00", time.gmtime())
    count = 0
    with path.open(encoding="utf-8") as f, out.open("w", encoding="utf-8") as w:
        for row in csv.DictReader(f):
            p = row["period"]
            start = f"{p[:4]}-{p[4:]}-01"
            end = f"{p[:4]}-{p[4:]}-{calendar.monthrange(int(p[:4]), int(p[4:]))[1]}"
            w.write(
                f"{uuid.uuid4()}\t{inds[row['dataelement']]}\t{units[row['orgunit']]}\t{p}\t"
                f"monthly\t{start}\t{end}\tdefault\t{row['value']}\timport\tsubmitted\t"
                f"{now}\t{now}\t1\n"
            )
            count += 1
    return count


FLOOR_COLUMNS = (
    "id, indicator_id, org_unit_id, period, period_type, period_start, period_end, option, "
    "value, source, status, created_at, updated_at, version"
)


def floor_copy(url: str, resolved: Path) -> float:
    """The database's floor: psql's \\copy of the resolved rows into an empty copy of
    data_value with all its indexes and constraints (CREATE TABLE ... (LIKE data_value
    INCLUDING ALL)), timed around psql."""
    base = [
        "psql",
        url,
        "-v",
        "ON_ERROR_STOP=1",
        "-q",
        "-c",
        "SET client_min_messages = warning",
        "-c",
    ]
    subprocess.run(
        [
            *base,
            "DROP TABLE IF EXISTS data_value_floor; "
            "CREATE TABLE data_value_floor (LIKE data_value INCLUDING ALL)",
        ],
        check=True,
    )
    started = time.perf_counter()
    subprocess.run(
        [*base, f"\\copy data_value_floor ({FLOOR_COLUMNS}) FROM '{resolved}'"], check=True
    )
    elapsed = time.perf_counter() - started
    subprocess.run([*base, "DROP TABLE data_value_floor"], check=True)
    return elapsed


def load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--values", type=int, default=1_100_000)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/healthplan_bench"
        ),
    )
    parser.add_argument("--port", type=int, default=8097)
    parser.add_argument(
        "--bad-rows",
        type=float,
        default=0.0,
        help="also time a file with this share of bad rows (refused), e.g. 0.1",
    )
    args = parser.parse_args()
    url = args.database_url
    env = {
        **os.environ,
        "JWT_SECRET": os.environ.get("JWT_SECRET") or secrets.token_urlsafe(48),
        "DATABASE_URL": url,
        "LOG_LEVEL": "WARNING",
        "SPA_DIR": "/nonexistent",
        "IMPORT_MAX_BYTES": str(2 * 1024**3),
    }
    print(f"this machine: {machine_speed():.0f} ms for a fixed pure-Python loop (lower is faster)")
    print(f"preparing {url} ...")
    setup_database(url, env, catalogue=False)
    work = Path(tempfile.mkdtemp(prefix="hp-bench-"))
    first, changed = work / "values.csv", work / "values-10pct.csv"
    n = write_csv(first, args.values)
    write_csv(changed, args.values, change=0.10)
    print(f"{n} values in {first} ({first.stat().st_size / 1e6:.1f} MB)")

    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(args.port)], env=env, cwd=ROOT
    )
    worker_log = work / "worker.log"
    worker = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "worker", "--queue", "imports", "--concurrency", "1"],
        env={**env, "LOG_LEVEL": "INFO"},
        cwd=ROOT,
        stderr=worker_log.open("w"),
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
        seconds = seed_catalogue(base, token)
        print(f"  {UNITS} communes and {INDICATORS} indicators through /imports: {seconds:.1f} s")
        resolved = work / "resolved.tsv"
        asyncio.run(resolved_file(url, first, resolved))
        floor = floor_copy(url, resolved)
        print(f"  floor (psql \\copy into a copy of data_value): {floor:.1f} s  {load()}")
        results: dict[str, tuple[float, str]] = {}
        phases: list[str] = []
        for label, path in (
            ("first import", first),
            ("re-import, unchanged", first),
            ("re-import, 10 % changed", changed),
        ):
            print(f"  {label} ...")
            results[label] = (timed_upload(base, token, path), load())
            for line in phases_logged(worker_log, len(phases)):
                phases.append(f"{label}: {line}")
                print(f"    phases (s): {line}")
        if args.bad_rows:
            bad = work / "values-bad.csv"
            write_csv(bad, args.values, bad=args.bad_rows, seed=2)
            label = f"file with {args.bad_rows:.0%} bad rows (refused)"
            print(f"  {label} ...")
            seconds = timed_upload(base, token, bad, "rejected")
            print(f"    {seconds:.1f} s  {load()}")
            for line in phases_logged(worker_log, len(phases)):
                phases.append(f"{label}: {line}")
                print(f"    phases (s): {line}")
        again = floor_copy(url, resolved)
        print()
        print(
            f"values: {n}; floor: psql \\copy of the same rows, resolved to ids, into "
            f"CREATE TABLE ... (LIKE data_value INCLUDING ALL): {floor:.1f} s before the "
            f"imports, {again:.1f} s after ({n / min(floor, again):,.0f} values/s)"
        )
        floor = min(floor, again)
        goals = {"first import": 3.0, "re-import, unchanged": 1.5, "re-import, 10 % changed": 2.0}
        for label, (seconds, during) in results.items():
            print(
                f"{label:<26} {seconds:7.1f} s  {n / seconds:>10,.0f} values/s  "
                f"{seconds / floor:4.1f}× floor (goal ≤ {goals[label]}×)  {during}"
            )
        print(f"worker peak memory (VmHWM): {peak_rss_mb(worker.pid):.0f} MB")
        print("where the worker's time went, by phase (seconds; api.import_phases):")
        for line in phases:
            print(f"  {line}")
    finally:
        for proc in (worker, server):
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
