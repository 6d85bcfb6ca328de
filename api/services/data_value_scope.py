"""Which indicator values a caller may read (drafts only where they may write)."""

import uuid
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.access import Principal, per_caller
from api.errors import NotFound
from api.models import DataValue, Indicator, OrgUnit, Role
from api.services.data_value_rows import WRITERS


@per_caller
def readable_condition(actor: Principal) -> ColumnElement[bool]:
    """Values this caller may read: drafts only where they may write; others where any of
    their roles reaches (viewers and reviewers above the unit included)."""
    everyone = actor.unit_condition(OrgUnit.path, list(Role))
    writers = or_(actor.unit_condition(OrgUnit.path, WRITERS), OrgUnit.path == actor.unit_path)
    return or_(
        and_(DataValue.status != "draft", everyone), and_(DataValue.status == "draft", writers)
    )


@per_caller
def readable_statement(actor: Principal) -> Select[DataValue, str, str, str]:
    return (
        select(DataValue, Indicator.code, OrgUnit.code, OrgUnit.path)
        .join(Indicator, Indicator.id == DataValue.indicator_id)
        .join(OrgUnit, OrgUnit.id == DataValue.org_unit_id)
        .where(readable_condition(actor))
    )


async def get_readable(
    session: AsyncSession, actor: Principal, value_id: uuid.UUID
) -> tuple[DataValue, str, str, str]:
    stmt = readable_statement(actor).where(DataValue.id == value_id)
    row = (await session.execute(stmt)).first()
    if row is None:
        raise NotFound(f"Không có giá trị {value_id}.")
    value, indicator_code, unit_code, path = row
    return value, indicator_code, unit_code, path


def period_overlap(start: date | None, end: date | None) -> list[ColumnElement[bool]]:
    out = []
    if start is not None:
        out.append(DataValue.period_end >= start)
    if end is not None:
        out.append(DataValue.period_start <= end)
    return out
