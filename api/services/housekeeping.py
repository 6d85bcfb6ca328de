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


async def purge_refresh_tokens() -> int:
    """Delete refresh-token families whose every token has expired (a day ago)."""
    from api.services.auth import purge_refresh_families

    async with unit_of_work() as session:
        return await purge_refresh_families(session)


@tasks.periodic(cron="23 3 * * *")
@tasks.task(name="housekeeping.purge_refresh_tokens", queue="housekeeping")
async def purge_refresh_tokens_job(timestamp: int) -> None:
    await purge_refresh_tokens()


async def recover_stalled_jobs(*, seconds_since_heartbeat: float = 60) -> int:
    """Put back in the queue the jobs of workers that died (no heartbeat for a minute).

    Imports are all or nothing, so a job that was cut short wrote nothing and simply runs
    again from the start on another worker.
    """
    from api.queue import get_queue

    manager = get_queue().job_manager
    stalled = list(await manager.get_stalled_jobs(seconds_since_heartbeat=seconds_since_heartbeat))
    for job in stalled:
        await manager.retry_job(job)
    return len(stalled)


@tasks.periodic(cron="* * * * *")
@tasks.task(name="housekeeping.recover_stalled_jobs", queue="housekeeping")
async def recover_stalled_jobs_job(timestamp: int) -> None:
    await recover_stalled_jobs()
