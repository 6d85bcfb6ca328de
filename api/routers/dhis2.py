"""DHIS2-compatible dataValueSets: import and export in DHIS2's JSON and CSV shapes.

Export needs no data set: any indicator / unit / period filter. Identifiers are our codes by
default (idScheme=code) or our UUIDs (idScheme=uid). Imports are all or nothing: a file with
a conflict imports nothing (status ERROR), which DHIS2 itself cannot promise.
"""

import io
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import ValidationError
from sqlalchemy import select

from api import validation_text
from api.db import plan_for_these_values
from api.deps import CurrentPrincipal, DbSession, WritingPrincipal
from api.errors import InvalidInput, problem
from api.models import DataValue, Indicator, OrgUnit
from api.periods import parse_param
from api.schemas.common import problem_responses
from api.schemas.dhis2 import (
    Dhis2Conflict,
    Dhis2DataValueSet,
    Dhis2DataValueSetOut,
    Dhis2ImportCount,
    Dhis2ImportSummary,
)
from api.services import data_values
from api.services.imports import Outcome, no_progress
from api.tabular import Row, read_csv, write_csv

router = APIRouter(prefix="/dataValueSets", tags=["dhis2"])
Strategy = Literal["CREATE", "UPDATE", "CREATE_AND_UPDATE", "DELETE"]
CSV_HEADER = [
    "dataelement",
    "period",
    "orgunit",
    "catoptcombo",
    "attroptcombo",
    "value",
    "storedby",
    "lastupdated",
    "comment",
    "followup",
]


def _inline_schema() -> dict[str, Any]:
    """The request body schema with its nested models inlined (no $defs in OpenAPI)."""
    schema = Dhis2DataValueSet.model_json_schema()
    defs = schema.pop("$defs", {})
    schema["properties"]["dataValues"]["items"] = defs["Dhis2DataValue"]
    return schema


def _rows_from_json(body: Dhis2DataValueSet) -> list[Row]:
    rows = []
    for index, dv in enumerate(body.dataValues):
        option = dv.categoryOptionCombo
        rows.append(
            Row(
                index,
                {
                    "indicator": dv.dataElement or "",
                    "period": dv.period or body.period or "",
                    "org_unit": dv.orgUnit or body.orgUnit or "",
                    "option": "" if option in (None, "", "default", "HllvX50cXC0") else option,
                    "value": "" if dv.value is None else str(dv.value),
                    "comment": dv.comment or "",
                    "deleted": "true" if dv.deleted else "",
                },
            )
        )
    return rows


def _summary(
    outcome: Outcome, *, dry_run: bool, strategy: str, id_scheme: str
) -> Dhis2ImportSummary:
    counts = outcome.counts()
    if outcome.conflicts_total:
        status = "ERROR"
        count = Dhis2ImportCount(imported=0, updated=0, ignored=outcome.rows, deleted=0)
        description = (
            f"Import rejected: {outcome.conflicts_total} conflict(s); nothing was "
            "imported (all or nothing)."
        )
    else:
        status = "SUCCESS"
        count = Dhis2ImportCount(
            imported=counts["created"],
            updated=counts["updated"],
            ignored=counts["unchanged"],
            deleted=counts["deleted"],
        )
        description = "Import process completed successfully" + (" (dry run)" if dry_run else "")
    conflicts = [
        Dhis2Conflict(
            object=c.value or c.column or "",
            value=c.message,
            errorCode=c.code,
            property=c.column,
            indexes=[c.row] if c.row is not None else [],
        )
        for c in outcome.conflicts
    ]
    return Dhis2ImportSummary(
        status=status,
        description=description,
        importCount=count,
        conflicts=conflicts,
        importOptions={
            "dryRun": dry_run,
            "importStrategy": strategy,
            "idScheme": id_scheme,
            "atomicMode": "ALL",
        },
    )


