"""One shape per concept in the contract (docs/api-guide.md, "Conventions").

Held over the generated schema, so a new route that answers a bare array, names a unit
parameter its own way, or writes a decimal in another form fails here, not at an integrator's."""

import re
import uuid
from decimal import Decimal
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from api.openapi import contract
from api.schemas.common import DECIMAL_PATTERN, decimal_text
from api.schemas.fhir import FhirBundle
from api.schemas.import_job import BatchResult
from tests.conftest import Login, assert_problem, unit_id

# Operations that keep another standard's shapes and names (documented in the guide).
STANDARDS = ("/api/v1/dataValueSets", "/api/v1/fhir/")

# Every query parameter that names an org unit, and what it takes.
UNIT_PARAMETERS = {
    "org_unit_id": "a unit's id",
    "org_unit": "a unit's code or id",
    "parent_id": "the parent of the units listed (org-units)",
    "root_id": "the root of the tree drawn (org-units/tree)",
}
# Old names kept working for existing scripts; each must be marked deprecated.
DEPRECATED_ALIASES = {
    ("/api/v1/org-units", "ancestor_id"),
    ("/api/v1/org-units/export", "ancestor_id"),
    ("/api/v1/data-values", "include"),
}
# Not a choice of units but of the answer's rows: analytics rolls up the unit's whole subtree
# and `by=children` gives one row per direct child (documented in the guide).
BREAKDOWNS = {("/api/v1/analytics", "by")}
# Parameters choosing a subtree: one way everywhere but DHIS2's own `children`.
SUBTREE_PARAMETER = "include_subtree"


def _spec() -> dict[str, Any]:
    return contract()


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = spec["components"]["schemas"][name]
    return schema


def _json_schema(op: dict[str, Any], code: str = "200") -> dict[str, Any] | None:
    content = op["responses"].get(code, {}).get("content", {})
    media = content.get("application/json")
    return None if media is None else media.get("schema")


def _is_envelope(spec: dict[str, Any], schema: dict[str, Any]) -> bool:
    body = _resolve(spec, schema)
    props = body.get("properties", {})
    return (
        set(body.get("required", [])) >= {"items", "page"}
        and props.get("items", {}).get("type") == "array"
        and _resolve(spec, props.get("page", {})).get("title") == "PageMeta"
    )


def test_every_list_answers_the_page_envelope() -> None:
    spec = _spec()
    bare = []
    for path, method, op in _operations(spec):
        if method != "get" or path.startswith(STANDARDS):
            continue
        schema = _json_schema(op)
        if schema is None:
            continue
        body = _resolve(spec, schema)
        if body.get("type") == "array":
            bare.append(f"GET {path}")
        elif "items" in body.get("properties", {}):
            assert _is_envelope(spec, schema), f"GET {path}: items without the page envelope"
    assert bare == [], f"lists answering a bare array: {bare}"


