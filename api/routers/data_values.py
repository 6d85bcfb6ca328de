"""Indicator values: batch writes, scoped reads for people and integrations, history."""

import hashlib
import json
import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from sqlalchemy import select

from api.db import plan_for_these_values
from api.deps import CurrentPrincipal, DbSession, IfMatch, WritingPrincipal
from api.errors import Forbidden, InvalidInput, PreconditionFailed, conflict_place, problem
from api.models import DataValue, DataValueHistory, Indicator, OrgUnit
from api.paging import after_time_key, decode_time_cursor, encode_time_cursor, json_page
from api.periods import parse_param
from api.schemas.common import DEPRECATED_DOC, ORG_UNIT_DOC, SUBTREE_DOC, problem_responses
from api.schemas.import_job import BatchResult, ImportCounts
from api.schemas.indicator import (
    DataValueBatch,
    DataValueChange,
    DataValueHistoryRead,
    DataValuePage,
    DataValueRead,
)
from api.services import data_values
from api.services.imports import Outcome, no_progress
from api.services.unit_ref import find_unit, unknown_unit
from api.tabular import XLSX_TYPE, Row, write_csv, write_xlsx

router = APIRouter(prefix="/data-values", tags=["data-values"])


# What a read returns: DataValueRead's fields, by name and in order.
READ_COLUMNS = (
    DataValue.id,
    Indicator.code.label("indicator"),
    OrgUnit.code.label("org_unit"),
    DataValue.period,
    DataValue.period_type,
    DataValue.period_start,
    DataValue.period_end,
    DataValue.option,
    DataValue.numerator,
    DataValue.denominator,
    DataValue.value,
    DataValue.text_value,
    DataValue.comment,
    DataValue.source,
    DataValue.status,
    DataValue.updated_by,
    DataValue.updated_at,
    DataValue.deleted_at.is_not(None).label("deleted"),
    DataValue.version,
)
ORDER = (DataValue.updated_at, DataValue.id)


def to_read(value: DataValue, indicator_code: str, unit_code: str) -> DataValueRead:
    return DataValueRead(
        id=value.id,
        indicator=indicator_code,
        org_unit=unit_code,
        period=value.period,
        period_type=value.period_type,
        period_start=value.period_start,
        period_end=value.period_end,
        option=value.option,
        numerator=value.numerator,
        denominator=value.denominator,
        value=value.value,
        text_value=value.text_value,
        comment=value.comment,
        source=value.source,
        status=value.status,
        updated_by=value.updated_by,
        updated_at=value.updated_at,
        deleted=value.deleted_at is not None,
        version=value.version,
    )


def _rows(batch: DataValueBatch) -> list[Row]:
    rows = []
    for number, item in enumerate(batch.values, start=1):
        cells = {
            k: ("" if v is None else str(v).lower() if isinstance(v, bool) else str(v))
            for k, v in item.model_dump().items()
        }
        cells["deleted"] = "true" if item.deleted else ""
        rows.append(Row(number, cells))
    return rows


def outcome_answer(outcome: Outcome, *, dry_run: bool) -> Any:
    counts = ImportCounts(**outcome.counts())
    if outcome.conflicts_total:
        # A value outside the caller's grants is a matter of permission, as everywhere else:
        # 403, with every conflict of the batch still listed.
        forbidden = [c for c in outcome.conflicts if c.code == "forbidden"]
        first = forbidden[0] if forbidden else outcome.conflicts[0]
        status, code, title = (
            (403, "forbidden", "Không có quyền: không giá trị nào được ghi")
            if forbidden
            else (422, "validation-error", "Dữ liệu không hợp lệ: không giá trị nào được ghi")
        )
        return problem(
            status,
            code,
            title,
            f"{outcome.conflicts_total} lỗi; {conflict_place(first.row, first.column, 'trường')}"
            f"{first.message}",
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
            counts=counts.model_dump(),
        )
    return JSONResponse(BatchResult(dry_run=dry_run, counts=counts).model_dump(mode="json"))


