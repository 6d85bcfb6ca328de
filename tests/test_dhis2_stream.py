"""JSON bodies read as a stream: a large dataValueSet gives the counts and stored values the
whole-body parse gave, and a body broken anywhere is refused with nothing applied."""

import io
import json
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import InvalidInput
from api.models import DataValue
from api.schemas.dhis2 import Dhis2DataValueSet
from api.services import dhis2_json
from api.tabular import Row, number_text
from tests.conftest import Login, assert_problem

URL = "/api/v1/dataValueSets"
IMPORT = "/api/v1/imports/data_values"
UNITS = [
    "BN-SONHAI",
    *(
        f"BN-SONHAI-{s}"
        for s in ("UBND", "VHXH", "TYT", "CA", "MTTQ", "HPN", "HNCT", "MN", "TH", "THCS")
    ),
    *(f"BN-SONHAI-T{n}" for n in (1, 2, 3)),
]


def _text(value: str | float | int | None) -> str:
    if isinstance(value, float):
        return number_text(Decimal(repr(value)))
    return "" if value is None else str(value)


def whole_body_rows(raw: bytes) -> list[Row]:
    """The rows as the router made them before the stream: the body validated whole."""
    body = Dhis2DataValueSet.model_validate_json(raw)
    rows = []
    for index, dv in enumerate(body.dataValues):
        option = dv.categoryOptionCombo
        rows.append(
            Row(
                index + 1,
                {
                    "indicator": dv.dataElement or "",
                    "period": dv.period or body.period or "",
                    "org_unit": dv.orgUnit or body.orgUnit or "",
                    "option": "" if option in (None, "", "default", "HllvX50cXC0") else option,
                    "value": _text(dv.value),
                    "numerator": _text(dv.numerator),
                    "denominator": _text(dv.denominator),
                    "comment": dv.comment or "",
                    "deleted": "true" if dv.deleted else "",
                },
            )
        )
    return rows


def periods() -> list[str]:
    years = range(1900, 2026)
    return [
        *(str(y) for y in years),
        *(f"{y}S{h}" for y in years for h in (1, 2)),
        *(f"{y}Q{q}" for y in years for q in (1, 2, 3, 4)),
        *(f"{y}{m:02d}" for y in years for m in range(1, 13)),
    ]


def big_set(count: int) -> dict[str, Any]:
    """`count` distinct values of a count and a number indicator over Sơn Hải's units."""
    keys = [(i, u, p) for i in ("KCB_BHYT", "UHC") for u in UNITS for p in periods()]
    assert len(keys) >= count
    values: list[dict[str, Any]] = []
    for n, (indicator, unit, period) in enumerate(keys[:count]):
        value: Any = n % 9973 if indicator == "KCB_BHYT" else round(n % 1000 / 10, 1)
        item = {"dataElement": indicator, "period": period, "value": value}
        if unit != "BN-SONHAI" or n % 2:
            item["orgUnit"] = unit  # else the set's orgUnit, written after the values
        if n % 7 == 0:
            item["categoryOptionCombo"] = "default"
        values.append(item)
    # The header comes last: the stream must still apply it to the values above.
    return {"dataValues": values, "orgUnit": "BN-SONHAI", "dataSet": "big"}


def test_the_stream_gives_the_rows_the_whole_body_gave() -> None:
    raw = json.dumps(big_set(50_000)).encode()
    streamed = list(dhis2_json.rows(io.BytesIO(raw)))
    assert streamed == whole_body_rows(raw)
    odd = {
        "period": "202605",
        "dataValues": [
            {"dataElement": "A", "value": 0.1, "numerator": 1e-7, "extra": {"x": [1, 2]}},
            {"dataElement": "B", "value": 12, "deleted": True, "comment": "Hòa Bình"},
            {"dataElement": "C", "value": "38,46", "categoryOptionCombo": "inpatient"},
            {"dataElement": "D", "value": 123456789012345678901234567890},
            {"dataElement": "E", "value": 5.0, "followup": "true", "deleted": 0},
        ],
    }
    raw = ("\ufeff" + json.dumps(odd, ensure_ascii=False)).encode()
    assert list(dhis2_json.rows(io.BytesIO(raw))) == whole_body_rows(raw[3:])