def test_paged_lists_take_limit_and_cursor_together() -> None:
    spec = _spec()
    for path, _method, op in _operations(spec):
        names = {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
        if path.startswith(STANDARDS):
            continue
        assert ("cursor" in names) == ("limit" in names), path


def test_unit_parameters_have_one_name_each() -> None:
    spec = _spec()
    for path, name in DEPRECATED_ALIASES:
        (param,) = [p for p in spec["paths"][path]["get"]["parameters"] if p["name"] == name]
        assert param["deprecated"] is True, (path, name)
    found: dict[str, list[str]] = {}
    for path, method, op in _operations(spec):
        if path.startswith(STANDARDS[0]):
            continue  # DHIS2's orgUnit / children
        for p in op.get("parameters", []):
            if p["in"] != "query":
                continue
            name = p["name"]
            if (path, name) in DEPRECATED_ALIASES:
                assert p.get("deprecated") is True, f"{method} {path}: {name} not deprecated"
                continue
            if name == "roots_only":  # a flag (top-level units only), naming no unit
                continue
            if re.search(r"(unit|ancestor|parent|root|descendant)", name) or name == "children":
                found.setdefault(name, []).append(f"{method} {path}")
    assert set(found) <= set(UNIT_PARAMETERS) | {SUBTREE_PARAMETER}, found
    # `org_unit` takes a code or an id, the same words everywhere
    for path, _method, op in _operations(spec):
        for p in op.get("parameters", []):
            if p["in"] == "query" and p["name"] == "org_unit" and not p.get("deprecated"):
                assert "uuid" not in str(p["schema"]), path  # a code is accepted too
                assert "mã hoặc id" in p.get("description", ""), path
            if p["in"] == "query" and p["name"] == "org_unit_id":
                assert "uuid" in str(p["schema"]), path


def test_subtrees_are_asked_one_way() -> None:
    spec = _spec()
    for path, method, op in _operations(spec):
        if path.startswith(STANDARDS[0]):
            continue
        for p in op.get("parameters", []):
            if p["in"] == "query" and p["name"] == SUBTREE_PARAMETER:
                names = {q["name"] for q in op["parameters"]}
                assert names & {"org_unit", "org_unit_id"}, f"{method} {path}"
            schema = str(p.get("schema", {}))
            if (path, p["name"]) in BREAKDOWNS:
                continue
            if "descendants" in schema or "children" in schema:
                assert p.get("deprecated") is True, f"{method} {path}: {p['name']}"


def test_every_json_success_has_a_schema() -> None:
    spec = _spec()
    missing = []
    for path, method, op in _operations(spec):
        for code, resp in op["responses"].items():
            if not code.startswith("2"):
                continue
            for media, body in resp.get("content", {}).items():
                if "json" not in media:
                    continue
                schema = body.get("schema") or {}
                schema = _resolve(spec, schema) if "$ref" in schema else schema
                if not ({"type", "properties", "anyOf", "oneOf", "allOf"} & set(schema)):
                    missing.append(f"{method} {path} {code} {media}")
    assert missing == [], missing


def _response_models() -> list[type[BaseModel]]:
    from fastapi.routing import APIRoute

    from api.main import API_PREFIX, DOCUMENTED

    seen: list[type[BaseModel]] = []

    def walk(tp: Any) -> None:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if tp in seen:
                return
            seen.append(tp)
            for f in tp.model_fields.values():
                walk(f.annotation)
        for arg in getattr(tp, "__args__", ()):
            walk(arg)

    for router in DOCUMENTED:
        for route in router.routes:
            if (
                isinstance(route, APIRoute)
                and route.response_model is not None
                and not (API_PREFIX + route.path).startswith(STANDARDS)
            ):
                walk(route.response_model)
    assert len(seen) > 20
    return seen


def _holds_decimal(tp: Any) -> bool:
    if tp is Decimal:
        return True
    return any(_holds_decimal(a) for a in getattr(tp, "__args__", ()))


def _decimal_shaped(schema: Any) -> bool:
    if isinstance(schema, dict):
        if schema.get("format") == "decimal" and schema.get("pattern") == DECIMAL_PATTERN:
            return True
        return any(_decimal_shaped(v) for v in schema.values())
    if isinstance(schema, list):
        return any(_decimal_shaped(v) for v in schema)
    return False


def test_every_answered_decimal_is_the_one_decimal_shape() -> None:
    """A quantity in an answer is a JSON string with the exact decimal, no trailing zeros
    (schema: type string, format decimal); raw Decimal fields would write "90.000000"."""
    wrong = []
    for model in _response_models():
        schema = model.model_json_schema(mode="serialization")
        for name, field in model.model_fields.items():
            if not _holds_decimal(field.annotation):
                continue
            prop = schema["properties"][name]
            if not _decimal_shaped(prop):
                wrong.append(f"{model.__name__}.{name}")
    assert wrong == [], f"decimals not in the one shape: {wrong}"


@given(
    st.decimals(
        allow_nan=False, allow_infinity=False, min_value=-(10**18), max_value=10**18, places=6
    )
)
def test_decimal_text_is_exact_and_has_no_trailing_zeros(value: Decimal) -> None:
    text = decimal_text(value)
    assert re.fullmatch(DECIMAL_PATTERN, text), text
    assert Decimal(text) == value
    assert "e" not in text.lower()


def test_decimal_text_examples() -> None:
    assert decimal_text(Decimal("90.000000")) == "90"
    assert decimal_text(Decimal("82.00")) == "82"
    assert decimal_text(Decimal("66.67")) == "66.67"
    assert decimal_text(Decimal("1E+3")) == "1000"
    assert decimal_text(Decimal("-0.000")) == "0"
    assert decimal_text(Decimal("0.5000")) == "0.5"


# --- the same rules, as answered -------------------------------------------------------------

DV = "/api/v1/data-values"


def _value(**kw: Any) -> dict[str, Any]:
    return {
        "indicator": "TCDD",
        "org_unit": "BN-SONHAI",
        "period": "202605",
        "numerator": 90,
        "denominator": 100,
        **kw,
    }


async def test_answered_decimals_have_no_trailing_zeros(
    client: httpx.AsyncClient, login: Login
) -> None:
    """The page (encoded by PostgreSQL) and the single value (encoded by pydantic) write the
    same quantity the same way: "90", not "90.000000"; targets "98", not "98.000000"."""
    admin = await login("admin")
    r = await client.put(DV, headers=admin, json={"values": [_value(), _value(period="202604")]})
    assert r.status_code == 200, r.text
    page = await client.get(DV, headers=admin, params={"org_unit": "BN-SONHAI", "period": "2026"})
    items = {v["period"]: v for v in page.json()["items"]}
    mine = items["202605"]
    assert (mine["numerator"], mine["denominator"], mine["value"]) == ("90", "100", "90")
    one = await client.get(f"{DV}/{mine['id']}", headers=admin)
    assert {k: one.json()[k] for k in ("numerator", "denominator", "value")} == {
        k: mine[k] for k in ("numerator", "denominator", "value")
    }
    targets = await client.get("/api/v1/targets", headers=admin)
    numbers = [
        t[k] for t in targets.json()["items"] for k in ("value", "value_high") if t[k] is not None
    ]
    assert numbers and all(re.fullmatch(DECIMAL_PATTERN, n) for n in numbers), numbers
    analytics = await client.get(
        "/api/v1/analytics",
        headers=admin,
        params={"indicator": "TCDD", "org_unit": "BN", "period": "2026", "by": "children"},
    )
    rows = analytics.json()["rows"]
    assert all(
        re.fullmatch(DECIMAL_PATTERN, row[k])
        for row in rows
        for k in ("value", "numerator", "denominator", "target_value")
        if row[k] is not None
    ), rows


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.decimals(
        allow_nan=False,
        allow_infinity=False,
        min_value=Decimal("-999999999999999999.999999"),
        max_value=Decimal("999999999999999999.999999"),
        places=6,
    )
)
async def test_postgresql_writes_decimals_as_the_schema_does(
    session: AsyncSession, value: Decimal
) -> None:
    """Pages of values are encoded by PostgreSQL (`trim_scale`), single values by pydantic
    (`decimal_text`): both write every Numeric(24, 6) the same."""
    written = await session.scalar(
        text("SELECT trim_scale(CAST(:v AS numeric(24, 6)))::text"), {"v": value}
    )
    assert written == decimal_text(value)


