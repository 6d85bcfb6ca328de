"""Round trip: exporting indicator data in any format the product writes (DHIS2 JSON and CSV,
the data-values CSV and XLSX) and importing it back changes nothing: every row counted
unchanged (DHIS2: ignored), no history row, statuses and numerator/denominator kept, and what
is read from the values (reads, compilation, analytics, FHIR) the same."""

import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import AuditEvent, DataValueHistory
from api.services import data_values
from tests.conftest import Login, assert_problem
from tests.test_reports import REQUESTS, SUBMISSIONS, if_match, seed_request, submission_of

DHIS2 = "/api/v1/dataValueSets"
VALUES = "/api/v1/data-values"
IMPORTS = "/api/v1/imports/data_values"
FORMATS = ("dhis2-json", "dhis2-csv", "csv", "xlsx")


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
    client: httpx.AsyncClient, headers: dict[str, str], fmt: str, unit: str, period: str | None
) -> bytes:
    if fmt.startswith("dhis2"):
        params: dict[str, Any] = {"orgUnit": unit, "format": fmt.removeprefix("dhis2-")}
        if period:
            params["period"] = period
        r = await client.get(DHIS2, headers=headers, params=params)
    else:
        params = {"org_unit": unit, "format": fmt, "limit": 10_000}
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
    if fmt == "dhis2-json":
        import json

        return len(json.loads(content)["dataValues"])
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
