"""A submission's moves over HTTP: return, resubmit, accept, bulk accept, who may make each,
and what a move records and carries with it."""

import io
from decimal import Decimal

import httpx
import openpyxl
from docx import Document
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import AuditEvent, EmailMessage, Notification, User
from tests.conftest import Login, assert_problem
from tests.reporting import (
    REQUESTS,
    SUBMISSIONS,
    file_lucngan,
    if_match,
    seed_request,
    submission_of,
)


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
