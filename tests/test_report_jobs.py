"""Scheduled reporting work: reminders 7/3/1 days before the due date and when overdue (each
sent once), the next recurring request; and a legacy Word report read into a draft."""

import io
from datetime import date, timedelta

import httpx
from docx import Document
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import EmailMessage, Notification, ReportRequest, Submission, User
from api.services import report_request_schedule, report_requests
from tests.conftest import Login, assert_problem, unit_id
from tests.reporting import REQUESTS, SUBMISSIONS, if_match, seed_request, submission_of


async def _open(client: httpx.AsyncClient, login: Login, **extra: object) -> dict[str, object]:
    manager = await login("syt.kehoach")
    body = {
        "requester_id": await unit_id(client, manager, "BN-SYT"),
        "title": "Báo cáo tiêm chủng",
        "period": "2026Q1",
        "due_date": "2026-04-10",
        "indicators": ["TCDD"],
        "units": {"unit_ids": [await unit_id(client, manager, "BN-LUCNGAN")]},
        **extra,
    }
    r = await client.post(REQUESTS, json=body, headers=manager)
    assert r.status_code == 201, r.text
    r = await client.post(f"{REQUESTS}/{r.json()['id']}/open", headers=if_match(manager, 1))
    assert r.status_code == 200, r.text
    return dict(r.json())


async def _kinds(session: AsyncSession, username: str) -> list[str]:
    user = await session.scalar(select(User).where(User.username == username))
    assert user is not None
    rows = await session.scalars(
        select(Notification.kind)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at, Notification.kind)
    )
    return list(rows)


