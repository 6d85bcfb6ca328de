"""The audit trail, for admins."""

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import AdminPrincipal, DbSession
from api.errors import Forbidden
from api.paging import decode_time_cursor, encode_time_cursor
from api.schemas.audit import AuditEventPage, AuditEventRead
from api.schemas.common import PageMeta, problem_responses
from api.services import audit

router = APIRouter(prefix="/audit-events", tags=["audit"])


@router.get("", response_model=AuditEventPage, responses=problem_responses(401, 403, 422))
async def list_audit_events(
    principal: AdminPrincipal,
    session: DbSession,
    entity_type: str | None = None,
    entity_id: str | None = None,
    actor_id: uuid.UUID | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> AuditEventPage:
    """Audit events, newest first (system-wide admins only)."""
    if not principal.is_system_admin:
        raise Forbidden("Chỉ quản trị hệ thống mới xem được nhật ký kiểm tra.")
    rows = await audit.page(
        session,
        entity_type=entity_type,
        entity_id=entity_id,
        actor_id=actor_id,
        action=action,
        since=since,
        until=until,
        after=decode_time_cursor(cursor),
        limit=limit,
    )
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = encode_time_cursor(last.at, last.id)
    return AuditEventPage(
        items=[AuditEventRead.model_validate(r) for r in rows[:limit]],
        page=PageMeta(next_cursor=next_cursor),
    )
