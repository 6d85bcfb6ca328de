"""Round trip: exporting indicator data in any format the product writes (DHIS2 JSON and CSV,
the data-values JSON, CSV and XLSX) and importing it back changes nothing: every row counted
unchanged (DHIS2: ignored), no history row, statuses and numerator/denominator kept, and what
is read from the values (reads, compilation, analytics, FHIR) the same."""

import io
import itertools
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import AuditEvent, DataValueHistory
from api.periods import parse_param
from api.services import data_values
from tests.conftest import Login, assert_problem
from tests.reporting import REQUESTS, SUBMISSIONS, if_match, seed_request, submission_of

DHIS2 = "/api/v1/dataValueSets"
VALUES = "/api/v1/data-values"
IMPORTS = "/api/v1/imports/data_values"
# DHIS2's two shapes, and the data-values reads in JSON, CSV and XLSX (uploaded back through
# /imports/data_values, the bulk upload's path).
FORMATS = ("dhis2-json", "dhis2-csv", "json", "csv", "xlsx")


@pytest.fixture(params=["inline", "staged"])
def write_path(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Callable[[], None]:
    """Both write paths, for the imports after the call: a few rows bound as arrays, and the
    staging table bulk uploads (and the worker's jobs) fill."""

    def use() -> None:
        if request.param == "staged":
            monkeypatch.setattr(data_values, "INLINE_MAX_ROWS", 0)

    return use


async def export(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    fmt: str,
    unit: str,
    period: str | None,
    *,
    deleted: bool = False,
) -> bytes:
    if fmt.startswith("dhis2"):
        params: dict[str, Any] = {
            "orgUnit": unit,
            "format": fmt.removeprefix("dhis2-"),
            "includeDeleted": deleted,
        }
        if period:
            # DHIS2's `period` is exact: the values inside one are those of its dates.
            within = parse_param(period)
            params.update(startDate=within.start.isoformat(), endDate=within.end.isoformat())
        r = await client.get(DHIS2, headers=headers, params=params)
    else:
        params = {"org_unit": unit, "format": fmt, "limit": 10_000, "include_deleted": deleted}
        if period:
            params["period"] = period
        r = await client.get(VALUES, headers=headers, params=params)
    assert r.status_code == 200, r.text
    return r.content


async def reimport(
    client: httpx.AsyncClient, headers: dict[str, str], fmt: str, content: bytes
) -> dict[str, int]:
    """Send an export back; the counts, named as ours (DHIS2's imported/updated/ignored/deleted
    read as created/updated/unchanged/deleted)."""
    if fmt.startswith("dhis2"):
        kind = "application/json" if fmt == "dhis2-json" else "application/csv"
        r = await client.post(DHIS2, headers={**headers, "Content-Type": kind}, content=content)
        assert r.status_code == 200, r.text
        c = r.json()["importCount"]
        return {
            "created": c["imported"],
            "updated": c["updated"],
            "unchanged": c["ignored"],
            "deleted": c["deleted"],
        }
    r = await client.post(
        IMPORTS, headers=headers, files={"file": (f"values.{fmt}", content, "application/x")}
    )
    assert r.status_code == 200, r.text
    counts: dict[str, int] = r.json()["counts"]
    assert counts.pop("rejected") == 0
    return counts


def rows_in(fmt: str, content: bytes) -> int:
    if fmt in ("dhis2-json", "json"):
        import json

        return len(json.loads(content)["dataValues" if fmt == "dhis2-json" else "items"])
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        assert sheet is not None
        return sheet.max_row - 1
    return len(content.decode("utf-8-sig").strip().splitlines()) - 1


async def written(session: AsyncSession) -> tuple[int, int]:
    """History rows and audit events so far."""
    history = await session.scalar(select(func.count()).select_from(DataValueHistory))
    events = await session.scalar(select(func.count()).select_from(AuditEvent))
    return int(history or 0), int(events or 0)


async def reads(
    client: httpx.AsyncClient, headers: dict[str, str], unit: str, period: str | None = None
) -> list[dict[str, Any]]:
    params: dict[str, Any] = {"org_unit": unit, "limit": 10_000, "include_deleted": True}
    if period:
        params["period"] = period
    r = await client.get(VALUES, headers=headers, params=params)
    assert r.status_code == 200, r.text
    return sorted(r.json()["items"], key=lambda v: str(v["id"]))


async def accept_ratio_160_of_200(client: httpx.AsyncClient, login: Login) -> str:
    """Sơn Hải's report, returned, TCDD set to 160/200, submitted again and accepted: the
    request's id."""
    reviewer, reporter = await login("syt.thamdinh"), await login("sonhai.baocao")
    request = await seed_request(client, reviewer)
    sub = await submission_of(client, reviewer, request["id"], "BN-SONHAI")
    url = f"{SUBMISSIONS}/{sub['id']}"
    r = await client.post(
        f"{url}/return", json={"comment": "Sửa TCDD"}, headers=if_match(reviewer, sub["version"])
    )
    assert r.status_code == 200, r.text
    mine = (await client.get(url, headers=reporter)).json()
    r = await client.patch(
        url,
        json={"values": [{"indicator": "TCDD", "numerator": 160, "denominator": 200}]},
        headers=if_match(reporter, mine["version"]),
    )
    assert r.status_code == 200, r.text
    r = await client.post(f"{url}/submit", headers=if_match(reporter, r.json()["version"]))
    assert r.status_code == 200, r.text
    r = await client.post(f"{url}/accept", json={}, headers=if_match(reviewer, r.json()["version"]))
    assert r.status_code == 200, r.text
    return str(request["id"])


async def what_is_read(
    client: httpx.AsyncClient, headers: dict[str, str], request_id: str
) -> dict[str, Any]:
    """The compiled indicators, analytics and FHIR of TCDD over the province."""
    compiled = (await client.get(f"{REQUESTS}/{request_id}/compilation", headers=headers)).json()
    query = {"indicator": "TCDD", "org_unit": "BN", "period": "2026"}
    analytics = (await client.get("/api/v1/analytics", headers=headers, params=query)).json()
    fhir = (await client.get("/api/v1/fhir/MeasureReport", headers=headers, params=query)).json()
    for entry in fhir.get("entry", []):
        entry["resource"].pop("date", None)
        entry["resource"].pop("id", None)
        entry.pop("fullUrl", None)
    fhir.pop("timestamp", None)
    fhir.pop("id", None)
    return {
        "compiled": [i for i in compiled["indicators"] if i["indicator"]["code"] == "TCDD"],
        "analytics": analytics,
        "fhir": fhir,
    }


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("who", ["admin", "sonhai.baocao"])
async def test_an_accepted_ratio_survives_its_own_export(
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    fmt: str,
    who: str,
    write_path: Callable[[], None],
) -> None:
    """Issue 18 D: 160/200 accepted, exported, posted back: 'updated: 4' erased the fraction,
    made accepted values submitted and changed the compilation (85), analytics (no_data) and
    FHIR (0/0). Now every row is unchanged, nothing is written, everything reads the same."""
    request_id = await accept_ratio_160_of_200(client, login)
    reviewer, importer = await login("syt.thamdinh"), await login(who)
    before_reads = await reads(client, reviewer, "BN-SONHAI")
    tcdd = next(v for v in before_reads if v["indicator"] == "TCDD" and v["status"] == "accepted")
    assert (Decimal(tcdd["numerator"]), Decimal(tcdd["denominator"])) == (160, 200)
    before = await what_is_read(client, reviewer, request_id)
    content = await export(client, importer, fmt, "BN-SONHAI", None)
    rows = rows_in(fmt, content)
    assert rows >= 4
    stamp = await written(session)
    write_path()

    counts = await reimport(client, importer, fmt, content)

    assert counts == {"created": 0, "updated": 0, "unchanged": rows, "deleted": 0}
    history, events = await written(session)
    assert history == stamp[0], "an unchanged re-import writes no history"
    assert events == stamp[1], "nor an audit event (an upload's own record is its job)"
    assert await reads(client, reviewer, "BN-SONHAI") == before_reads
    assert await what_is_read(client, reviewer, request_id) == before


async def test_dhis2_carries_the_fraction_and_the_username(
    client: httpx.AsyncClient, login: Login
) -> None:
    """numerator/denominator travel as extra members (JSON) and trailing columns (CSV), which
    DHIS2 tools ignore; storedBy is the username of whoever last changed the value (here the
    reviewer who accepted it), not a user id."""
    await accept_ratio_160_of_200(client, login)
    admin = await login("admin")
    params = {"orgUnit": "BN-SONHAI", "dataElement": "TCDD"}
    r = await client.get(DHIS2, headers=admin, params=params)
    value = next(v for v in r.json()["dataValues"] if v["numerator"] == "160")
    assert (value["value"], value["denominator"], value["storedBy"]) == (
        "80",
        "200",
        "syt.thamdinh",
    )
    assert value["deleted"] is False
    r = await client.get(DHIS2, headers=admin, params={**params, "format": "csv"})
    lines = r.text.lstrip("\ufeff").splitlines()
    assert lines[0] == (
        "dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,"
        "comment,followup,deleted,numerator,denominator"
    )
    assert any(
        line.endswith(",false,false,160,200") and ",80,syt.thamdinh," in line for line in lines
    )
    # A value written through the API: its writer's username.
    reporter = await login("sonhai.baocao")
    r = await client.put(
        VALUES,
        headers=reporter,
        json={
            "values": [
                {"indicator": "KCB_BHYT", "org_unit": "BN-SONHAI", "period": "203001", "value": 7}
            ]
        },
    )
    assert r.status_code == 200, r.text
    r = await client.get(
        DHIS2, headers=admin, params={**params, "dataElement": "KCB_BHYT", "period": "203001"}
    )
    assert [v["storedBy"] for v in r.json()["dataValues"]] == ["sonhai.baocao"]


async def test_a_foreign_dhis2_file_without_the_fraction_keeps_it(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    """A DHIS2 tool sends back only the value: it agrees with the stored fraction, which stays;
    an import never lowers an accepted value to submitted when the data is equal; a changed
    value is refused to a reporter with a clear message, and recorded when an admin sends it."""
    await accept_ratio_160_of_200(client, login)
    admin, reporter = await login("admin"), await login("sonhai.baocao")
    tcdd = next(
        v
        for v in (await reads(client, admin, "BN-SONHAI"))
        if v["indicator"] == "TCDD" and v["status"] == "accepted"
    )
    one = {"dataElement": "TCDD", "period": tcdd["period"], "orgUnit": "BN-SONHAI", "value": "80"}
    stamp = await written(session)
    for who in (reporter, admin):
        r = await client.post(DHIS2, headers=who, json={"dataValues": [one]})
        assert r.status_code == 200, r.text
        assert r.json()["importCount"] == {"imported": 0, "updated": 0, "ignored": 1, "deleted": 0}
    assert (await written(session))[0] == stamp[0]
    again = (await client.get(f"{VALUES}/{tcdd['id']}", headers=admin)).json()
    assert again == tcdd

    changed = {**one, "value": "81"}
    r = await client.post(DHIS2, headers=reporter, json={"dataValues": [changed]})
    conflict = assert_problem(r, 409)["response"]["conflicts"][0]
    assert conflict["errorCode"] == "value_locked" and "thẩm định" in conflict["value"]
    r = await client.post(DHIS2, headers=admin, json={"dataValues": [changed]})
    assert r.json()["importCount"]["updated"] == 1
    after = (await client.get(f"{VALUES}/{tcdd['id']}/history", headers=admin)).json()
    assert Decimal(after["current"]["value"]) == 81 and after["current"]["numerator"] is None
    assert after["changes"][0]["status"] == "accepted"
    assert Decimal(after["changes"][0]["numerator"]) == 160


async def test_numbers_are_not_marked_and_text_marks_are_removed(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    """Issue 18 D: value -5 was written '-5 (and could not be re-imported); re-importing the
    data-values CSV added a ' to comments. Only text cells are marked; readers remove it."""
    reporter = await login("sonhai.baocao")
    values = [
        {"indicator": "UHC", "org_unit": "BN-SONHAI", "period": "203002", "value": "-5"},
        {
            "indicator": "UHC",
            "org_unit": "BN-SONHAI",
            "period": "203003",
            "value": "1.234",
            "comment": '=HYPERLINK("x")',
        },
        {
            "indicator": "KCB_BHYT",
            "org_unit": "BN-SONHAI",
            "period": "203002",
            "value": 3,
            "comment": "'+84 912 345 678",
        },
    ]
    r = await client.put(VALUES, headers=reporter, json={"values": values})
    assert r.status_code == 200, r.text
    before = await reads(client, reporter, "BN-SONHAI", "2030")
    assert {Decimal(v["value"]) for v in before} == {Decimal(-5), Decimal("1234"), Decimal(3)}
    r = await client.get(
        DHIS2,
        headers=reporter,
        params={"orgUnit": "BN-SONHAI", "period": ["203002", "203003"], "format": "csv"},
    )
    assert ",-5," in r.text and "'-5" not in r.text
    assert "'=HYPERLINK" in r.text and "''+84 912" in r.text
    stamp = await written(session)
    for fmt in FORMATS:
        content = await export(client, reporter, fmt, "BN-SONHAI", "2030")
        counts = await reimport(client, reporter, fmt, content)
        assert counts == {"created": 0, "updated": 0, "unchanged": 3, "deleted": 0}, fmt
    assert await written(session) == stamp
    assert await reads(client, reporter, "BN-SONHAI", "2030") == before
    comments = {v["comment"] for v in before}
    assert comments == {None, '=HYPERLINK("x")', "'+84 912 345 678"}


async def test_dhis2_rows_are_the_files_and_csv_takes_an_encoding(
    client: httpx.AsyncClient, login: Login
) -> None:
    """Issue 18 G: DHIS2's conflicts said "dòng 0"; a row is the file's (the header is row 1,
    JSON's first value row 1), `indexes` stay DHIS2's; the CSV honours `encoding=` as the
    advice of its own error says."""
    reporter = await login("sonhai.baocao")
    csv = (
        "dataelement,period,orgunit,value,comment\n"
        "KCB_BHYT,203004,BN-SONHAI,1,\n"
        "\n"
        "KCB_BHYT,203005,BN-LUCNGAN,2,\n"
    )
    kind = {**reporter, "Content-Type": "application/csv"}
    problem = assert_problem(await client.post(DHIS2, headers=kind, content=csv.encode()), 409)
    assert [(e["row"], e["code"]) for e in problem["errors"]] == [(4, "forbidden")]
    assert "dòng 4" in problem["detail"]
    assert problem["response"]["conflicts"][0]["indexes"] == [1]
    body = {
        "dataValues": [
            {"dataElement": "NOPE", "period": "203004", "orgUnit": "BN-SONHAI", "value": "1"}
        ]
    }
    problem = assert_problem(await client.post(DHIS2, headers=reporter, json=body), 409)
    assert problem["errors"][0]["row"] == 1 and "dòng 1" in problem["detail"]
    assert problem["response"]["conflicts"][0]["indexes"] == [0]

    legacy = "dataelement,period,orgunit,value,comment\nKCB_BHYT,203004,BN-SONHAI,1,Tên Đông\n"
    r = await client.post(DHIS2, headers=kind, content=legacy.encode("cp1258"))
    assert assert_problem(r, 422)["errors"][0]["code"] == "not_utf8"
    r = await client.post(
        DHIS2, headers=kind, params={"encoding": "windows-1258"}, content=legacy.encode("cp1258")
    )
    assert r.status_code == 200, r.text
    assert [v["comment"] for v in await reads(client, reporter, "BN-SONHAI", "203004")] == [
        "Tên Đông"
    ]


# The property: any value set written, exported in every format and imported back, changes
# nothing. Each example writes its own month (a fresh key), so examples are independent in the
# one transaction all of them share.
_MONTHS = itertools.count()
_LETTERS = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
)
_ALPHABET = _LETTERS + _LETTERS.upper() + "0123456789 .,;:/()%"
_WORDS = st.text(alphabet=_ALPHABET, min_size=1, max_size=30).map(str.strip).filter(bool)
_TEXTS = st.builds(
    # Decomposed too, as macOS types Vietnamese.
    lambda prefix, words, form: unicodedata.normalize(form, prefix + words),
    st.sampled_from(["", "=", "+", "-", "@", "'", "'=", "''-", "=1+"]),
    _WORDS,
    st.sampled_from(["NFC", "NFD"]),
)
_SIX = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=6, allow_nan=False)
_PERCENT = st.decimals(min_value=0, max_value=100, places=6, allow_nan=False)
_STATUS = st.sampled_from(["draft", "submitted", "accepted"])


@st.composite
def value_sets(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Up to one value of each kind: a count, a ratio (fraction or value alone), a number
    (negative, decimals at the column's six), a text; comments that look like formulas."""
    values: list[dict[str, Any]] = []
    if draw(st.booleans()):
        values.append({"indicator": "RT_TEXT", "value": draw(_TEXTS)})
    if draw(st.booleans()):
        if draw(st.booleans()):
            denominator = draw(st.integers(1, 10**9))
            numerator = draw(st.integers(0, denominator))
            values.append({"indicator": "TCDD", "numerator": numerator, "denominator": denominator})
        else:
            values.append({"indicator": "TCDD", "value": str(draw(_PERCENT))})
    if draw(st.booleans()):
        values.append({"indicator": "UHC", "value": str(draw(_SIX))})
    if not values or draw(st.booleans()):
        values.append({"indicator": "KCB_BHYT", "value": draw(st.integers(0, 10**12))})
    for value in values:
        value["status"] = draw(_STATUS)
        comment = draw(st.one_of(st.none(), _TEXTS))
        if comment is not None:
            value["comment"] = comment
        # Soft-deleted afterwards: exported with includeDeleted, sent back as deleted.
        value["gone"] = draw(st.integers(0, 3)) == 0
    return values


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(values=value_sets())
async def test_any_value_set_survives_every_export(
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    write_path: Callable[[], None],
    values: list[dict[str, Any]],
) -> None:
    write_path()
    admin, reporter = await login("admin"), await login("sonhai.baocao")
    r = await client.post(
        "/api/v1/indicators",
        headers=admin,
        json={
            "code": "RT_TEXT",
            "name_vi": "Ghi nhận",
            "kind": "result",
            "value_type": "text",
            "aggregation": "none",
        },
    )
    assert r.status_code in (201, 409), r.text
    n = next(_MONTHS)
    period = f"{2031 + n // 12}{n % 12 + 1:02d}"
    rows = [{**v, "org_unit": "BN-SONHAI", "period": period} for v in values]
    gone = [{**row, "deleted": True} for row in rows if row.pop("gone")]
    r = await client.put(VALUES, headers=admin, json={"values": rows})
    assert r.status_code == 200, r.text
    if gone:
        r = await client.put(VALUES, headers=admin, json={"values": gone})
        assert r.json()["counts"]["deleted"] == len(gone), r.text
    before = await reads(client, reporter, "BN-SONHAI", period)
    assert len(before) == len(values)
    stamp = await written(session)
    for fmt in FORMATS:
        # The reporter exports and imports: accepted values pass when sent back as they are.
        content = await export(client, reporter, fmt, "BN-SONHAI", period, deleted=True)
        counts = await reimport(client, reporter, fmt, content)
        assert counts == {"created": 0, "updated": 0, "unchanged": len(values), "deleted": 0}, (
            fmt,
            content,
        )
        assert await reads(client, reporter, "BN-SONHAI", period) == before, fmt
    assert await written(session) == stamp


async def test_a_dhis2_json_number_is_machine_notation(
    client: httpx.AsyncClient, login: Login
) -> None:
    """A JSON number 1.234 is one and a bit, not 1234 as the text "1.234" reads in Vietnamese
    notation; a text value keeps that notation ("38,46")."""
    reporter = await login("sonhai.baocao")
    body = {
        "orgUnit": "BN-SONHAI",
        "dataValues": [
            {"dataElement": "UHC", "period": "203006", "value": 1.234},
            {"dataElement": "UHC", "period": "203007", "value": "38,46"},
        ],
    }
    r = await client.post(DHIS2, headers=reporter, json=body)
    assert r.status_code == 200, r.text
    values = await reads(client, reporter, "BN-SONHAI", "2030")
    assert sorted(Decimal(v["value"]) for v in values) == [Decimal("1.234"), Decimal("38.46")]
