"""Authorization from the route table: a new endpoint without a rule fails here.

Every operation that is not explicitly public refuses an anonymous caller with a 401 problem.
"""

import re
import uuid

import httpx
import pytest

from api.main import create_app
from tests.conftest import assert_problem

PUBLIC = {
    ("get", "/api/v1/health"),
    ("get", "/api/v1/ready"),
    ("post", "/api/v1/auth/token"),
    ("post", "/api/v1/auth/refresh"),
}


def _operations() -> list[tuple[str, str]]:
    spec = create_app().openapi()
    return [(method, path) for path, item in spec["paths"].items() for method in item]


@pytest.mark.parametrize(("method", "path"), _operations())
async def test_anonymous_callers_are_refused(
    client: httpx.AsyncClient, method: str, path: str
) -> None:
    if (method, path) in PUBLIC:
        return
    concrete = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
    r = await client.request(method.upper(), concrete, json={})
    assert_problem(r, 401)


def test_public_operations_are_few_and_known() -> None:
    assert set(_operations()) >= PUBLIC


def test_scoped_statements_are_reused_per_caller_and_rebuilt_when_grants_change() -> None:
    """access.per_caller: an equal caller gets the very statement built before; a caller whose
    grants changed gets one scoped by the new grants, never the old."""
    from api.access import Caller, Grant, Principal
    from api.models import Role
    from api.services import submissions

    user = Caller(uuid.uuid4(), "xa.baocao", uuid.uuid4())
    here, there = uuid.uuid4(), uuid.uuid4()

    def caller(unit: uuid.UUID, path: str) -> Principal:
        grant = Grant(role=Role.reporter, unit_id=unit, unit_path=path, include_subtree=True)
        return Principal(user=user, grants=(grant,), unit_path=path)

    first = submissions.readable_statement(caller(here, "/t/here/"))
    assert submissions.readable_statement(caller(here, "/t/here/")) is first
    moved = submissions.readable_statement(caller(there, "/t/there/"))
    assert moved is not first
    scoped = [str(v) for v in moved.compile().params.values()]
    assert any("/t/there/" in v for v in scoped) and not any("/t/here/" in v for v in scoped)
