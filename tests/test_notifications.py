"""In-app notifications and e-mail through the outbox to a real (local) SMTP server."""

import socket
import uuid
from collections.abc import Iterator
from email import message_from_bytes
from email.header import decode_header, make_header
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from api import db
from api.cli import task_modules
from api.models import EmailMessage, User
from api.queue import run_worker
from api.services.notifications import notify
from api.settings import get_settings
from tests.conftest import Login, assert_problem


async def _user(session: AsyncSession, username: str) -> User:
    user = await session.scalar(select(User).where(User.username == username))
    assert user is not None
    return user


async def test_notifications_list_count_and_read(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    # A user the demo data has not notified yet.
    reporter = await _user(session, "backan.kehoach")
    await notify(
        session,
        user_ids=[reporter.id, reporter.id],
        kind="new_request",
        title="Yêu cầu báo cáo mới: 2429/SYT-KHTH",
        body="Hạn nộp 31/05/2026",
        link="/report-requests/x",
        email=False,
    )
    await notify(session, user_ids=[reporter.id], kind="due_soon", title="Còn 3 ngày", email=False)
    headers = await login("backan.kehoach")
    r = await client.get("/api/v1/notifications", headers=headers)
    body = r.json()
    assert body["unread"] == 2 and [n["kind"] for n in body["items"]] == ["due_soon", "new_request"]
    first = body["items"][1]
    assert first["title"] == "Yêu cầu báo cáo mới: 2429/SYT-KHTH"

    other = await login("bn.xem")
    assert_problem(
        await client.post(f"/api/v1/notifications/{first['id']}/read", headers=other), 404
    )
    assert (await client.get("/api/v1/notifications", headers=other)).json()["items"] == []

    r = await client.post(f"/api/v1/notifications/{first['id']}/read", headers=headers)
    assert r.json()["read_at"] is not None
    r = await client.get("/api/v1/notifications/unread-count", headers=headers)
    assert r.json() == {"unread": 1}
    await client.post("/api/v1/notifications/read-all", headers=headers)
    r = await client.get("/api/v1/notifications", headers=headers, params={"unread_only": True})
    assert r.json()["items"] == [] and r.json()["unread"] == 0


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings = get_settings()
    monkeypatch.setattr(settings, "smtp_host", "127.0.0.1")
    monkeypatch.setattr(settings, "smtp_port", port)
    monkeypatch.setattr(settings, "smtp_starttls", False)
    yield inbox
    controller.stop()


async def test_email_leaves_through_the_outbox_only_after_commit(
    smtp: Inbox, database: str
) -> None:
    marker = uuid.uuid4().hex[:8]
    try:
        async with db.unit_of_work() as s:
            user = await _user(s, "syt.thamdinh")
            user.email = "tham.dinh@syt.example"
            await notify(
                s,
                user_ids=[user.id],
                kind="returned",
                title=f"Báo cáo bị trả lại {marker}",
                body="Đề nghị bổ sung số liệu.",
                link="/submissions/1",
            )
        with pytest.raises(RuntimeError):
            async with db.unit_of_work() as s:
                user = await _user(s, "syt.thamdinh")
                await notify(s, user_ids=[user.id], kind="returned", title=f"rolled {marker}")
                raise RuntimeError("the request failed")
        await run_worker(task_modules=task_modules(), wait=False, queues=["email"], concurrency=1)
        subjects = [str(make_header(decode_header(m["Subject"]))) for m in smtp.messages]
        assert subjects == [f"Báo cáo bị trả lại {marker}"]
        assert "Đề nghị bổ sung số liệu." in smtp.messages[0].get_payload(decode=True).decode()
        async with db.unit_of_work() as s:
            statuses = list(
                await s.scalars(
                    select(EmailMessage.status).where(EmailMessage.subject.contains(marker))
                )
            )
        assert statuses == ["sent"]
    finally:
        async with db.unit_of_work() as s:
            await s.execute(
                text("DELETE FROM notification WHERE title LIKE :m"), {"m": f"%{marker}%"}
            )
            await s.execute(
                text("DELETE FROM email_outbox WHERE subject LIKE :m"), {"m": f"%{marker}%"}
            )
            await s.execute(
                text("UPDATE app_user SET email = NULL WHERE username = 'syt.thamdinh'")
            )
            await s.execute(text("DELETE FROM procrastinate_jobs WHERE queue_name = 'email'"))
        await db.dispose_engine()