@router.put(
    "",
    response_model=BatchResult,
    responses={
        200: {"description": "Số lượng tạo/sửa/không đổi/xóa"},
        **problem_responses(401, 403, 413, 422),
    },
)
async def upsert_data_values(
    body: DataValueBatch, principal: WritingPrincipal, session: DbSession
) -> Any:
    """Create, change or (soft) delete up to 10 000 values at once, all or nothing.

    Identical values are counted `unchanged`, not `updated`. `value` is computed from
    `numerator`/`denominator` when both are given; a given value that contradicts them is
    refused. `replace_scope` soft-deletes the scope's values this batch does not carry.
    """
    importer = data_values.DataValueImporter()
    options: dict[str, Any] = {"status": "draft", "cutoff": body.cutoff, "source": "api"}
    if body.replace_scope:
        options["replace_scope"] = body.replace_scope.model_dump()

    savepoint = await session.begin_nested()
    outcome = await importer.run(
        session, actor=principal, rows=iter(_rows(body)), options=options, progress=no_progress
    )
    await (savepoint.rollback() if outcome.conflicts_total or body.dry_run else savepoint.commit())
    return outcome_answer(outcome, dry_run=body.dry_run)


@router.get(
    "",
    response_model=DataValuePage,
    responses={
        200: {
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                    "schema": {"type": "string", "format": "binary"}
                },
            }
        },
        **problem_responses(401, 422),
    },
)
async def list_data_values(
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    indicator: Annotated[list[str] | None, Query(description="Mã chỉ số (lặp lại được)")] = None,
    org_unit: Annotated[str | None, Query(description=ORG_UNIT_DOC)] = None,
    include_subtree: Annotated[bool, Query(description=SUBTREE_DOC)] = False,
    include: Annotated[
        Literal["self", "children", "descendants"] | None,
        Query(
            deprecated=True,
            description=DEPRECATED_DOC.format("include_subtree=true")
            + " (descendants: cả cây con; children: các đơn vị con trực tiếp)",
        ),
    ] = None,
    period: Annotated[str | None, Query(description="Kỳ (giá trị nằm trong kỳ này)")] = None,
    start: date | None = None,
    end: date | None = None,
    status: Annotated[list[str] | None, Query()] = None,
    updated_since: Annotated[
        datetime | None,
        Query(
            description="Các giá trị có updated_at ≥ thời điểm này (gồm cả thời điểm đó): gửi "
            "updated_at lớn nhất đã nhận, rồi đi theo cursor đến hết"
        ),
    ] = None,
    include_deleted: bool = False,
    format: Literal["json", "csv", "xlsx"] = "json",
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> Any:
    """Values the caller may read, in a stable order for keyset paging (updated_at, id), so an
    integration can pull `updated_since` its last run. ETag: an unchanged page costs nothing.
    The JSON, CSV and XLSX pages upload back unchanged through /imports/data_values (text
    cells a spreadsheet would run as formulas carry a leading ' that the upload removes)."""
    stmt = data_values.readable_statement(principal)
    if indicator:
        stmt = stmt.where(Indicator.code.in_(indicator))
    if org_unit:
        unit = await find_unit(session, org_unit)
        if unit is None:
            raise unknown_unit("org_unit", org_unit)
        if include_subtree or include == "descendants":
            stmt = stmt.where(OrgUnit.path.startswith(unit.path, autoescape=True))
        elif include == "children":
            stmt = stmt.where(OrgUnit.parent_id == unit.id)
        else:
            stmt = stmt.where(OrgUnit.id == unit.id)
    if period:
        p = parse_param(period)
        stmt = stmt.where(DataValue.period_start >= p.start, DataValue.period_end <= p.end)
    for condition in data_values.period_overlap(start, end):
        stmt = stmt.where(condition)
    if status:
        stmt = stmt.where(DataValue.status.in_(status))
    if updated_since:
        # Inclusive: a value written in the same instant as the last one a pull saw is not
        # missed by the next pull (seeing it again is harmless: it is the same version).
        stmt = stmt.where(DataValue.updated_at >= updated_since)
    if not include_deleted:
        stmt = stmt.where(DataValue.deleted_at.is_(None))
    key = decode_time_cursor(cursor)
    if key is not None:
        stmt = stmt.where(after_time_key(DataValue.updated_at, DataValue.id, key))
    columns = stmt.with_only_columns(*READ_COLUMNS, maintain_column_froms=True)
    await plan_for_these_values(session)
    if format == "json":
        # Encoded by PostgreSQL as DataValueRead serialises (the contract tests hold the
        # answer to the schema): a page is up to 10 000 values.
        found = await json_page(session, columns, order=ORDER, limit=limit)
        count, last, more = found.count, found.last, found.more
    else:
        rows = (await session.execute(columns.order_by(*ORDER).limit(limit + 1))).all()
        table_rows = rows[:limit]
        count, more = len(table_rows), len(rows) > limit
        last = (table_rows[-1].updated_at, table_rows[-1].id) if table_rows else None
    next_cursor = encode_time_cursor(*last) if more and last is not None else None
    # A page is a contiguous run in (updated_at, id) order: any change to it moves its last key.
    fingerprint = f"{request.url.query}|{count}|{last[0].isoformat() if last else ''}"
    fingerprint += f"|{last[1] if last else ''}|{format}"
    # The encoding's version: pages cached before decimals lost their trailing zeros differ.
    fingerprint += "|decimals-2"
    tag = f'W/"{hashlib.sha256(fingerprint.encode()).hexdigest()[:32]}"'
    if request.headers.get("if-none-match") == tag:
        return Response(status_code=304, headers={"ETag": tag})
    if format == "json":
        body = f'{{"items":{found.items},"page":{{"next_cursor":{json.dumps(next_cursor)}}}}}'
        return Response(body, media_type="application/json", headers={"ETag": tag})
    header = [
        "indicator",
        "org_unit",
        "period",
        "option",
        "numerator",
        "denominator",
        "value",
        "comment",
        "status",
        "updated_at",
        "deleted",
    ]
    table = (
        [
            i.indicator,
            i.org_unit,
            i.period,
            i.option,
            i.numerator,
            i.denominator,
            # A text indicator's value is its text: the file imports back as it was.
            i.text_value if i.text_value is not None else i.value,
            i.comment,
            i.status,
            i.updated_at.isoformat(),
            i.deleted,
        ]
        for i in table_rows
    )
    paging = {"X-Next-Cursor": next_cursor} if next_cursor else {}
    if format == "xlsx":
        return Response(
            write_xlsx(header, table),
            media_type=XLSX_TYPE,
            headers={
                "ETag": tag,
                "Content-Disposition": 'attachment; filename="data-values.xlsx"',
                **paging,
            },
        )
    return StreamingResponse(
        write_csv(header, table),
        media_type="text/csv; charset=utf-8",
        headers={"ETag": tag, **paging},
    )


@router.get("/{value_id}", response_model=DataValueRead, responses=problem_responses(401, 404, 422))
async def get_data_value(
    value_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, response: Response
) -> DataValueRead:
    """One value (404 outside the caller's reach)."""
    value, ic, uc, _ = await data_values.get_readable(session, principal, value_id)
    response.headers["ETag"] = f'"{value.version}"'
    return to_read(value, ic, uc)


@router.get(
    "/{value_id}/history",
    response_model=DataValueHistoryRead,
    responses=problem_responses(401, 404, 422),
)
async def get_data_value_history(
    value_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> DataValueHistoryRead:
    """A value now, and its state before each change, newest first."""
    value, ic, uc, _ = await data_values.get_readable(session, principal, value_id)
    changes = await session.scalars(
        select(DataValueHistory)
        .where(DataValueHistory.data_value_id == value.id)
        .order_by(DataValueHistory.changed_at.desc(), DataValueHistory.id.desc())
        .limit(1000)
    )
    return DataValueHistoryRead(
        current=to_read(value, ic, uc),
        changes=[
            DataValueChange(
                action=c.action,
                changed_at=c.changed_at,
                changed_by=c.changed_by,
                source=c.source,
                numerator=c.numerator,
                denominator=c.denominator,
                value=c.value,
                text_value=c.text_value,
                comment=c.comment,
                status=c.status,
            )
            for c in changes
        ],
    )


@router.delete(
    "/{value_id}", status_code=204, responses=problem_responses(401, 403, 404, 412, 422, 428)
)
async def delete_data_value(
    value_id: uuid.UUID, version: IfMatch, principal: WritingPrincipal, session: DbSession
) -> None:
    """Soft-delete a value (kept in history); needs If-Match."""
    value, ic, uc, _ = await data_values.get_readable(session, principal, value_id)
    if value.version != version:
        raise PreconditionFailed(
            f"Phiên bản hiện tại là {value.version}.", current_version=value.version
        )
    importer = data_values.DataValueImporter()

    outcome = await importer.run(
        session,
        actor=principal,
        rows=iter(
            [
                Row(
                    1,
                    {
                        "indicator": ic,
                        "org_unit": uc,
                        "period": value.period,
                        "option": value.option,
                        "deleted": "true",
                    },
                )
            ]
        ),
        options={"source": "api"},
        progress=no_progress,
    )
    if outcome.conflicts_total:
        first = outcome.conflicts[0]
        if first.code == "forbidden":
            raise Forbidden(first.message)
        raise InvalidInput(
            first.message,
            errors=[
                {"in": "path", "field": "value_id", "message": first.message, "code": first.code}
            ],
        )
