"""Recording and reading the audit trail."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.inspection import inspect

from api.access import Principal
from api.models import AuditEvent
from api.models.base import Base
from api.observability import current_request_id

_SECRET_FIELDS = {"password_hash", "secret_hash"}


def _jsonable(value: Any) -> Any:
    if isinstance(value, uuid.UUID | datetime | date):
        return str(value) if isinstance(value, uuid.UUID) else value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def snapshot(row: Base) -> dict[str, Any]:
    """Column values of a row as JSON-ready data, secrets left out."""
    mapper = inspect(type(row))
    return {
        attr.key: _jsonable(getattr(row, attr.key))
        for attr in mapper.column_attrs
        if attr.key not in _SECRET_FIELDS
    }


# A Core insert, not an ORM add and flush: the trail is written on every change, and the unit
# of work cost more than the INSERT. (Pending ORM changes are still flushed before it.)
_INSERT = insert(cast(Table, AuditEvent.__table__))


async def record(
    session: AsyncSession,
    *,
    actor: Principal | None,
    action: str,
    entity_type: str,
    entity_id: uuid.UUID | str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """One event; to record it in the statement of the write itself (one round trip, not
    two), see ALONG_SQL."""
    await session.execute(_INSERT, _params(actor, action, entity_type, entity_id, before, after))


def _params(
    actor: Principal | None,
    action: str,
    entity_type: str,
    entity_id: uuid.UUID | str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> dict[str, Any]:
    return {
        "actor_id": actor.user_id if actor else None,
        "actor_name": actor.user.username if actor else None,
        "action": action,
        "entity_type": entity_type,
        "entity_id": str(entity_id),
        "before": before,
        "after": after,
        "request_id": current_request_id(),
    }


def _named(params: dict[str, Any]) -> dict[str, Any]:
    return {f"audit_{name}": value for name, value in params.items()}


# The record as a CTE (`audited`), for a statement written as SQL text that makes the change
# itself (data_values.Along): parameters named `audit_<column>`, made by `along_params`.
ALONG_SQL = """audited AS (INSERT INTO audit_event (id, at, actor_id, actor_name, action,
    entity_type, entity_id, before, after, request_id)
  VALUES (gen_random_uuid(), clock_timestamp(), :audit_actor_id, :audit_actor_name,
    :audit_action, :audit_entity_type, :audit_entity_id, :audit_before, :audit_after,
    :audit_request_id) RETURNING 1)"""
_TABLE = cast(Table, AuditEvent.__table__)
ALONG_TYPES = tuple(
    bindparam(f"audit_{name}", type_=_TABLE.c[name].type)
    for name in (
        *("actor_id", "actor_name", "action", "entity_type", "entity_id"),
        *("before", "after", "request_id"),
    )
)


def along_params(
    *,
    actor: Principal | None,
    action: str,
    entity_type: str,
    entity_id: uuid.UUID | str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The parameters of ALONG_SQL: what `record` would write."""
    return _named(_params(actor, action, entity_type, entity_id, before, after))


def list_statement(
    *,
    entity_type: str | None,
    entity_id: str | None,
    actor_id: uuid.UUID | None,
    action: str | None,
    since: datetime | None,
    until: datetime | None,
) -> Select[AuditEvent]:
    stmt = select(AuditEvent)
    if entity_type:
        stmt = stmt.where(AuditEvent.entity_type == entity_type)
    if entity_id:
        stmt = stmt.where(AuditEvent.entity_id == entity_id)
    if actor_id:
        stmt = stmt.where(AuditEvent.actor_id == actor_id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if since:
        stmt = stmt.where(AuditEvent.at >= since)
    if until:
        stmt = stmt.where(AuditEvent.at < until)
    return stmt


async def page(
    session: AsyncSession,
    *,
    entity_type: str | None,
    entity_id: str | None,
    actor_id: uuid.UUID | None,
    action: str | None,
    since: datetime | None,
    until: datetime | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[AuditEvent]:
    """Audit events, newest first, after the keyset `after`: `limit` + 1 rows, the extra one
    saying that a next page exists."""
    stmt = list_statement(
        entity_type=entity_type,
        entity_id=entity_id,
        actor_id=actor_id,
        action=action,
        since=since,
        until=until,
    )
    if after is not None:
        at, last_id = after
        stmt = stmt.where(
            (AuditEvent.at < at) | ((AuditEvent.at == at) & (AuditEvent.id < last_id))
        )
    return list(
        await session.scalars(
            stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit + 1)
        )
    )
