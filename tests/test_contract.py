"""The committed openapi.yaml is what the app serves; every operation documents its errors."""

from typing import Any

import httpx

from api.openapi import CONTRACT, contract, render


def test_openapi_yaml_matches_the_app() -> None:
    assert CONTRACT.read_text(encoding="utf-8") == render(contract()), (
        "openapi.yaml is stale: run `make openapi` and commit it"
    )


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op) for path, item in spec["paths"].items() for method, op in item.items()
    ]


def test_operation_ids_are_unique_and_problems_documented() -> None:
    spec = contract()
    ops = _operations(spec)
    ids = [op["operationId"] for _, _, op in ops]
    assert len(ids) == len(set(ids))
    for path, method, op in ops:
        problems = [
            code
            for code, resp in op["responses"].items()
            if code.startswith(("4", "5")) and "application/problem+json" in resp.get("content", {})
        ]
        assert "503" in problems, (method, path)
        if path not in ("/api/v1/health", "/api/v1/ready"):
            assert "422" in problems or "401" in problems, (method, path)
        if "security" in op:
            assert "401" in problems, (method, path)


async def test_served_contract_is_the_same(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/openapi.json")
    assert r.json() == contract()
