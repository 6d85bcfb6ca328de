"""Bulk writes (data_value_apply): ranges of new keys are inserted without comparing them with
stored values; ranges holding stored keys go through the full statement; a repeated key in
an upload of new values is still refused whole."""

import logging
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import DataValue
from api.services import data_values
from tests.conftest import Login, assert_problem

URL = "/api/v1/data-values"


@pytest.fixture(autouse=True)
def staged_in_ranges(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    """Through the staging table, two rows a range, the phases logged."""
    monkeypatch.setattr(data_values, "INLINE_MAX_ROWS", 0)
    monkeypatch.setattr(data_values, "APPLY_CHUNK", 2)
    caplog.set_level(logging.INFO, logger="api.import_phases")


def _values(periods: range, **values: Any) -> list[dict[str, Any]]:
    return [
        {
            "indicator": "KCB_BHYT",
            "org_unit": "BN-SONHAI",
            "period": f"2018{m:02d}",
            "value": values.get(f"2018{m:02d}", m),
        }
        for m in periods
    ]


def _phases(caplog: pytest.LogCaptureFixture) -> str:
    lines = [r.getMessage() for r in caplog.records if r.name == "api.import_phases"]
    assert lines, "the write logged its phases"
    caplog.clear()
    return lines[-1]


def _counts(**counts: int) -> dict[str, int]:
    return {"created": 0, "updated": 0, "unchanged": 0, "deleted": 0, "rejected": 0, **counts}


async def test_an_upload_of_new_values_is_inserted_without_comparing(
    client: httpx.AsyncClient, login: Login, caplog: pytest.LogCaptureFixture
) -> None:
    admin = await login("admin")
    r = await client.put(URL, headers=admin, json={"values": _values(range(1, 6))})
    assert r.json()["counts"] == _counts(created=5)
    phases = _phases(caplog)
    assert "insert_new" in phases
    assert "upsert" not in phases and "duplicates" not in phases


async def test_ranges_holding_stored_values_are_compared_and_keep_history(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, caplog: pytest.LogCaptureFixture
) -> None:
    admin = await login("admin")
    r = await client.put(URL, headers=admin, json={"values": _values(range(3, 5))})
    assert r.json()["counts"] == _counts(created=2)
    # 201801-02 new, 201803 as stored, 201804 changed, 201805-07 new: ranges of two rows
    # new, then stored (one changed), then partly new, then new again.
    values = _values(range(1, 8), **{"201804": 40})
    r = await client.put(URL, headers=admin, json={"values": values})
    assert r.json()["counts"] == _counts(created=5, updated=1, unchanged=1)
    phases = _phases(caplog)
    assert "insert_new" in phases and "upsert" in phases
    stored = {
        v.period: (v.value, v.version)
        for v in await session.scalars(
            select(DataValue).where(DataValue.period.like("2018%"), DataValue.source == "api")
        )
    }
    want = {f"2018{m:02d}": (m, 1) for m in range(1, 8)}
    assert stored == {**want, "201804": (40, 2)}
    history = (
        await session.execute(
            text(
                """SELECT d.period, h.action, h.value FROM data_value_history h
                JOIN data_value d ON d.id = h.data_value_id
                WHERE d.period LIKE '2018%' AND d.source = 'api'"""
            )
        )
    ).all()
    assert [tuple(h) for h in history] == [("201804", "update", 4)]
    r = await client.put(URL, headers=admin, json={"values": values})
    assert r.json()["counts"] == _counts(unchanged=7)


async def test_a_repeated_key_among_new_values_is_refused_whole(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    admin = await login("admin")
    values = _values(range(1, 6))
    values.append({**values[1], "value": 99})
    r = await client.put(URL, headers=admin, json={"values": values})
    errors = assert_problem(r, 422)["errors"]
    assert [(e["row"], e["code"]) for e in errors] == [(6, "duplicate")]
    stored = await session.scalars(
        select(DataValue.id).where(DataValue.period.like("2018%"), DataValue.source == "api")
    )
    assert list(stored) == []


async def test_rows_staged_in_parts_of_the_raw_table_are_all_staged(
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The staging statement runs over dv_raw a few blocks at a time (a part of one row's
    worth of blocks here): every row is staged once, bad ones still named."""
    from api.pacing import Pacer
    from api.services import data_value_bulk

    monkeypatch.setattr(data_value_bulk, "STAGE_PART", 1)
    monkeypatch.setattr(data_value_bulk, "IDLE_PARTS", 1)
    pauses: list[int] = []

    class Counted(Pacer):
        async def __call__(self) -> None:
            pauses.append(1)

    monkeypatch.setattr(data_value_bulk, "bulk_pacer", lambda *args: Counted(0))
    admin = await login("admin")
    values = [
        {"indicator": "KCB_BHYT", "org_unit": "BN-SONHAI", "period": f"{y}{m:02d}", "value": y + m}
        for y in range(1990, 2015)
        for m in range(1, 13)
    ]
    r = await client.put(URL, headers=admin, json={"values": values})
    assert r.json()["counts"] == _counts(created=300)
    assert len(pauses) >= 3  # one after the COPY, one after each part staged but the last
    stored = await session.scalars(
        select(DataValue.value).where(DataValue.period < "2015", DataValue.source == "api")
    )
    assert sorted(stored) == sorted(v["value"] for v in values)
    values[150]["value"] = "nhiều"
    r = await client.put(URL, headers=admin, json={"values": values})
    errors = assert_problem(r, 422)["errors"]
    assert [(e["row"], e["code"]) for e in errors] == [(151, "not_a_number")]


@pytest.mark.parametrize(("looks", "pauses"), [([True, False], False), ([True, True], True)])
async def test_a_bulk_write_pauses_only_when_a_second_look_still_finds_people(
    monkeypatch: pytest.MonkeyPatch, looks: list[bool], pauses: bool
) -> None:
    """A poll of the uploader's own job caught running at one check (gone 20 ms later) does
    not pause the upload; people still at work a moment later do."""
    from api import pacing
    from api.services import bulk_pacing

    seen = list(looks)

    async def busy() -> bool:
        return seen.pop(0)

    monkeypatch.setattr(pacing, "bulk_pacer", lambda session, api: pacing.Pacer(3.0, busy=busy))
    pace = bulk_pacing.bulk_pacer(None, "healthplan")  # type: ignore[arg-type]
    assert pace.busy is not None
    assert await pace.busy() is pauses
    assert seen == []
