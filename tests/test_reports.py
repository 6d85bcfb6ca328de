"""The reporting cycle of seeds 000 and 001 over HTTP: request 2429/SYT-KHTH, Sơn Hải's and
Sở Dân tộc và Tôn giáo's reports, return, resubmit, accept, status and rates, compilation."""

import io
import unicodedata
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

import httpx
import openpyxl
from docx import Document
from sqlalchemy import event, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import AuditEvent, EmailMessage, Notification, Submission, User
from tests.conftest import Login, assert_problem, unit_id

REQUESTS = "/api/v1/report-requests"
SUBMISSIONS = "/api/v1/submissions"


async def seed_request(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    r = await client.get(REQUESTS, headers=headers)
    assert r.status_code == 200, r.text
    return next(
        i for i in r.json()["items"] if i["reference"] and "2429/SYT-KHTH" in i["reference"]
    )


async def submission_of(
    client: httpx.AsyncClient, headers: dict[str, str], request_id: str, unit_code: str
) -> dict[str, Any]:
    r = await client.get(SUBMISSIONS, params={"request_id": request_id}, headers=headers)
    assert r.status_code == 200, r.text
    summary = next(s for s in r.json()["items"] if s["org_unit"]["code"] == unit_code)
    r = await client.get(f"{SUBMISSIONS}/{summary['id']}", headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] == f'"{r.json()["version"]}"'
    body: dict[str, Any] = r.json()
    return body


def if_match(headers: dict[str, str], version: int) -> dict[str, str]:
    return {**headers, "If-Match": f'"{version}"'}


async def test_seed_request_as_sent(client: httpx.AsyncClient, login: Login) -> None:
    request = await seed_request(client, await login("syt.thamdinh"))
    assert request["reference"] == "Công văn số 2429/SYT-KHTH ngày 14/5/2026"
    assert request["plan_reference"] == "Kế hoạch số 142/KH-UBND ngày 21/11/2025"
    assert request["status"] == "open" and request["period_start"] == "2026-01-01"
    assert [i["code"] for i in request["indicators"]] == [
        "KCB_BHYT",
        "TCDD",
        "TCAT",
        "SDD_NC",
        "BHYT",
    ]
    assert {u["code"] for u in request["units"]} == {"BN-SONHAI", "BN-SDTTG", "BN-LUCNGAN"}
    assert [s["key"] for s in request["outline"]][:2] == ["I", "II"]


async def test_son_hai_report_holds_the_seed(client: httpx.AsyncClient, login: Login) -> None:
    headers = await login("sonhai.baocao")
    request = await seed_request(client, headers)
    sub = await submission_of(client, headers, request["id"], "BN-SONHAI")
    assert sub["status"] == "submitted" and not sub["late"] and not sub["can_edit"]
    tasks = [t for t in sub["tasks"] if not t["is_group"]]
    groups = [t for t in sub["tasks"] if t["is_group"]]
    assert len(tasks) == 21 and [g["number"] for g in groups] == ["I", "II", "III", "IV", "V", "VI"]
    first = tasks[0]
    assert first["number"] == "1" and first["role"] == "lead" and first["lead"] == "UBND xã Sơn Hải"
    assert first["result"].startswith("Thực hiện 30 tin bài tuyên truyền, 170 lượt phát thanh")
    values = {v["indicator"]["code"]: v for v in sub["values"]}
    assert Decimal(values["KCB_BHYT"]["value"]) == 908
    tcdd = values["TCDD"]
    assert (Decimal(tcdd["numerator"]), Decimal(tcdd["denominator"])) == (50, 130)
    assert round(Decimal(tcdd["value"]), 2) == Decimal("38.46") and tcdd["status"] == "submitted"
    assert Decimal(values["BHYT"]["value"]) == 98
    assert len(sub["issued_documents"]) == 11
    assert sub["issued_documents"][0]["reference"] == "Kế hoạch số 81/KH-UBND"
    assert sub["signer_name"] == "Nguyễn Văn Hải" and sub["signer_mode"] == "TM"
    assert "908 lượt" in next(s["body"] for s in sub["sections"] if s["key"] == "II")


async def test_status_and_rates(client: httpx.AsyncClient, login: Login) -> None:
    headers = await login("syt.thamdinh")
    request = await seed_request(client, headers)
    r = await client.get(f"{REQUESTS}/{request['id']}/status", headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    states = {u["org_unit"]["code"]: u for u in body["units"]}
    assert states["BN-SDTTG"]["state"] == "accepted" and not states["BN-SDTTG"]["late"]
    assert states["BN-SONHAI"]["state"] == "submitted"
    assert states["BN-LUCNGAN"]["state"] == "not_started" and states["BN-LUCNGAN"]["overdue"]
    rates = body["rates"]
    assert (rates["expected"], rates["submitted"], rates["on_time"], rates["accepted"]) == (
        3,
        2,
        2,
        1,
    )
    assert Decimal(rates["completeness"]) == Decimal("66.67")
    assert Decimal(rates["timeliness"]) == Decimal("66.67")
    r = await client.get(SUBMISSIONS, params={"overdue": "true"}, headers=headers)
    # Lục Ngạn's draft is overdue, but a draft is not the reviewer's to see.
    assert r.status_code == 200 and r.json()["items"] == []
    lucngan = await login("lucngan.baocao")
    r = await client.get(SUBMISSIONS, params={"overdue": "true"}, headers=lucngan)
    assert [s["org_unit"]["code"] for s in r.json()["items"]] == ["BN-LUCNGAN"]


async def test_the_cycle_return_resubmit_accept_compile(
    client: httpx.AsyncClient, login: Login
) -> None:
    reviewer, reporter = await login("syt.thamdinh"), await login("sonhai.baocao")
    request = await seed_request(client, reviewer)
    sub = await submission_of(client, reviewer, request["id"], "BN-SONHAI")
    assert sub["can_review"] and not sub["can_edit"]
    url = f"{SUBMISSIONS}/{sub['id']}"

    # Returned with a comment: editable again, its values back to draft.
    r = await client.post(
        f"{url}/return",
        json={"comment": "Bổ sung bài học kinh nghiệm (mục III.4)."},
        headers=if_match(reviewer, sub["version"]),
    )
    assert r.status_code == 200, r.text
    returned = r.json()
    assert returned["status"] == "returned" and returned["review_comment"].startswith("Bổ sung")
    mine = (await client.get(url, headers=reporter)).json()
    assert mine["can_edit"] and all(v["status"] == "draft" for v in mine["values"] if v["status"])
    notes = (await client.get("/api/v1/notifications", headers=reporter)).json()["items"]
    assert any(n["kind"] == "returned" and n["link"] == f"/submissions/{sub['id']}" for n in notes)

    # The unit fixes it (an autosave) and submits again.
    r = await client.patch(
        url,
        json={
            "sections": [
                {
                    "key": "III.4",
                    "heading": "Bài học kinh nghiệm",
                    "body": "Phát huy vai trò y tế thôn.",
                }
            ],
            "values": [{"indicator": "BHYT", "value": "98,2"}],
        },
        headers=if_match(reporter, mine["version"]),
    )
    assert r.status_code == 200, r.text
    saved = r.json()
    assert saved["version"] == mine["version"] + 1 and saved["values_written"] == 1
    assert len(r.content) < 1000  # an autosave answers in bytes, not the whole report
    r = await client.post(f"{url}/submit", headers=if_match(reporter, saved["version"]))
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "submitted"

    revisions = (await client.get(f"{url}/revisions", headers=reviewer)).json()["items"]
    assert [x["action"] for x in revisions] == ["submit", "return", "resubmit"]
    assert revisions[1]["comment"].startswith("Bổ sung")
    r = await client.get(f"{url}/diff", params={"from": 2, "to": 3}, headers=reviewer)
    changes = {c["path"]: c for c in r.json()["changes"]}
    assert changes["sections.III.4.body"]["after"] == "Phát huy vai trò y tế thôn."
    assert changes["values.BHYT.value"] == {
        "path": "values.BHYT.value",
        "before": "98",
        "after": "98.2",
    }
    first = (await client.get(f"{url}/revisions/1", headers=reviewer)).json()
    assert first["content"]["values"]["BHYT"]["value"] == "98"

    current = (await client.get(url, headers=reviewer)).json()
    r = await client.post(f"{url}/accept", json={}, headers=if_match(reviewer, current["version"]))
    assert r.status_code == 200, r.text
    accepted = r.json()
    assert accepted["status"] == "accepted"
    assert all(v["status"] == "accepted" for v in accepted["values"] if v["status"])
    r = await client.get(
        "/api/v1/data-values",
        params={"indicator": "TCDD", "org_unit": "BN-SONHAI", "period": "2026-01-01_2026-05-30"},
        headers=reviewer,
    )
    assert [(v["status"], v["source"]) for v in r.json()["items"]] == [("accepted", "submission")]

    # Compiled upward: both accepted reports, values rolled up, the texts under each unit.
    compiled = (
        await client.get(f"{REQUESTS}/{request['id']}/compilation", headers=reviewer)
    ).json()
    assert compiled["included_units"] == ["Sở Dân tộc và Tôn giáo", "Xã Sơn Hải"]
    assert compiled["reference"] == "Số: /BC-SYT" and compiled["issuer"] == "Sở Y tế"
    assert compiled["status"]["rates"]["accepted"] == 2
    indicators = {i["indicator"]["code"]: i for i in compiled["indicators"]}
    assert indicators["TCDD"]["value_text"] == "38,46 %"
    assert indicators["TCDD"]["evaluation"] == "not_met" and "98" in indicators["TCDD"]["target"]
    assert indicators["KCB_BHYT"]["value_text"].startswith("908")
    assert indicators["BHYT"]["value_text"] == "98,2 %"
    section_one = next(s for s in compiled["sections"] if s["key"] == "I")["body"]
    assert section_one.index("Sở Dân tộc và Tôn giáo:") < section_one.index("Xã Sơn Hải:")
    assert "Kế hoạch số 81/KH-UBND" in section_one
    assert sum(1 for t in compiled["task_results"] if not t["is_group"]) == 21
    assert len(compiled["issued_documents"]) == 11

    r = await client.get(
        f"{REQUESTS}/{request['id']}/compilation", params={"format": "docx"}, headers=reviewer
    )
    assert r.status_code == 200 and r.headers["content-type"].endswith("document")
    doc = Document(io.BytesIO(r.content))
    header = [c.text for c in doc.tables[0].rows[0].cells]
    assert "SỞ Y TẾ" in header[0] and "Số: /BC-SYT" in header[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header[1]
    assert "Độc lập - Tự do - Hạnh phúc" in header[1] and "Bắc Ninh, ngày" in header[1]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "BÁO CÁO" in text and "Công văn số 2429/SYT-KHTH" in text
    assert "Nơi nhận:" in doc.tables[1].rows[0].cells[0].text
    assert "KT. GIÁM ĐỐC" in doc.tables[1].rows[0].cells[1].text
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert "38,46 %" in cells and "Chưa đạt" in cells
    assert any(c.startswith("Thực hiện 30 tin bài") for c in cells)

    r = await client.get(
        f"{REQUESTS}/{request['id']}/compilation", params={"format": "xlsx"}, headers=reviewer
    )
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["Tình hình báo cáo", "Chỉ tiêu", "Nhiệm vụ", "Văn bản"]
    rows = list(book["Chỉ tiêu"].iter_rows(values_only=True))
    tcdd = next(row for row in rows if row[1] == "TCDD")
    assert tcdd[4:6] == (50, 130) and tcdd[7] == "38,46 %"
    assert (
        sum(1 for row in book["Nhiệm vụ"].iter_rows(values_only=True) if row[0] == "Xã Sơn Hải")
        == 27
    )


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


async def file_lucngan(
    client: httpx.AsyncClient, reporter: dict[str, str], request: dict[str, Any]
) -> tuple[str, httpx.Response]:
    """Lục Ngạn's report saved with a section and a BHYT value of 91,5, then submitted: its
    URL and the submit's answer."""
    sub = await submission_of(client, reporter, request["id"], "BN-LUCNGAN")
    url = f"{SUBMISSIONS}/{sub['id']}"
    saved = await client.patch(
        url,
        json={
            "sections": [{"key": "I", "heading": "Chỉ đạo", "body": "Đã triển khai."}],
            "values": [{"indicator": "BHYT", "value": "91,5"}],
        },
        headers=if_match(reporter, sub["version"]),
    )
    assert saved.status_code == 200, saved.text
    filed = await client.post(f"{url}/submit", headers=if_match(reporter, saved.json()["version"]))
    assert filed.status_code == 200, filed.text
    return url, filed


async def test_filing_moves_the_values_on_and_keeps_them_as_they_were(
    client: httpx.AsyncClient, login: Login
) -> None:
    """A submit makes the report's values submitted; each value's history keeps it as the
    draft it was (one statement writes both, from one snapshot)."""
    reporter = await login("lucngan.baocao")
    request = await seed_request(client, reporter)
    await file_lucngan(client, reporter, request)
    [value] = (
        await client.get(
            "/api/v1/data-values",
            headers=reporter,
            params={"indicator": "BHYT", "period": request["period"], "org_unit": "BN-LUCNGAN"},
        )
    ).json()["items"]
    assert value["status"] == "submitted"
    history = (
        await client.get(f"/api/v1/data-values/{value['id']}/history", headers=reporter)
    ).json()
    assert history["current"]["status"] == "submitted"
    last = history["changes"][0]  # newest first: the value before the submit
    assert (last["status"], Decimal(last["value"])) == ("draft", Decimal("91.5"))


async def test_each_move_answers_as_a_fresh_read_and_is_recorded_once(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    """Submit and return answer with the report as a fresh read shows it (their values in
    the new status, though read before it was set), and each writes one revision, numbered
    in turn, and one audit event naming the version it made."""
    officer = await session.scalar(select(User).where(User.username == "lucngan.baocao"))
    assert officer is not None
    officer.email = "mai.vt@lucngan.example.vn"
    await session.flush()
    reporter, reviewer = await login("lucngan.baocao"), await login("syt.thamdinh")
    request = await seed_request(client, reporter)
    url, filed = await file_lucngan(client, reporter, request)
    assert filed.json() == (await client.get(url, headers=reporter)).json()
    assert [v["status"] for v in filed.json()["values"] if v["status"]] == ["submitted"]
    back = await client.post(
        f"{url}/return",
        json={"comment": "Bổ sung số liệu."},
        headers=if_match(reviewer, filed.json()["version"]),
    )
    assert back.status_code == 200, back.text
    assert back.json() == (await client.get(url, headers=reviewer)).json()
    assert [v["status"] for v in back.json()["values"] if v["status"]] == ["draft"]
    assert back.headers["ETag"] == f'"{back.json()["version"]}"'

    revisions = (await client.get(f"{url}/revisions", headers=reviewer)).json()["items"]
    assert [(r["number"], r["action"], r["version"]) for r in revisions] == [
        (1, "submit", filed.json()["version"]),
        (2, "return", back.json()["version"]),
    ]
    events = (
        await session.execute(
            select(AuditEvent.action, AuditEvent.after)
            .where(AuditEvent.entity_id == url.rsplit("/", 1)[1], AuditEvent.action != "save")
            .order_by(AuditEvent.at)
        )
    ).all()
    assert [(a, e["version"]) for a, e in events] == [
        ("submit", filed.json()["version"]),
        ("return", back.json()["version"]),
    ]
    assert events[0][1]["late"] == filed.json()["late"]
    assert events[1][1]["comment"] == "Bổ sung số liệu."

    # Told in the same statement: the reviewers of the filing (no mail), the unit's
    # reporters of the return, by mail too where they have an address. (The report may
    # carry other notices, a deadline reminder among them, depending on today's date.)
    sid, moves = url.rsplit("/", 1)[1], ("submitted", "returned")
    notes = (
        await session.execute(
            select(Notification.kind, User.username, Notification.id, Notification.title)
            .join(User, User.id == Notification.user_id)
            .where(Notification.entity_id == sid, Notification.kind.in_(moves))
        )
    ).all()
    told = {(kind, name) for kind, name, _, _ in notes}
    assert ("submitted", "syt.thamdinh") in told and ("returned", "lucngan.baocao") in told
    assert ("submitted", "lucngan.baocao") not in told  # not told of their own filing
    [(note_id, title)] = [
        (i, t) for kind, name, i, t in notes if (kind, name) == ("returned", "lucngan.baocao")
    ]
    mails = (
        await session.execute(
            select(EmailMessage.notification_id, EmailMessage.to_address, EmailMessage.subject)
            .join(Notification, Notification.id == EmailMessage.notification_id)
            .where(Notification.entity_id == sid, Notification.kind.in_(moves))
        )
    ).all()
    assert [tuple(m) for m in mails] == [(note_id, "mai.vt@lucngan.example.vn", title)]


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


async def test_another_commune_gets_404_on_a_draft_through_every_endpoint(
    client: httpx.AsyncClient, login: Login
) -> None:
    owner = await login("lucngan.baocao")
    request = await seed_request(client, owner)
    draft = await submission_of(client, owner, request["id"], "BN-LUCNGAN")
    url = f"{SUBMISSIONS}/{draft['id']}"
    await client.patch(
        url,
        json={"sections": [{"key": "I", "heading": "I", "body": "Bản nháp riêng."}]},
        headers=if_match(owner, 1),
    )
    docx = io.BytesIO()
    Document().save(docx)
    for outsider in ("sonhai.baocao", "bn.xem", "syt.thamdinh", "backan.kehoach"):
        headers = await login(outsider)
        calls = [
            ("GET", url, None),
            ("PATCH", url, {"title": "x"}),
            ("POST", f"{url}/submit", None),
            ("POST", f"{url}/return", {"comment": "x"}),
            ("POST", f"{url}/accept", {}),
            ("GET", f"{url}/revisions", None),
            ("GET", f"{url}/revisions/1", None),
            ("GET", f"{url}/diff", None),
        ]
        for method, path, body in calls:
            r = await client.request(method, path, json=body, headers=if_match(headers, 2))
            assert_problem(r, 404)
        r = await client.post(
            f"{url}/legacy-docx",
            files={"file": ("bc.docx", docx.getvalue())},
            headers=if_match(headers, 2),
        )
        assert_problem(r, 404)
        listed = await client.get(
            SUBMISSIONS, params={"request_id": request["id"]}, headers=headers
        )
        assert draft["id"] not in {s["id"] for s in listed.json()["items"]}
        r = await client.post(
            f"{REQUESTS}/{request['id']}/accept",
            json={"submission_ids": [draft["id"]]},
            headers=headers,
        )
        assert r.status_code in (403, 404, 409) and "Bản nháp" not in r.text
    assert (await client.get(url, headers=owner)).json()["version"] == 2


async def test_who_may_move_a_report(client: httpx.AsyncClient, login: Login) -> None:
    reviewer, reporter = await login("syt.thamdinh"), await login("sonhai.baocao")
    request = await seed_request(client, reviewer)
    sub = await submission_of(client, reviewer, request["id"], "BN-SONHAI")
    url, v = f"{SUBMISSIONS}/{sub['id']}", sub["version"]
    assert_problem(await client.post(f"{url}/accept", json={}, headers=if_match(reporter, v)), 403)
    manager = await login("syt.kehoach")
    assert_problem(await client.post(f"{url}/accept", json={}, headers=if_match(manager, v)), 403)
    assert_problem(
        await client.post(f"{url}/return", json={"comment": "x"}, headers=if_match(reporter, v)),
        403,
    )
    # A reviewer cannot edit a unit's report, nor submit it.
    returned = await client.post(
        f"{url}/return", json={"comment": "Sửa."}, headers=if_match(reviewer, v)
    )
    v = returned.json()["version"]
    assert_problem(await client.patch(url, json={"title": "x"}, headers=if_match(reviewer, v)), 403)
    assert_problem(await client.post(f"{url}/submit", headers=if_match(reviewer, v)), 403)
    # A submit racing a return: the second one to arrive holds a stale version and changes
    # nothing.
    r = await client.post(f"{url}/submit", headers=if_match(reporter, v))
    assert r.status_code == 200
    stale = await client.post(f"{url}/return", json={"comment": "y"}, headers=if_match(reviewer, v))
    assert_problem(stale, 412)
    final = (await client.get(url, headers=reviewer)).json()
    assert final["status"] == "submitted" and final["review_comment"] == "Sửa."


async def test_bulk_accept_is_all_or_nothing(client: httpx.AsyncClient, login: Login) -> None:
    reviewer = await login("syt.thamdinh")
    request = await seed_request(client, reviewer)
    status = (await client.get(f"{REQUESTS}/{request['id']}/status", headers=reviewer)).json()
    ids = {u["org_unit"]["code"]: u["submission_id"] for u in status["units"]}
    url = f"{REQUESTS}/{request['id']}/accept"
    r = await client.post(
        url, json={"submission_ids": [ids["BN-SONHAI"], ids["BN-SDTTG"]]}, headers=reviewer
    )
    body = assert_problem(r, 409)
    assert [e["code"] for e in body["errors"]] == ["wrong_status"]
    sonhai = (await client.get(f"{SUBMISSIONS}/{ids['BN-SONHAI']}", headers=reviewer)).json()
    assert sonhai["status"] == "submitted"
    r = await client.post(url, json={"submission_ids": [ids["BN-SONHAI"]]}, headers=reviewer)
    assert r.status_code == 200 and r.json()["accepted"] == [ids["BN-SONHAI"]]


async def test_a_request_from_draft_to_closed(client: httpx.AsyncClient, login: Login) -> None:
    manager, reporter = await login("syt.kehoach"), await login("lucngan.baocao")
    syt = await unit_id(client, manager, "BN-SYT")
    lucngan = await unit_id(client, manager, "BN-LUCNGAN")
    inactive = await unit_id(client, manager, "BN-BV-UB")
    body = {
        "requester_id": syt,
        "title": "Báo cáo quý II/2026 về tiêm chủng",
        "period": "2026Q2",
        "due_date": "2026-07-10",
        "indicators": ["TCDD"],
        "units": {"unit_ids": [lucngan]},
    }
    r = await client.post(REQUESTS, json=body, headers=manager)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["status"] == "draft" and created["period_end"] == "2026-06-30"
    url = f"{REQUESTS}/{created['id']}"
    # A draft request is not the units' to see yet.
    assert_problem(await client.get(url, headers=reporter), 404)
    assert_problem(await client.post(REQUESTS, json=body, headers=reporter), 403)
    bad = await client.post(REQUESTS, json={**body, "period": "2026Q5"}, headers=manager)
    assert assert_problem(bad, 422)["errors"][0]["field"] == "period"
    r = await client.post(f"{url}/open", headers=if_match(manager, 1))
    assert r.status_code == 200 and r.json()["status"] == "open"
    notes = (await client.get("/api/v1/notifications", headers=reporter)).json()["items"]
    assert notes[0]["kind"] == "new_request" and "10/07/2026" in notes[0]["body"]
    assert (await client.get(url, headers=reporter)).status_code == 200
    # Open: the period is fixed; units may be added, not removed.
    r = await client.patch(url, json={"period": "2026Q3"}, headers=if_match(manager, 2))
    assert_problem(r, 409)
    r = await client.patch(
        url, json={"units": {"unit_ids": [lucngan, inactive]}}, headers=if_match(manager, 2)
    )
    assert r.status_code == 200, r.text
    r = await client.post(f"{url}/close", headers=if_match(manager, 3))
    assert r.status_code == 200 and r.json()["status"] == "closed"
    subs = await client.get(SUBMISSIONS, params={"request_id": created["id"]}, headers=reporter)
    sub = subs.json()["items"][0]
    r = await client.patch(
        f"{SUBMISSIONS}/{sub['id']}", json={"title": "x"}, headers=if_match(reporter, 1)
    )
    assert_problem(r, 409)


async def test_rates_never_exceed_100(client: httpx.AsyncClient, login: Login) -> None:
    manager, admin = await login("syt.kehoach"), await login("admin")
    reviewer = await login("syt.thamdinh")
    request = await seed_request(client, reviewer)
    # Lục Ngạn closes down: it no longer counts as expected, so 2 of 2 have answered.
    unit = await unit_id(client, manager, "BN-LUCNGAN")
    current = await client.get(f"/api/v1/org-units/{unit}", headers=admin)
    r = await client.patch(
        f"/api/v1/org-units/{unit}",
        json={"active": False},
        headers=if_match(admin, current.json()["version"]),
    )
    assert r.status_code == 200, r.text
    rates = (await client.get(f"{REQUESTS}/{request['id']}/status", headers=reviewer)).json()[
        "rates"
    ]
    assert (rates["expected"], rates["submitted"]) == (2, 2)
    assert Decimal(rates["completeness"]) == 100 and Decimal(rates["timeliness"]) == 100


async def test_officers_edit_the_compiled_report_before_signing(
    client: httpx.AsyncClient, login: Login
) -> None:
    reviewer = await login("syt.thamdinh")
    request = await seed_request(client, reviewer)
    url = f"{REQUESTS}/{request['id']}/compilation"
    r = await client.get(url, headers=reviewer)
    assert r.headers["ETag"] == '"0"' and r.json()["version"] == 0
    prefilled = next(s for s in r.json()["sections"] if s["key"] == "III.2")
    assert not prefilled["edited"] and "Sở Dân tộc và Tôn giáo:" in prefilled["body"]
    edit = {
        "doc_number": "315",
        "report_date": "2026-06-10",
        "sections": [{"key": "III.2", "body": "Cơ sở vật chất trạm y tế xã còn thiếu."}],
        "signer_name": "Nguyễn Thị Bình",
    }
    assert_problem(await client.patch(url, json=edit, headers=if_match(reviewer, 1)), 412)
    assert_problem(
        await client.patch(url, json=edit, headers=if_match(await login("sonhai.baocao"), 0)),
        403,
    )
    r = await client.patch(url, json=edit, headers=if_match(reviewer, 0))
    assert r.status_code == 200, r.text
    compiled = r.json()
    assert r.headers["ETag"] == '"1"'
    assert compiled["reference"] == "Số: 315/BC-SYT"
    assert compiled["place_and_date"] == "Bắc Ninh, ngày 10 tháng 06 năm 2026"
    section = next(s for s in compiled["sections"] if s["key"] == "III.2")
    assert section["edited"] and section["body"] == "Cơ sở vật chất trạm y tế xã còn thiếu."
    assert section["prefilled"] == prefilled["body"]
    bad = await client.patch(
        url, json={"sections": [{"key": "IX", "body": "x"}]}, headers=if_match(reviewer, 1)
    )
    assert assert_problem(bad, 422)["errors"][0]["code"] == "unknown_section"

    r = await client.get(url, params={"format": "docx"}, headers=reviewer)
    doc = Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Cơ sở vật chất trạm y tế xã còn thiếu." in text
    assert "Số: 315/BC-SYT" in doc.tables[0].rows[0].cells[0].text
    assert "Nguyễn Thị Bình" in doc.tables[1].rows[0].cells[1].text

    r = await client.patch(url, json={"reset_sections": ["III.2"]}, headers=if_match(reviewer, 1))
    back = next(s for s in r.json()["sections"] if s["key"] == "III.2")
    assert not back["edited"] and back["body"] == prefilled["body"]


PDF = b"%PDF-1.4\n% bien ban hop\n" + b"0" * 2000


async def test_attachments_checked_stored_and_scoped(
    client: httpx.AsyncClient, login: Login
) -> None:
    owner = await login("lucngan.baocao")
    request = await seed_request(client, owner)
    sub = await submission_of(client, owner, request["id"], "BN-LUCNGAN")
    url = f"{SUBMISSIONS}/{sub['id']}/attachments"
    # A Windows path, reserved characters, decomposed accents: stored as a plain NFC name.
    name = unicodedata.normalize("NFD", 'C:\\Users\\lan\\Biên bản: "họp" <1>.pdf')
    files = {"file": (name, PDF, "application/pdf")}
    assert_problem(await client.post(url, files=files, headers=owner), 428)
    r = await client.post(url, files=files, headers=if_match(owner, sub["version"]))
    assert r.status_code == 201, r.text
    stored = r.json()
    assert stored["filename"] == "Biên bản họp 1.pdf" and stored["size"] == len(PDF)
    assert r.headers["ETag"] == f'"{sub["version"] + 1}"'
    version = sub["version"] + 1

    report = (await client.get(f"{SUBMISSIONS}/{sub['id']}", headers=owner)).json()
    assert [a["filename"] for a in report["attachments"]] == ["Biên bản họp 1.pdf"]
    r = await client.get(stored["url"], headers=owner)
    assert r.status_code == 200 and r.content == PDF
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"].startswith("attachment; filename*=UTF-8''Bi%C3%AAn")

    bad = {
        "report.docx": (PDF, "content_mismatch"),
        "virus.exe": (b"MZ\x90\x00", "unsupported_type"),
        "empty.pdf": (b"", "empty_file"),
    }
    for filename, (data, code) in bad.items():
        r = await client.post(
            url, files={"file": (filename, data)}, headers=if_match(owner, version)
        )
        assert assert_problem(r, 422)["errors"][0]["code"] == code
    huge = b"%PDF-" + b"0" * (20 * 1024 * 1024)
    r = await client.post(url, files={"file": ("big.pdf", huge)}, headers=if_match(owner, version))
    assert_problem(r, 413)

    # Another commune, a viewer above, the requesting reviewer: a draft's file is not theirs.
    for outsider in ("sonhai.baocao", "bn.xem", "syt.thamdinh"):
        headers = await login(outsider)
        assert_problem(await client.get(stored["url"], headers=headers), 404)
        r = await client.post(url, files=files, headers=if_match(headers, version))
        assert_problem(r, 404)
        assert_problem(await client.delete(stored["url"], headers=if_match(headers, version)), 404)

    r = await client.delete(stored["url"], headers=if_match(owner, version))
    assert r.status_code == 204 and r.headers["ETag"] == f'"{version + 1}"'
    assert_problem(await client.get(stored["url"], headers=owner), 404)


async def test_compiling_long_reports_is_not_bounded_by_one_report_s_limit(
    client: httpx.AsyncClient, login: Login
) -> None:
    """Each unit may write up to 50 000 characters a section; the compiled section holds them
    all (a province-wide request easily goes past one unit's limit)."""
    reporter, reviewer = await login("lucngan.baocao"), await login("syt.thamdinh")
    request = await seed_request(client, reporter)
    sub = await submission_of(client, reporter, request["id"], "BN-LUCNGAN")
    long_text = "Tuyên truyền phòng chống dịch bệnh. " * 1_300  # about 47 000 characters
    url = f"{SUBMISSIONS}/{sub['id']}"
    r = await client.patch(
        url,
        json={"sections": [{"key": "I", "heading": "I", "body": long_text}]},
        headers=if_match(reporter, sub["version"]),
    )
    assert r.status_code == 200, r.text
    r = await client.post(f"{url}/submit", headers=if_match(reporter, r.json()["version"]))
    assert r.status_code == 200, r.text
    r = await client.get(f"{REQUESTS}/{request['id']}/compilation", headers=reviewer)
    assert r.status_code == 200, r.text
    section = next(s for s in r.json()["sections"] if s["key"] == "I")
    assert len(section["body"]) > 50_000 and "Xã Lục Ngạn:" in section["body"]
    r = await client.get(
        f"{REQUESTS}/{request['id']}/compilation", params={"format": "docx"}, headers=reviewer
    )
    assert r.status_code == 200


async def test_the_compilation_reads_each_units_tasks_as_its_form_does(
    session: AsyncSession,
) -> None:
    """The compilation reads the plans once for every unit; each unit's rows must be those
    its own form shows (without the lead and coordinating names it does not print)."""
    from api.services import submissions

    subs = list(await session.scalars(select(Submission)))
    by_request: dict[Any, list[Submission]] = {}
    for sub in subs:
        by_request.setdefault(sub.request_id, []).append(sub)
    compared = 0
    for group in by_request.values():
        many = await submissions.task_rows_of_units(session, group[0].request, group)
        for sub in group:
            one = await submissions.task_rows(session, sub)
            assert many[sub.id] == [
                r.model_copy(update={"lead": None, "coordinating": []}) for r in one
            ]
            compared += len(one)
    assert compared >= 21, "Sơn Hải's 21 tasks at least"
