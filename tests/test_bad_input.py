"""Every write endpoint, fed garbage, answers a 4xx problem+json: never a 500, never a plain body.

Generated from the route table, so a new write endpoint is covered the day it appears.
"""

import re
import shutil
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.main import create_app
from api.models import ImportJob
from tests.conftest import Login, assert_problem

WRITE_METHODS = {"post", "put", "patch", "delete"}
GARBAGE: list[tuple[str, Any, str]] = [
    ("empty object", {}, "application/json"),
    ("array", [], "application/json"),
    ("string", "x", "application/json"),
    (
        "wrong types",
        {
            "name": 5,
            "code": [],
            "parent_id": "not-a-uuid",
            "password": None,
            "roles": "admin",
            "scopes": ["root"],
            "refresh_token": 1,
        },
        "application/json",
    ),
    ("broken json", b'{"name": ', "application/json"),
    ("not json", b"name=x", "text/plain"),
    ("huge string", {"name": "x" * 10_000, "code": "y" * 500}, "application/json"),
    ("nul bytes", {"name": "a\x00b", "code": "A\x00"}, "application/json"),
]


ENGLISH = ("Field required", "should", "Input ", "Value error", "Extra inputs", "JSON decode")


def _write_routes() -> list[tuple[str, str]]:
    spec = create_app().openapi()
    # Writes that read a body or an id from the path; a bodiless action on oneself
    # (logout-everywhere) has nothing to be fed.
    return [
        (method, path)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in WRITE_METHODS and ("requestBody" in op or "{" in path)
    ]


@pytest.mark.parametrize(("method", "path"), _write_routes())
async def test_garbage_on_every_write_is_a_problem(
    client: httpx.AsyncClient, login: Login, method: str, path: str
) -> None:
    headers = {**(await login("admin")), "If-Match": '"1"'}
    concrete = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
    for label, body, content_type in GARBAGE:
        content = body if isinstance(body, bytes) else None
        r = await client.request(
            method.upper(),
            concrete,
            headers={**headers, "Content-Type": content_type},
            content=content,
            json=None if content is not None else body,
        )
        assert 400 <= r.status_code < 500, (label, r.status_code, r.text)
        assert r.headers["content-type"].startswith("application/problem+json"), (label, r.text)
        problem = r.json()
        assert problem["status"] == r.status_code and problem["detail"], label
        # People read these: pydantic's English never leaks through (issue 20 §2).
        said = " ".join([problem["detail"], *(e["message"] for e in problem.get("errors") or [])])
        for english in ENGLISH:
            assert english not in said, (label, said)


async def test_body_over_the_limit_is_refused_early(
    client: httpx.AsyncClient, login: Login
) -> None:
    headers = await login("admin")
    r = await client.post(
        "/api/v1/org-units",
        headers={**headers, "Content-Type": "application/json"},
        content=b"[" + b"1," * (3 * 1024 * 1024) + b"1]",
    )
    assert r.status_code == 413
    assert r.headers["content-type"].startswith("application/problem+json")


async def test_nul_characters_never_reach_the_database(
    client: httpx.AsyncClient, login: Login
) -> None:
    headers = await login("admin")
    for url in ("/api/v1/org-units?q=a%00b", "/api/v1/users?q=%00", "/api/v1/org-units/%00"):
        r = await client.get(url, headers=headers)
        assert r.status_code == 400, (url, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
    r = await client.post("/api/v1/auth/token", data={"username": "a\x00", "password": "x"})
    assert r.status_code == 401


async def test_an_upload_the_disk_has_no_room_for_is_refused_before_it_is_read(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Multipart parts over 1 MB are spooled to temporary files: with too little room left
    there, the upload gets a 507 problem before its body is read, and no job exists. A small
    one (kept in memory) still goes through; a chunked one, of unknown length, needs room for
    the most its path accepts."""
    from api import middleware

    free = 20 * 1024 * 1024
    monkeypatch.setattr(
        middleware.shutil, "disk_usage", lambda _: shutil._ntuple_diskusage(10**12, 10**12, free)
    )
    admin = await login("admin")
    jobs = select(func.count()).select_from(ImportJob)
    before = await session.scalar(jobs)
    big = b"code,name,type\n" + b"".join(f"X{n},Tên {n},other\n".encode() for n in range(120_000))
    assert len(big) > middleware.SPOOLED_IN_MEMORY
    r = await client.post(
        "/api/v1/imports/org_units",
        headers=admin,
        files={"file": ("units.csv", big, "text/csv")},
        data={"dry_run": "true"},
    )
    problem = assert_problem(r, 507)
    assert "chỗ trống" in problem["detail"]
    assert await session.scalar(jobs) == before

    small = "code,name,type\nX1,Tên,other\n".encode()
    r = await client.post(
        "/api/v1/imports/org_units",
        headers=admin,
        files={"file": ("units.csv", small, "text/csv")},
        data={"dry_run": "true"},
    )
    assert r.status_code == 200, r.text

    sent: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:
        sent.append(1)
        yield b"--b\r\nContent-Disposition: form-data; name=file; filename=u.csv\r\n\r\n"
        sent.append(2)
        yield small + b"\r\n--b--\r\n"

    r = await client.post(
        "/api/v1/imports/org_units",
        headers={**admin, "Content-Type": "multipart/form-data; boundary=b"},
        content=chunks(),
    )
    assert_problem(r, 507)
    assert sent == [], "refused before the body was read"
