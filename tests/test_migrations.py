"""Migrations are the only way the schema changes: they round-trip and match the models."""

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from api.db import to_async_url
from api.migrations_state import include_object
from api.models import Base
from tests.conftest import BASE_URL, recreate_database, run_migrations

SCRATCH = BASE_URL + "_migrations"


async def _diff(url: str) -> list[object]:
    engine = create_async_engine(to_async_url(url), poolclass=NullPool)
    async with engine.connect() as conn:
        diff = await conn.run_sync(
            lambda sync: compare_metadata(
                MigrationContext.configure(
                    sync, opts={"compare_type": True, "include_object": include_object}
                ),
                Base.metadata,
            )
        )
    await engine.dispose()
    return list(diff)


async def _tables(url: str) -> set[str]:
    engine = create_async_engine(to_async_url(url), poolclass=NullPool)
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda sync: set(sync.dialect.get_table_names(sync)))
    await engine.dispose()
    return names


async def test_upgrade_downgrade_upgrade_and_no_autogenerate_diff() -> None:
    await recreate_database(SCRATCH)
    await asyncio.to_thread(run_migrations, SCRATCH)
    assert {"org_unit", "app_user", "audit_event"} <= await _tables(SCRATCH)
    await asyncio.to_thread(run_migrations, SCRATCH, "base", down=True)
    assert await _tables(SCRATCH) <= {"alembic_version"}, "downgrade left tables behind"
    await asyncio.to_thread(run_migrations, SCRATCH)
    assert await _diff(SCRATCH) == []
