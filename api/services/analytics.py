"""Rolling values up the org-unit tree by each indicator's rule, against its target."""

import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import BigInteger, Uuid, any_, bindparam, cast, func, select, true
from sqlalchemy.dialects.postgresql import ARRAY, distinct_on
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.util import ClauseAdapter

from api.access import Principal
from api.errors import InvalidInput
from api.models import DataValue, Indicator, OrgUnit, Target
from api.models.indicator import DEFAULT_OPTION
from api.periods import Period
from api.services.data_value_scope import readable_condition
from api.services.unit_ref import find_unit


class UnitRef(NamedTuple):
    """The columns of a unit a roll-up needs: plain values, no ORM instance to build and track
    (a province has over a thousand communes)."""

    id: uuid.UUID
    code: str
    name: str
    path: str


Unit = OrgUnit | UnitRef


@dataclass(slots=True)
class Aggregate:
    indicator: Indicator
    unit: Unit
    option: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    counted: int


@cache
def _quantum(decimals: int) -> Decimal:
    return Decimal(1).scaleb(-decimals)


def _round(value: Decimal | None, decimals: int) -> Decimal | None:
    return None if value is None else value.quantize(_quantum(decimals), rounding=ROUND_HALF_UP)


def _invalid(field: str, message: str, code: str) -> InvalidInput:
    return InvalidInput(
        message, errors=[{"in": "query", "field": field, "message": message, "code": code}]
    )


async def resolve(
    session: AsyncSession, *, indicator_codes: Sequence[str], org_unit: str
) -> tuple[list[Indicator], OrgUnit]:
    """The asked indicators (each once, in the order asked) and the root unit, by its code or
    id; an unknown one is the caller's error, named by its query parameter."""
    found = {
        i.code: i
        for i in await session.scalars(select(Indicator).where(Indicator.code.in_(indicator_codes)))
    }
    missing = [c for c in indicator_codes if c not in found]
    if missing:
        raise _invalid("indicator", f"Không có chỉ số: {', '.join(missing)}.", "unknown_indicator")
    root = await find_unit(session, org_unit)
    if root is None:
        raise _invalid("org_unit", f"Không có đơn vị '{org_unit}'.", "unknown_org_unit")
    return [found[c] for c in dict.fromkeys(indicator_codes)], root


async def children(session: AsyncSession, parent: OrgUnit) -> list[UnitRef]:
    """A unit's active children by name, as plain rows."""
    rows = await session.execute(
        select(OrgUnit.id, OrgUnit.code, OrgUnit.name, OrgUnit.path)
        .where(OrgUnit.parent_id == parent.id, OrgUnit.active)
        .order_by(OrgUnit.name)
    )
    return [UnitRef(*row) for row in rows]


