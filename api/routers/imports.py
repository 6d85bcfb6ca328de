"""Bulk uploads: send a file, follow its job, read its conflicts, cancel it."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Header, Path, Query, UploadFile, status
from fastapi.responses import JSONResponse, StreamingResponse

import api.services.data_values
import api.services.indicator_import
import api.services.matrix_files
import api.services.org_unit_import  # noqa: F401
from api.deps import CurrentPrincipal, DbSession, WritingPrincipal
from api.errors import conflict_place, problem
from api.paging import decode_time_cursor, encode_time_cursor
from api.schemas.common import PageMeta, problem_responses
from api.schemas.import_job import ImportJobPage, ImportJobRead
from api.services import import_jobs, imports
from api.tabular import write_csv

router = APIRouter(prefix="/imports", tags=["imports"])


def _answer(body: ImportJobRead) -> Any:
    if body.status == "rejected":
        first = body.conflicts[0] if body.conflicts else None
        where = conflict_place(first.row, first.column) if first else ""
        return problem(
            422,
            "import-rejected",
            "Tệp có lỗi: không dữ liệu nào được ghi",
            f"{body.conflicts_total} lỗi; {where}{first.message if first else ''}",
            errors=[
                {
                    "in": "row",
                    "field": c.column or "",
                    "row": c.row,
                    "value": c.value,
                    "message": c.message,
                    "code": c.code,
                }
                for c in body.conflicts
            ],
            import_job=body.model_dump(mode="json"),
        )
    code = status.HTTP_202_ACCEPTED if body.status in ("queued", "running") else status.HTTP_200_OK
    return JSONResponse(
        body.model_dump(mode="json"),
        status_code=code,
        headers={"Location": f"/api/v1/imports/{body.id}"},
    )


@router.post(
    "/{resource}",
    response_model=ImportJobRead,
    responses={
        202: {"model": ImportJobRead, "description": "Tệp lớn: đang chờ xử lý nền"},
        **problem_responses(401, 403, 404, 409, 413, 422, 507),
    },
)
async def upload_import(
    resource: Annotated[
        str,
        Path(
            pattern=r"^[a-z_]{1,40}$", description="org_units, indicators, data_values, plan_matrix"
        ),
    ],
    file: Annotated[UploadFile, File(description="CSV (UTF-8), XLSX hoặc JSON")],
    principal: WritingPrincipal,
    session: DbSession,
    dry_run: Annotated[bool, Form()] = False,
    format: Annotated[str | None, Form(pattern="^(csv|xlsx|json)$")] = None,
    encoding: Annotated[
        str | None, Form(max_length=40, description="Bảng mã nếu không phải UTF-8")
    ] = None,
    sheet: Annotated[str | None, Form(max_length=100)] = None,
    plan_id: Annotated[
        uuid.UUID | None, Form(description="plan_matrix: kế hoạch (dự thảo)")
    ] = None,
    plan_version: Annotated[
        int | None, Form(ge=1, description="plan_matrix: ETag của kế hoạch khi đọc")
    ] = None,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> Any:
    """Upload a file: small ones answer with the summary, large ones with 202 and a job."""
    given = {
        "encoding": encoding,
        "sheet": sheet,
        "plan_id": str(plan_id) if plan_id else None,
        "plan_version": plan_version,
    }
    options = {k: v for k, v in given.items() if v}
    job, _ = await imports.submit(
        session,
        actor=principal,
        resource=resource,
        stream=file.file,
        filename=file.filename,
        content_type=file.content_type,
        fmt=format,
        options=options,
        dry_run=dry_run,
        idempotency_key=idempotency_key,
    )
    return _answer(ImportJobRead.model_validate(job))


@router.get("", response_model=ImportJobPage, responses=problem_responses(401, 422))
async def list_imports(
    principal: CurrentPrincipal,
    session: DbSession,
    resource: str | None = None,
    status_: Annotated[str | None, Query(alias="status")] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ImportJobPage:
    """The caller's uploads (all of them for system admins), newest first."""
    rows = await import_jobs.page(
        session,
        actor=principal,
        resource=resource,
        status=status_,
        after=decode_time_cursor(cursor),
        limit=limit,
    )
    next_cursor = (
        encode_time_cursor(rows[limit - 1].created_at, rows[limit - 1].id)
        if len(rows) > limit
        else None
    )
    return ImportJobPage(
        items=[ImportJobRead.model_validate(r) for r in rows[:limit]],
        page=PageMeta(next_cursor=next_cursor),
    )


@router.get("/{job_id}", response_model=ImportJobRead, responses=problem_responses(401, 404, 422))
async def get_import(
    job_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> ImportJobRead:
    """One upload: status, progress, counts and its first conflicts."""
    return ImportJobRead.model_validate(await imports.get_readable(session, principal, job_id))


@router.post(
    "/{job_id}/cancel",
    response_model=ImportJobRead,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def cancel_import(
    job_id: uuid.UUID, principal: WritingPrincipal, session: DbSession
) -> ImportJobRead:
    """Cancel a queued or running upload; nothing of it is written."""
    job = await imports.request_cancel(session, actor=principal, job_id=job_id)
    return ImportJobRead.model_validate(job)


@router.get(
    "/{job_id}/conflicts.csv",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}},
        **problem_responses(401, 404, 422),
    },
)
async def download_import_conflicts(
    job_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> StreamingResponse:
    """The error report of an upload as CSV (row, column, value, code, message)."""
    job = await imports.get_readable(session, principal, job_id)
    rows = ([c["row"], c["column"], c["value"], c["code"], c["message"]] for c in job.conflicts)
    return StreamingResponse(
        write_csv(["dòng", "cột", "giá trị", "mã lỗi", "thông báo"], rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="import-{job.id}-errors.csv"'},
    )
