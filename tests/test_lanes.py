"""Integrations' lane: API-token callers take turns per worker; people never wait for it."""

import asyncio
import os
from typing import Any

from sqlalchemy import text

from api import db
from api.middleware import IntegrationLaneMiddleware
from api.security import API_TOKEN_PREFIX


def _scope(token: str) -> dict[str, Any]:
    return {"type": "http", "headers": [(b"authorization", f"Bearer {token}".encode())]}


async def test_integrations_take_turns_and_people_do_not_wait() -> None:
    inside: list[str] = []
    most: dict[str, int] = {"integration": 0, "person": 0}
    gate = asyncio.Event()

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        who = scope["who"]
        inside.append(who)
        most[who] = max(most[who], inside.count(who))
        await gate.wait()
        inside.remove(who)

    lane = IntegrationLaneMiddleware(app, pause=20)
    integration = {**_scope(f"{API_TOKEN_PREFIX}abc.secret"), "who": "integration"}
    person = {**_scope("eyJhbGciOiJIUzI1NiJ9.e30.sig"), "who": "person"}
    calls = [asyncio.create_task(lane(integration, None, None)) for _ in range(3)]
    calls += [asyncio.create_task(lane(person, None, None)) for _ in range(3)]
    await asyncio.sleep(0.05)
    assert inside.count("person") == 3, "people are not queued behind integrations"
    assert inside.count("integration") == 1, "integrations take turns"
    gate.set()
    await asyncio.sleep(0.05)
    # The first integration is done but holds the lane for its pause: the next waits.
    assert inside.count("integration") == 0 and not calls[1].done()
    await asyncio.wait_for(asyncio.gather(*calls), timeout=30)
    assert most == {"integration": 1, "person": 3}


async def test_no_pause_means_no_lane() -> None:
    seen = 0

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        nonlocal seen
        seen += 1
        await asyncio.sleep(0.05)

    lane = IntegrationLaneMiddleware(app, pause=0)
    integration = _scope(f"{API_TOKEN_PREFIX}abc.secret")
    calls = [asyncio.create_task(lane(integration, None, None)) for _ in range(3)]
    await asyncio.sleep(0.01)
    assert seen == 3
    await asyncio.gather(*calls)


async def test_the_lane_marks_whom_it_serves() -> None:
    marked: dict[str, bool] = {}

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        marked[scope["who"]] = db.in_integration_lane.get()

    lane = IntegrationLaneMiddleware(app, pause=0.01)
    await lane({**_scope(f"{API_TOKEN_PREFIX}abc.secret"), "who": "integration"}, None, None)
    await lane({**_scope("eyJhbGciOiJIUzI1NiJ9.e30.sig"), "who": "person"}, None, None)
    assert marked == {"integration": True, "person": False}
    assert not db.in_integration_lane.get(), "the mark ends with the request"


async def _backend_of(in_lane: bool) -> tuple[str, int]:
    marked = db.in_integration_lane.set(in_lane)
    try:
        sessions = db.get_session()
        session = await anext(sessions)
        row = (
            await session.execute(
                text("SELECT current_setting('application_name'), pg_backend_pid()")
            )
        ).one()
        await sessions.aclose()
    finally:
        db.in_integration_lane.reset(marked)
    return str(row[0]), os.getpriority(os.PRIO_PROCESS, int(row[1]))


async def test_integrations_database_work_runs_below_peoples() -> None:
    """The test's PostgreSQL is on this machine and the tests may renice it (as CI's root):
    the lane's backends run INTEGRATION_NICE (10) below the API's."""
    ours = os.getpriority(os.PRIO_PROCESS, 0)
    try:
        assert await _backend_of(in_lane=False) == ("healthplan", ours)
        assert await _backend_of(in_lane=True) == (
            db.LANE_APPLICATION_NAME,
            min(19, ours + 10),
        )
    finally:
        await db.dispose_engine()
