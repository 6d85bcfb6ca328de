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