MEMBER = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=6),
    st.sampled_from(["default", "HllvX50cXC0", "38,46", "true", "0", "1e3"]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)
NAMES = st.sampled_from(
    [
        "dataElement",
        "period",
        "orgUnit",
        "categoryOptionCombo",
        "value",
        "numerator",
        "denominator",
        "comment",
        "deleted",
        "followup",
        "storedBy",
        "other",
    ]
)


@settings(max_examples=25, deadline=None)
@given(
    values=st.lists(st.dictionaries(NAMES, MEMBER, max_size=8) | MEMBER, max_size=6),
    header=st.dictionaries(st.sampled_from(["period", "orgUnit", "dataSet"]), MEMBER),
)
def test_any_set_reads_as_the_whole_body_read_it(values: list[Any], header: Any) -> None:
    """Rows, or the errors (fields and codes), as the body validated whole gave them."""
    from pydantic import ValidationError

    raw = json.dumps({"dataValues": values, **header}).encode()
    try:
        expected: Any = whole_body_rows(raw)
    except ValidationError as exc:
        expected = [(".".join(str(p) for p in e["loc"]), e["type"]) for e in exc.errors()]
    try:
        got: Any = list(dhis2_json.rows(io.BytesIO(raw)))
    except InvalidInput as exc:
        got = [(e["field"], e["code"]) for e in exc.errors or []]
    assert got == expected


@pytest.mark.parametrize(
    "body",
    [
        {"period": 2026, "dataValues": [{"value": [1]}, {"value": "1"}, {"deleted": "x"}]},
        {"dataValues": {"a": 1}},
        {"dataValues": 5},
        [{"dataElement": "A"}],
        {"dataValues": [1, {"value": True}]},
    ],
    ids=["items", "object", "scalar", "array", "not-objects"],
)
def test_validation_errors_are_the_whole_body_ones(body: Any) -> None:
    from pydantic import ValidationError

    raw = json.dumps(body).encode()
    with pytest.raises(ValidationError) as before:
        Dhis2DataValueSet.model_validate_json(raw)
    with pytest.raises(Exception) as now:
        list(dhis2_json.rows(io.BytesIO(raw)))
    expected = [(".".join(str(p) for p in e["loc"]), e["type"]) for e in before.value.errors()]
    errors = getattr(now.value, "errors", None) or []
    assert [(e["field"], e["code"]) for e in errors] == expected


def test_more_values_than_a_set_may_carry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dhis2_json, "MAX_VALUES", 10)
    raw = json.dumps({"dataValues": [{"value": n} for n in range(11)]}).encode()
    with pytest.raises(Exception) as err:
        list(dhis2_json.rows(io.BytesIO(raw)))
    assert [e["code"] for e in err.value.errors] == ["too_long"]  # type: ignore[attr-defined]


async def _stored(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(DataValue)) or 0)


async def test_a_streamed_set_of_50_000_values_counts_and_stores_as_before(
    client: httpx.AsyncClient, login: Login
) -> None:
    admin = await login("admin")
    body = big_set(50_000)
    raw = json.dumps(body).encode()
    r = await client.post(URL, headers={**admin, "Content-Type": "application/json"}, content=raw)
    assert r.status_code == 200, r.text[:2000]
    assert r.json()["importCount"] == {
        "imported": 50_000,
        "updated": 0,
        "ignored": 0,
        "deleted": 0,
    }
    r = await client.post(URL, headers={**admin, "Content-Type": "application/json"}, content=raw)
    assert r.json()["importCount"]["ignored"] == 50_000, r.text[:2000]

    sent = {
        (row.cells["indicator"], row.cells["period"], row.cells["org_unit"]): Decimal(
            row.cells["value"]
        )
        for row in whole_body_rows(raw)
    }
    r = await client.get(
        URL,
        headers=admin,
        params={
            "dataElement": ["KCB_BHYT", "UHC"],
            "orgUnit": "BN-SONHAI",
            "children": True,
            "startDate": "1900-01-01",
            "endDate": "2025-12-31",
            "limit": 1_000_000,
        },
    )
    assert r.status_code == 200, r.text[:2000]
    stored = {
        (v["dataElement"], v["period"], v["orgUnit"]): Decimal(v["value"])
        for v in r.json()["dataValues"]
    }
    assert {k: stored.get(k) for k in sent} == sent


