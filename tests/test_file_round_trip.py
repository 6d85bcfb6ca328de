"""Org units and indicators: what GET /org-units/export and GET /indicators/export write, the
import reads back as unchanged — every row counted unchanged, no audit row, no version or
updated_at bump (DESIGN §6 round trip)."""

import itertools
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession

from tests.conftest import Login
from tests.test_matrix_round_trip import LETTERS, _audit_count, _import

# Names as people type them, those beginning with = + - @ included: the export marks such
# cells for spreadsheets and reading removes the mark (api/tabular.py).
NAME = (
    st.text(alphabet=LETTERS + "0123456789 ,.;()%/'\"-=+@", min_size=1, max_size=30)
    .map(str.strip)
    .filter(bool)
)
_serial = itertools.count()


async def _unchanged_after_reimport(
    client: httpx.AsyncClient,
    session: AsyncSession,
    headers: dict[str, str],
    export_url: str,
    params: dict[str, str],
    resource: str,
    read: Any,
) -> None:
    before = await read()
    for fmt in ("csv", "xlsx"):
        r = await client.get(export_url, headers=headers, params={**params, "format": fmt})
        assert r.status_code == 200, r.text
        audits = await _audit_count(session)
        job = await _import(client, headers, resource, f"export.{fmt}", r.content)
        counts = job["counts"]
        assert counts["created"] == counts["updated"] == counts["rejected"] == 0, (fmt, job)
        assert counts["unchanged"] == job["rows_total"] > 0, (fmt, counts)
        assert await _audit_count(session) == audits, fmt
        assert await read() == before, fmt


