"""Rolling values up the org-unit tree by each indicator's rule, against its target."""

import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from api.access import Principal
from api.models import DataValue, Indicator, OrgUnit, Target
from api.periods import Period
from api.services.data_values import readable_condition


@dataclass
class Aggregate:
    indicator: Indicator
    unit: OrgUnit
    option: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    counted: int


def _round(value: Decimal | None, decimals: int) -> Decimal | None:
    return (
        None
        if value is None
        else value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    )


def _bucket(units: list[OrgUnit]) -> tuple[ColumnElement[str], dict[str, OrgUnit]]:
    """One SQL expression mapping a value's unit path to the bucket (unit) it rolls up into.

    The units are one root or the children of one parent, so their paths have one length;
    a value belongs to the unit whose path prefixes its own.
    """
    length = len(units[0].path)
    assert all(len(u.path) == length for u in units)
    return func.substr(OrgUnit.path, 1, length), {u.path: u for u in units}


async def aggregate(
    session: AsyncSession,
    *,
    actor: Principal,
    indicators: list[Indicator],
    units: list[OrgUnit],
    period: Period,
    statuses: list[str],
    value_period_type: str | None = None,
) -> list[Aggregate]:
    """For each indicator × unit (its whole subtree) × option, the values inside the period
    combined by the indicator's rule, in one grouped query whatever the number of units.
    Only values the caller may read count."""
    if not units or not indicators:
        return []
    bucket, by_path = _bucket(units)
    scope = [
        DataValue.indicator_id.in_([i.id for i in indicators]),
        bucket.in_(list(by_path)),
        DataValue.deleted_at.is_(None),
        DataValue.status.in_(statuses),
        # Values of several period types for one unit would be counted twice (months and the
        # quarter they make): callers that store both say which one to use.
        DataValue.period_type == value_period_type if value_period_type else true(),
        DataValue.period_start >= period.start,
        DataValue.period_end <= period.end,
        readable_condition(actor),
    ]
    stmt = (
        select(
            bucket,
            DataValue.indicator_id,
            DataValue.option,
            func.sum(DataValue.value),
            func.sum(DataValue.numerator),
            func.sum(DataValue.denominator),
            func.avg(DataValue.value),
            func.count(),
        )
        .join(OrgUnit, OrgUnit.id == DataValue.org_unit_id)
        .where(*scope)
        .group_by(bucket, DataValue.indicator_id, DataValue.option)
    )
    found = {(path, ind, opt): rest for path, ind, opt, *rest in await session.execute(stmt)}
    latest: dict[tuple[str, uuid.UUID, str], Decimal] = {}
    if any(i.aggregation == "latest" for i in indicators):
        last = (
            select(bucket, DataValue.indicator_id, DataValue.option, DataValue.value)
            .join(OrgUnit, OrgUnit.id == DataValue.org_unit_id)
            .where(*scope, DataValue.value.is_not(None))
            .order_by(bucket, DataValue.indicator_id, DataValue.option, DataValue.period_end.desc())
            .ext(distinct_on(bucket, DataValue.indicator_id, DataValue.option))
        )
        latest = {(p, i, o): v for p, i, o, v in await session.execute(last) if v is not None}
    options_of: dict[tuple[str, uuid.UUID], set[str]] = {}
    for path, ind, opt in found:
        options_of.setdefault((path, ind), set()).add(opt)
    out: list[Aggregate] = []
    for unit in units:
        for indicator in indicators:
            options = sorted(options_of.get((unit.path, indicator.id), ()))
            for option in options or ["default"]:
                row = found.get((unit.path, indicator.id, option))
                if row is None:
                    out.append(Aggregate(indicator, unit, option, None, None, None, 0))
                    continue
                total, num, den, avg, count = row
                value = {
                    "ratio": (num / den * indicator.factor) if num is not None and den else None,
                    "average": avg,
                    "latest": latest.get((unit.path, indicator.id, option)),
                    "none": total if count == 1 else None,
                }.get(indicator.aggregation, total)
                out.append(
                    Aggregate(
                        indicator, unit, option, _round(value, indicator.decimals), num, den, count
                    )
                )
    return out


async def targets_for(
    session: AsyncSession, *, indicators: list[Indicator], units: list[OrgUnit], year: int
) -> dict[tuple[uuid.UUID, uuid.UUID, str], Target]:
    """The target of each indicator × unit × option for a year: that year's, else the nearest
    later one (a 2030 target applies to 2026 as the line to reach)."""
    stmt = (
        select(Target)
        .where(
            Target.indicator_id.in_([i.id for i in indicators]),
            Target.org_unit_id.in_([u.id for u in units]),
            Target.year >= year,
        )
        .order_by(Target.indicator_id, Target.org_unit_id, Target.option, Target.year)
    )
    out: dict[tuple[uuid.UUID, uuid.UUID, str], Target] = {}
    for target in await session.scalars(stmt):
        out.setdefault((target.indicator_id, target.org_unit_id, target.option), target)
    return out


def evaluate(value: Decimal | None, target: Target | None, decimals: int) -> str:
    if target is None:
        return "no_target"
    if value is None:
        return "no_data"
    goal = target.value
    met = {
        "gte": value >= goal,
        "gt": value > goal,
        "lte": value <= goal,
        "lt": value < goal,
        "eq": _round(value, decimals) == _round(goal, decimals),
        "approx": abs(value - goal) <= abs(goal) * Decimal("0.02"),
        "between": goal <= value <= (target.value_high if target.value_high is not None else goal),
    }[target.comparator]
    return "met" if met else "not_met"
