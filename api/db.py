"""The database: one async engine per process, one session (one transaction) per request or job."""

import asyncio
import logging
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import URL, event, text
from sqlalchemy.exc import DisconnectionError, SQLAlchemyError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from api.errors import DomainError
from api.settings import Settings, get_settings

log = logging.getLogger(__name__)

_engine: AsyncEngine | None = None
_sessionmaker: async_sessionmaker[AsyncSession] | None = None
_lane_engine: AsyncEngine | None = None
_lane_sessionmaker: async_sessionmaker[AsyncSession] | None = None
# This process's name in pg_stat_activity: "healthplan" (the API), "healthplan worker".
API_APPLICATION_NAME = "healthplan"
application_name = API_APPLICATION_NAME
LANE_APPLICATION_NAME = "healthplan integrations"
# Set by api.middleware.IntegrationLaneMiddleware while it serves an integration: the
# request's session then comes from the lane's own connections (see lane_sessionmaker).
in_integration_lane: ContextVar[bool] = ContextVar("in_integration_lane", default=False)


def to_async_url(url: str) -> str:
    """Accept plain `postgresql://` URLs (as ops people write them) and use asyncpg."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    raise ValueError("DATABASE_URL must be a PostgreSQL URL (postgresql://...)")


def start_embedded_postgres(settings: Settings) -> str:
    """Start (or join) the embedded PostgreSQL under DATA_DIR and return its URL.

    Used only when DATABASE_URL is unset, so the demo needs no installed server; it stops
    with the process (api.embedded_pg).
    """
    from api import embedded_pg

    return embedded_pg.start(settings.data_dir / "pgdata", "healthplan")


def database_url(settings: Settings | None = None) -> str:
    settings = settings or get_settings()
    if settings.database_url:
        return to_async_url(settings.database_url)
    return start_embedded_postgres(settings)


def _create_engine(
    settings: Settings, url: URL | str, *, name: str, pool_size: int, max_overflow: int
) -> AsyncEngine:
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        connect_args={"server_settings": {"application_name": name}},
    )
    _ping_when_idle(engine, settings.db_idle_ping_seconds)
    return engine


def get_engine() -> AsyncEngine:
    global _engine, _sessionmaker
    if _engine is None:
        settings = get_settings()
        _engine = _create_engine(
            settings,
            database_url(settings),
            name=application_name,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
        )
        niceness = os.getpriority(os.PRIO_PROCESS, 0)
        if niceness > 0:
            _nice_local_backends(_engine, niceness)
        _sessionmaker = async_sessionmaker(_engine, expire_on_commit=False)
    return _engine


def lane_sessionmaker() -> async_sessionmaker[AsyncSession]:
    """Sessions for the integrations' lane: a few connections of their own, whose
    PostgreSQL backends run INTEGRATION_NICE below this process where the server is on this
    machine. A pull page's JSON is written by PostgreSQL (api.paging.json_page), so most of
    an integration's CPU is its backend's; at normal priority, pulls of 500 values at a time
    took a core from people's autosaves after every bulk upload. The lane serves one
    integration at a time per worker, hence the small pool."""
    global _lane_engine, _lane_sessionmaker
    settings = get_settings()
    if settings.integration_nice == 0:
        return get_sessionmaker()
    if _lane_engine is None:
        # The API's own server: with no DATABASE_URL, the embedded one it started.
        _lane_engine = _create_engine(
            settings, get_engine().url, name=LANE_APPLICATION_NAME, pool_size=2, max_overflow=2
        )
        niceness = min(19, os.getpriority(os.PRIO_PROCESS, 0) + settings.integration_nice)
        _nice_local_backends(_lane_engine, niceness)
        _lane_sessionmaker = async_sessionmaker(_lane_engine, expire_on_commit=False)
    assert _lane_sessionmaker is not None
    return _lane_sessionmaker


def _nice_local_backends(engine: AsyncEngine, niceness: int) -> None:
    """The engine's PostgreSQL backends run at `niceness`, when the server is on this machine
    and may be reniced (the embedded server, same user; or root): a process running below
    normal CPU priority (the job worker: WORKER_NICE) has its backends at its own niceness, and
    the integrations' lane at INTEGRATION_NICE. An upload's database work took a core at full
    priority while the worker itself yielded; people's requests waited behind it. Elsewhere
    (another host, no permission) nothing changes."""
    host = engine.url.host or engine.url.query.get("host") or ""
    if isinstance(host, tuple):
        host = host[0]
    if host not in ("", "localhost", "127.0.0.1", "::1") and not host.startswith("/"):
        return

    @event.listens_for(engine.sync_engine, "connect")
    def _renice(dbapi_connection: Any, record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT pg_backend_pid()")
        pid = int(cursor.fetchone()[0])
        cursor.close()
        try:
            # Only a PostgreSQL process of this machine: the pid is the server's, not ours.
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                if not cmdline.read().startswith(b"postgres"):
                    return
            os.setpriority(os.PRIO_PROCESS, pid, niceness)
        except OSError as exc:  # not here, or not ours to renice
            log.info("PostgreSQL backend %s keeps its priority: %s", pid, exc)


def _ping_when_idle(engine: AsyncEngine, idle_seconds: float) -> None:
    """Ping a pooled connection before use if it sat unused `idle_seconds` (the server may
    have restarted, or a firewall dropped it); not a busy one: pinging on every checkout cost
    a round trip and about 0.6 ms of CPU per request. If the server restarts under load, the
    first query on a dead connection fails (503), SQLAlchemy discards the whole pool, and the
    next request gets a fresh connection."""
    pool = engine.sync_engine.pool

    @event.listens_for(pool, "checkin")
    def _checked_in(dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # any failure: the pool replaces the connection and retries
            raise DisconnectionError(f"idle connection failed its ping: {exc}") from exc


def get_sessionmaker() -> async_sessionmaker[AsyncSession]:
    get_engine()
    assert _sessionmaker is not None
    return _sessionmaker


WARM_SECONDS = 10.0


async def warm_pool(count: int) -> int:
    """Open `count` pooled connections (at most the pool's size) and return them to the
    pool: what a process does before it serves (Settings.db_pool_warm). A database that
    cannot be reached is not an error here (the process starts, /ready says 503); the number
    opened is returned."""
    engine = get_engine()
    opened: list[AsyncConnection] = []
    try:
        async with asyncio.timeout(WARM_SECONDS):
            for _ in range(min(count, engine.pool.size())):  # type: ignore[attr-defined]
                connection = await engine.connect()
                opened.append(connection)
                await connection.execute(text("SELECT 1"))
    except (OSError, SQLAlchemyError) as exc:  # TimeoutError is an OSError
        log.warning("warming the connection pool stopped after %d: %s", len(opened), exc)
    finally:
        for connection in opened:
            await connection.close()
    return len(opened)


async def dispose_engine() -> None:
    global _engine, _sessionmaker, _lane_engine, _lane_sessionmaker
    for engine in (_engine, _lane_engine):
        if engine is not None:
            await engine.dispose()
    _engine = _lane_engine = None
    _sessionmaker = _lane_sessionmaker = None


@asynccontextmanager
async def transaction(session: AsyncSession) -> AsyncIterator[AsyncSession]:
    """Commit when the block ends cleanly, roll back otherwise.

    A `DomainError(commit=True)` keeps what was written (a failed login's record).
    """
    try:
        yield session
        await session.commit()
    except DomainError as exc:
        await (session.commit() if exc.commit else session.rollback())
        raise
    except BaseException:
        await session.rollback()
        raise


@asynccontextmanager
async def unit_of_work(
    maker: async_sessionmaker[AsyncSession] | None = None,
) -> AsyncIterator[AsyncSession]:
    """One session, one transaction (from `maker`, by default the process's pool). Requests
    get theirs from `get_session`; jobs and CLI commands open one here. Domain code only
    flushes."""
    async with (maker or get_sessionmaker())() as session, transaction(session):
        yield session


async def get_session() -> AsyncIterator[AsyncSession]:
    """A request's session: from the lane's connections while serving an integration."""
    async with unit_of_work(lane_sessionmaker() if in_integration_lane.get() else None) as s:
        yield s


async def plan_for_these_values(session: AsyncSession) -> None:
    """Plan this transaction's queries for their actual parameters. After a prepared
    statement's fifth run PostgreSQL may switch to a generic plan, which guesses that a third
    of a table matches `updated_at > $1` and sorts every changed row instead of walking the
    (updated_at, id) index: an incremental pull went from 4 ms to 80 ms of database time."""
    await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