async def aggregate(
    session: AsyncSession,
    *,
    actor: Principal,
    indicators: list[Indicator],
    units: Sequence[Unit],
    period: Period,
    statuses: list[str],
    value_period_type: str | None = None,
) -> list[Aggregate]:
    """For each indicator × unit (its whole subtree) × option, the values inside the period
    combined by the indicator's rule, in one grouped query whatever the number of units.
    Only values the caller may read count.

    The units are one root or the children of one parent, so their paths have one length; a
    value belongs to the unit whose path prefixes its own (its bucket). The query first sums
    the values per unit from data_value alone (an index-only scan of
    ix_data_value_rollup), then joins those few rows to their units to apply the read rule
    and sum them per bucket: the plan does not depend on how many units the subtree has, nor
    on PostgreSQL guessing it (a generic plan guessed 6 and read every unit's five years)."""
    if not units or not indicators:
        return []
    length = len(units[0].path)
    assert all(len(u.path) == length for u in units)
    by_path = {u.path: u for u in units}
    # Every unit's subtree lies under the paths' common prefix (the parent's path, or the one
    # unit's); buckets that are not one of the units (the parent's own values, inactive
    # children) are dropped below. A plain string prefix, which is what LIKE takes.
    prefix = os.path.commonprefix(list(by_path))  # noqa: RUF071
    within = OrgUnit.path.startswith(prefix, autoescape=True)
    bucket = func.substr(OrgUnit.path, 1, length)
    scope = [
        DataValue.indicator_id.in_([i.id for i in indicators]),
        DataValue.deleted_at.is_(None),
        DataValue.status.in_(statuses),
        # Values of several period types for one unit would be counted twice (months and the
        # quarter they make): callers that store both say which one to use.
        DataValue.period_type == value_period_type if value_period_type else true(),
        DataValue.period_start >= period.start,
        # Implied by the next line, but it bounds the index range: a middle year of five
        # reads that year's values, not every value from its start onwards.
        DataValue.period_start <= period.end,
        DataValue.period_end <= period.end,
    ]
    per_unit = (
        select(
            DataValue.org_unit_id,
            DataValue.indicator_id,
            DataValue.option,
            DataValue.status,
            func.sum(DataValue.value).label("total"),
            func.sum(DataValue.numerator).label("numerator"),
            func.sum(DataValue.denominator).label("denominator"),
            func.count(DataValue.value).label("valued"),
            func.count().label("counted"),
        )
        .where(*scope)
        .group_by(DataValue.org_unit_id, DataValue.indicator_id, DataValue.option, DataValue.status)
        .subquery("per_unit")
    )
    # The read rule is on the value's status and its unit's path: status is kept per row.
    readable = ClauseAdapter(per_unit).traverse(readable_condition(actor))
    v = per_unit.c
    stmt = (
        select(
            bucket,
            v.indicator_id,
            v.option,
            func.sum(v.total),
            func.sum(v.numerator),
            func.sum(v.denominator),
            # What avg(value) computes: Σvalue / count(value), the same numeric division.
            func.sum(v.total) / func.nullif(func.sum(v.valued), 0),
            cast(func.sum(v.counted), BigInteger),
        )
        .join_from(per_unit, OrgUnit, OrgUnit.id == v.org_unit_id)
        .where(within, readable)
        .group_by(bucket, v.indicator_id, v.option)
    )
    # Per indicator: the sums by (bucket path, option), and the options other than the default
    # each bucket has. Plain str, Decimal and int tuples, which the garbage collector soon stops
    # tracking: a province's thousand communes must not leave thousands of tracked objects
    # behind each request, which makes full collections frequent (and each takes tens of ms).
    found: dict[uuid.UUID, dict[tuple[str, str], tuple[Any, ...]]] = {i.id: {} for i in indicators}
    others: dict[uuid.UUID, dict[str, tuple[str, ...]]] = {i.id: {} for i in indicators}
    for sums_row in await session.execute(stmt):
        path, ind, opt = sums_row[0], sums_row[1], sums_row[2]
        if path in by_path:
            found[ind][path, opt] = sums_row[3:]
            if opt != DEFAULT_OPTION:
                others[ind][path] = (*others[ind].get(path, ()), opt)
    latest: dict[uuid.UUID, dict[tuple[str, str], Decimal]] = {i.id: {} for i in indicators}
    if any(i.aggregation == "latest" for i in indicators):
        # Each unit's last value (per status, which the read rule needs), then the last of those
        # per bucket. Between units whose last values end on the same day the pick is
        # arbitrary, as it was when one query sorted all the values.
        last_per_unit = (
            select(
                DataValue.org_unit_id,
                DataValue.indicator_id,
                DataValue.option,
                DataValue.status,
                DataValue.value,
                DataValue.period_end,
            )
            .where(*scope, DataValue.value.is_not(None))
            .order_by(
                DataValue.org_unit_id,
                DataValue.indicator_id,
                DataValue.option,
                DataValue.status,
                DataValue.period_end.desc(),
            )
            .ext(
                distinct_on(
                    DataValue.org_unit_id,
                    DataValue.indicator_id,
                    DataValue.option,
                    DataValue.status,
                )
            )
            .subquery("last_per_unit")
        )
        w = last_per_unit.c
        last = (
            select(bucket, w.indicator_id, w.option, w.value)
            .join_from(last_per_unit, OrgUnit, OrgUnit.id == w.org_unit_id)
            .where(within, ClauseAdapter(last_per_unit).traverse(readable_condition(actor)))
            .order_by(bucket, w.indicator_id, w.option, w.period_end.desc())
            .ext(distinct_on(bucket, w.indicator_id, w.option))
        )
        for path, ind, opt, value in await session.execute(last):
            if path in by_path and value is not None:
                latest[ind][path, opt] = value
    out: list[Aggregate] = []
    # Each indicator's rule and results looked up once, not once per unit.
    rules = [
        (i, i.aggregation, i.factor, i.decimals, found[i.id], others[i.id], latest[i.id])
        for i in indicators
    ]
    for unit in units:
        path = unit.path
        for indicator, rule, factor, decimals, sums, extra, lasts in rules:
            options = extra.get(path, ())
            if not options or (path, DEFAULT_OPTION) in sums:
                options = (*options, DEFAULT_OPTION)
            for option in sorted(options):
                row = sums.get((path, option))
                if row is None:
                    out.append(Aggregate(indicator, unit, option, None, None, None, 0))
                    continue
                total, num, den, avg, count = row
                if rule == "ratio":
                    value = num / den * factor if num is not None and den else None
                elif rule == "average":
                    value = avg
                elif rule == "latest":
                    value = lasts.get((path, option))
                elif rule == "none":
                    value = total if count == 1 else None
                else:
                    value = total
                out.append(
                    Aggregate(indicator, unit, option, _round(value, decimals), num, den, count)
                )
    return out


async def targets_for(
    session: AsyncSession, *, indicators: list[Indicator], units: Sequence[Unit], year: int
) -> dict[tuple[uuid.UUID, uuid.UUID, str], Target]:
    """The target of each indicator × unit × option for a year: that year's, else the nearest
    later one (a 2030 target applies to 2026 as the line to reach)."""
    # One array parameter, not one bind per unit (a province has over a thousand communes).
    unit_ids = bindparam("unit_ids", [u.id for u in units], type_=ARRAY(Uuid()))
    stmt = (
        select(Target)
        .where(
            Target.indicator_id.in_([i.id for i in indicators]),
            Target.org_unit_id == any_(unit_ids),
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
