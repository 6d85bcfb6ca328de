"""Indicator values for DHIS2's dataValueSets export: the caller's readable values, filtered
as DHIS2 filters them, one tuple per value with the identifiers of the chosen scheme."""

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.access import Principal
from api.db import plan_for_these_values
from api.errors import InvalidInput
from api.models import DataValue, Indicator, OrgUnit, User
from api.periods import parse_param
from api.services.data_value_scope import period_overlap, readable_statement

# dataElement, period, orgUnit, option, numerator, denominator, value (a text indicator's
# text), storedBy, created, lastUpdated, comment, deleted.
ExportRow = tuple[
    str,
    str,
    str,
    str,
    Decimal | None,
    Decimal | None,
    Decimal | str | None,
    str | None,
    datetime,
    datetime,
    str | None,
    bool,
]


async def values(
    session: AsyncSession,
    *,
    actor: Principal,
    data_elements: list[str] | None,
    org_units: list[str] | None,
    periods: list[str] | None,
    start: date | None,
    end: date | None,
    children: bool,
    last_updated: datetime | None,
    uid: bool,
    include_deleted: bool,
    limit: int,
) -> list[ExportRow]:
    """The values in (updated_at, id) order, at most `limit`; `children` takes each unit's
    whole subtree; `uid` names indicators and units by id instead of code."""
    stmt = readable_statement(actor)
    if data_elements:
        stmt = stmt.where(
            Indicator.id.in_([_uuid(d, "dataElement") for d in data_elements])
            if uid
            else Indicator.code.in_(data_elements)
        )
    if org_units:
        units = list(
            await session.scalars(
                select(OrgUnit).where(
                    OrgUnit.id.in_([_uuid(o, "orgUnit") for o in org_units])
                    if uid
                    else OrgUnit.code.in_(org_units)
                )
            )
        )
        if children:
            stmt = stmt.where(
                or_(*[OrgUnit.path.startswith(u.path, autoescape=True) for u in units])
                if units
                else OrgUnit.id.is_(None)
            )
        else:
            stmt = stmt.where(OrgUnit.id.in_([u.id for u in units]))
    if periods:
        codes = []
        for code in periods:
            codes.append(parse_param(code).code)
        stmt = stmt.where(DataValue.period.in_(codes))
    for condition in period_overlap(start, end):
        stmt = stmt.where(condition)
    if last_updated:
        stmt = stmt.where(DataValue.updated_at >= last_updated)
    if not include_deleted:
        stmt = stmt.where(DataValue.deleted_at.is_(None))
    # Columns, not entities, made into plain dicts validated in one call: a commune-year is
    # thousands of values, and an ORM object and a model per value cost more than the query.
    columns = stmt.outerjoin(User, User.id == DataValue.updated_by).with_only_columns(
        DataValue.indicator_id,
        Indicator.code,
        DataValue.org_unit_id,
        OrgUnit.code,
        DataValue.period,
        DataValue.option,
        DataValue.numerator,
        DataValue.denominator,
        DataValue.value,
        DataValue.text_value,
        User.username,
        DataValue.created_at,
        DataValue.updated_at,
        DataValue.comment,
        DataValue.deleted_at.is_not(None),
        maintain_column_froms=True,
    )
    await plan_for_these_values(session)
    rows = await session.execute(columns.order_by(DataValue.updated_at, DataValue.id).limit(limit))
    return [
        (
            str(indicator_id) if uid else indicator_code,
            period_code,
            str(unit_id) if uid else unit_code,
            option,
            numerator,
            denominator,
            text_value if text_value is not None else value,
            username,
            created_at,
            updated_at,
            comment,
            deleted,
        )
        for (
            indicator_id,
            indicator_code,
            unit_id,
            unit_code,
            period_code,
            option,
            numerator,
            denominator,
            value,
            text_value,
            username,
            created_at,
            updated_at,
            comment,
            deleted,
        ) in rows
    ]


def _uuid(value: str, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise InvalidInput(
            f"{field}: '{value}' không phải uid (idScheme=uid).",
            errors=[
                {"in": "query", "field": field, "message": "Không phải uid", "code": "invalid_uid"}
            ],
        ) from exc