async def test_reminders_before_and_after_the_due_date(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    await _open(client, login)
    before = await _kinds(session, "lucngan.baocao")
    due = date(2026, 4, 10)
    assert await report_request_schedule.send_reminders(session, today=due - timedelta(days=9)) == 0
    assert await report_request_schedule.send_reminders(session, today=due - timedelta(days=7)) == 1
    assert await report_request_schedule.send_reminders(session, today=due - timedelta(days=6)) == 0
    assert await report_request_schedule.send_reminders(session, today=due - timedelta(days=1)) == 1
    assert await report_request_schedule.send_reminders(session, today=due) == 0
    assert await report_request_schedule.send_reminders(session, today=due + timedelta(days=1)) >= 1
    assert await report_request_schedule.send_reminders(session, today=due + timedelta(days=2)) == 0
    after = await _kinds(session, "lucngan.baocao")
    assert after[len(before) :] == ["due_soon", "due_soon", "overdue"]
    # The seed request's units that answered are not reminded; only Lục Ngạn was.
    assert "due_soon" not in await _kinds(session, "sonhai.baocao")


async def test_reminders_skip_units_that_filed_and_mail_goes_through_the_outbox(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    reporter = await session.scalar(select(User).where(User.username == "lucngan.baocao"))
    assert reporter is not None
    reporter.email = "mai.vt@lucngan.example.vn"
    await session.flush()
    request = await _open(client, login)
    mails = (
        select(func.count())
        .select_from(EmailMessage)
        .where(EmailMessage.to_address == "mai.vt@lucngan.example.vn")
    )
    assert await session.scalar(mails) == 1  # the new request
    headers = await login("lucngan.baocao")
    sub = await submission_of(client, headers, str(request["id"]), "BN-LUCNGAN")
    url = f"{SUBMISSIONS}/{sub['id']}"
    r = await client.patch(
        url,
        json={"sections": [{"key": "I", "heading": "I", "body": "Đã triển khai."}]},
        headers=if_match(headers, sub["version"]),
    )
    await client.post(f"{url}/submit", headers=if_match(headers, r.json()["version"]))
    assert await report_request_schedule.send_reminders(session, today=date(2026, 4, 9)) == 0
    assert await session.scalar(mails) == 1


async def test_recurring_request_opens_the_next_period(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    first = await _open(client, login, recurrence="quarterly", due_days_after_period=10)
    assert await report_request_schedule.create_recurring(session, today=date(2026, 3, 31)) == 0
    assert await report_request_schedule.create_recurring(session, today=date(2026, 4, 2)) == 1
    assert await report_request_schedule.create_recurring(session, today=date(2026, 4, 3)) == 0
    nxt = await session.scalar(
        report_requests.whole(select(ReportRequest)).where(
            ReportRequest.recurred_from_id == first["id"]
        )
    )
    assert nxt is not None
    assert (nxt.period, nxt.due_date, nxt.status) == ("2026Q2", date(2026, 7, 10), "open")
    assert [u.code for u in nxt.units] == ["BN-LUCNGAN"]
    subs = await session.scalar(
        select(func.count()).select_from(Submission).where(Submission.request_id == nxt.id)
    )
    assert subs == 1
    assert report_request_schedule.next_period("2026Q4", "quarterly") == "2027Q1"
    assert report_request_schedule.next_period("202612", "monthly") == "202701"
    assert report_request_schedule.next_period("2026S1", "six_monthly") == "2026S2"


def _legacy_report(rows: list[list[str]]) -> bytes:
    doc = Document()
    doc.add_paragraph("BÁO CÁO Kết quả triển khai thực hiện Kế hoạch số 142/KH-UBND")
    header = [
        "STT",
        "Tên nhiệm vụ",
        "Đơn vị chủ trì thực hiện",
        "Đơn vị phối hợp",
        "Kết quả thực hiện",
        "Ghi chú",
    ]
    table = doc.add_table(rows=1, cols=len(header))
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


async def test_legacy_docx_fills_task_results(client: httpx.AsyncClient, login: Login) -> None:
    reviewer, reporter = await login("syt.thamdinh"), await login("sonhai.baocao")
    request = await seed_request(client, reviewer)
    sub = await submission_of(client, reviewer, request["id"], "BN-SONHAI")
    url = f"{SUBMISSIONS}/{sub['id']}"
    r = await client.post(
        f"{url}/return",
        json={"comment": "Nhập lại phụ lục."},
        headers=if_match(reviewer, sub["version"]),
    )
    version = r.json()["version"]
    data = _legacy_report(
        [
            ["I", "Đổi mới mạnh mẽ tư duy và hành động", "", "", "", ""],
            [
                "1",
                "Tuyên truyền, phổ biến kiến thức chăm sóc sức khỏe, phòng chống dịch bệnh",
                "UBND xã",
                "MTTQ",
                "Thực hiện 32 tin bài tuyên truyền",
                "Đã bổ sung",
            ],
            ["II", "NÂNG CAO NĂNG LỰC HỆ THỐNG Y TẾ CƠ SỞ, Y TẾ DỰ PHÒNG", "", "", "", ""],
            [
                "7",
                "Nâng cao chất lượng công tác tiêm chủng mở rộng",
                "Trạm Y tế",
                "Các thôn",
                "Tỷ lệ trẻ < 1 tuổi được tiêm chủng đạt ≥ 97%",
                "",
            ],
            ["22", "Xây dựng nhà văn hóa thôn", "UBND xã", "", "Hoàn thành", ""],
        ]
    )
    files = {"file": ("bao-cao-son-hai.docx", data)}
    assert_problem(await client.post(f"{url}/legacy-docx", files=files, headers=reporter), 428)
    r = await client.post(f"{url}/legacy-docx", files=files, headers=if_match(reporter, version))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["matched"] == 2 and body["version"] == version + 1
    assert body["unmatched"] == [
        {"number": "22", "title": "Xây dựng nhà văn hóa thôn", "result": "Hoàn thành"}
    ]
    report = (await client.get(url, headers=reporter)).json()
    tasks = {t["number"]: t for t in report["tasks"]}
    assert tasks["1"]["result"] == "Thực hiện 32 tin bài tuyên truyền"
    assert tasks["1"]["note"] == "Đã bổ sung" and tasks["7"]["status"] == "done"
    # Other tasks keep what they had.
    assert tasks["6"]["result"] == "Thực hiện đầy đủ các chương trình theo kế hoạch ngành"

    not_docx = {"file": ("bc.docx", b"%PDF-1.4 not a word file")}
    r = await client.post(
        f"{url}/legacy-docx", files=not_docx, headers=if_match(reporter, version + 1)
    )
    assert assert_problem(r, 422)["errors"][0]["code"] == "not_docx"
    no_table = {"file": ("bc.docx", _legacy_report([])[:0] or _empty_docx())}
    r = await client.post(
        f"{url}/legacy-docx", files=no_table, headers=if_match(reporter, version + 1)
    )
    assert assert_problem(r, 422)["errors"][0]["code"] == "no_task_table"


def _empty_docx() -> bytes:
    out = io.BytesIO()
    Document().save(out)
    return out.getvalue()


async def test_report_form_payloads_stay_small(client: httpx.AsyncClient, login: Login) -> None:
    """A slow link loads the whole Sơn Hải report (21 tasks, seed texts, values) in tens of KB."""
    headers = await login("sonhai.baocao")
    request = await seed_request(client, headers)
    r = await client.get(SUBMISSIONS, params={"request_id": request["id"]}, headers=headers)
    sub_id = r.json()["items"][0]["id"]
    r = await client.get(f"{SUBMISSIONS}/{sub_id}", headers=headers)
    assert 5_000 < len(r.content) < 60_000
