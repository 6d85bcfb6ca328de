"""Indicator values rolled up the tree and compared with their targets."""

from collections.abc import Sequence
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.deps import CurrentPrincipal, DbSession
from api.periods import PeriodType, parse_param
from api.schemas.common import ORG_UNIT_DOC, problem_responses
from api.schemas.indicator import AnalyticsResult
from api.services import analytics

router = APIRouter(tags=["analytics"])


@router.get("/analytics", response_model=AnalyticsResult, responses=problem_responses(401, 422))
async def get_analytics(
    principal: CurrentPrincipal,
    session: DbSession,
    indicator: Annotated[list[str], Query(min_length=1, description="Mã chỉ số (lặp lại được)")],
    org_unit: Annotated[str, Query(description=ORG_UNIT_DOC + "; cả cây con được tổng hợp")],
    period: Annotated[str, Query(description="Kỳ: 2026, 2026Q2, 202605, khoảng ngày …")],
    by: Annotated[
        Literal["total", "children"],
        Query(
            description="Cách chia kết quả (không lọc): total: một dòng cho cả cây con của "
            "đơn vị; children: một dòng cho cây con của từng đơn vị con trực tiếp"
        ),
    ] = "total",
    status: Annotated[list[str] | None, Query(description="Mặc định submitted và accepted")] = None,
    value_period_type: Annotated[
        PeriodType | None,
        Query(
            description="Chỉ tính các giá trị của loại kỳ này (ví dụ monthly), khi một đơn vị lưu "
            "cả số liệu tháng lẫn quý"
        ),
    ] = None,
) -> AnalyticsResult:
    """Each indicator over a unit's subtree (or each child's), combined by its rule — sum, ratio
    Σnumerator/Σdenominator×factor, average or latest — with its target and the evaluation."""
    p = parse_param(period)
    indicators, root = await analytics.resolve(
        session, indicator_codes=indicator, org_unit=org_unit
    )
    units: Sequence[analytics.Unit] = (
        [root] if by == "total" else await analytics.children(session, root)
    )
    rows = await analytics.aggregate(
        session,
        actor=principal,
        indicators=indicators,
        units=units,
        period=p,
        statuses=status or ["submitted", "accepted"],
        value_period_type=value_period_type.value if value_period_type else None,
    )
    targets = await analytics.targets_for(
        session, indicators=indicators, units=units, year=p.end.year
    )
    # Plain dicts validated in one call: a province's thousand communes are a thousand rows,
    # and building each as a model in Python cost more than the query.
    codes = {i.id: (i.code, i.decimals) for i in indicators}
    out = []
    for r in rows:
        code, decimals = codes[r.indicator.id]
        target = targets.get((r.indicator.id, r.unit.id, r.option))
        out.append(
            {
                "indicator": code,
                "org_unit": r.unit.code,
                "org_unit_name": r.unit.name,
                "period": p.code,
                "option": r.option,
                "value": r.value,
                "numerator": r.numerator,
                "denominator": r.denominator,
                "values_counted": r.counted,
                "target_comparator": target.comparator if target else None,
                "target_value": target.value if target else None,
                "target_value_high": target.value_high if target else None,
                "target_year": target.year if target else None,
                "evaluation": analytics.evaluate(r.value, target, decimals),
            }
        )
    return AnalyticsResult.model_validate({"rows": out})
