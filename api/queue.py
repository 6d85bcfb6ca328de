"""The job queue: procrastinate on the same PostgreSQL, so a job commits with its data.

Jobs are enqueued through the caller's SQLAlchemy session (`enqueue`), inside the request's
transaction: a rolled-back request leaves no job behind, a committed one always has its job.
Workers (`healthplan worker`) run anywhere that reaches the database, as many as wanted.
"""

import json
import logging
from collections.abc import Sequence
from datetime import datetime
from types import ModuleType
from typing import Any

import procrastinate
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from api.db import database_url

log = logging.getLogger(__name__)

# Tasks register on this blueprint when their domain modules are imported. The queue names no
# domain module: the composition root (api.cli.task_modules) lists them and hands them to
# run_worker.
tasks = procrastinate.Blueprint()

_app: procrastinate.App | None = None


def libpq_url(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def get_queue() -> procrastinate.App:
    """The procrastinate app, built on first use (it needs the database URL), with the tasks
    registered so far."""
    global _app
    if _app is None:
        connector = procrastinate.PsycopgConnector(conninfo=libpq_url(database_url()))
        _app = procrastinate.App(connector=connector)
        _app.add_tasks_from(tasks, namespace="")
    return _app


async def enqueue(
    session: AsyncSession,
    task_name: str,
    *,
    args: dict[str, Any],
    queue: str = "default",
    lock: str | None = None,
    queueing_lock: str | None = None,
    scheduled_at: datetime | None = None,
    priority: int = 0,
) -> int:
    """Add a job in the caller's transaction and return its id."""
    job_id = await session.scalar(
        text(
            "SELECT unnest(procrastinate_defer_jobs_v1(ARRAY[ROW(:queue, :task, :priority, "
            ":lock, :queueing_lock, CAST(:args AS jsonb), :scheduled_at)"
            "::procrastinate_job_to_defer_v1]))"
        ),
        {
            "queue": queue,
            "task": task_name,
            "priority": priority,
            "lock": lock,
            "queueing_lock": queueing_lock,
            "args": json.dumps(args, default=str),
            "scheduled_at": scheduled_at,
        },
    )
    assert job_id is not None
    log.info("job enqueued", extra={"fields": {"job_id": job_id, "task": task_name}})
    return int(job_id)


async def run_worker(
    *,
    task_modules: Sequence[ModuleType],
    concurrency: int = 2,
    wait: bool = True,
    queues: list[str] | None = None,
) -> None:
    """Process jobs until stopped (or, with wait=False, until the queue is empty).

    `task_modules` are the domain modules whose jobs the worker runs: the caller imported
    them, which registered their tasks, before the queue is built here."""
    log.info(
        "worker starting",
        extra={"fields": {"task_modules": [m.__name__ for m in task_modules]}},
    )
    app = get_queue()
    async with app.open_async():
        if queues:
            await app.run_worker_async(
                concurrency=concurrency, wait=wait, queues=queues, install_signal_handlers=wait
            )
        else:
            await app.run_worker_async(
                concurrency=concurrency, wait=wait, install_signal_handlers=wait
            )
