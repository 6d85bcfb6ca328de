"""Plans: who may see them (one rule), create, edit drafts, issue, amend issued plans."""

import uuid
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from api.access import Principal, per_caller
from api.errors import Conflict, Forbidden, NotFound, body_error
from api.models import Assignment, Document, OrgUnit, Plan, PlanAmendment, Role, Task
from api.paging import decode_id_cursor, encode_cursor
from api.schemas.plan import PlanAmend, PlanCreate, PlanParentRef, PlanRead, PlanSection, PlanUpdate
from api.services import audit, documents
from api.services.documents import format_reference, reference_of
from api.services.org_units import check_version

ENTITY = "plan"
EDITORS = (Role.plan_manager,)


@per_caller
def readable_statement(actor: Principal) -> Select[Plan]:
    """The plans this caller may see: issued ones, and drafts of units their grants cover."""
    own_unit = [OrgUnit.path == actor.unit_path] if actor.unit_path else []
    return (
        select(Plan)
        .join(OrgUnit, OrgUnit.id == Plan.owner_id)
        .where(
            or_(
                Plan.status != "draft",
                actor.unit_condition(OrgUnit.path, tuple(Role)),
                *own_unit,
            )
        )
    )


def _options(stmt: Select[Plan]) -> Select[Plan]:
    return stmt.options(
        selectinload(Plan.parents),
        selectinload(Plan.owner),
        selectinload(Plan.document).selectinload(Document.legal_basis),
    ).execution_options(populate_existing=True)


async def get(session: AsyncSession, *, actor: Principal, plan_id: uuid.UUID) -> Plan:
    plan = await session.scalar(_options(readable_statement(actor).where(Plan.id == plan_id)))
    if plan is None:
        raise NotFound(f"Không có kế hoạch {plan_id}.")
    return plan


def read_model(plan: Plan) -> PlanRead:
    return PlanRead(
        id=plan.id,
        version=plan.version,
        owner_id=plan.owner_id,
        document_id=plan.document_id,
        reference=format_reference(reference_of(plan.document)) if plan.document else None,
        title=plan.title,
        period_start=plan.period_start,
        period_end=plan.period_end,
        vision_year=plan.vision_year,
        status=plan.status,
        parents=[PlanParentRef(id=p.id, title=p.title) for p in plan.parents],
        sections=[PlanSection.model_validate(s) for s in plan.sections or []],
        objectives=list(plan.objectives or []),
    )


def require_editor(actor: Principal, plan: Plan) -> None:
    if not actor.can(EDITORS, plan.owner.path):
        raise Forbidden("Chỉ cán bộ quản lý kế hoạch của đơn vị chủ quản mới được sửa kế hoạch.")


async def _parents(
    session: AsyncSession, actor: Principal, ids: list[uuid.UUID], self_id: uuid.UUID | None
) -> list[Plan]:
    found: list[Plan] = []
    for pid in dict.fromkeys(ids):
        if pid == self_id:
            raise body_error("parent_ids", "Kế hoạch không thể thực hiện chính nó", "cycle")
        parent = await session.scalar(readable_statement(actor).where(Plan.id == pid))
        if parent is None:
            raise body_error("parent_ids", f"Không có kế hoạch cấp trên {pid}", "unknown_plan")
        found.append(parent)
    return found


async def create(session: AsyncSession, *, actor: Principal, data: PlanCreate) -> Plan:
    owner = await session.get(OrgUnit, data.owner_id)
    if owner is None:
        raise body_error("owner_id", "Đơn vị chủ quản không tồn tại", "unknown_unit")
    if not actor.can(EDITORS, owner.path):
        raise Forbidden("Chỉ cán bộ quản lý kế hoạch của đơn vị mới được lập kế hoạch cho đơn vị.")
    await documents.require_exists(session, data.document_id)
    plan = Plan(
        owner_id=owner.id,
        document_id=data.document_id,
        title=data.title,
        period_start=data.period_start,
        period_end=data.period_end,
        vision_year=data.vision_year,
        status="draft",
        sections=[s.model_dump() for s in data.sections],
        objectives=list(data.objectives),
        parents=await _parents(session, actor, data.parent_ids, None),
    )
    session.add(plan)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="create",
        entity_type=ENTITY,
        entity_id=plan.id,
        after=audit.snapshot(plan),
    )
    return await get(session, actor=actor, plan_id=plan.id)


async def _apply(
    session: AsyncSession, actor: Principal, plan: Plan, changes: dict[str, Any]
) -> None:
    for key in ("title",):
        if key in changes and changes[key] is None:
            raise body_error(key, "Không được null", "null")
    if "document_id" in changes:
        await documents.require_exists(session, changes["document_id"])
    if "parent_ids" in changes:
        plan.parents = await _parents(session, actor, changes.pop("parent_ids") or [], plan.id)
    if "sections" in changes:
        changes["sections"] = [
            PlanSection.model_validate(s).model_dump() for s in changes["sections"] or []
        ]
    if "objectives" in changes:
        changes["objectives"] = list(changes["objectives"] or [])
    for key, value in changes.items():
        setattr(plan, key, value)
    start, end = plan.period_start, plan.period_end
    if start is not None and end is not None and start > end:
        raise body_error("period_end", "Năm kết thúc trước năm bắt đầu", "period")


