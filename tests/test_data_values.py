"""Data values: computed rates, truthful counts, every bad input refused whole, history,
scope, the incremental pull and its ETag."""

import asyncio
import contextlib
import time
import uuid
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from api import pacing
from api.models import DataValue
from api.services import data_values
from tests.conftest import Login, assert_problem

URL = "/api/v1/data-values"


async def _count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(DataValue)) or 0)


async def _put(
    client: httpx.AsyncClient, headers: dict[str, str], values: list[dict[str, Any]], **kw: Any
) -> httpx.Response:
    return await client.put(URL, headers=headers, json={"values": values, **kw})


@pytest.fixture(params=["inline", "staged"])
def write_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both write paths: a few rows bound as arrays, and the staging table bulk uploads fill."""
    if request.param == "staged":
        monkeypatch.setattr(data_values, "INLINE_MAX_ROWS", 0)
    return str(request.param)


def fully_vaccinated(**kw: Any) -> dict[str, Any]:
    return {
        "indicator": "TCDD",
        "org_unit": "BN-SONHAI",
        "period": "202605",
        "numerator": 50,
        "denominator": 130,
        **kw,
    }


async def test_value_is_computed_and_resending_is_unchanged(
    client: httpx.AsyncClient, login: Login, write_path: str
) -> None:
    reporter = await login("sonhai.baocao")
    r = await _put(client, reporter, [fully_vaccinated(value="38,46")])
    assert r.status_code == 200, r.text
    assert r.json()["counts"] == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "deleted": 0,
        "rejected": 0,
    }
    r = await client.get(
        URL,
        headers=reporter,
        params={"indicator": "TCDD", "org_unit": "BN-SONHAI", "period": "202605"},
    )
    [value] = r.json()["items"]
    assert Decimal(value["value"]) == Decimal("38.461538") and value["status"] == "draft"
    r = await _put(client, reporter, [fully_vaccinated()])
    assert r.json()["counts"]["unchanged"] == 1 and r.json()["counts"]["updated"] == 0
    r = await _put(client, reporter, [fully_vaccinated(numerator=52)])
    assert r.json()["counts"]["updated"] == 1


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"period": "202613"}, "period", "invalid_period"),
        ({"indicator": "NOPE"}, "indicator", "unknown_indicator"),
        ({"org_unit": "NOPE"}, "org_unit", "unknown_org_unit"),
        ({"numerator": "abc"}, "numerator", "not_a_number"),
        ({"numerator": 140}, "numerator", "numerator_above_denominator"),
        ({"value": 40}, "value", "value_contradicts_fraction"),
        ({"org_unit": "BN-LUCNGAN"}, "org_unit", "forbidden"),
        ({"option": "male"}, "option", "unknown_option"),
        ({"denominator": None}, "denominator", "missing_fraction_part"),
        ({"status": "accepted"}, "status", "forbidden"),
    ],
)
async def test_any_bad_row_rejects_the_batch(
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    change: dict[str, Any],
    field: str,
    code: str,
) -> None:
    reporter = await login("sonhai.baocao")
    before = await _count(session)
    good = fully_vaccinated(period="202604")
    r = await _put(client, reporter, [good, fully_vaccinated(**change)])
    # Outside the caller's grants: a 403, as on every other endpoint (issue 18 G).
    problem = assert_problem(r, 403 if code == "forbidden" else 422)
    assert {"row": 2, "field": field, "code": code} in [
        {k: e[k] for k in ("row", "field", "code")} for e in problem["errors"]
    ], problem
    assert await _count(session) == before


async def test_duplicates_in_one_batch_are_refused(
    client: httpx.AsyncClient, login: Login, write_path: str
) -> None:
    reporter = await login("sonhai.baocao")
    r = await _put(client, reporter, [fully_vaccinated(), fully_vaccinated(numerator=51)])
    assert assert_problem(r, 422)["errors"][0]["code"] == "duplicate"


async def test_dry_run_writes_nothing(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    before = await _count(session)
    r = await _put(client, await login("sonhai.baocao"), [fully_vaccinated()], dry_run=True)
    assert r.json() == {
        "dry_run": True,
        "counts": {"created": 1, "updated": 0, "unchanged": 0, "deleted": 0, "rejected": 0},
    }
    assert await _count(session) == before


async def test_history_and_soft_delete(
    client: httpx.AsyncClient, login: Login, write_path: str
) -> None:
    reporter = await login("sonhai.baocao")
    for numerator in (50, 55, 60):
        await _put(client, reporter, [fully_vaccinated(numerator=numerator)])
    r = await client.get(
        URL,
        headers=reporter,
        params={"indicator": "TCDD", "period": "202605", "org_unit": "BN-SONHAI"},
    )
    value = r.json()["items"][0]
    r = await client.get(f"{URL}/{value['id']}/history", headers=reporter)
    history = r.json()
    assert Decimal(history["current"]["numerator"]) == 60
    assert [Decimal(c["numerator"]) for c in history["changes"]] == [55, 50]
    assert_problem(
        await client.delete(f"{URL}/{value['id']}", headers={**reporter, "If-Match": '"1"'}), 412
    )
    r = await client.delete(f"{URL}/{value['id']}", headers={**reporter, "If-Match": '"3"'})
    assert r.status_code == 204, r.text
    r = await client.get(
        URL,
        headers=reporter,
        params={"indicator": "TCDD", "period": "202605", "org_unit": "BN-SONHAI"},
    )
    assert r.json()["items"] == []
    r = await client.get(f"{URL}/{value['id']}/history", headers=reporter)
    assert r.json()["current"]["deleted"] is True
    assert r.json()["changes"][0]["action"] == "delete"


async def test_another_commune_cannot_see_or_touch_drafts(
    client: httpx.AsyncClient, login: Login
) -> None:
    await _put(client, await login("sonhai.baocao"), [fully_vaccinated()])
    mine = (
        await client.get(URL, headers=await login("sonhai.baocao"), params={"period": "202605"})
    ).json()["items"]
    other = await login("lucngan.baocao")
    r = await client.get(
        URL, headers=other, params={"org_unit": "BN-SONHAI", "include_subtree": True}
    )
    assert all(v["status"] != "draft" for v in r.json()["items"])
    assert mine and mine[0]["id"] not in {v["id"] for v in r.json()["items"]}
    assert_problem(await client.get(f"{URL}/{mine[0]['id']}", headers=other), 404)
    assert_problem(await client.get(f"{URL}/{mine[0]['id']}/history", headers=other), 404)
    assert_problem(
        await client.delete(f"{URL}/{mine[0]['id']}", headers={**other, "If-Match": '"1"'}), 404
    )
    viewer = await login("bn.xem")
    r = await client.get(URL, headers=viewer, params={"org_unit": "BN-SONHAI"})
    assert mine[0]["id"] not in {v["id"] for v in r.json()["items"]}
    submitted = [v for v in r.json()["items"] if v["status"] == "submitted"]
    assert submitted, "viewers of the province read the commune's submitted values"


async def test_accepted_values_are_locked_for_reporters(
    client: httpx.AsyncClient, login: Login, write_path: str
) -> None:
    await _put(client, await login("admin"), [fully_vaccinated(status="accepted")])
    r = await _put(client, await login("sonhai.baocao"), [fully_vaccinated(numerator=1)])
    assert assert_problem(r, 422)["errors"][0]["code"] == "value_locked"


async def test_replace_scope_soft_deletes_what_is_absent(
    client: httpx.AsyncClient, login: Login
) -> None:
    reporter = await login("sonhai.baocao")
    await _put(
        client, reporter, [fully_vaccinated(period=p) for p in ("202602", "202603", "202604")]
    )
    r = await _put(
        client,
        reporter,
        [fully_vaccinated(period="202603")],
        replace_scope={"indicators": ["TCDD"], "org_unit": "BN-SONHAI", "period": "2026Q1"},
    )
    # 202602 is absent from the batch and inside Q1; 202604 and the demo's Jan–May range are not
    # inside Q1, so they stay.
    assert r.json()["counts"] == {
        "created": 0,
        "updated": 0,
        "unchanged": 1,
        "deleted": 1,
        "rejected": 0,
    }
    r = await client.get(
        URL, headers=reporter, params={"indicator": "TCDD", "org_unit": "BN-SONHAI"}
    )
    assert {v["period"] for v in r.json()["items"]} == {"202603", "202604", "2026-01-01_2026-05-30"}


async def test_incremental_pull_pages_and_etag(client: httpx.AsyncClient, login: Login) -> None:
    admin = await login("admin")
    await _put(
        client,
        admin,
        [fully_vaccinated(period=f"2026{m:02d}", status="submitted") for m in range(1, 7)],
    )
    first = await client.get(URL, headers=admin, params={"limit": 4})
    assert first.status_code == 200 and len(first.json()["items"]) == 4
    etag = first.headers["etag"]
    again = await client.get(URL, headers={**admin, "If-None-Match": etag}, params={"limit": 4})
    assert again.status_code == 304
    seen = [v["id"] for v in first.json()["items"]]
    cursor = first.json()["page"]["next_cursor"]
    while cursor:
        page = await client.get(URL, headers=admin, params={"limit": 4, "cursor": cursor})
        seen += [v["id"] for v in page.json()["items"]]
        cursor = page.json()["page"]["next_cursor"]
    assert len(seen) == len(set(seen)) >= 6 + 17
    # The six share one time (one write): the pages cross it, skipping and repeating none.
    whole = await client.get(URL, headers=admin, params={"limit": 1000})
    assert seen == [v["id"] for v in whole.json()["items"]]
    newest = max(v["updated_at"] for v in first.json()["items"])
    r = await client.get(URL, headers=admin, params={"updated_since": newest, "format": "csv"})
    assert r.headers["content-type"].startswith("text/csv")
    assert r.text.startswith("\ufeffindicator,org_unit,period")


async def test_xlsx_export_opens_in_excel_and_neutralises_formulas(
    client: httpx.AsyncClient, login: Login
) -> None:
    import io

    import openpyxl

    reporter = await login("sonhai.baocao")
    await _put(client, reporter, [fully_vaccinated(comment='=HYPERLINK("x")')])
    r = await client.get(
        URL,
        headers=reporter,
        params={"format": "xlsx", "period": "202605", "org_unit": "BN-SONHAI"},
    )
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("indicator", "org_unit", "period")
    assert rows[1][:3] == ("TCDD", "BN-SONHAI", "202605")
    assert rows[1][7] == '\'=HYPERLINK("x")'


async def test_a_database_out_of_space_refuses_the_batch_whole(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, connection: Any
) -> None:
    """PostgreSQL refusing a write for lack of space: here its quota on temporary files
    (SQLSTATE 53400), which the staging sort of a large batch needs; a full disk is 53100 of
    the same class. The caller gets a 503 problem that says so, and nothing is written."""
    from sqlalchemy import text

    await connection.execute(text("SET LOCAL work_mem = '64kB'"))
    await connection.execute(text("SET LOCAL temp_file_limit = '64kB'"))
    before = await _count(session)
    periods = [f"{y}{m:02d}" for y in range(1990, 2018) for m in range(1, 13)]
    periods += [f"{y}W{w:02d}" for y in range(1990, 2018) for w in range(1, 53)]
    assert len(periods) > data_values.INLINE_MAX_ROWS  # the staged path, which sorts
    values = [
        {"indicator": "KCB_BHYT", "org_unit": "BN-SONHAI", "period": p, "value": 7} for p in periods
    ]
    r = await _put(client, await login("admin"), values)
    problem = assert_problem(r, 503)
    assert "dung lượng" in problem["detail"] and r.headers["Retry-After"]
    assert await _count(session) == before


def _counts(**counts: int) -> dict[str, int]:
    return {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0, "rejected": 0, **counts}


async def test_bulk_writes_yield_only_while_the_api_serves_people(
    session: AsyncSession, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upload pauses between its parts while the API's connections run statements, or
    several did a moment ago (people's requests), and runs on when only one did (a person
    polling their upload's progress) or none has for a second (a quiet hour)."""
    name = f"healthplan-{uuid.uuid4().hex[:8]}"  # this test's "API": no other connection
    monkeypatch.setattr(data_values, "API_APPLICATION_NAME", name)
    busy = data_values.bulk_pacer(session).busy
    assert busy is not None and not await busy()
    api = [
        await asyncpg.connect(database, server_settings={"application_name": name})
        for _ in range(data_values.PEOPLE_RECENT)
    ]
    try:
        await asyncio.sleep(1.2)  # opened a moment ago: they count as touched until then
        assert not await busy()
        await api[0].execute("SELECT 1")
        assert not await busy()  # one request a moment ago: a progress poll
        for connection in api[1:]:
            await connection.execute("SELECT 1")
        assert await busy()  # as many requests as a second of people's work
        await asyncio.sleep(1.2)
        assert not await busy()
        async with contextlib.AsyncExitStack() as requests:
            for connection in api:
                await requests.enter_async_context(connection.transaction())
                await connection.execute("SELECT 1")
            assert await busy()  # requests' transactions, between their statements
    finally:
        for connection in api:
            await connection.close()


