"""DHIS2-compatible dataValueSets: import and export in DHIS2's JSON and CSV shapes.

Export needs no data set: any indicator / unit / period filter. Identifiers are our codes by
default (idScheme=code) or our UUIDs (idScheme=uid). Imports are all or nothing: a file with
a conflict imports nothing (status ERROR), which DHIS2 itself cannot promise.

DHIS2's dataValue has no numerator and denominator: ours travel as extra members
`numerator`/`denominator` of a JSON dataValue and as trailing CSV columns after DHIS2's own
(`deleted` included), which DHIS2 tools ignore. Re-importing any export changes nothing.
"""

import itertools
import tempfile
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse

from api.deps import CurrentPrincipal, DbSession, WritingPrincipal
from api.errors import InvalidInput, problem
from api.schemas.common import problem_responses
from api.schemas.dhis2 import (
    Dhis2Conflict,
    Dhis2DataValueSet,
    Dhis2DataValueSetOut,
    Dhis2ImportCount,
    Dhis2ImportSummary,
)
from api.services import data_value_batches, dhis2_export, dhis2_json
from api.services.imports import Outcome
from api.tabular import Row, number_text, read_csv, write_csv

router = APIRouter(prefix="/dataValueSets", tags=["dhis2"])
# A body up to this size stays in memory; a larger one goes on to a temporary file.
SPOOL_IN_MEMORY = 1 << 20
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
    "deleted",
    # Ours, after DHIS2's columns: a value's fraction.
    "numerator",
    "denominator",
]


def _inline_schema() -> dict[str, Any]:
    """The request body schema with its nested models inlined (no $defs in OpenAPI)."""
    schema = Dhis2DataValueSet.model_json_schema()
    defs = schema.pop("$defs", {})
    schema["properties"]["dataValues"]["items"] = defs["Dhis2DataValue"]
    return schema


async def _write(
    session: DbSession,
    principal: WritingPrincipal,
    body: IO[bytes],
    *,
    json: bool,
    encoding: str | None,
    strategy: str,
    dry_run: bool,
) -> tuple[Outcome, dict[int, int]]:
    """The set's values through the data-value import, all or nothing; with each row's
    place in the set (DHIS2's `indexes`), filled in as the rows are read."""
    found: Iterator[Row]
    if json:
        found = dhis2_json.rows(body)
    else:
        _, found = read_csv(body, encoding=encoding)
    first = next(found, None)
    if first is None:
        # An empty set is almost always a script's mistake (wrong key, wrong file): say so.
        raise InvalidInput(
            "dataValueSet không có giá trị nào (dataValues rỗng).",
            errors=[{"in": "body", "field": "dataValues", "message": "Rỗng", "code": "empty"}],
        )
    indexes: dict[int, int] = {}

    def numbered() -> Iterator[Row]:
        for index, row in enumerate(itertools.chain([first], found)):
            indexes[row.number] = index
            yield Row(row.number, {**row.cells, "deleted": "true"}) if strategy == "DELETE" else row

    outcome = await data_value_batches.write_all_or_nothing(
        session,
        actor=principal,
        rows=numbered(),
        options={"source": "import", "strategy": strategy, "status": "submitted"},
        dry_run=dry_run,
    )
    return outcome, indexes


