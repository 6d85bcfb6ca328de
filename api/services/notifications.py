"""Telling people: in-app notifications, and e-mail through an outbox a worker drains."""

import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from email.message import EmailMessage as MimeMessage
from typing import Any

import aiosmtplib
import procrastinate
from sqlalchemy import Select, func, insert, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.access import Principal, per_caller
from api.db import unit_of_work
from api.errors import NotFound
from api.models import EmailMessage, Notification, User
from api.queue import enqueue, tasks
from api.settings import get_settings

MAX_ATTEMPTS = 5


async def notify(
    session: AsyncSession,
    *,
    user_ids: Iterable[uuid.UUID] | Mapping[uuid.UUID, str | None],
    kind: str,
    title: str,
    body: str = "",
    link: str | None = None,
    entity: tuple[str, uuid.UUID | str] | None = None,
    email: bool = True,
) -> list[uuid.UUID]:
    """Notify users in the caller's transaction; their e-mails leave only if it commits.
    `user_ids` are ids, or active users already read with their addresses (holders_of).
    The new notifications' ids, in the order of `user_ids` (active users only)."""
    if isinstance(user_ids, Mapping):
        addresses = dict(user_ids)
        recipients = list(addresses)
    else:
        ids = list(dict.fromkeys(user_ids))
        if not ids:
            return []
        # Their ids and addresses, not whole users: a submit loaded its 20 reviewers, and
        # with them their roles, to write each a line; and one INSERT for all the lines.
        found = await session.execute(
            select(User.id, User.email).where(User.id.in_(ids), User.active)
        )
        addresses = {user_id: address for user_id, address in found}
        recipients = [i for i in ids if i in addresses]
    if not recipients:
        return []
    await session.flush()  # what the caller changed first, as an ORM add would have
    line = {
        name.removeprefix("note_"): value
        for name, value in along_params(
            kind=kind, title=title, body=body, link=link, entity=entity
        ).items()
    }
    lines = [{"user_id": user_id, **line} for user_id in recipients]
    inserted = await session.execute(
        insert(Notification).returning(Notification.user_id, Notification.id), lines
    )
    written = {user_id: note_id for user_id, note_id in inserted}
    if email:
        notes = [(user_id, written[user_id], addresses[user_id]) for user_id in recipients]
        await mail(session, notes, title=title, body=body, link=link)
    return [written[user_id] for user_id in recipients]


async def mail(
    session: AsyncSession,
    notes: Iterable[tuple[uuid.UUID, uuid.UUID, str | None]],
    *,
    title: str,
    body: str,
    link: str | None,
) -> None:
    """E-mail these notifications (user id, notification id, address) to those who have an
    address: through the outbox, sent by a job once the transaction commits."""
    settings = get_settings()
    for _, note_id, address in notes:
        if not address:
            continue
        message = EmailMessage(
            notification_id=note_id,
            to_address=address,
            subject=title,
            body_text=f"{body}\n\n{settings.public_url.rstrip('/')}{link or '/'}\n",
        )
        session.add(message)
        await session.flush()
        await enqueue(
            session,
            "notifications.send_email",
            args={"message_id": str(message.id)},
            queue="email",
        )


# Notifications as a CTE (`noted`), in the statement of the change that causes them: one
# line for each row of that statement's `recipients` CTE (id, email); the statement answers
# with ALONG_ANSWER's rows, for `mail`. Parameters named `note_<column>` (along_params).
ALONG_SQL = """noted AS (INSERT INTO notification (id, user_id, kind, title, body, link,
        entity_type, entity_id, created_at)
    SELECT gen_random_uuid(), r.id, :note_kind, :note_title, :note_body, :note_link,
        :note_entity_type, :note_entity_id, clock_timestamp() FROM recipients r
    RETURNING user_id, id)"""
ALONG_ANSWER = """SELECT n.user_id, n.id, r.email FROM noted n
    JOIN recipients r ON r.id = n.user_id ORDER BY n.user_id"""


def along_params(
    *,
    kind: str,
    title: str,
    body: str = "",
    link: str | None = None,
    entity: tuple[str, uuid.UUID | str] | None = None,
) -> dict[str, Any]:
    """The parameters of ALONG_SQL: the lines `notify` would write."""
    return {
        "note_kind": kind,
        "note_title": title,
        "note_body": body,
        "note_link": link,
        "note_entity_type": entity[0] if entity else None,
        "note_entity_id": str(entity[1]) if entity else None,
    }


@per_caller
def readable_statement(actor: Principal) -> Select[Notification]:
    return select(Notification).where(Notification.user_id == actor.user_id)


async def page(
    session: AsyncSession,
    *,
    actor: Principal,
    unread_only: bool,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[Notification]:
    """The caller's notifications, newest first, after the keyset `after`: `limit` + 1 rows,
    the extra one saying that a next page exists."""
    stmt = readable_statement(actor)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    if after is not None:
        stmt = stmt.where(tuple_(Notification.created_at, Notification.id) < after)
    return list(
        await session.scalars(
            stmt.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit + 1)
        )
    )


async def unread_count(session: AsyncSession, *, actor: Principal) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == actor.user_id, Notification.read_at.is_(None))
    )
    return int(count or 0)


async def mark_read(
    session: AsyncSession, *, actor: Principal, notification_id: uuid.UUID
) -> Notification:
    note = await session.scalar(readable_statement(actor).where(Notification.id == notification_id))
    if note is None:
        raise NotFound(f"Không có thông báo {notification_id}.")
    if note.read_at is None:
        note.read_at = datetime.now(UTC)
        await session.flush()
    return note


async def mark_all_read(session: AsyncSession, *, actor: Principal) -> int:
    result = await session.execute(
        update(Notification)
        .where(Notification.user_id == actor.user_id, Notification.read_at.is_(None))
        .values(read_at=datetime.now(UTC))
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def send_email(message_id: uuid.UUID) -> str:
    """Send one outbox message; returns its new status. Retried by the job on failure."""
    settings = get_settings()
    async with unit_of_work() as session:
        message = await session.get(EmailMessage, message_id, with_for_update=True)
        if message is None or message.status in ("sent", "skipped"):
            return message.status if message else "missing"
        if not settings.smtp_host:
            message.status = "skipped"
            return message.status
        mime = MimeMessage()
        mime["From"] = settings.mail_from
        mime["To"] = message.to_address
        mime["Subject"] = message.subject
        mime.set_content(message.body_text)
        message.attempts += 1
        try:
            await aiosmtplib.send(
                mime,
                hostname=settings.smtp_host,
                port=settings.smtp_port,
                username=settings.smtp_username,
                password=settings.smtp_password.get_secret_value()
                if settings.smtp_password
                else None,
                start_tls=settings.smtp_starttls,
                timeout=30,
            )
        except (aiosmtplib.SMTPException, OSError) as exc:
            message.last_error = f"{type(exc).__name__}: {exc}"[:1000]
            message.status = "failed" if message.attempts >= MAX_ATTEMPTS else "pending"
            return message.status
        message.status, message.sent_at, message.last_error = "sent", datetime.now(UTC), None
        return message.status


@tasks.task(
    name="notifications.send_email",
    queue="email",
    retry=procrastinate.RetryStrategy(max_attempts=MAX_ATTEMPTS, exponential_wait=30),
)
async def send_email_task(message_id: str) -> None:
    status = await send_email(uuid.UUID(message_id))
    if status == "pending":
        # Not sent yet: raise so the queue retries it later.
        raise RuntimeError(f"e-mail {message_id} not sent yet; will retry")
