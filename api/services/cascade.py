"""The plan cascade: a unit's plan created from the plan it implements, carrying the tasks
that unit (or a unit under it) was assigned, and the parent's view of which of its tasks each
child plan covers. 72-NQ/TW → 282/NQ-CP → 05-CTr/TU → 142/KH-UBND → a commune's 81/KH-UBND."""

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.access import Principal
from api.errors import body_error
from api.models import Assignment, OrgUnit, Plan, Task, plan_parent
from api.schemas.plan import ChildPlan, CoveredTask, PlanChildCreate, PlanCreate
from api.services import audit, plans
from api.services.documents import format_reference, reference_of


async def create_child(
    session: AsyncSession, *, actor: Principal, parent_id: uuid.UUID, data: PlanChildCreate
) -> tuple[Plan, int]:
    """A draft plan of `data.owner_id` implementing the parent, with copies of the parent's
    tasks assigned inside the owner's subtree (their groups too) and those assignments."""
    parent = await plans.get(session, actor=actor, plan_id=parent_id)
    start = data.period_start or parent.period_start
    end = data.period_end or parent.period_end
    if start is not None and end is not None and start > end:
        # One of the two is the parent's: the body alone looked fine to its schema.
        field = "period_start" if data.period_start else "period_end"
        raise body_error(
            field,
            f"Kỳ kế hoạch {start}–{end}: năm bắt đầu phải trước hoặc bằng năm kết thúc "
            "(năm còn thiếu lấy theo kế hoạch cấp trên).",
            "period_order",
        )
    child = await plans.create(
        session,
        actor=actor,
        data=PlanCreate(
            owner_id=data.owner_id,
            document_id=data.document_id,
            title=data.title,
            period_start=start,
            period_end=end,
            vision_year=parent.vision_year,
            parent_ids=[parent.id],
            sections=[],
            objectives=[],
        ),
    )
    owner = child.owner
    tasks = list(
        await session.scalars(
            select(Task).where(Task.plan_id == parent.id).order_by(Task.position, Task.number)
        )
    )
    by_id = {t.id: t for t in tasks}
    inside = list(
        await session.execute(
            select(Assignment, OrgUnit.path)
            .join(OrgUnit, OrgUnit.id == Assignment.org_unit_id)
            .join(Task, Task.id == Assignment.task_id)
            .where(Task.plan_id == parent.id, OrgUnit.path.startswith(owner.path, autoescape=True))
            # By id (time-ordered): the copies keep each task's coordinating units in order.
            .order_by(Assignment.id)
        )
    )
    chosen: set[uuid.UUID] = set()
    for assignment, _ in inside:
        task_id: uuid.UUID | None = assignment.task_id
        while task_id is not None and task_id in by_id:
            chosen.add(task_id)
            task_id = by_id[task_id].parent_id
    copies: dict[uuid.UUID, Task] = {}
    for position, task in enumerate(t for t in tasks if t.id in chosen):
        copy = Task(
            id=uuid.uuid4(),
            plan_id=child.id,
            source_task_id=task.id,
            parent_id=copies[task.parent_id].id if task.parent_id in copies else None,
            number=task.number,
            title=task.title,
            description=task.description,
            deadline=task.deadline,
            recurrence=task.recurrence,
            expected_output=task.expected_output,
            note=task.note,
            position=position,
        )
        copies[task.id] = copy
        session.add(copy)
    await session.flush()
    for assignment, _ in inside:
        session.add(
            Assignment(
                task_id=copies[assignment.task_id].id,
                org_unit_id=assignment.org_unit_id,
                role=assignment.role,
                note=assignment.note,
            )
        )
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="create_from_parent",
        entity_type="plan",
        entity_id=child.id,
        after={"parent_id": str(parent.id), "tasks_copied": len(copies)},
    )
    return await plans.get(session, actor=actor, plan_id=child.id), len(copies)


async def children(
    session: AsyncSession, *, actor: Principal, parent_id: uuid.UUID
) -> list[ChildPlan]:
    """The plans implementing this one that the caller may see, and which of the parent's
    tasks each one carries."""
    parent = await plans.get(session, actor=actor, plan_id=parent_id)
    visible = plans.readable_statement(actor).subquery()
    rows = list(
        await session.scalars(
            plans.readable_statement(actor)
            .join(plan_parent, plan_parent.c.plan_id == Plan.id)
            .where(plan_parent.c.parent_id == parent.id, Plan.id.in_(select(visible.c.id)))
            .order_by(Plan.created_at)
        )
    )
    parent_tasks = {
        t.id: t for t in await session.scalars(select(Task).where(Task.plan_id == parent.id))
    }
    out = []
    for child in rows:
        sources = set(
            await session.scalars(
                select(Task.source_task_id).where(
                    Task.plan_id == child.id, Task.source_task_id.is_not(None)
                )
            )
        )
        covered = sorted(
            (parent_tasks[s] for s in sources if s in parent_tasks),
            key=lambda t: (t.position, t.number),
        )
        out.append(
            ChildPlan(
                id=child.id,
                title=child.title,
                status=child.status,
                owner_id=child.owner_id,
                owner_name=child.owner.name,
                reference=format_reference(reference_of(child.document))
                if child.document
                else None,
                covered=[
                    CoveredTask(task_id=t.id, number=t.number, title=t.title) for t in covered
                ],
            )
        )
    return out
