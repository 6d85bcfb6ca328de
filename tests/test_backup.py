"""The documented backup and restore procedure (docs/operations.md) loses nothing."""

import asyncio
import shutil
import subprocess
from pathlib import Path

import asyncpg
import pytest

from tests.conftest import BASE_URL, recreate_database

RESTORED = BASE_URL + "_restored"


async def _counts(url: str) -> dict[str, int]:
    """Row counts of every table, so each new domain's tables are covered without edits."""
    conn = await asyncpg.connect(url)
    try:
        tables = [
            r["tablename"]
            for r in await conn.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {t: await conn.fetchval(f'SELECT count(*) FROM "{t}"') for t in tables}  # noqa: S608
    finally:
        await conn.close()


async def test_dump_and_restore_into_a_fresh_database(database: str, tmp_path: Path) -> None:
    if shutil.which("pg_dump") is None:
        pytest.fail("pg_dump is not installed: the backup procedure needs PostgreSQL's client")
    dump = tmp_path / "healthplan.dump"
    await asyncio.to_thread(
        subprocess.run,
        ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", database],
        check=True,
    )
    await recreate_database(RESTORED)
    await asyncio.to_thread(
        subprocess.run,
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={RESTORED}", str(dump)],
        check=True,
    )
    original, restored = await _counts(database), await _counts(RESTORED)
    assert restored == original
    assert {"org_unit", "app_user", "audit_event", "alembic_version"} <= set(restored)
    assert restored["org_unit"] > 90 and restored["app_user"] >= 9
    conn = await asyncpg.connect(RESTORED)
    try:
        name = await conn.fetchval("SELECT name FROM org_unit WHERE code = 'BN-SONHAI'")
        jobs_table = await conn.fetchval("SELECT to_regclass('procrastinate_jobs')::text")
    finally:
        await conn.close()
    assert name == "Xã Sơn Hải" and jobs_table == "procrastinate_jobs"