async def test_a_set_broken_half_way_is_refused_naming_where(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    admin = await login("admin")
    before = await _stored(session)
    good = json.dumps(big_set(30_000))
    cut = len(good) // 2
    cut = good.index("}, {", cut) + 3  # at the start of a value
    broken = good[:cut] + '{"dataElement": "KCB_BHYT",, "value": 1}' + good[cut:]
    r = await client.post(
        URL, headers={**admin, "Content-Type": "application/json"}, content=broken.encode()
    )
    problem = assert_problem(r, 422)
    [error] = problem["errors"]
    assert error["code"] == "json_invalid" and "byte" in error["message"], error
    assert f"dataValues[{good[:cut].count('dataElement')}]" in error["message"], error
    assert await _stored(session) == before

    # Valid JSON, a value the schema refuses far into the set: the rows before it were
    # already on their way to the database; nothing of them stays.
    values = big_set(30_000)
    values["dataValues"][25_000]["value"] = {"not": "a value"}
    r = await client.post(
        URL, headers={**admin, "Content-Type": "application/json"}, content=json.dumps(values)
    )
    problem = assert_problem(r, 422)
    assert [e["field"].split(".")[:2] for e in problem["errors"]] == [
        ["dataValues", "25000"]
    ] * len(problem["errors"])
    assert await _stored(session) == before


async def test_a_json_upload_broken_half_way_is_refused_naming_where(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    reporter = await login("sonhai.baocao")
    before = await _stored(session)
    rows = [
        {"indicator": "KCB_BHYT", "org_unit": "BN-SONHAI", "period": f"{y}{m:02d}", "value": y}
        for y in range(1990, 2025)
        for m in range(1, 13)
    ]
    text = json.dumps(rows)
    cut = text.index("}, {", len(text) // 2) + 3
    broken = text[:cut] + '{"indicator": "KCB_BHYT" "value": 1}, ' + text[cut:]
    r = await client.post(
        IMPORT,
        headers=reporter,
        files={"file": ("v.json", broken.encode(), "application/json")},
    )
    problem = assert_problem(r, 422)
    error = problem["errors"][0]
    assert error["code"] == "invalid_json" and "byte" in error["message"], error
    assert f"dòng {text[:cut].count('indicator') + 1:,}" in error["message"], error
    assert await _stored(session) == before
    r = await client.post(
        IMPORT, headers=reporter, files={"file": ("v.json", text.encode(), "application/json")}
    )
    assert r.status_code == 200 and r.json()["counts"]["created"] == len(rows), r.text[:1000]


async def test_a_chunked_body_over_the_limit_is_refused_before_it_is_all_read(
    app: Any, client: httpx.AsyncClient, login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.middleware import BodyLimitMiddleware

    admin = await login("admin")  # builds the middleware stack
    layer = app.middleware_stack
    while not isinstance(layer, BodyLimitMiddleware):
        layer = layer.app
    monkeypatch.setattr(layer, "large_limit", 1024 * 1024)
    sent = 0

    async def body() -> Any:  # no Content-Length: the size is known only as it arrives
        nonlocal sent
        yield b'{"dataValues": ['
        for _ in range(400):  # 400 chunks of 16 KB: 6.4 MB in all
            sent += 1
            yield (b'{"dataElement": "KCB_BHYT", "value": 1},' * 400)[: 16 * 1024]

    r = await client.post(
        URL, headers={**admin, "Content-Type": "application/json"}, content=body()
    )
    assert_problem(r, 413)
    assert sent < 100, sent
