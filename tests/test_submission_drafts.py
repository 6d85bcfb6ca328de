"""Saving a draft submission: autosave with ETags, what a save writes and checks, and what it
refuses."""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import event, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import AuditEvent, Submission, User
from tests.conftest import Login, assert_problem
from tests.reporting import SUBMISSIONS, if_match, seed_request, submission_of


async def test_draft_autosave_etag_submit_lock(client: httpx.AsyncClient, login: Login) -> None:
    reporter = await login("lucngan.baocao")
    request = await seed_request(client, reporter)
    sub = await submission_of(client, reporter, request["id"], "BN-LUCNGAN")
    assert sub["status"] == "draft" and not sub["started"] and sub["can_edit"]
    assert sub["overdue"] and sub["tasks"] == []
    url = f"{SUBMISSIONS}/{sub['id']}"
    body = {"sections": [{"key": "I", "heading": "Chỉ đạo", "body": "Đã triển khai."}]}
    assert_problem(await client.patch(url, json=body, headers=reporter), 428)
    r = await client.patch(url, json=body, headers=if_match(reporter, sub["version"]))
    assert r.status_code == 200 and r.headers["ETag"] == f'"{sub["version"] + 1}"'
    # A second tab saving from the old version is refused, not merged over.
    stale = await client.patch(
        url, json={"title": "Khác"}, headers=if_match(reporter, sub["version"])
    )
    assert assert_problem(stale, 412)["current_version"] == sub["version"] + 1
    again = (await client.get(url, headers=reporter)).json()
    assert again["title"] is None and again["sections"][0]["body"] == "Đã triển khai."

    # Merge semantics: one section added, the other kept; removal is explicit.
    r = await client.patch(
        url,
        json={"sections": [{"key": "V", "heading": "Kiến nghị", "body": "Không."}]},
        headers=if_match(reporter, again["version"]),
    )
    assert r.status_code == 200
    again = (await client.get(url, headers=reporter)).json()
    assert [s["key"] for s in again["sections"]] == ["I", "V"]

    r = await client.post(f"{url}/submit", headers=if_match(reporter, again["version"]))
    assert r.status_code == 200, r.text
    filed = r.json()
    assert filed["late"] and filed["status"] == "submitted"  # due 05/6/2026, filed today
    locked = await client.patch(url, json=body, headers=if_match(reporter, filed["version"]))
    assert_problem(locked, 409)