@router.post(
    "",
    response_model=Dhis2ImportSummary,
    responses=problem_responses(401, 403, 409, 413, 422),
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": _inline_schema()},
                "application/csv": {"schema": {"type": "string"}},
                "text/csv": {"schema": {"type": "string"}},
            },
            "required": True,
        }
    },
)
async def import_data_value_set(
    request: Request,
    principal: WritingPrincipal,
    session: DbSession,
    dryRun: bool = False,  # noqa: N803 (DHIS2's parameter names)
    importStrategy: Strategy = "CREATE_AND_UPDATE",  # noqa: N803
    idScheme: Literal["code", "uid", "CODE", "UID"] = "code",  # noqa: N803
) -> Any:
    """Import a DHIS2 dataValueSet (JSON, or CSV with DHIS2's columns) and answer with DHIS2's
    ImportSummary: re-sent identical values are `ignored`, never `updated`."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    raw = await request.body()
    if content_type in ("application/csv", "text/csv"):
        _, csv_rows = read_csv(io.BytesIO(raw))
        rows = [Row(r.number - 2, r.cells) for r in csv_rows]
    elif content_type == "application/json":
        try:
            body = Dhis2DataValueSet.model_validate_json(raw)
        except ValidationError as exc:
            raise InvalidInput(
                "dataValueSet JSON không hợp lệ.",
                errors=[
                    {
                        "in": "body",
                        "field": ".".join(str(p) for p in e["loc"]),
                        "message": validation_text.message(dict(e)),
                        "code": e["type"],
                    }
                    for e in exc.errors()
                ],
            ) from exc
        rows = _rows_from_json(body)
    else:
        raise InvalidInput(
            "Content-Type phải là application/json hoặc application/csv.",
            errors=[
                {
                    "in": "header",
                    "field": "content-type",
                    "message": "Không hỗ trợ",
                    "code": "unsupported_media",
                }
            ],
        )
    if not rows:
        # An empty set is almost always a script's mistake (wrong key, wrong file): say so.
        raise InvalidInput(
            "dataValueSet không có giá trị nào (dataValues rỗng).",
            errors=[{"in": "body", "field": "dataValues", "message": "Rỗng", "code": "empty"}],
        )
    if importStrategy == "DELETE":
        rows = [Row(r.number, {**r.cells, "deleted": "true"}) for r in rows]

    savepoint = await session.begin_nested()
    outcome = await data_values.DataValueImporter().run(
        session,
        actor=principal,
        rows=iter(rows),
        progress=no_progress,
        options={"source": "import", "strategy": importStrategy, "status": "submitted"},
    )
    await (savepoint.rollback() if outcome.conflicts_total or dryRun else savepoint.commit())
    summary = _summary(outcome, dry_run=dryRun, strategy=importStrategy, id_scheme=idScheme)
    if not outcome.conflicts_total:
        return JSONResponse(summary.model_dump(mode="json"))
    # A problem document that is also shaped like DHIS2's WebMessage: DHIS2 clients find the
    # ImportSummary under `response`, as they do after a 409 from DHIS2 itself.
    first = outcome.conflicts[0]
    return problem(
        409,
        "import-conflicts",
        "Có xung đột: không giá trị nào được nhập",
        f"{outcome.conflicts_total} xung đột; dòng {first.row}, '{first.column}': {first.message}",
        errors=[
            {
                "in": "row",
                "row": c.row,
                "field": c.column or "",
                "value": c.value,
                "message": c.message,
                "code": c.code,
            }
            for c in outcome.conflicts
        ],
        httpStatus="Conflict",
        httpStatusCode=409,
        response=summary.model_dump(mode="json"),
    )


def _plain(value: Decimal | None, text_value: str | None) -> str:
    if text_value is not None:
        return text_value
    if value is None:
        return ""
    return format(value.normalize(), "f")


@router.get(
    "",
    response_model=Dhis2DataValueSetOut,
    responses={
        200: {"content": {"application/csv": {"schema": {"type": "string"}}}},
        **problem_responses(401, 422),
    },
)
async def export_data_value_set(
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    dataElement: Annotated[list[str] | None, Query()] = None,  # noqa: N803
    orgUnit: Annotated[list[str] | None, Query()] = None,  # noqa: N803
    period: Annotated[list[str] | None, Query()] = None,
    startDate: date | None = None,  # noqa: N803
    endDate: date | None = None,  # noqa: N803
    children: bool = False,
    lastUpdated: datetime | None = None,  # noqa: N803
    idScheme: Literal["code", "uid", "CODE", "UID"] = "code",  # noqa: N803
    includeDeleted: bool = False,  # noqa: N803
    format: Literal["json", "csv"] | None = None,
    limit: Annotated[int, Query(ge=1, le=1_000_000)] = 200_000,
) -> Any:
    """Values in DHIS2's dataValueSets shape for any indicator / unit / period filter (no data
    set needed); `children=true` takes each unit's whole subtree."""
    stmt = data_values.readable_statement(principal)
    uid = idScheme.lower() == "uid"
    if dataElement:
        stmt = stmt.where(
            Indicator.id.in_([_uuid(d, "dataElement") for d in dataElement])
            if uid
            else Indicator.code.in_(dataElement)
        )
    if orgUnit:
        units = list(
            await session.scalars(
                select(OrgUnit).where(
                    OrgUnit.id.in_([_uuid(o, "orgUnit") for o in orgUnit])
                    if uid
                    else OrgUnit.code.in_(orgUnit)
                )
            )
        )
        if children:
            from sqlalchemy import or_

            stmt = stmt.where(
                or_(*[OrgUnit.path.startswith(u.path, autoescape=True) for u in units])
                if units
                else OrgUnit.id.is_(None)
            )
        else:
            stmt = stmt.where(OrgUnit.id.in_([u.id for u in units]))
    if period:
        periods = []
        for code in period:
            periods.append(parse_param(code).code)
        stmt = stmt.where(DataValue.period.in_(periods))
    for condition in data_values.period_overlap(startDate, endDate):
        stmt = stmt.where(condition)
    if lastUpdated:
        stmt = stmt.where(DataValue.updated_at >= lastUpdated)
    if not includeDeleted:
        stmt = stmt.where(DataValue.deleted_at.is_(None))
    # Columns, not entities, made into plain dicts validated in one call: a commune-year is
    # thousands of values, and an ORM object and a model per value cost more than the query.
    columns = stmt.with_only_columns(
        DataValue.indicator_id,
        Indicator.code,
        DataValue.org_unit_id,
        OrgUnit.code,
        DataValue.period,
        DataValue.option,
        DataValue.value,
        DataValue.text_value,
        DataValue.updated_by,
        DataValue.created_at,
        DataValue.updated_at,
        DataValue.comment,
        maintain_column_froms=True,
    )
    await plan_for_these_values(session)
    rows = await session.execute(columns.order_by(DataValue.updated_at, DataValue.id).limit(limit))
    out = Dhis2DataValueSetOut.model_validate(
        {
            "dataValues": [
                {
                    "dataElement": str(indicator_id) if uid else indicator_code,
                    "period": period_code,
                    "orgUnit": str(unit_id) if uid else unit_code,
                    "categoryOptionCombo": option,
                    "attributeOptionCombo": "default",
                    "value": _plain(value, text_value),
                    "storedBy": str(updated_by) if updated_by else None,
                    "created": created_at.isoformat(),
                    "lastUpdated": updated_at.isoformat(),
                    "comment": comment,
                    "followup": False,
                }
                for (
                    indicator_id,
                    indicator_code,
                    unit_id,
                    unit_code,
                    period_code,
                    option,
                    value,
                    text_value,
                    updated_by,
                    created_at,
                    updated_at,
                    comment,
                ) in rows
            ]
        }
    )
    wants_csv = format == "csv" or (format is None and "csv" in request.headers.get("accept", ""))
    if wants_csv:
        return StreamingResponse(
            write_csv(
                CSV_HEADER,
                (
                    [
                        d.dataElement,
                        d.period,
                        d.orgUnit,
                        d.categoryOptionCombo,
                        d.attributeOptionCombo,
                        d.value,
                        d.storedBy or "",
                        d.lastUpdated,
                        d.comment or "",
                        "false",
                    ]
                    for d in out.dataValues
                ),
            ),
            media_type="application/csv; charset=utf-8",
        )
    return out


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
