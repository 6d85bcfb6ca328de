"""Races on one report over a real server and real connections: concurrent workflow moves
and saves holding the same version. Exactly one wins; the others get 412 (or 409 when the
winner already moved the report on), and nothing is half-applied: one revision per move."""

import asyncio
import contextlib
import socket
import time
from collections.abc import AsyncIterator, Iterator
from http.client import HTTPConnection
from typing import Any

import asyncpg
import httpx
import pytest

from tests.conftest import BASE_URL, running_server

RACE_URL = BASE_URL + "_race"


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with running_server(RACE_URL) as base:
        yield base


@pytest.fixture
async def http(server: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server, timeout=30) as client:
        yield client


async def _login(http: httpx.AsyncClient, username: str) -> dict[str, str]:
    r = await http.post("/api/v1/auth/token", data={"username": username, "password": "healthplan"})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def _report(http: httpx.AsyncClient, headers: dict[str, str], unit: str) -> dict[str, Any]:
    r = await http.get("/api/v1/submissions", params={"limit": 500}, headers=headers)
    sub = next(s for s in r.json()["items"] if s["org_unit"]["code"] == unit)
    return dict(sub)


async def _revisions(submission_id: str) -> list[str]:
    conn = await asyncpg.connect(RACE_URL)
    try:
        rows = await conn.fetch(
            "SELECT action FROM submission_revision WHERE submission_id = $1 ORDER BY number",
            submission_id,
        )
        return [r["action"] for r in rows]
    finally:
        await conn.close()


async def test_accept_racing_return(http: httpx.AsyncClient) -> None:
    reviewer = await _login(http, "syt.thamdinh")
    sub = await _report(http, reviewer, "BN-SONHAI")
    assert sub["status"] == "submitted"
    url = f"/api/v1/submissions/{sub['id']}"
    before = await _revisions(sub["id"])
    stale = {**reviewer, "If-Match": f'"{sub["version"]}"'}
    moves = [
        http.post(f"{url}/accept", json={}, headers=stale)
        if n % 2
        else http.post(f"{url}/return", json={"comment": "Sửa lại"}, headers=stale)
        for n in range(8)
    ]
    answers = await asyncio.gather(*moves)
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(200) == 1, statuses
    assert set(statuses) <= {200, 409, 412}
    assert all(
        a.headers["content-type"].startswith("application/problem+json")
        for a in answers
        if a.status_code != 200
    )
    winner = next(a for a in answers if a.status_code == 200).json()
    final = (await http.get(url, headers=reviewer)).json()
    assert final["status"] == winner["status"] and final["version"] == winner["version"]
    after = await _revisions(sub["id"])
    assert len(after) == len(before) + 1 and after[-1] in ("accept", "return")


async def test_saves_racing_a_submit(http: httpx.AsyncClient) -> None:
    reporter = await _login(http, "lucngan.baocao")
    sub = await _report(http, reporter, "BN-LUCNGAN")
    url = f"/api/v1/submissions/{sub['id']}"
    r = await http.patch(
        url,
        json={"sections": [{"key": "I", "heading": "I", "body": "Đã triển khai."}]},
        headers={**reporter, "If-Match": f'"{sub["version"]}"'},
    )
    version = r.json()["version"]
    stale = {**reporter, "If-Match": f'"{version}"'}
    calls = [http.post(f"{url}/submit", headers=stale)] + [
        http.patch(
            url,
            json={"sections": [{"key": "V", "heading": "V", "body": f"Tab {n}"}]},
            headers=stale,
        )
        for n in range(5)
    ]
    answers = await asyncio.gather(*calls)
    codes = [a.status_code for a in answers]
    assert codes.count(200) == 1 and set(codes) <= {200, 409, 412}, codes
    final = (await http.get(url, headers=reporter)).json()
    if codes[0] == 200:
        assert final["status"] == "submitted" and await _revisions(sub["id"]) == ["submit"]
        assert [s["key"] for s in final["sections"]] == ["I"]
    else:
        assert final["status"] == "draft" and await _revisions(sub["id"]) == []
        assert [s["key"] for s in final["sections"]] == ["I", "V"]
    assert final["version"] == version + 1


async def test_saves_held_up_by_a_lock_do_not_stop_the_worker(http: httpx.AsyncClient) -> None:
    """The worker works on API_CONCURRENCY (8) requests at once. More saves than that, all
    waiting for a lock held elsewhere (a bulk upload holds what it wrote until it commits),
    must not keep everyone else waiting: each gives its place back after a second."""
    reporter = await _login(http, "lucngan.baocao")
    viewer = await _login(http, "bn.xem")
    sub = await _report(http, reporter, "BN-LUCNGAN")
    url = f"/api/v1/submissions/{sub['id']}"
    stale = {**reporter, "If-Match": f'"{sub["version"]}"'}
    body = {"sections": [{"key": "I", "heading": "I", "body": "Đã triển khai."}]}
    conn = await asyncpg.connect(RACE_URL)
    try:
        async with conn.transaction():
            await conn.execute("SELECT 1 FROM submission WHERE id = $1 FOR UPDATE", sub["id"])
            saves = [
                asyncio.create_task(http.patch(url, json=body, headers=stale)) for _ in range(12)
            ]
            await asyncio.sleep(0.5)
            listed = await asyncio.wait_for(
                http.get("/api/v1/submissions", params={"limit": 5}, headers=viewer), 15
            )
            assert listed.status_code == 200
            assert not any(s.done() for s in saves), "the saves were still waiting for the lock"
    finally:
        await conn.close()
    codes = sorted(a.status_code for a in await asyncio.gather(*saves))
    assert codes.count(200) <= 1 and set(codes) <= {200, 409, 412}, codes


def test_an_idle_kept_alive_connection_outlasts_a_client_pause(server: str) -> None:
    """uvicorn's default keeps an idle connection 5 s: a client that reuses one after a longer
    pause (aiohttp keeps them 15 s) could send a request as the server closed it, and lose it.
    `serve` keeps them 75 s (KEEP_ALIVE_SECONDS)."""
    host, port = server.removeprefix("http://").split(":")
    conn = HTTPConnection(host, int(port), timeout=10)
    conn.request("GET", "/api/v1/health")
    first = conn.getresponse()
    first.read()
    assert first.status == 200 and first.getheader("connection") != "close"
    time.sleep(6)
    assert conn.sock is not None
    # The server has not closed its end: nothing to read, and no end of stream.
    conn.sock.setblocking(False)
    with contextlib.suppress(BlockingIOError):
        assert conn.sock.recv(1, socket.MSG_PEEK) != b""
    conn.sock.settimeout(10)
    conn.request("GET", "/api/v1/health")
    assert conn.getresponse().status == 200
    conn.close()
