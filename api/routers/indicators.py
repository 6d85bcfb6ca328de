"""The indicator catalogue and targets."""

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status
from fastapi.responses import StreamingResponse

from api.deps import CurrentPrincipal, DbSession, IfMatch, WritingPrincipal, etag
from api.schemas.common import ORG_UNIT_DOC, PageMeta, problem_responses
from api.schemas.indicator import (
    IndicatorCreate,
    IndicatorKind,
    IndicatorPage,
    IndicatorRead,
    IndicatorUpdate,
    TargetCreate,
    TargetPage,
    TargetParsed,
    TargetParseRequest,
    TargetRead,
)
from api.services import indicator_import, indicators
from api.tabular import XLSX_TYPE, write_csv, write_xlsx
from api.targets_text import parse_target

router = APIRouter(tags=["indicators"])
WRITE_ERRORS = problem_responses(401, 403, 404, 409, 412, 422, 428)


@router.get("/indicators", response_model=IndicatorPage, responses=problem_responses(401, 422))
async def list_indicators(
    _: CurrentPrincipal,
    session: DbSession,
    q: Annotated[
        str | None, Query(max_length=200, description="Tìm theo tên/mã, không phân biệt dấu")
    ] = None,
    kind: IndicatorKind | None = None,
    active: bool | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> IndicatorPage:
    """The indicator catalogue, by code, searchable without accents ("tiem chung")."""
    rows, next_cursor = await indicators.list_indicators(
        session, q=q, kind=kind, active=active, cursor=cursor, limit=limit
    )
    return IndicatorPage(
        items=[IndicatorRead.model_validate(r) for r in rows],
        page=PageMeta(next_cursor=next_cursor),
    )


@router.post(
    "/indicators",
    response_model=IndicatorRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
async def create_indicator(
    body: IndicatorCreate, principal: WritingPrincipal, session: DbSession, response: Response
) -> IndicatorRead:
    """Add an indicator to the catalogue."""
    indicator = await indicators.create(session, actor=principal, data=body)
    response.headers["ETag"] = etag(indicator.version)
    return IndicatorRead.model_validate(indicator)


@router.get(
    "/indicators/export",
    responses={
        200: {
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
            }
        },
        **problem_responses(401, 422),
    },
    response_class=Response,
)
async def export_indicators(
    _: CurrentPrincipal, session: DbSession, format: Literal["csv", "xlsx"] = "csv"
) -> Response:
    """The catalogue as a file for /imports/indicators, in the import's own columns."""
    header, rows = await indicator_import.export_table(session)
    disposition = {"Content-Disposition": f'attachment; filename="chi-so.{format}"'}
    if format == "csv":
        return StreamingResponse(
            write_csv(header, rows), headers=disposition, media_type="text/csv; charset=utf-8"
        )
    return Response(
        write_xlsx(header, rows, sheet="Chỉ số"), media_type=XLSX_TYPE, headers=disposition
    )


@router.get(
    "/indicators/{indicator_id}",
    response_model=IndicatorRead,
    responses=problem_responses(401, 404, 422),
)
async def get_indicator(
    indicator_id: uuid.UUID, _: CurrentPrincipal, session: DbSession, response: Response
) -> IndicatorRead:
    """One indicator with its ETag."""
    indicator = await indicators.get(session, indicator_id)
    response.headers["ETag"] = etag(indicator.version)
    return IndicatorRead.model_validate(indicator)


@router.patch("/indicators/{indicator_id}", response_model=IndicatorRead, responses=WRITE_ERRORS)
async def update_indicator(
    indicator_id: uuid.UUID,
    body: IndicatorUpdate,
    version: IfMatch,
    principal: WritingPrincipal,
    session: DbSession,
    response: Response,
) -> IndicatorRead:
    """Edit an indicator's names, labels and rules (its code, type and factor stay)."""
    indicator = await indicators.update_indicator(
        session, actor=principal, indicator_id=indicator_id, expected_version=version, data=body
    )
    response.headers["ETag"] = etag(indicator.version)
    return IndicatorRead.model_validate(indicator)


def _target_read(target: object, indicator_code: str, unit_code: str) -> TargetRead:
    return TargetRead.model_validate(
        {
            **{
                c: getattr(target, c)
                for c in (
                    "id",
                    "plan_id",
                    "indicator_id",
                    "org_unit_id",
                    "year",
                    "option",
                    "comparator",
                    "value",
                    "value_high",
                    "baseline",
                    "baseline_year",
                    "wording",
                    "version",
                )
            },
            "indicator_code": indicator_code,
            "org_unit_code": unit_code,
        }
    )


@router.get("/targets", response_model=TargetPage, responses=problem_responses(401, 422))
async def list_targets(
    _: CurrentPrincipal,
    session: DbSession,
    indicator: Annotated[str | None, Query(description="Mã chỉ số")] = None,
    org_unit: Annotated[str | None, Query(description=ORG_UNIT_DOC)] = None,
    plan_id: uuid.UUID | None = None,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> TargetPage:
    """Targets, filtered by indicator code, unit (code or id), plan and year; by indicator,
    unit and year, a page at a time."""
    rows, next_cursor = await indicators.list_targets(
        session,
        indicator=indicator,
        org_unit=org_unit,
        plan_id=plan_id,
        year=year,
        cursor=cursor,
        limit=limit,
    )
    return TargetPage(
        items=[_target_read(t, ic, uc) for t, ic, uc in rows],
        page=PageMeta(next_cursor=next_cursor),
    )


@router.post(
    "/targets",
    response_model=TargetRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
async def create_target(
    body: TargetCreate, principal: WritingPrincipal, session: DbSession
) -> TargetRead:
    """Set a target; the comparator and value may be read from its wording ("trên 95%")."""
    target, indicator, unit = await indicators.create_target(session, actor=principal, data=body)
    return _target_read(target, indicator.code, unit.code)


@router.post("/targets/parse", response_model=TargetParsed, responses=problem_responses(401))
async def parse_target_wording(body: TargetParseRequest, _: CurrentPrincipal) -> TargetParsed:
    """Read a target's wording into comparator, value(s) and unit, and say what was not read."""
    parsed = parse_target(body.wording)
    return TargetParsed(
        comparator=parsed.comparator,
        value=parsed.value,
        value_high=parsed.value_high,
        unit=parsed.unit,
        per=parsed.per,
        unread=parsed.unread,
    )
