"""What a FHIR MeasureReport search reads: the indicators and unit by code, and their values
rolled up over the unit's subtree for the period."""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.access import Principal
from api.errors import InvalidInput
from api.models import Indicator, OrgUnit
from api.periods import Period
from api.services import analytics
from api.services.unit_ref import find_unit


@dataclass(frozen=True)
class Measures:
    indicators: dict[str, Indicator]
    unit: OrgUnit
    aggregates: list[analytics.Aggregate]


async def measures(
    session: AsyncSession,
    *,
    actor: Principal,
    indicator_codes: Sequence[str],
    org_unit: str,
    period: Period,
) -> Measures:
    """Submitted and accepted values only; an unknown code is the caller's error."""
    found = {
        i.code: i
        for i in await session.scalars(select(Indicator).where(Indicator.code.in_(indicator_codes)))
    }
    unit = await find_unit(session, org_unit)
    if unit is None or len(found) != len(set(indicator_codes)):
        raise InvalidInput(
            "Mã chỉ số hoặc đơn vị không tồn tại.",
            errors=[
                {
                    "in": "query",
                    "field": "org_unit" if unit is None else "indicator",
                    "message": "Không tồn tại",
                    "code": "unknown_code",
                }
            ],
        )
    rows = await analytics.aggregate(
        session,
        actor=actor,
        indicators=list(found.values()),
        units=[unit],
        period=period,
        statuses=["submitted", "accepted"],
    )
    return Measures(found, unit, rows)
