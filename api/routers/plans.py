"""Plans: list, read, create, edit drafts, issue, amend issued plans."""

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, Response, UploadFile, status
from fastapi.responses import StreamingResponse

from api.deps import CurrentPrincipal, DbSession, IfMatch, WritingPrincipal, etag
from api.errors import InvalidInput
from api.schemas.common import PageMeta, problem_responses
from api.schemas.plan import (
    ChildPlanPage,
    Matrix,
    MatrixChanges,
    MatrixIn,
    PlanAmend,
    PlanChildCreate,
    PlanCreate,
    PlanPage,
    PlanRead,
    PlanUpdate,
    UnitResponsibility,
    UnitResponsibilityPage,
)
from api.services import cascade, matrix, matrix_files, org_units, plans
from api.services.documents import format_reference, reference_of
from api.tabular import XLSX_TYPE

router = APIRouter(prefix="/plans", tags=["plans"])

READ_ERRORS = problem_responses(401, 404, 422)
WRITE_ERRORS = problem_responses(401, 403, 404, 409, 412, 422, 428)


@router.get("", response_model=PlanPage, responses=READ_ERRORS)
async def list_plans(
    principal: CurrentPrincipal,
    session: DbSession,
    owner_id: uuid.UUID | None = None,
    status: Literal["draft", "issued", "superseded", "archived"] | None = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> PlanPage:
    """List the plans the caller may see: issued ones and their own units' drafts."""
    rows, next_cursor = await plans.list_plans(
        session, actor=principal, owner_id=owner_id, status=status, cursor=cursor, limit=limit
    )
    return PlanPage(
        items=[plans.read_model(p) for p in rows], page=PageMeta(next_cursor=next_cursor)
    )


@router.get("/{plan_id}", response_model=PlanRead, responses=READ_ERRORS)
async def get_plan(
    plan_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, response: Response
) -> PlanRead:
    """One plan (a draft only for its owner unit's users); its ETag is needed to change it."""
    plan = await plans.get(session, actor=principal, plan_id=plan_id)
    response.headers["ETag"] = etag(plan.version)
    return plans.read_model(plan)


@router.post(
    "", response_model=PlanRead, status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS
)
async def create_plan(
    body: PlanCreate, principal: WritingPrincipal, session: DbSession, response: Response
) -> PlanRead:
    """Create a draft plan for a unit the caller manages plans for."""
    plan = await plans.create(session, actor=principal, data=body)
    response.headers["ETag"] = etag(plan.version)
    response.headers["Location"] = f"/api/v1/plans/{plan.id}"
    return plans.read_model(plan)


@router.patch("/{plan_id}", response_model=PlanRead, responses=WRITE_ERRORS)
async def update_plan(
    plan_id: uuid.UUID,
    body: PlanUpdate,
    version: IfMatch,
    principal: WritingPrincipal,
    session: DbSession,
    response: Response,
) -> PlanRead:
    """Edit a draft plan; an issued plan answers 409 (amend it instead). Needs If-Match."""
    plan = await plans.update_plan(
        session, actor=principal, plan_id=plan_id, expected_version=version, data=body
    )
    response.headers["ETag"] = etag(plan.version)
    return plans.read_model(plan)


@router.post("/{plan_id}/issue", response_model=PlanRead, responses=WRITE_ERRORS)
async def issue_plan(
    plan_id: uuid.UUID,
    version: IfMatch,
    principal: WritingPrincipal,
    session: DbSession,
    response: Response,
) -> PlanRead:
    """Issue a draft plan that has a numbered document; it becomes readable by everyone."""
    plan = await plans.issue(session, actor=principal, plan_id=plan_id, expected_version=version)
    response.headers["ETag"] = etag(plan.version)
    return plans.read_model(plan)


@router.post("/{plan_id}/amendments", response_model=PlanRead, responses=WRITE_ERRORS)
async def amend_plan(
    plan_id: uuid.UUID,
    body: PlanAmend,
    version: IfMatch,
    principal: WritingPrincipal,
    session: DbSession,
    response: Response,
) -> PlanRead:
    """Change an issued plan with a reason; the before and after are kept."""
    plan = await plans.amend(
        session, actor=principal, plan_id=plan_id, expected_version=version, data=body
    )
    response.headers["ETag"] = etag(plan.version)
    return plans.read_model(plan)


@router.post(
    "/{plan_id}/children",
    response_model=PlanRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
async def create_child_plan(
    plan_id: uuid.UUID,
    body: PlanChildCreate,
    principal: WritingPrincipal,
    session: DbSession,
    response: Response,
) -> PlanRead:
    """Start a unit's plan implementing this one: a draft carrying copies of the tasks the
    unit (or a unit under it) was assigned, with those assignments; the unit adds its own."""
    child, copied = await cascade.create_child(
        session, actor=principal, parent_id=plan_id, data=body
    )
    response.headers["ETag"] = etag(child.version)
    response.headers["Location"] = f"/api/v1/plans/{child.id}"
    response.headers["X-Tasks-Copied"] = str(copied)
    return plans.read_model(child)


@router.get("/{plan_id}/children", response_model=ChildPlanPage, responses=READ_ERRORS)
async def list_child_plans(
    plan_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> ChildPlanPage:
    """The plans implementing this one (those the caller may see) and the tasks each covers."""
    return ChildPlanPage(items=await cascade.children(session, actor=principal, parent_id=plan_id))


@router.get("/{plan_id}/matrix", response_model=Matrix, responses=READ_ERRORS)
async def get_plan_matrix(
    plan_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, response: Response
) -> Matrix:
    """The task-assignment matrix: groups and tasks as rows, units as columns, plus warnings."""
    result = await matrix.read(session, actor=principal, plan_id=plan_id)
    response.headers["ETag"] = etag(result.version)
    return result


@router.put("/{plan_id}/matrix", response_model=MatrixChanges, responses=WRITE_ERRORS)
async def replace_plan_matrix(
    plan_id: uuid.UUID,
    body: MatrixIn,
    version: IfMatch,
    principal: WritingPrincipal,
    session: DbSession,
    response: Response,
    dry_run: bool = False,
) -> MatrixChanges:
    """Replace a draft plan's whole task tree and assignments; dry_run reports the changes."""
    plan, changes = await matrix.replace(
        session,
        actor=principal,
        plan_id=plan_id,
        expected_version=version,
        data=body,
        dry_run=dry_run,
    )
    response.headers["ETag"] = etag(plan.version)
    return changes


@router.get(
    "/{plan_id}/matrix/export",
    responses={
        200: {
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
            }
        },
        **READ_ERRORS,
    },
    response_class=Response,
)
async def export_plan_matrix(
    plan_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    format: Literal["xlsx", "csv"] = "xlsx",
) -> Response:
    """The matrix as the appendix is filed, units named and coded, with Thời hạn; re-importing
    it changes nothing."""
    result = await matrix.read(session, actor=principal, plan_id=plan_id)
    name = f"phu-luc-phan-cong.{format}"
    headers = {
        "ETag": etag(result.version),
        "Content-Disposition": f'attachment; filename="{name}"',
    }
    if format == "csv":
        return StreamingResponse(
            matrix_files.to_csv(result), headers=headers, media_type="text/csv; charset=utf-8"
        )
    return Response(matrix_files.to_xlsx(result), media_type=XLSX_TYPE, headers=headers)


@router.put(
    "/{plan_id}/matrix/file",
    response_model=MatrixChanges,
    responses=problem_responses(401, 403, 404, 409, 412, 413, 422, 428, 507),
)
async def upload_plan_matrix(
    plan_id: uuid.UUID,
    file: Annotated[UploadFile, File(description="Phụ lục: XLSX hoặc CSV (UTF-8)")],
    version: IfMatch,
    principal: WritingPrincipal,
    session: DbSession,
    response: Response,
    dry_run: Annotated[bool, Form()] = False,
) -> MatrixChanges:
    """Replace a draft plan's matrix from an appendix file; errors name the file's rows."""
    fmt = "xlsx" if (file.filename or "").lower().endswith(".xlsx") else "csv"
    data, layout = matrix_files.read(file.file, fmt)
    try:
        plan, changes = await matrix.replace(
            session,
            actor=principal,
            plan_id=plan_id,
            expected_version=version,
            data=data,
            dry_run=dry_run,
        )
    except InvalidInput as exc:
        raise matrix_files.to_file_rows(exc, layout) from exc
    response.headers["ETag"] = etag(plan.version)
    return changes


units_router = APIRouter(prefix="/org-units", tags=["plans"])


@units_router.get(
    "/{unit_id}/assignments", response_model=UnitResponsibilityPage, responses=READ_ERRORS
)
async def list_unit_assignments(
    unit_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    role: Literal["lead", "coordinating"] | None = None,
    include_drafts: bool = False,
) -> UnitResponsibilityPage:
    """What a unit must do: every task it leads or joins, under which plan, by when."""
    await org_units.get(session, unit_id)
    rows = await plans.responsibilities(
        session, actor=principal, unit_id=unit_id, role=role, include_drafts=include_drafts
    )
    items = [
        UnitResponsibility(
            plan_id=p.id,
            plan_title=p.title,
            plan_status=p.status,
            plan_reference=format_reference(reference_of(p.document)) if p.document else None,
            task_id=t.id,
            number=t.number,
            title=t.title,
            role=a.role,
            deadline=t.deadline,
            recurrence=t.recurrence,
            note=a.note or t.note,
        )
        for p, t, a in rows
    ]
    return UnitResponsibilityPage(items=items)
