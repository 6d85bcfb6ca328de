"""Indicator values: batch writes, scoped reads for people and integrations, history."""

import hashlib
import json
import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse

from api.deps import CurrentPrincipal, DbSession, IfMatch, WritingPrincipal
from api.errors import Forbidden, InvalidInput, PreconditionFailed, conflict_place, problem
from api.paging import decode_time_cursor, encode_time_cursor
from api.schemas.common import DEPRECATED_DOC, ORG_UNIT_DOC, SUBTREE_DOC, problem_responses
from api.schemas.import_job import BatchResult, ImportCounts
from api.schemas.indicator import (
    DataValueBatch,
    DataValueChange,
    DataValueHistoryRead,
    DataValuePage,
    DataValueRead,
)
from api.services import data_value_batches, data_value_reads, data_values
from api.services.imports import Outcome, no_progress
from api.tabular import XLSX_TYPE, Row, write_csv, write_xlsx

router = APIRouter(prefix="/data-values", tags=["data-values"])


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
    options: dict[str, Any] = {"status": "draft", "cutoff": body.cutoff, "source": "api"}
    if body.replace_scope:
        options["replace_scope"] = body.replace_scope.model_dump()
    outcome = await data_value_batches.write_all_or_nothing(
        session, actor=principal, rows=_rows(body), options=options, dry_run=body.dry_run
    )
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
    found = await data_value_reads.page(
        session,
        actor=principal,
        filters=data_value_reads.ValueFilter(
            indicator=indicator,
            org_unit=org_unit,
            include_subtree=include_subtree,
            include=include,
            period=period,
            start=start,
            end=end,
            status=status,
            updated_since=updated_since,
            include_deleted=include_deleted,
        ),
        after=decode_time_cursor(cursor),
        limit=limit,
        as_json=format == "json",
    )
    count, last, more = found.count, found.last, found.more
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
        for i in found.rows
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
    return data_value_reads.to_read(value, ic, uc)


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
    changes = await data_value_reads.history(session, value)
    return DataValueHistoryRead(
        current=data_value_reads.to_read(value, ic, uc),
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
