"""Aggregated indicator values as FHIR R4 MeasureReports (type summary), so health information
exchanges read them without a custom adapter."""

from collections import defaultdict
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from api.deps import CurrentPrincipal, DbSession
from api.periods import parse_param
from api.schemas.common import ORG_UNIT_DOC, problem_responses
from api.schemas.fhir import FhirBundle
from api.services import analytics, fhir

router = APIRouter(prefix="/fhir", tags=["fhir"])
FHIR_JSON = "application/fhir+json"
POPULATION = "http://terminology.hl7.org/CodeSystem/measure-population"
INDICATOR_SYSTEM = "urn:healthplan:indicator"
UNIT_SYSTEM = "urn:healthplan:org-unit"


def _number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _population(code: str, count: Decimal | None) -> dict[str, Any]:
    return {
        "code": {"coding": [{"system": POPULATION, "code": code}]},
        "count": int(count) if count is not None else 0,
    }


@router.get(
    "/MeasureReport",
    response_model=FhirBundle,
    responses={
        200: {
            "description": "FHIR R4 Bundle (searchset) of MeasureReport",
            "content": {FHIR_JSON: {"schema": {"$ref": "#/components/schemas/FhirBundle"}}},
        },
        **problem_responses(401, 422),
    },
)
async def search_measure_reports(
    principal: CurrentPrincipal,
    session: DbSession,
    indicator: Annotated[list[str], Query(min_length=1, description="Mã chỉ số")],
    org_unit: Annotated[str, Query(description=ORG_UNIT_DOC + " (cả cây con được tổng hợp)")],
    period: Annotated[str, Query(description="Kỳ: 2026, 2026Q2, 202605 …")],
) -> JSONResponse:
    """One MeasureReport per indicator: reporter = the unit, populations numerator and
    denominator, measureScore = the rolled-up value, disaggregations as stratifiers."""
    p = parse_param(period)
    read = await fhir.measures(
        session, actor=principal, indicator_codes=indicator, org_unit=org_unit, period=p
    )
    found, unit, rows = read.indicators, read.unit, read.aggregates
    by_indicator: dict[str, list[analytics.Aggregate]] = defaultdict(list)
    for row in rows:
        by_indicator[row.indicator.code].append(row)
    entries = []
    for code, aggregates in by_indicator.items():
        ind = found[code]
        total = next((a for a in aggregates if a.option == "default"), None)
        group: dict[str, Any] = {
            "code": {
                "coding": [{"system": INDICATOR_SYSTEM, "code": ind.code, "display": ind.name_vi}]
            }
        }
        if total is not None:
            if ind.aggregation == "ratio":
                group["population"] = [
                    _population("numerator", total.numerator),
                    _population("denominator", total.denominator),
                ]
            group["measureScore"] = {"value": _number(total.value), "unit": ind.unit or ""}
        strata = [a for a in aggregates if a.option != "default"]
        if strata:
            group["stratifier"] = [
                {
                    "code": [{"text": ", ".join(c["code"] for c in ind.categories)}],
                    "stratum": [
                        {
                            "value": {"text": a.option},
                            "measureScore": {"value": _number(a.value), "unit": ind.unit or ""},
                        }
                        for a in strata
                    ],
                }
            ]
        entries.append(
            {
                "resource": {
                    "resourceType": "MeasureReport",
                    "id": f"{ind.code}-{unit.code}-{p.code}",
                    "status": "complete",
                    "type": "summary",
                    "measure": f"{INDICATOR_SYSTEM}:{ind.code}",
                    "reporter": {
                        "identifier": {"system": UNIT_SYSTEM, "value": unit.code},
                        "display": unit.name,
                    },
                    "period": {"start": p.start.isoformat(), "end": p.end.isoformat()},
                    "group": [group],
                }
            }
        )
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(entries),
        "entry": entries,
    }
    return JSONResponse(bundle, media_type=FHIR_JSON)
