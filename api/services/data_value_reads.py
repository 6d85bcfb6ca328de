"""Reading indicator values: the scoped, filtered, keyset-paged list, one value, its history."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.access import Principal
from api.db import plan_for_these_values
from api.models import DataValue, DataValueHistory, Indicator, OrgUnit
from api.paging import after_time_key, json_page
from api.periods import parse_param
from api.schemas.indicator import DataValueRead
from api.services.data_value_scope import period_overlap, readable_statement
from api.services.unit_ref import find_unit, unknown_unit

# What a read returns: DataValueRead's fields, by name and in order.
READ_COLUMNS = (
    DataValue.id,
    Indicator.code.label("indicator"),
    OrgUnit.code.label("org_unit"),
    DataValue.period,
    DataValue.period_type,
    DataValue.period_start,
    DataValue.period_end,
    DataValue.option,
    DataValue.numerator,
    DataValue.denominator,
    DataValue.value,
    DataValue.text_value,
    DataValue.comment,
    DataValue.source,
    DataValue.status,
    DataValue.updated_by,
    DataValue.updated_at,
    DataValue.deleted_at.is_not(None).label("deleted"),
    DataValue.version,
)
ORDER = (DataValue.updated_at, DataValue.id)


def to_read(value: DataValue, indicator_code: str, unit_code: str) -> DataValueRead:
    return DataValueRead(
        id=value.id,
        indicator=indicator_code,
        org_unit=unit_code,
        period=value.period,
        period_type=value.period_type,
        period_start=value.period_start,
        period_end=value.period_end,
        option=value.option,
        numerator=value.numerator,
        denominator=value.denominator,
        value=value.value,
        text_value=value.text_value,
        comment=value.comment,
        source=value.source,
        status=value.status,
        updated_by=value.updated_by,
        updated_at=value.updated_at,
        deleted=value.deleted_at is not None,
        version=value.version,
    )


@dataclass(frozen=True)
class ValueFilter:
    """Which values a list asks for, beyond what the caller may read."""

    indicator: list[str] | None = None
    org_unit: str | None = None
    include_subtree: bool = False
    # Deprecated form of the subtree (None: the unit alone, as `self`).
    include: Literal["self", "children", "descendants"] | None = None
    period: str | None = None
    start: date | None = None
    end: date | None = None
    status: list[str] | None = None
    updated_since: datetime | None = None
    include_deleted: bool = False


@dataclass(frozen=True)
class ValuePage:
    """A page of values in (updated_at, id) order: as one JSON array's text (`items`), or as
    rows with READ_COLUMNS' names (`rows`), with what paging needs."""

    count: int
    last: tuple[datetime, uuid.UUID] | None
    more: bool
    items: str | None = None
    rows: tuple[Any, ...] = ()


async def _statement(
    session: AsyncSession, actor: Principal, filters: ValueFilter
) -> Select[DataValue, str, str, str]:
    stmt = readable_statement(actor)
    if filters.indicator:
        stmt = stmt.where(Indicator.code.in_(filters.indicator))
    if filters.org_unit:
        unit = await find_unit(session, filters.org_unit)
        if unit is None:
            raise unknown_unit("org_unit", filters.org_unit)
        if filters.include_subtree or filters.include == "descendants":
            stmt = stmt.where(OrgUnit.path.startswith(unit.path, autoescape=True))
        elif filters.include == "children":
            stmt = stmt.where(OrgUnit.parent_id == unit.id)
        else:
            stmt = stmt.where(OrgUnit.id == unit.id)
    if filters.period:
        p = parse_param(filters.period)
        stmt = stmt.where(DataValue.period_start >= p.start, DataValue.period_end <= p.end)
    for condition in period_overlap(filters.start, filters.end):
        stmt = stmt.where(condition)
    if filters.status:
        stmt = stmt.where(DataValue.status.in_(filters.status))
    if filters.updated_since:
        # Inclusive: a value written in the same instant as the last one a pull saw is not
        # missed by the next pull (seeing it again is harmless: it is the same version).
        stmt = stmt.where(DataValue.updated_at >= filters.updated_since)
    if not filters.include_deleted:
        stmt = stmt.where(DataValue.deleted_at.is_(None))
    return stmt


async def page(
    session: AsyncSession,
    *,
    actor: Principal,
    filters: ValueFilter,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
    as_json: bool,
) -> ValuePage:
    """The values the caller may read that `filters` asks for, after the keyset `after`."""
    stmt = await _statement(session, actor, filters)
    if after is not None:
        stmt = stmt.where(after_time_key(DataValue.updated_at, DataValue.id, after))
    columns = stmt.with_only_columns(*READ_COLUMNS, maintain_column_froms=True)
    await plan_for_these_values(session)
    if as_json:
        # Encoded by PostgreSQL as DataValueRead serialises (the contract tests hold the
        # answer to the schema): a page is up to 10 000 values.
        found = await json_page(session, columns, order=ORDER, limit=limit)
        return ValuePage(found.count, found.last, found.more, items=found.items)
    rows = (await session.execute(columns.order_by(*ORDER).limit(limit + 1))).all()
    table_rows = tuple(rows[:limit])
    last = (table_rows[-1].updated_at, table_rows[-1].id) if table_rows else None
    return ValuePage(len(table_rows), last, len(rows) > limit, rows=table_rows)


async def history(session: AsyncSession, value: DataValue) -> list[DataValueHistory]:
    """A value's states before each change, newest first (at most 1 000)."""
    changes = await session.scalars(
        select(DataValueHistory)
        .where(DataValueHistory.data_value_id == value.id)
        .order_by(DataValueHistory.changed_at.desc(), DataValueHistory.id.desc())
        .limit(1000)
    )
    return list(changes)
