"""A report request's indicators: read in its order, stamped, cached while unchanged."""

import uuid
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ARRAY, ScalarSelect, Uuid, any_, bindparam, func, literal_column, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import Indicator
from api.models.indicator import DEFAULT_OPTION
from api.schemas.report_request import IndicatorRef

# One statement for any number of indicators (an array, not a list of parameters).
_INDICATORS = select(Indicator).where(Indicator.id == any_(bindparam("ids", type_=ARRAY(Uuid))))


async def indicators_of(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[Indicator]:
    """A request's indicators (its `indicator_ids`), in its order."""
    if not ids:
        return []
    rows = {i.id: i for i in await session.scalars(_INDICATORS, {"ids": list(ids)})}
    return [rows[i] for i in ids if i in rows]


def indicators_stamp(indicator_ids: Any) -> ScalarSelect[str]:
    """A column: each of these indicators' id with its row's version: the transaction that
    wrote it (`xmin`) and where (`ctid`), both new with every change to the row, whoever makes
    it (the ORM, an import, plain SQL), and the pair never the same again. Two equal stamps
    are the same definitions."""
    return (
        select(
            func.string_agg(
                literal_column(
                    "indicator.id::text || indicator.xmin::text || indicator.ctid::text"
                ),
                aggregate_order_by(literal_column("' '"), Indicator.id),
            )
        )
        .where(Indicator.id == any_(indicator_ids))
        .scalar_subquery()
    )


# The definitions of the indicators recent saves checked their values against, by ids and
# stamp: an autosave reads the stamp with its report and does not read them again unless one
# has changed. Detached copies, never changed in place; a few hundred requests' worth.
_KNOWN: OrderedDict[tuple[tuple[uuid.UUID, ...], str], list[Indicator]] = OrderedDict()
_KNOWN_MAX = 256


async def stamped_indicators_of(
    session: AsyncSession, ids: Sequence[uuid.UUID], stamp: str | None
) -> list[Indicator]:
    """`indicators_of`, from the process's cache while `stamp` (`indicators_stamp`, read in
    the same transaction) is the one they were cached under."""
    if not ids or stamp is None:
        return await indicators_of(session, ids)
    key = (tuple(ids), stamp)
    known = _KNOWN.get(key)
    if known is not None:
        _KNOWN.move_to_end(key)
        return known
    indicators = await indicators_of(session, ids)
    for indicator in indicators:
        session.expunge(indicator)
    _KNOWN[key] = indicators
    while len(_KNOWN) > _KNOWN_MAX:
        _KNOWN.popitem(last=False)
    return indicators


def indicator_ref(ind: Indicator) -> IndicatorRef:
    return IndicatorRef(
        id=ind.id,
        code=ind.code,
        name=ind.name_vi,
        unit=ind.unit,
        value_type=ind.value_type,
        numerator_label=ind.numerator_label,
        denominator_label=ind.denominator_label,
        decimals=ind.decimals,
        factor=ind.factor,
    )


def option_names(ind: Indicator, options: list[str]) -> dict[str, str]:
    """Each option's name as the indicator's categories give it; the default option is no
    disaggregation (an empty name), or the total beside disaggregated rows."""
    names = {
        str(o["code"]): str(o["name"])
        for category in ind.categories or []
        for o in category.get("options", [])
    }
    split = any(o != DEFAULT_OPTION for o in options)
    return {
        o: ("Tổng" if split else "") if o == DEFAULT_OPTION else names.get(o, o) for o in options
    }