async def test_org_unit_export_re_imports_unchanged(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    """The whole demo tree, and a province's admin re-importing it (units outside their
    province included: an unchanged row needs no right to change it)."""

    async def read() -> list[dict[str, Any]]:
        r = await client.get("/api/v1/org-units", headers=admin, params={"limit": 500})
        return list(r.json()["items"])

    admin = await login("admin")
    # A unit created with an empty short name and untrimmed text reads back the same.
    root = (await client.get("/api/v1/org-units", headers=admin, params={"q": "BN-SONHAI"})).json()
    r = await client.post(
        "/api/v1/org-units",
        headers=admin,
        json={
            "code": "BN-SONHAI-T9",
            "name": "Thôn Mới ",
            "short_name": "",
            "type": "residential_group",
            "parent_id": root["items"][0]["id"],
        },
    )
    assert r.status_code == 201, r.text
    for who in ("admin", "bn.quantri"):
        await _unchanged_after_reimport(
            client, session, await login(who), "/api/v1/org-units/export", {}, "org_units", read
        )


async def test_indicator_export_re_imports_unchanged(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    """The demo catalogue, plus an indicator whose numerator may pass its denominator and
    whose English name is empty."""
    admin = await login("admin")
    r = await client.post(
        "/api/v1/indicators",
        headers=admin,
        json={
            "code": "TEST-VUOT",
            "name_vi": "Lượt khám trên số thẻ",
            "name_en": "",
            "kind": "activity",
            "value_type": "percentage",
            "factor": 100,
            "aggregation": "ratio",
            "allow_numerator_above_denominator": True,
            "description": "  Có thể vượt 100 %\n",
        },
    )
    assert r.status_code == 201, r.text

    async def read() -> list[dict[str, Any]]:
        r = await client.get("/api/v1/indicators", headers=admin, params={"limit": 500})
        return list(r.json()["items"])

    await _unchanged_after_reimport(
        client, session, admin, "/api/v1/indicators/export", {}, "indicators", read
    )
    # A new catalogue from the export keeps what the export says.
    r = await client.get("/api/v1/indicators/export", headers=admin)
    header = r.text.lstrip("\ufeff").splitlines()[0]
    assert header == (
        "code,name_vi,name_en,unit,kind,value_type,factor,numerator_label,denominator_label,"
        "direction,decimals,aggregation,description,active,allow_numerator_above_denominator"
    )


UNIT_TYPES = ["commune", "health_station", "school", "residential_group", "office"]


@st.composite
def unit_sets(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A small tree under one new root: names repeat (two communes called alike), short names
    are empty or not, some units inactive."""
    names = draw(st.lists(NAME, min_size=1, max_size=3))
    units: list[dict[str, Any]] = []
    for index in range(draw(st.integers(1, 8))):
        parent = draw(st.integers(-1, index - 1))
        units.append(
            {
                "suffix": f"U{index}",
                "parent": parent,
                "name": draw(st.sampled_from(names)),
                "type": draw(st.sampled_from(UNIT_TYPES)),
                "short_name": draw(st.none() | st.just("") | NAME),
                "active": draw(st.booleans()),
            }
        )
    return units


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(units=unit_sets())
async def test_any_unit_set_re_imports_unchanged(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, units: list[dict[str, Any]]
) -> None:
    admin = await login("admin")
    prefix = f"RT{next(_serial)}"
    r = await client.post(
        "/api/v1/org-units",
        headers=admin,
        json={"code": prefix, "name": "Tỉnh thử", "type": "province"},
    )
    assert r.status_code == 201, r.text
    root = r.json()["id"]
    ids = {-1: root}
    for index, unit in enumerate(units):
        r = await client.post(
            "/api/v1/org-units",
            headers=admin,
            json={
                "code": f"{prefix}-{unit['suffix']}",
                "name": unit["name"],
                "type": unit["type"],
                "short_name": unit["short_name"],
                "parent_id": ids[unit["parent"]],
                "active": unit["active"],
            },
        )
        assert r.status_code == 201, r.text
        ids[index] = r.json()["id"]

    async def read() -> list[dict[str, Any]]:
        r = await client.get(
            "/api/v1/org-units",
            headers=admin,
            params={"org_unit_id": root, "include_subtree": True, "limit": 500},
        )
        return list(r.json()["items"])

    await _unchanged_after_reimport(
        client,
        session,
        admin,
        "/api/v1/org-units/export",
        {"org_unit_id": root, "include_subtree": True},
        "org_units",
        read,
    )


VALUE_KINDS = [
    ("count", 1, "sum"),
    ("number", 1, "average"),
    ("percentage", 100, "ratio"),
    ("rate", 10_000, "ratio"),
    ("currency", 1, "sum"),
    ("yes_no", 1, "latest"),
    ("text", 1, "none"),
]


@st.composite
def indicators(draw: st.DrawFn) -> dict[str, Any]:
    value_type, factor, aggregation = draw(st.sampled_from(VALUE_KINDS))
    return {
        "name_vi": draw(NAME),
        "name_en": draw(st.none() | st.just("") | NAME),
        "unit": draw(st.none() | st.just("%") | NAME),
        "kind": draw(st.sampled_from(["input", "activity", "result", "impact"])),
        "value_type": value_type,
        "factor": factor,
        "aggregation": aggregation,
        "numerator_label": draw(st.none() | NAME),
        "denominator_label": draw(st.none() | NAME),
        "direction": draw(st.sampled_from(["higher", "lower", "none"])),
        "decimals": draw(st.integers(0, 6)),
        "description": draw(st.none() | NAME),
        "active": draw(st.booleans()),
        "allow_numerator_above_denominator": draw(st.booleans()),
    }


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(catalogue=st.lists(indicators(), min_size=1, max_size=4))
async def test_any_indicator_set_re_imports_unchanged(
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    catalogue: list[dict[str, Any]],
) -> None:
    admin = await login("admin")
    prefix = f"RT{next(_serial)}"
    for index, body in enumerate(catalogue):
        r = await client.post(
            "/api/v1/indicators", headers=admin, json={"code": f"{prefix}-{index}", **body}
        )
        assert r.status_code == 201, r.text

    async def read() -> list[dict[str, Any]]:
        r = await client.get("/api/v1/indicators", headers=admin, params={"limit": 500})
        return list(r.json()["items"])

    await _unchanged_after_reimport(
        client, session, admin, "/api/v1/indicators/export", {}, "indicators", read
    )


async def test_an_indicator_description_a_spreadsheet_cannot_hold_is_refused(
    client: httpx.AsyncClient, login: Login
) -> None:
    """A control character in a description was stored, and then the XLSX export failed."""
    admin = await login("admin")
    body = {"code": "TEST-BEL", "name_vi": "Chuông", "kind": "input", "value_type": "count"}
    r = await client.post(
        "/api/v1/indicators", headers=admin, json={**body, "description": "Ghi\x07chú"}
    )
    assert r.status_code == 422 and "description" in r.text, r.text
    r = await client.post("/api/v1/indicators", headers=admin, json=body)
    assert r.status_code == 201, r.text
    r = await client.patch(
        f"/api/v1/indicators/{r.json()['id']}",
        headers={**admin, "If-Match": r.headers["etag"]},
        json={"description": "Ghi\x1bchú"},
    )
    assert r.status_code == 422 and "description" in r.text, r.text
    r = await client.get("/api/v1/indicators/export", headers=admin, params={"format": "xlsx"})
    assert r.status_code == 200