async def _spooled(request: Request) -> IO[bytes]:
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 (the caller's)
    try:
        async for chunk in request.stream():
            spool.write(chunk)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool


def _summary(
    outcome: Outcome, *, dry_run: bool, strategy: str, id_scheme: str, indexes: dict[int, int]
) -> Dhis2ImportSummary:
    """DHIS2's ImportSummary; a conflict's `indexes` are DHIS2's (the value's 0-based place
    in the set), its row in our problem document is the file's."""
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
            indexes=[indexes.get(c.row, c.row)] if c.row is not None else [],
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
    encoding: Annotated[
        str | None,
        Query(max_length=40, description="CSV: bảng mã nếu không phải UTF-8 (windows-1258 …)"),
    ] = None,
) -> Any:
    """Import a DHIS2 dataValueSet (JSON, or CSV with DHIS2's columns; `encoding` as for
    /imports) and answer with DHIS2's ImportSummary.

    Re-sending what an export gave changes nothing: identical values are `ignored`, never
    `updated`; a value without `numerator`/`denominator` that equals the stored one keeps the
    stored fraction; an equal value keeps its status (accepted stays accepted); `storedBy`,
    `created`, `lastUpdated` and `followup` are not read. Changing an accepted value needs a
    reviewer's (or admin's) grant over its unit. Any conflict — a value outside the caller's
    units, a locked value, a bad cell — imports nothing and answers as DHIS2 does: 409 with
    the ImportSummary (one conflict per value, `indexes` its place in the set) under
    `response`, in a problem document whose rows are the file's (CSV: the header is row 1;
    JSON: the first value is row 1)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if content_type not in ("application/csv", "text/csv", "application/json"):
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
    # The body goes to a file as it arrives (the size limit counts it on the way) and is read
    # from there as a stream: memory stays flat whatever the size.
    with await _spooled(request) as body:
        outcome, indexes = await _write(
            session,
            principal,
            body,
            json=content_type == "application/json",
            encoding=encoding,
            strategy=importStrategy,
            dry_run=dryRun,
        )
    summary = _summary(
        outcome, dry_run=dryRun, strategy=importStrategy, id_scheme=idScheme, indexes=indexes
    )
    if not outcome.conflicts_total:
        return JSONResponse(summary.model_dump(mode="json"))
    # A problem document that is also shaped like DHIS2's WebMessage: DHIS2 clients find the
    # ImportSummary under `response`, as they do after a 409 from DHIS2 itself.
    conflict = outcome.conflicts[0]
    return problem(
        409,
        "import-conflicts",
        "Có xung đột: không giá trị nào được nhập",
        f"{outcome.conflicts_total} xung đột; dòng {conflict.row}, '{conflict.column}': "
        f"{conflict.message}",
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


def _number(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.normalize()


def _plain(value: Decimal | None) -> str | None:
    """A number as DHIS2 writes it (a dot), read back by our import as the same number."""
    return None if value is None else number_text(value.normalize())


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
    set needed); `children=true` takes each unit's whole subtree. Each value carries our
    `numerator`/`denominator` (JSON members; CSV columns after DHIS2's own) and `storedBy`,
    the username of whoever last changed it; numbers are written with a dot. Posting the
    answer back changes nothing."""
    found = await dhis2_export.values(
        session,
        actor=principal,
        data_elements=dataElement,
        org_units=orgUnit,
        periods=period,
        start=startDate,
        end=endDate,
        children=children,
        last_updated=lastUpdated,
        uid=idScheme.lower() == "uid",
        include_deleted=includeDeleted,
        limit=limit,
    )
    wants_csv = format == "csv" or (format is None and "csv" in request.headers.get("accept", ""))
    if wants_csv:
        # Numbers go as numbers (never marked as formulas: -5 stays -5), text as text.
        return StreamingResponse(
            write_csv(
                CSV_HEADER,
                (
                    [
                        element,
                        period_code,
                        unit,
                        option,
                        "default",
                        _number(value) if isinstance(value, Decimal) else value,
                        username or "",
                        updated_at.isoformat(),
                        comment or "",
                        "false",
                        "true" if deleted else "false",
                        _number(numerator),
                        _number(denominator),
                    ]
                    for (
                        element,
                        period_code,
                        unit,
                        option,
                        numerator,
                        denominator,
                        value,
                        username,
                        _,
                        updated_at,
                        comment,
                        deleted,
                    ) in found
                ),
            ),
            media_type="application/csv; charset=utf-8",
        )
    return Dhis2DataValueSetOut.model_validate(
        {
            "dataValues": [
                {
                    "dataElement": element,
                    "period": period_code,
                    "orgUnit": unit,
                    "categoryOptionCombo": option,
                    "attributeOptionCombo": "default",
                    "value": (_plain(value) or "") if not isinstance(value, str) else value,
                    "storedBy": username,
                    "created": created_at.isoformat(),
                    "lastUpdated": updated_at.isoformat(),
                    "comment": comment,
                    "followup": False,
                    "deleted": deleted,
                    "numerator": _plain(numerator),
                    "denominator": _plain(denominator),
                }
                for (
                    element,
                    period_code,
                    unit,
                    option,
                    numerator,
                    denominator,
                    value,
                    username,
                    created_at,
                    updated_at,
                    comment,
                    deleted,
                ) in found
            ]
        }
    )
