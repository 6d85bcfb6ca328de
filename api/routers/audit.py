"""The audit trail, for admins."""

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.access import Principal
from api.deps import DbSession, require_role
from api.errors import Forbidden
from api.models import AuditEvent, Role
from api.paging import decode_time_cursor, encode_time_cursor
from api.schemas.audit import AuditEventPage, AuditEventRead
from api.schemas.common import PageMeta, problem_responses
from api.services import audit

router = APIRouter(prefix="/audit-events", tags=["audit"])


@router.get("", response_model=AuditEventPage, responses=problem_responses(401, 403, 422))
async def list_audit_events(
    principal: Annotated[Principal, Depends(require_role(Role.admin))],
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
    if not any(g.role is Role.admin and g.unit_path is None for g in principal.grants):
        raise Forbidden("Chỉ quản trị hệ thống mới xem được nhật ký kiểm tra.")
    stmt = audit.list_statement(
        entity_type=entity_type,
        entity_id=entity_id,
        actor_id=actor_id,
        action=action,
        since=since,
        until=until,
    )
    key = decode_time_cursor(cursor)
    if key is not None:
        at, last_id = key
        stmt = stmt.where(
            (AuditEvent.at < at) | ((AuditEvent.at == at) & (AuditEvent.id < last_id))
        )
    rows = list(
        await session.scalars(
            stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit + 1)
        )
    )
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = encode_time_cursor(last.at, last.id)
    return AuditEventPage(
        items=[AuditEventRead.model_validate(r) for r in rows[:limit]],
        page=PageMeta(next_cursor=next_cursor),
    )
