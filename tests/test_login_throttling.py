"""Login abuse (issue 18 C): unknown names cost what wrong passwords cost, and throttling
keyed on (username, address) with a cap per address never lets a stranger lock a person
out; the username alone only slows down."""

import asyncio
import itertools
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

import api.security
from api.db import transaction
from api.errors import TooManyRequests, Unauthorized
from api.models import LoginFailure
from api.services import auth
from api.settings import get_settings
from tests.conftest import assert_problem

TOKEN = "/api/v1/auth/token"
_addresses = itertools.count(1)


def fresh_address() -> str:
    """An address no other test (or example) has failed from."""
    n = next(_addresses)
    return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"


ClientFrom = Callable[[str], httpx.AsyncClient]


@pytest.fixture
async def client_from(client: httpx.AsyncClient, app: Any) -> AsyncIterator[ClientFrom]:
    """Clients of the test app (same session) calling from a given address."""
    made: list[httpx.AsyncClient] = []

    def make(address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        c = httpx.AsyncClient(transport=transport, base_url="http://test")
        made.append(c)
        return c

    yield make
    for c in made:
        await c.aclose()


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The slow-down delays asked for, recorded instead of slept."""
    asked: list[float] = []

    async def pause(seconds: float) -> None:
        asked.append(seconds)

    monkeypatch.setattr(auth, "_pause", pause)
    return asked


@pytest.fixture
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Property tests check the throttling, not Argon2: verify in microseconds."""

    def verify(password: str, password_hash: str | None) -> bool:
        return password_hash is not None and password == "healthplan"

    monkeypatch.setattr(auth, "verify_password", verify)


async def _try(c: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await c.post(TOKEN, data={"username": username, "password": password})


async def test_an_unknown_username_runs_an_argon2_verification(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = api.security._hasher

    class Counting:
        def verify(self, hash_: str, password: str) -> bool:
            calls.append(hash_)
            return real.verify(hash_, password)

    monkeypatch.setattr(api.security, "_hasher", Counting())
    assert_problem(await _try(client, "no.such.person", "Wrong-pass-1"), 401)
    assert len(calls) == 1 and calls[0].startswith("$argon2")
    assert_problem(await _try(client, "bn.xem", "Wrong-pass-1"), 401)
    assert len(calls) == 2


async def test_failures_from_one_address_do_not_stop_the_right_password_from_another(
    client_from: ClientFrom, pauses: list[float]
) -> None:
    """The issue's reproduction: 5 wrong passwords from anywhere locked the username."""
    attacker, owner = client_from(fresh_address()), client_from(fresh_address())
    for _ in range(get_settings().login_max_failures + 2):
        r = await _try(attacker, "sonhai.kehoach", "guess")
        assert r.status_code in (401, 429)
    assert_problem(await _try(attacker, "sonhai.kehoach", "healthplan"), 429)
    r = await _try(owner, "sonhai.kehoach", "healthplan")
    assert r.status_code == 200, r.text


async def test_the_pair_locks_after_n_failures_with_retry_after(
    client_from: ClientFrom, pauses: list[float]
) -> None:
    c = client_from(fresh_address())
    for _ in range(get_settings().login_max_failures):
        assert_problem(await _try(c, "bn.xem", "nope"), 401)
    r = await _try(c, "bn.xem", "healthplan")
    assert_problem(r, 429)
    assert 0 < int(r.headers["retry-after"]) <= get_settings().login_window_seconds
    # The same address may still log in as someone else.
    assert (await _try(c, "syt.thamdinh", "healthplan")).status_code == 200


async def test_one_address_has_a_cap_across_usernames(
    client_from: ClientFrom, pauses: list[float], cheap_hashing: None
) -> None:
    s = get_settings()
    c = client_from(fresh_address())
    names = [f"ghost.{i}" for i in range(s.login_max_failures_per_client)]
    for i, name in enumerate(names):
        r = await _try(c, name, "nope")
        assert_problem(r, 401), i
    r = await _try(c, "bn.xem", "healthplan")
    assert_problem(r, 429)
    # Every other address is untouched.
    assert (await _try(client_from(fresh_address()), "bn.xem", "healthplan")).status_code == 200


async def test_a_successful_login_clears_only_its_own_pair(
    client_from: ClientFrom, pauses: list[float]
) -> None:
    n = get_settings().login_max_failures
    attacker, owner = client_from(fresh_address()), client_from(fresh_address())
    for _ in range(n):
        await _try(attacker, "lucngan.baocao", "guess")
    for _ in range(n - 1):
        await _try(owner, "lucngan.baocao", "typo")
    assert (await _try(owner, "lucngan.baocao", "healthplan")).status_code == 200
    # The owner's own count starts again; the attacker's lock stays.
    for _ in range(n - 1):
        assert_problem(await _try(owner, "lucngan.baocao", "typo"), 401)
    assert (await _try(owner, "lucngan.baocao", "healthplan")).status_code == 200
    assert_problem(await _try(attacker, "lucngan.baocao", "healthplan"), 429)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    failures=st.lists(st.integers(min_value=0, max_value=7), min_size=0, max_size=6),
    username=st.sampled_from(["bn.xem", "sdttg.baocao", "backan.kehoach"]),
)
async def test_no_number_of_strangers_locks_the_owner_out(
    client_from: ClientFrom,
    pauses: list[float],
    cheap_hashing: None,
    failures: list[int],
    username: str,
) -> None:
    """Whatever failures other addresses pile up on a username, its owner logs in from
    their own address, at worst slowed down by no more than the cap."""
    for count in failures:
        stranger = client_from(fresh_address())
        for _ in range(count):
            r = await _try(stranger, username, "guess")
            assert r.status_code in (401, 429)
    pauses.clear()
    r = await _try(client_from(fresh_address()), username, "healthplan")
    assert r.status_code == 200, r.text
    assert all(0 <= p <= get_settings().login_slowdown_max_seconds for p in pauses)


async def test_the_username_alone_slows_down_growing_to_a_cap(
    client_from: ClientFrom, pauses: list[float], cheap_hashing: None
) -> None:
    s = get_settings()
    delays = []
    for _ in range(s.login_max_failures + 6):
        pauses.clear()
        await _try(client_from(fresh_address()), "sonhai.baocao", "guess")
        delays.append(sum(pauses))
    assert delays[0] == 0  # a first failure costs nothing extra
    assert delays == sorted(delays) and delays[-1] == s.login_slowdown_max_seconds
    pauses.clear()
    r = await _try(client_from(fresh_address()), "sonhai.baocao", "healthplan")
    assert r.status_code == 200 and sum(pauses) == s.login_slowdown_max_seconds


async def test_attempts_sent_at_once_get_no_more_guesses(
    engine: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Twelve wrong passwords for one pair, all at once, each in its own committed
    transaction: still only `login_max_failures` are tried, the rest get 429."""
    s = get_settings()

    def slow_wrong(password: str, password_hash: str | None) -> bool:
        time.sleep(0.05)  # in the worker thread, like Argon2: the others run meanwhile
        return False

    monkeypatch.setattr(auth, "verify_password", slow_wrong)
    username, client = f"ghost.{uuid.uuid4().hex[:8]}", fresh_address()

    async def attempt() -> int:
        async with AsyncSession(engine) as session:
            try:
                async with transaction(session):
                    await auth.login(session, s, username=username, password="guess", client=client)
            except (Unauthorized, TooManyRequests) as exc:
                return exc.status
        return 200

    try:
        statuses = await asyncio.gather(*(attempt() for _ in range(12)))
    finally:
        async with AsyncSession(engine) as session, transaction(session):
            await session.execute(delete(LoginFailure).where(LoginFailure.username == username))
    assert statuses.count(401) == s.login_max_failures, statuses
    assert statuses.count(429) == 12 - s.login_max_failures


async def test_a_forwarded_for_header_does_not_change_the_address(
    client_from: ClientFrom, pauses: list[float]
) -> None:
    """Only uvicorn, for proxies in FORWARDED_ALLOW_IPS, may turn X-Forwarded-For into the
    address: a guesser sending a new one each time is still one address."""
    c = client_from(fresh_address())
    for _ in range(get_settings().login_max_failures):
        r = await c.post(
            TOKEN,
            data={"username": "bn.xem", "password": "guess"},
            headers={"X-Forwarded-For": fresh_address()},
        )
        assert_problem(r, 401)
    r = await c.post(
        TOKEN,
        data={"username": "bn.xem", "password": "healthplan"},
        headers={"X-Forwarded-For": fresh_address()},
    )
    assert_problem(r, 429)
