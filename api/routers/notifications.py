"""The caller's notifications: list, unread count, mark read."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CurrentPrincipal, DbSession
from api.paging import decode_time_cursor, encode_time_cursor
from api.schemas.common import PageMeta, problem_responses
from api.schemas.notification import NotificationPage, NotificationRead, UnreadCount
from api.services import notifications

router = APIRouter(prefix="/notifications", tags=["notifications"])


@router.get("", response_model=NotificationPage, responses=problem_responses(401, 422))
async def list_notifications(
    principal: CurrentPrincipal,
    session: DbSession,
    unread_only: bool = False,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> NotificationPage:
    """The caller's notifications, newest first, with the unread count."""
    rows = await notifications.page(
        session,
        actor=principal,
        unread_only=unread_only,
        after=decode_time_cursor(cursor),
        limit=limit,
    )
    next_cursor = (
        encode_time_cursor(rows[limit - 1].created_at, rows[limit - 1].id)
        if len(rows) > limit
        else None
    )
    return NotificationPage(
        items=[NotificationRead.model_validate(r) for r in rows[:limit]],
        page=PageMeta(next_cursor=next_cursor),
        unread=await notifications.unread_count(session, actor=principal),
    )


@router.get("/unread-count", response_model=UnreadCount, responses=problem_responses(401))
async def count_unread_notifications(
    principal: CurrentPrincipal, session: DbSession
) -> UnreadCount:
    """How many notifications the caller has not read (cheap; for the header badge)."""
    return UnreadCount(unread=await notifications.unread_count(session, actor=principal))


@router.post(
    "/{notification_id}/read",
    response_model=NotificationRead,
    responses=problem_responses(401, 404, 422),
)
async def mark_notification_read(
    notification_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> NotificationRead:
    """Mark one of the caller's notifications read."""
    note = await notifications.mark_read(session, actor=principal, notification_id=notification_id)
    return NotificationRead.model_validate(note)


@router.post("/read-all", response_model=UnreadCount, responses=problem_responses(401))
async def mark_all_notifications_read(
    principal: CurrentPrincipal, session: DbSession
) -> UnreadCount:
    """Mark every notification of the caller read."""
    await notifications.mark_all_read(session, actor=principal)
    return UnreadCount(unread=0)
