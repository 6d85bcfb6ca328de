"""Reading upload jobs: the caller's list, newest first."""

import uuid
from datetime import datetime

from sqlalchemy import tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from api.access import Principal
from api.models import ImportJob
from api.services.imports import readable_statement


async def page(
    session: AsyncSession,
    *,
    actor: Principal,
    resource: str | None,
    status: str | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[ImportJob]:
    """The jobs the caller may read, newest first, after the keyset `after`: `limit` + 1 rows,
    the extra one saying that a next page exists."""
    stmt = readable_statement(actor)
    if resource:
        stmt = stmt.where(ImportJob.resource == resource)
    if status:
        stmt = stmt.where(ImportJob.status == status)
    if after is not None:
        stmt = stmt.where(tuple_(ImportJob.created_at, ImportJob.id) < after)
    return list(
        await session.scalars(
            stmt.order_by(ImportJob.created_at.desc(), ImportJob.id.desc()).limit(limit + 1)
        )
    )
