"""Tests run against a real PostgreSQL: a database migrated once and loaded with the demo data,
then each test inside a transaction that is rolled back at the end."""

import asyncio
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parent.parent


def _answers(address: str) -> bool:
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=1):
            return True
    except OSError:
        return False


def choose_database_url(
    environ: Mapping[str, str], *, answers: Callable[[str], bool]
) -> str | None:
    """TEST_DATABASE_URL if set; else the server on 127.0.0.1:5432 (TEST_PG_PROBE=host:port
    to look elsewhere) if one answers; else None: the tests then start the embedded one."""
    if environ.get("TEST_DATABASE_URL"):
        return environ["TEST_DATABASE_URL"]
    probe = environ.get("TEST_PG_PROBE") or "127.0.0.1:5432"
    if answers(probe):
        return f"postgresql://postgres@{probe}/healthplan_test"
    return None


def _embedded_test_server() -> str:
    """The demo's embedded PostgreSQL, on a port of 127.0.0.1 so that every test database can
    be named from one URL, in var/test-pg (stopped when the last test process using it ends).
    Its own pg_dump and pg_restore come first on PATH: the backup test needs a client of the
    server's version, and a machine without a server may have no client at all."""
    from api.embedded_pg import bin_dir, start_on_tcp

    port = start_on_tcp(ROOT / "var" / "test-pg")
    os.environ["PATH"] = f"{bin_dir()}{os.pathsep}{os.environ.get('PATH', '')}"
    return f"postgresql://postgres@127.0.0.1:{port}/healthplan_test"


BASE_URL = choose_database_url(os.environ, answers=_answers) or _embedded_test_server()
os.environ["DATABASE_URL"] = BASE_URL
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("SPA_DIR", "/nonexistent")
# A proper signing secret for the in-process app and every `healthplan serve` a test starts
# (they inherit this environment): the default one is refused.
os.environ.setdefault("JWT_SECRET", secrets.token_urlsafe(48))

from api.db import get_session, to_async_url, transaction  # noqa: E402
from api.demo.load import DEMO_PASSWORD  # noqa: E402
from api.main import create_app  # noqa: E402


def server_url(url: str, database: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + database


async def recreate_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    conn = await asyncpg.connect(server_url(url, "postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def run_migrations(url: str, revision: str = "head", *, down: bool = False) -> None:
    from alembic import command

    from api.migrations_state import alembic_config

    config = alembic_config()
    config.attributes["database_url"] = to_async_url(url)
    (command.downgrade if down else command.upgrade)(config, revision)


@pytest.fixture(scope="session")
async def database() -> AsyncIterator[str]:
    await recreate_database(BASE_URL)
    await asyncio.to_thread(run_migrations, BASE_URL)
    engine = create_async_engine(to_async_url(BASE_URL), poolclass=NullPool)
    from api.demo.load import load_demo

    async with AsyncSession(engine) as session, session.begin():
        await load_demo(session)
    await engine.dispose()
    yield BASE_URL


@pytest.fixture(scope="session")
async def engine(database: str) -> AsyncIterator[Any]:
    eng = create_async_engine(to_async_url(database))
    yield eng
    await eng.dispose()


@pytest.fixture
async def connection(engine: Any) -> AsyncIterator[AsyncConnection]:
    async with engine.connect() as conn:
        outer = await conn.begin()
        yield conn
        await outer.rollback()


@pytest.fixture
async def session(connection: AsyncConnection) -> AsyncIterator[AsyncSession]:
    async with AsyncSession(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    ) as s:
        yield s


@pytest.fixture(scope="session")
def app() -> Any:
    return create_app()


@pytest.fixture
async def client(app: Any, session: AsyncSession) -> AsyncIterator[httpx.AsyncClient]:
    async def test_session() -> AsyncIterator[AsyncSession]:
        async with transaction(session):
            yield session

    app.dependency_overrides[get_session] = test_session
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        yield c
    app.dependency_overrides.clear()


# Demo users' tokens, shared by all tests: logging in costs an Argon2 hash, and a token stays
# valid because every test's changes (a logout, a password change) are rolled back.
_TOKENS: dict[tuple[str, str], dict[str, str]] = {}


class Login:
    """Logs demo users in (once per test session) and hands out their Authorization headers."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def __call__(self, username: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
        key = (username, password)
        if key not in _TOKENS:
            r = await self.client.post(
                "/api/v1/auth/token", data={"username": username, "password": password}
            )
            assert r.status_code == 200, r.text
            _TOKENS[key] = {"Authorization": f"Bearer {r.json()['access_token']}"}
        return _TOKENS[key]


@pytest.fixture
def login(client: httpx.AsyncClient) -> Login:
    return Login(client)


async def unit_id(client: httpx.AsyncClient, headers: dict[str, str], code: str) -> str:
    r = await client.get("/api/v1/org-units", params={"q": code, "limit": 500}, headers=headers)
    assert r.status_code == 200, r.text
    return next(u["id"] for u in r.json()["items"] if u["code"] == code)


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("/problems/")
    assert body["title"] and body["detail"]
    return body


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(database_url: str, *, spa_dir: Path | None = None) -> Iterator[str]:
    """A real `healthplan serve` process on a free port over a fresh, demo-loaded database."""
    asyncio.run(recreate_database(database_url))
    run_migrations(database_url)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "WARNING",
        "SPA_DIR": str(spa_dir or "/nonexistent"),
    }
    subprocess.run(
        [sys.executable, "-m", "api.cli", "load-demo"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/v1/ready", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                out = server.stdout.read().decode() if server.stdout else ""
                pytest.fail(f"server did not become ready:\n{out}")
            time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)
