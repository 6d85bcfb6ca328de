"""The job queue lives in PostgreSQL: jobs commit (or vanish) with the transaction that made them,
and a real worker runs them."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from api import db
from api.cli import task_modules
from api.models import LoginFailure
from api.queue import enqueue, run_worker


async def _job_count(session: AsyncSession, task: str) -> int:
    return int(
        await session.scalar(
            text("SELECT count(*) FROM procrastinate_jobs WHERE task_name = :t"), {"t": task}
        )
        or 0
    )


async def test_a_rolled_back_request_leaves_no_job(session: AsyncSession) -> None:
    before = await _job_count(session, "housekeeping.purge_login_failures")
    async with session.begin_nested() as savepoint:
        await enqueue(
            session,
            "housekeeping.purge_login_failures",
            args={"timestamp": 0},
            queue="housekeeping",
        )
        assert await _job_count(session, "housekeeping.purge_login_failures") == before + 1
        await savepoint.rollback()
    assert await _job_count(session, "housekeeping.purge_login_failures") == before


@pytest.fixture
async def committed() -> object:
    """Real commits, for the worker's own connections to see; cleaned up afterwards."""
    yield db.unit_of_work
    async with db.unit_of_work() as s:
        await s.execute(text("DELETE FROM procrastinate_jobs WHERE queue_name = 'housekeeping'"))
        await s.execute(LoginFailure.__table__.delete())
    await db.dispose_engine()


async def test_worker_runs_a_committed_job(committed: object, database: str) -> None:
    old = datetime.now(UTC) - timedelta(days=3)
    async with db.unit_of_work() as s:
        s.add(LoginFailure(username="old", client="1.2.3.4", at=old))
        s.add(LoginFailure(username="recent", client="1.2.3.4"))
        job_id = await enqueue(
            s, "housekeeping.purge_login_failures", args={"timestamp": 0}, queue="housekeeping"
        )

    await run_worker(
        task_modules=task_modules(), wait=False, queues=["housekeeping"], concurrency=1
    )

    async with db.unit_of_work() as s:
        names = set(await s.scalars(select(LoginFailure.username)))
        status = await s.scalar(
            text("SELECT status FROM procrastinate_jobs WHERE id = :id"), {"id": job_id}
        )
        assert await s.scalar(select(func.count()).select_from(LoginFailure)) == 1
    assert names == {"recent"}
    assert status == "succeeded"
