"""Who waits in a worker: integrations (API tokens) take turns and people never wait for them;
beyond a few requests at once the rest wait their turn, writes ahead of reads."""

import asyncio
import os
from typing import Any

from sqlalchemy import text

from api import db
from api.middleware import AdmissionMiddleware, Gate, IntegrationLaneMiddleware
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


def _request(method: str, path: str = "/api/v1/submissions", **headers: str) -> dict[str, Any]:
    return {
        "type": "http",
        "method": method,
        "path": path,
        "headers": [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()],
    }


class _Held:
    """An app whose requests stay inside until released, one by one, in any order."""

    def __init__(self) -> None:
        self.inside: list[str] = []
        self.admitted: list[str] = []
        self.release: dict[str, asyncio.Event] = {}

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        name = scope["name"]
        self.inside.append(name)
        self.admitted.append(name)
        self.release[name] = asyncio.Event()
        try:
            await self.release[name].wait()
        finally:
            self.inside.remove(name)


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def test_a_worker_works_on_a_few_at_once_and_writes_go_ahead_of_reads() -> None:
    app = _Held()
    admission = AdmissionMiddleware(app, limit=2)

    def call(name: str, method: str) -> asyncio.Task[None]:
        return asyncio.create_task(admission({**_request(method), "name": name}, None, None))

    calls = [call("read-1", "GET"), call("read-2", "GET"), call("read-3", "GET")]
    await _settle()
    calls += [call("save-1", "PUT"), call("read-4", "GET"), call("submit", "POST")]
    await _settle()
    assert app.inside == ["read-1", "read-2"], "no more than the limit at once"
    for name in ("read-2", "read-1", "save-1", "submit", "read-3", "read-4"):
        app.release[name].set()
        await _settle()
    await asyncio.wait_for(asyncio.gather(*calls), timeout=5)
    # Those waiting went in as places freed: the writes first, each class in arrival order.
    assert app.admitted == ["read-1", "read-2", "save-1", "submit", "read-3", "read-4"]
    assert admission.gate.free == 2


async def test_a_place_is_freed_when_the_answer_starts() -> None:
    """A streamed answer goes on without its place: the next request does not wait for it."""
    streaming = asyncio.Event()
    served: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["name"] == "export":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await streaming.wait()
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        served.append(scope["name"])

    async def send(message: dict[str, Any]) -> None:
        pass

    admission = AdmissionMiddleware(app, limit=1)
    export = asyncio.create_task(admission({**_request("GET"), "name": "export"}, None, send))
    await _settle()
    await asyncio.wait_for(admission({**_request("GET"), "name": "form"}, None, send), 5)
    assert served == ["form"] and not export.done()
    streaming.set()
    await asyncio.wait_for(export, 5)


async def test_a_request_held_up_gives_its_place_back_after_a_while() -> None:
    """Rows locked by a bulk upload until it commits hold up whoever writes them: those few
    must not stop the worker serving everyone else."""
    app = _Held()
    admission = AdmissionMiddleware(app, limit=1, hold=0.05)
    stuck = asyncio.create_task(admission({**_request("PUT"), "name": "stuck"}, None, None))
    await _settle()
    other = asyncio.create_task(admission({**_request("GET"), "name": "other"}, None, None))
    await _settle()
    assert app.inside == ["stuck"], "within its time the place is the first request's"
    await asyncio.sleep(0.1)
    assert app.inside == ["stuck", "other"]
    app.release["other"].set()
    app.release["stuck"].set()
    await asyncio.wait_for(asyncio.gather(stuck, other), timeout=5)
    assert admission.gate.free == 1, "each place back once"


async def test_health_the_spa_and_uploads_do_not_wait() -> None:
    app = _Held()
    admission = AdmissionMiddleware(app, limit=1)
    first = asyncio.create_task(admission({**_request("GET"), "name": "form"}, None, None))
    await _settle()
    straight = {
        "health": _request("GET", "/api/v1/health"),
        "ready": _request("GET", "/api/v1/ready"),
        "spa": _request("GET", "/plans/1"),
        "upload": _request("POST", "/api/v1/imports", content_length=str(5 * 1024 * 1024)),
        "streamed upload": _request("POST", "/api/v1/imports", transfer_encoding="chunked"),
    }
    waiting = {"small body": _request("POST", content_length="1200")}
    calls = [
        asyncio.create_task(admission({**scope, "name": name}, None, None))
        for name, scope in (straight | waiting).items()
    ]
    await _settle()
    assert sorted(app.inside) == sorted(["form", *straight])
    for event in list(app.release.values()):
        event.set()
    await _settle()
    assert app.inside == ["small body"]
    app.release["small body"].set()
    await asyncio.wait_for(asyncio.gather(first, *calls), timeout=5)


async def test_a_request_given_up_while_waiting_keeps_no_place() -> None:
    gate = Gate(1)
    await gate.enter(writer=False)
    waiting = asyncio.create_task(gate.enter(writer=True))
    await _settle()
    waiting.cancel()  # the client went away before its turn
    await asyncio.gather(waiting, return_exceptions=True)
    assert not gate.writers
    # Handed the place at the moment it is cancelled: it passes the place on.
    handed = asyncio.create_task(gate.enter(writer=True))
    after = asyncio.create_task(gate.enter(writer=False))
    await _settle()
    gate.leave()
    handed.cancel()
    await asyncio.wait_for(after, 5)
    gate.leave()
    assert gate.free == 1 and not gate.writers and not gate.readers


async def test_no_limit_means_no_waiting() -> None:
    app = _Held()
    admission = AdmissionMiddleware(app, limit=0)
    calls = [
        asyncio.create_task(admission({**_request("GET"), "name": f"r{n}"}, None, None))
        for n in range(20)
    ]
    await _settle()
    assert len(app.inside) == 20
    for event in app.release.values():
        event.set()
    await asyncio.wait_for(asyncio.gather(*calls), timeout=5)


def test_the_app_admits_a_few_at_once_inside_the_integrations_lane() -> None:
    """An integration waits for its lane before it takes a place, so integrations queued
    behind each other never hold the places people need."""
    from api.main import create_app
    from api.settings import get_settings

    stack = [(m.cls, m.kwargs) for m in create_app().user_middleware]  # outermost first
    classes = [cls for cls, _ in stack]
    assert classes.index(IntegrationLaneMiddleware) < classes.index(AdmissionMiddleware)
    assert dict(stack)[AdmissionMiddleware] == {"limit": get_settings().api_concurrency}
    assert get_settings().api_concurrency == 8
