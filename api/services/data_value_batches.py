"""A batch of indicator values written all or nothing, inside the caller's transaction."""

from collections.abc import Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.access import Principal
from api.services.data_values import DataValueImporter
from api.services.imports import Outcome, no_progress
from api.tabular import Row


async def write_all_or_nothing(
    session: AsyncSession,
    *,
    actor: Principal,
    rows: Iterable[Row],
    options: dict[str, Any],
    dry_run: bool,
) -> Outcome:
    """Run the rows through the data-value import in a savepoint: kept when the batch has no
    conflict and is not a dry run, rolled back otherwise (the request's transaction goes on)."""
    savepoint = await session.begin_nested()
    outcome = await DataValueImporter().run(
        session, actor=actor, rows=iter(rows), options=options, progress=no_progress
    )
    await (savepoint.rollback() if outcome.conflicts_total or dry_run else savepoint.commit())
    return outcome
