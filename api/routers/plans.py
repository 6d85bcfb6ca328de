"""Plans: list, read, create, edit drafts, issue, amend issued plans."""

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status

from api.deps import CurrentPrincipal, DbSession, IfMatch, WritingPrincipal, etag
from api.schemas.common import PageMeta, problem_responses
from api.schemas.plan import (
    Matrix,
    MatrixChanges,
    MatrixIn,
    PlanAmend,
    PlanCreate,
    PlanPage,
    PlanRead,
    PlanUpdate,
)
from api.services import matrix, plans

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
