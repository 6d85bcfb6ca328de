"""Periodic clean-up jobs that keep tables from growing without bound."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete

from api.db import unit_of_work
from api.models import LoginFailure
from api.queue import tasks


async def purge_login_failures(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete failed-login records older than the throttling window needs."""
    async with unit_of_work() as session:
        result = await session.execute(
            delete(LoginFailure).where(LoginFailure.at < datetime.now(UTC) - older_than)
        )
        return int(getattr(result, "rowcount", 0) or 0)


@tasks.periodic(cron="17 3 * * *")
@tasks.task(name="housekeeping.purge_login_failures", queue="housekeeping")
async def purge_login_failures_job(timestamp: int) -> None:
    await purge_login_failures()