async def test_incremental_pull_sees_values_written_at_its_instant(
    client: httpx.AsyncClient, login: Login
) -> None:
    """`updated_since` is inclusive: a pull from the last `updated_at` it saw still gets the
    values written in that same instant (one batch shares one time)."""
    admin = await login("admin")
    periods = ["202601", "202602", "202603"]
    r = await client.put(DV, headers=admin, json={"values": [_value(period=p) for p in periods]})
    assert r.status_code == 200, r.text
    page = await client.get(DV, headers=admin, params={"org_unit": "BN-SONHAI", "period": "2026"})
    mine = [v for v in page.json()["items"] if v["period"] in periods]
    assert len({v["updated_at"] for v in mine}) == 1
    since = mine[0]["updated_at"]
    pulled = await client.get(
        DV, headers=admin, params={"updated_since": since, "org_unit": "BN-SONHAI"}
    )
    assert {v["id"] for v in mine} <= {v["id"] for v in pulled.json()["items"]}


async def test_org_unit_takes_a_code_or_an_id_everywhere(
    client: httpx.AsyncClient, login: Login
) -> None:
    admin = await login("admin")
    bn = await unit_id(client, admin, "BN")
    for path, params in [
        (DV, {"period": "2026", "include_subtree": "true"}),
        ("/api/v1/targets", {}),
        ("/api/v1/analytics", {"indicator": "TCDD", "period": "2026", "by": "children"}),
        ("/api/v1/fhir/MeasureReport", {"indicator": "TCDD", "period": "2026"}),
    ]:
        by_code = await client.get(path, headers=admin, params={**params, "org_unit": "BN"})
        by_id = await client.get(path, headers=admin, params={**params, "org_unit": bn})
        assert by_code.status_code == by_id.status_code == 200, (path, by_id.text)
        assert by_code.json() == by_id.json(), path
    body = assert_problem(
        await client.get(DV, headers=admin, params={"org_unit": str(uuid.uuid4())}), 422
    )
    assert body["errors"][0]["code"] == "unknown_org_unit"


async def test_deprecated_aliases_answer_as_before(client: httpx.AsyncClient, login: Login) -> None:
    admin = await login("admin")
    bn = await unit_id(client, admin, "BN")

    async def ids(path: str, **params: Any) -> list[str]:
        r = await client.get(path, headers=admin, params={"limit": 500, **params})
        assert r.status_code == 200, r.text
        return [row["id"] for row in r.json()["items"]]

    subtree = await ids(DV, org_unit="BN", include_subtree="true")
    assert subtree and subtree == await ids(DV, org_unit="BN", include="descendants")
    assert await ids(DV, org_unit="BN") == await ids(DV, org_unit="BN", include="self")
    children = await ids(DV, org_unit="BN", include="children")
    assert children and set(children) <= set(subtree)

    units = await ids("/api/v1/org-units", org_unit_id=bn, include_subtree="true")
    assert units[0] == bn and len(units) > 1
    assert await ids("/api/v1/org-units", ancestor_id=bn) == units[1:]
    assert await ids("/api/v1/org-units", org_unit_id=bn) == [bn]
    new = await client.get(
        "/api/v1/org-units/export",
        headers=admin,
        params={"org_unit_id": bn, "include_subtree": "true"},
    )
    old = await client.get("/api/v1/org-units/export", headers=admin, params={"ancestor_id": bn})
    assert new.status_code == 200 and new.text == old.text and new.text.count("\n") > 2


async def test_bodies_match_their_schemas(client: httpx.AsyncClient, login: Login) -> None:
    admin = await login("admin")
    r = await client.put(DV, headers=admin, json={"values": [_value()], "dry_run": True})
    assert BatchResult.model_validate(r.json()).dry_run is True
    r = await client.get(
        "/api/v1/fhir/MeasureReport",
        headers=admin,
        params={"indicator": "TCDD", "org_unit": "BN", "period": "2026"},
    )
    assert r.status_code == 200, r.text
    assert FhirBundle.model_validate(r.json()).total == len(r.json()["entry"])
