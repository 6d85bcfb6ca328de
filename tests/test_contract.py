"""The committed openapi.yaml is what the app serves; every operation documents its errors."""

import re
from typing import Any

import httpx
from fastapi.routing import APIRoute

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


def test_routers_are_matched_in_traffic_order_without_overlaps() -> None:
    """The app tries its busiest routers first (api.main.MATCHED_FIRST). That is only safe
    while no request could match routes of two routers: a path written for one route (its
    parameters filled in) must match no other router's route of the same method."""
    from api.main import API_PREFIX, DOCUMENTED, MATCHED_FIRST, create_app

    app = create_app()
    included = [r for r in app.router.routes if hasattr(r, "original_router")]
    assert [r.original_router for r in included[: len(MATCHED_FIRST)]] == list(MATCHED_FIRST)
    assert {id(r.original_router) for r in included} == {id(r) for r in DOCUMENTED}
    routes = [
        (n, method, route)
        for n, router in enumerate(DOCUMENTED)
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    ]
    overlaps = [
        (mine.path, method, theirs.path)
        for n, method, mine in routes
        for m, their_method, theirs in routes
        if n != m
        and method == their_method
        and theirs.path_regex.match(re.sub(r"\{[^}]+\}", "x1", mine.path))
    ]
    assert overlaps == [], f"paths of two routers meet under {API_PREFIX}: {overlaps}"
