"""Read benchmark (issue 4): a province of 1 100 communes, I indicators and M months of monthly
values; times over HTTP the roll-up of one indicator for one year by commune, a full
incremental pull of yesterday's changes, and a DHIS2 export of one commune-year.

    .venv/bin/python benchmarks/read_bench.py [--indicators 200] [--months 60]

The issue's scale is 200 indicators × 60 months (13.2 M values); smaller runs print the
scale they used. Values are loaded with COPY (this measures reads, not writes).
"""

import argparse
import asyncio
import os
import secrets
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from import_bench import UNITS, machine_speed, setup_database  # noqa: E402


async def load_values(url: str, indicators: int, months: int) -> int:
    conn = await asyncpg.connect(url)
    units = [
        r["id"]
        for r in await conn.fetch("SELECT id FROM org_unit WHERE code LIKE 'BX-%' ORDER BY code")
    ]
    inds = [
        r["id"]
        for r in await conn.fetch("SELECT id FROM indicator WHERE code LIKE 'BI_%' ORDER BY code")
    ][:indicators]
    now = datetime.now(UTC) - timedelta(days=3)
    total = 0
    await conn.execute("ALTER TABLE data_value SET (autovacuum_enabled = false)")
    for m in range(months):
        year, month = 2021 + m // 12, m % 12 + 1
        start = date(year, month, 1)
        end = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
        records = [
            (
                uuid.uuid4(),
                ind,
                unit,
                f"{year}{month:02d}",
                "monthly",
                start,
                end,
                "default",
                Decimal((i * 7 + u * 3 + m) % 500),
                "import",
                "accepted",
                now,
                now,
                1,
            )
            for u, unit in enumerate(units)
            for i, ind in enumerate(inds)
        ]
        await conn.copy_records_to_table(
            "data_value",
            records=records,
            columns=[
                "id",
                "indicator_id",
                "org_unit_id",
                "period",
                "period_type",
                "period_start",
                "period_end",
                "option",
                "value",
                "source",
                "status",
                "created_at",
                "updated_at",
                "version",
            ],
        )
        total += len(records)
    # Yesterday's changes: 1 % of the values.
    await conn.execute(
        "UPDATE data_value SET updated_at = now() - interval '12 hours', "
        "value = value + 1 WHERE random() < 0.01"
    )
    await conn.execute("ALTER TABLE data_value SET (autovacuum_enabled = true)")
    # What autovacuum does after a load (migration 0011 makes it prompt on data_value): the
    # visibility map lets roll-ups read the covering index alone, without the heap.
    await conn.execute("VACUUM (ANALYZE) data_value")
    await conn.execute("ANALYZE")
    await conn.close()
    return total


def timed(client: httpx.Client, url: str, params: dict[str, object], n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        r = client.get(url, params=params)
        out.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, r.text[:300]
    return out


def summary(label: str, ms: list[float]) -> None:
    ordered = sorted(ms)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    print(f"{label:<52} p50 {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms   n={len(ms)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--indicators", type=int, default=200)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/healthplan_bench_read"
        ),
    )
    parser.add_argument("--port", type=int, default=8098)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database a previous run loaded (skip generation)",
    )
    args = parser.parse_args()
    url = args.database_url
    env = {
        **os.environ,
        "JWT_SECRET": os.environ.get("JWT_SECRET") or secrets.token_urlsafe(48),
        "DATABASE_URL": url,
        "LOG_LEVEL": "WARNING",
        "SPA_DIR": "/nonexistent",
    }
    print(f"this machine: {machine_speed():.0f} ms for a fixed pure-Python loop (lower is faster)")
    if not args.reuse:
        setup_database(url, env)
        t = time.perf_counter()
        total = asyncio.run(load_values(url, args.indicators, args.months))
        print(
            f"{total:,} values ({UNITS} units × {args.indicators} indicators × "
            f"{args.months} months) loaded in {time.perf_counter() - t:.0f} s"
        )
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(args.port)], env=env, cwd=ROOT
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
        client = httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=300
        )
        year = 2021 + (args.months - 1) // 12
        timed(
            client,
            "/api/v1/analytics",
            {"indicator": "BI_000", "org_unit": "BN", "period": str(year), "by": "children"},
            3,
        )
        summary(
            f"roll-up: 1 indicator, {year}, by commune (1 100 rows)",
            timed(
                client,
                "/api/v1/analytics",
                {"indicator": "BI_007", "org_unit": "BN", "period": str(year), "by": "children"},
                40,
            ),
        )
        middle = 2021 + (args.months - 1) // 24
        summary(
            f"roll-up: 1 indicator, {middle}, by commune (a middle year)",
            timed(
                client,
                "/api/v1/analytics",
                {"indicator": "BI_011", "org_unit": "BN", "period": str(middle), "by": "children"},
                40,
            ),
        )
        summary(
            f"roll-up: 1 indicator, {year}, province total",
            timed(
                client,
                "/api/v1/analytics",
                {"indicator": "BI_007", "org_unit": "BN", "period": str(year)},
                40,
            ),
        )
        summary(
            f"DHIS2 export: one commune-year ({args.indicators * 12} values)",
            timed(
                client,
                "/api/v1/dataValueSets",
                {"orgUnit": "BX-0042", "startDate": f"{year}-01-01", "endDate": f"{year}-12-31"},
                20,
            ),
        )
        since = (datetime.now(UTC) - timedelta(days=1)).isoformat()
        t = time.perf_counter()
        pulled, pages, cursor = 0, 0, None
        while True:
            params: dict[str, object] = {"updated_since": since, "limit": 10_000}
            if cursor:
                params["cursor"] = cursor
            page = client.get("/api/v1/data-values", params=params).json()
            pulled += len(page["items"])
            pages += 1
            cursor = page["page"]["next_cursor"]
            if not cursor:
                break
        print(
            f"incremental pull of yesterday's changes: {pulled:,} values in {pages} pages, "
            f"{time.perf_counter() - t:.2f} s"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
