"""An org unit named in a query by its code or its id (the contract's `org_unit`)."""

import uuid

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import InvalidInput
from api.models import OrgUnit


def unknown_unit(field: str, ref: str, code: str = "unknown_org_unit") -> InvalidInput:
    return InvalidInput(
        f"Không có đơn vị '{ref}'.",
        errors=[{"in": "query", "field": field, "message": "Không tồn tại", "code": code}],
    )


async def find_unit(session: AsyncSession, ref: str) -> OrgUnit | None:
    """The unit whose id is `ref` when `ref` reads as a uuid, else the unit with that code
    (a code may itself look like a uuid: it is tried when no unit has that id)."""
    try:
        unit = await session.get(OrgUnit, uuid.UUID(ref))
    except ValueError:
        unit = None
    if unit is None:
        unit = await session.scalar(select(OrgUnit).where(OrgUnit.code == ref))
    return unit


def unit_condition(ref: str) -> ColumnElement[bool]:
    """`OrgUnit` is the unit `ref` names, by id or by code (as `find_unit`), in a query."""
    try:
        unit_id = uuid.UUID(ref)
    except ValueError:
        return OrgUnit.code == ref
    return or_(OrgUnit.id == unit_id, OrgUnit.code == ref)