def _snapshot(plan: Plan) -> dict[str, Any]:
    snap = audit.snapshot(plan)
    snap["parent_ids"] = sorted(str(p.id) for p in plan.parents)
    return snap


async def update_plan(
    session: AsyncSession,
    *,
    actor: Principal,
    plan_id: uuid.UUID,
    expected_version: int,
    data: PlanUpdate,
) -> Plan:
    plan = await get(session, actor=actor, plan_id=plan_id)
    require_editor(actor, plan)
    check_version(plan, expected_version)
    if plan.status != "draft":
        raise Conflict(
            f"Kế hoạch đã ban hành (trạng thái {plan.status}) không sửa trực tiếp được; "
            "dùng POST /plans/{id}/amendments kèm lý do điều chỉnh."
        )
    before = _snapshot(plan)
    await _apply(session, actor, plan, data.model_dump(exclude_unset=True))
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="update",
        entity_type=ENTITY,
        entity_id=plan.id,
        before=before,
        after=_snapshot(plan),
    )
    return await get(session, actor=actor, plan_id=plan.id)


async def amend(
    session: AsyncSession,
    *,
    actor: Principal,
    plan_id: uuid.UUID,
    expected_version: int,
    data: PlanAmend,
) -> Plan:
    plan = await get(session, actor=actor, plan_id=plan_id)
    require_editor(actor, plan)
    check_version(plan, expected_version)
    if plan.status != "issued":
        raise Conflict("Chỉ điều chỉnh kế hoạch đang ban hành; bản dự thảo thì sửa trực tiếp.")
    before = _snapshot(plan)
    changes = data.model_dump(exclude_unset=True)
    reason = changes.pop("reason")
    await _apply(session, actor, plan, changes)
    await session.flush()
    after = _snapshot(plan)
    session.add(
        PlanAmendment(
            plan_id=plan.id, actor_id=actor.user_id, reason=reason, before=before, after=after
        )
    )
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="amend",
        entity_type=ENTITY,
        entity_id=plan.id,
        before=before,
        after=after,
    )
    return await get(session, actor=actor, plan_id=plan.id)


async def issue(
    session: AsyncSession, *, actor: Principal, plan_id: uuid.UUID, expected_version: int
) -> Plan:
    plan = await get(session, actor=actor, plan_id=plan_id)
    require_editor(actor, plan)
    check_version(plan, expected_version)
    if plan.status != "draft":
        raise Conflict(
            f"Kế hoạch đang ở trạng thái {plan.status}, chỉ bản dự thảo mới ban hành được."
        )
    if plan.document_id is None or plan.document is None or plan.document.number is None:
        raise Conflict("Kế hoạch cần một văn bản đã có số và ngày trước khi ban hành.")
    before = _snapshot(plan)
    plan.status = "issued"
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="issue",
        entity_type=ENTITY,
        entity_id=plan.id,
        before=before,
        after=_snapshot(plan),
    )
    return await get(session, actor=actor, plan_id=plan.id)


async def list_plans(
    session: AsyncSession,
    *,
    actor: Principal,
    owner_id: uuid.UUID | None,
    status: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Plan], str | None]:
    stmt = readable_statement(actor)
    if owner_id is not None:
        stmt = stmt.where(Plan.owner_id == owner_id)
    if status is not None:
        stmt = stmt.where(Plan.status == status)
    last = decode_id_cursor(cursor)
    if last is not None:
        stmt = stmt.where(Plan.id > last)
    rows = list((await session.scalars(_options(stmt.order_by(Plan.id).limit(limit + 1)))).all())
    next_cursor = encode_cursor([str(rows[limit - 1].id)]) if len(rows) > limit else None
    return rows[:limit], next_cursor


async def responsibilities(
    session: AsyncSession,
    *,
    actor: Principal,
    unit_id: uuid.UUID,
    role: str | None,
    include_drafts: bool,
) -> list[tuple[Plan, Task, Assignment]]:
    """The tasks a unit leads or joins, across every plan the caller may see."""
    plans = readable_statement(actor).subquery()
    stmt = (
        select(Plan, Task, Assignment)
        .join(Task, Task.plan_id == Plan.id)
        .join(Assignment, Assignment.task_id == Task.id)
        .where(Plan.id.in_(select(plans.c.id)), Assignment.org_unit_id == unit_id)
        .order_by(Plan.created_at, Task.position, Task.number)
    )
    if role:
        stmt = stmt.where(Assignment.role == role)
    if not include_drafts:
        stmt = stmt.where(Plan.status != "draft")
    return [(p, t, a) for p, t, a in await session.execute(stmt)]