async def test_a_pacer_pauses_in_proportion_only_when_told_others_wait(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(pacing.asyncio, "sleep", sleep)
    waiting = [False, True]

    async def busy() -> bool:
        return waiting.pop(0)

    pace = pacing.Pacer(3.0, busy=busy)
    await pace()
    assert slept == []
    started = time.perf_counter()
    while time.perf_counter() - started < 0.01:
        pass  # a part's work
    await pace()
    assert len(slept) == 1 and slept[0] >= 0.03


async def test_a_bulk_write_in_parts_counts_and_writes_as_one(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The staged path writes in row ranges (APPLY_CHUNK), pausing between them: the counts,
    the values and their history are those of one write."""
    monkeypatch.setattr(data_values, "INLINE_MAX_ROWS", 0)
    monkeypatch.setattr(data_values, "APPLY_CHUNK", 2)
    admin = await login("admin")
    values = [
        {"indicator": "KCB_BHYT", "org_unit": "BN-SONHAI", "period": f"2019{m:02d}", "value": m}
        for m in range(1, 6)
    ]
    r = await _put(client, admin, values)
    assert r.json()["counts"] == _counts(created=5)
    r = await _put(client, admin, values)
    assert r.json()["counts"] == _counts(unchanged=5)
    values[1]["value"] = 20
    values[3]["value"] = 40
    values[4] = {**values[4], "deleted": True}
    r = await _put(client, admin, values)
    assert r.json()["counts"] == _counts(updated=2, unchanged=2, deleted=1)
    stored = {
        v.period: v.value
        for v in await session.scalars(
            select(DataValue).where(
                DataValue.period.like("2019%"),
                DataValue.deleted_at.is_(None),
                DataValue.source == "api",
            )
        )
    }
    assert stored == {"201901": 1, "201902": 20, "201903": 3, "201904": 40}
    changed = next(
        v
        for v in (await client.get(URL, headers=admin, params={"period": "201902"})).json()["items"]
        if v["org_unit"] == "BN-SONHAI" and v["indicator"] == "KCB_BHYT"
    )
    history = (await client.get(f"{URL}/{changed['id']}/history", headers=admin)).json()
    assert [Decimal(c["value"]) for c in history["changes"]] == [2]


async def test_a_page_carries_what_a_single_read_does(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    """PostgreSQL writes a page's JSON, the model writes a single value's: the same text for
    every field, a deleted value, a time on a whole second and awkward text included."""
    reporter = await login("sonhai.baocao")
    await _put(
        client,
        reporter,
        [
            fully_vaccinated(),
            fully_vaccinated(period="202604", comment='Ghi chú: "tiêm chủng"\n\tđủ\\ 8 mũi'),
            fully_vaccinated(period="202603"),
            fully_vaccinated(period="202602", numerator=1, denominator=3),
        ],
    )
    await _put(client, reporter, [fully_vaccinated(period="202603", deleted=True)])
    await session.execute(
        text(
            "UPDATE data_value SET updated_at = date_trunc('second', updated_at) "
            "WHERE period = '202605'"
        )
    )
    r = await client.get(
        URL,
        headers=reporter,
        params={"org_unit": "BN-SONHAI", "include_deleted": "true", "limit": 500},
    )
    page = r.json()["items"]
    assert {i["period"] for i in page} >= {"202605", "202604", "202603", "202602"}
    assert any(i["deleted"] for i in page) and any(i["comment"] for i in page)
    assert any("." not in i["updated_at"] for i in page)  # the whole second: no fraction
    for item in page:
        one = await client.get(f"{URL}/{item['id']}", headers=reporter)
        if one.status_code == 404:  # a deleted value is not served on its own
            assert item["deleted"]
            continue
        assert item == one.json()


async def test_a_bulk_write_refreshes_stale_statistics(engine: AsyncEngine) -> None:
    """Stale statistics made the planner match staged rows by indicator alone (1.4 s a part
    instead of 30 ms). A committed table of its own: the counters only move on commit."""

    async def reltuples(conn: Any) -> float:
        found = await conn.scalar(text("SELECT reltuples FROM pg_class WHERE relname = 'hp_probe'"))
        return float(found)

    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("DROP TABLE IF EXISTS hp_probe"))
        await conn.execute(text("CREATE TABLE hp_probe (n int)"))
        try:
            await conn.execute(text("INSERT INTO hp_probe SELECT generate_series(1, 2000)"))
            await conn.execute(text("SELECT pg_stat_force_next_flush()"))  # counted before
            await conn.execute(text("ANALYZE hp_probe"))
            assert await reltuples(conn) == 2000
            async with AsyncSession(engine) as session, session.begin():
                assert not await data_values.refresh_statistics(session, "hp_probe")
            # Many more rows since: stale, until analysed again.
            await conn.execute(text("INSERT INTO hp_probe SELECT generate_series(1, 8000)"))
            await conn.execute(text("SELECT pg_stat_force_next_flush()"))
            async with AsyncSession(engine) as session, session.begin():
                assert await data_values.refresh_statistics(session, "hp_probe")
            assert await reltuples(conn) == 10000
            async with AsyncSession(engine) as session, session.begin():
                assert not await data_values.refresh_statistics(session, "hp_probe")
            # A transaction's own writes count only once it commits: `pending` says them, and
            # ANALYZE, run in it, samples them (a bulk write refreshes after writing, too).
            async with AsyncSession(engine) as session, session.begin():
                await session.execute(text("INSERT INTO hp_probe SELECT generate_series(1, 5000)"))
                assert not await data_values.refresh_statistics(session, "hp_probe")
                assert await data_values.refresh_statistics(session, "hp_probe", pending=5000)
            assert await reltuples(conn) == 15000
        finally:
            await conn.execute(text("DROP TABLE hp_probe"))