async def test_a_save_writes_the_report_and_its_audit_event_together(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    """A save sets the fields sent, a new version, who and when, and records one audit event
    naming that version and those fields (the report's UPDATE and the event's INSERT are one
    statement: neither happens alone)."""
    reporter = await login("lucngan.baocao")
    request = await seed_request(client, reporter)
    sub = await submission_of(client, reporter, request["id"], "BN-LUCNGAN")
    r = await client.patch(
        f"{SUBMISSIONS}/{sub['id']}",
        json={
            "title": "Báo cáo quý",
            "place": "Lục Ngạn",
            "values": [{"indicator": "BHYT", "value": "91,5"}],
        },
        headers=if_match(reporter, sub["version"]),
    )
    assert r.status_code == 200, r.text
    saved = r.json()
    assert saved["version"] == sub["version"] + 1 and saved["values_written"] == 1
    assert r.headers["ETag"] == f'"{saved["version"]}"'
    row = (
        await session.execute(
            select(
                Submission.title,
                Submission.place,
                Submission.version,
                Submission.updated_at,
                User.username,
            )
            .join(User, User.id == Submission.updated_by)
            .where(Submission.id == uuid.UUID(sub["id"]))
        )
    ).one()
    assert tuple(row) == (
        "Báo cáo quý",
        "Lục Ngạn",
        saved["version"],
        datetime.fromisoformat(saved["updated_at"]),
        "lucngan.baocao",
    )
    events = (
        await session.execute(
            select(AuditEvent.actor_name, AuditEvent.after).where(
                AuditEvent.entity_id == sub["id"], AuditEvent.action == "save"
            )
        )
    ).all()
    assert [tuple(e) for e in events] == [
        ("lucngan.baocao", {"version": saved["version"], "fields": ["place", "title", "values"]})
    ]


async def test_autosaves_plan_their_values_write_once(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    """The values' write of an autosave runs on its generic plan: planned for each save's
    bound rows, it cost PostgreSQL 1 ms of planning per autosave."""
    plans = text(
        "SELECT coalesce(sum(generic_plans), 0), coalesce(sum(custom_plans), 0) "
        "FROM pg_prepared_statements WHERE statement LIKE 'WITH given AS%'"
    )
    reporter = await login("lucngan.baocao")
    request = await seed_request(client, reporter)
    sub = await submission_of(client, reporter, request["id"], "BN-LUCNGAN")
    generic, custom = (await session.execute(plans)).one()
    version = sub["version"]
    for n in range(8):
        r = await client.patch(
            f"{SUBMISSIONS}/{sub['id']}",
            json={"values": [{"indicator": "BHYT", "value": f"9{n},5"}]},
            headers=if_match(reporter, version),
        )
        assert r.status_code == 200 and r.json()["values_written"] == 1, r.text
        version = r.json()["version"]
    after = tuple((await session.execute(plans)).one())
    assert after == (generic + 8, custom)


async def test_autosaves_check_values_against_the_indicators_as_they_are_now(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    """An autosave reuses the indicators' definitions this process read for an earlier one,
    and reads them again once a row has changed, by any means: here plain SQL, which no
    version column sees."""
    reads: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("SELECT indicator.code"):
            reads.append(statement)

    reporter = await login("lucngan.baocao")
    request = await seed_request(client, reporter)
    sub = await submission_of(client, reporter, request["id"], "BN-LUCNGAN")
    above = {"values": [{"indicator": "TCDD", "numerator": "150", "denominator": "130"}]}
    url, version = f"{SUBMISSIONS}/{sub['id']}", sub["version"]
    connection = (await session.connection()).sync_connection
    assert connection is not None
    event.listen(connection, "before_cursor_execute", count)
    try:
        for _ in range(3):
            r = await client.patch(url, json=above, headers=if_match(reporter, version))
            codes = [e["code"] for e in assert_problem(r, 422)["errors"]]
            assert codes == ["numerator_above_denominator"]
        assert len(reads) <= 1  # none when an earlier test left them cached
        await session.execute(
            text(
                "UPDATE indicator SET allow_numerator_above_denominator = true WHERE code = 'TCDD'"
            )
        )
        r = await client.patch(url, json=above, headers=if_match(reporter, version))
        assert r.status_code == 200 and r.json()["values_written"] == 1, r.text
        assert len(reads) in (1, 2)
    finally:
        event.remove(connection, "before_cursor_execute", count)


async def test_a_save_refused_for_an_accepted_value_keeps_nothing_of_itself(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    """The values, the report's fields and its audit event go in one statement; when a
    value was accepted meanwhile, the save is refused whole: no section, version or event."""
    reporter = await login("lucngan.baocao")
    request = await seed_request(client, reporter)
    sub = await submission_of(client, reporter, request["id"], "BN-LUCNGAN")
    url = f"{SUBMISSIONS}/{sub['id']}"
    first = await client.patch(
        url,
        json={"values": [{"indicator": "BHYT", "value": "90"}]},
        headers=if_match(reporter, sub["version"]),
    )
    assert first.status_code == 200, first.text
    await session.execute(
        text(
            "UPDATE data_value d SET status = 'accepted' "
            "FROM indicator i, submission s JOIN report_request r ON r.id = s.request_id "
            "WHERE s.id = :sub AND i.id = d.indicator_id AND i.code = 'BHYT' "
            "AND d.org_unit_id = s.org_unit_id AND d.period = r.period"
        ),
        {"sub": uuid.UUID(sub["id"])},
    )
    version = first.json()["version"]
    refused = await client.patch(
        url,
        json={
            "values": [{"indicator": "BHYT", "value": "91"}],
            "sections": [{"key": "I", "heading": "I", "body": "Không được lưu"}],
        },
        headers=if_match(reporter, version),
    )
    assert [e["code"] for e in assert_problem(refused, 422)["errors"]] == ["value_locked"]
    now = (await client.get(url, headers=reporter)).json()
    assert now["version"] == version
    assert "Không được lưu" not in str(now["sections"])
    values = {v["indicator"]["code"]: v["value"] for v in now["values"]}
    assert Decimal(values["BHYT"]) == 90
    saves = await session.scalar(
        select(func.count()).where(AuditEvent.entity_id == sub["id"], AuditEvent.action == "save")
    )
    assert saves == 1


async def test_empty_and_invalid_reports_are_refused(
    client: httpx.AsyncClient, login: Login
) -> None:
    reporter = await login("lucngan.baocao")
    request = await seed_request(client, reporter)
    sub = await submission_of(client, reporter, request["id"], "BN-LUCNGAN")
    url = f"{SUBMISSIONS}/{sub['id']}"
    assert_problem(await client.post(f"{url}/submit", headers=if_match(reporter, 1)), 422)
    bad = await client.patch(
        url,
        json={
            "values": [
                {"indicator": "TCDD", "numerator": "150", "denominator": "130"},
                {"indicator": "BS_VANDAN", "value": "3"},
                {"indicator": "BHYT", "value": "mười"},
            ]
        },
        headers=if_match(reporter, 1),
    )
    errors = {e["field"]: e["code"] for e in assert_problem(bad, 422)["errors"]}
    assert errors == {
        "values[0].numerator": "numerator_above_denominator",
        "values[1].indicator": "unknown_indicator",
        "values[2].value": "not_a_number",
    }
    sonhai = await login("sonhai.baocao")
    other = await submission_of(client, sonhai, request["id"], "BN-SONHAI")
    task_of_another_unit = other["tasks"][1]["task_id"]
    r = await client.patch(
        url,
        json={"task_results": [{"task_id": task_of_another_unit, "result": "x"}]},
        headers=if_match(reporter, 1),
    )
    assert assert_problem(r, 422)["errors"][0]["code"] == "task_not_assigned"
    # Nothing of the refused saves was kept.
    assert (await client.get(url, headers=reporter)).json()["version"] == 1
