"""The task-assignment matrix of a plan: read it, or replace the whole task tree at once.

Rows are groups and tasks in the plan's order; columns are the units taking part. A replace
is checked whole first: every row error is reported (422) and nothing is written.
"""

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.access import Principal
from api.errors import Conflict, InvalidInput
from api.models import Assignment, OrgUnit, Plan, Task
from api.models.base import ordered_uuid
from api.schemas.plan import (
    AssignmentChange,
    Matrix,
    MatrixChanges,
    MatrixColumn,
    MatrixIn,
    MatrixRow,
    MatrixRowIn,
    MatrixWarning,
)
from api.services import audit, plans
from api.services.org_units import check_version
from api.text import fold

ROMAN = re.compile(r"^[IVXLC]+$")


def _norm(number: str) -> str:
    return number.rstrip(".")


def derived_parent(number: str, previous_group: str | None) -> str | None:
    """ "1.2" -> "1"; "3" -> the last Roman group above it; "II" -> None."""
    if "." in number:
        return number.rsplit(".", 1)[0]
    if ROMAN.match(number):
        return None
    return previous_group


async def _tasks(session: AsyncSession, plan_id: uuid.UUID) -> list[Task]:
    stmt = select(Task).where(Task.plan_id == plan_id).order_by(Task.position, Task.number)
    return list((await session.scalars(stmt.execution_options(populate_existing=True))).all())


async def _assignments(session: AsyncSession, task_ids: list[uuid.UUID]) -> list[Assignment]:
    if not task_ids:
        return []
    # Ids are time-ordered: coordinating units come back in the order they were written.
    stmt = (
        select(Assignment)
        .where(Assignment.task_id.in_(task_ids))
        .order_by(Assignment.role, Assignment.id)
    )
    return list((await session.scalars(stmt)).all())


async def read(session: AsyncSession, *, actor: Principal, plan_id: uuid.UUID) -> Matrix:
    plan = await plans.get(session, actor=actor, plan_id=plan_id)
    tasks = await _tasks(session, plan.id)
    links = await _assignments(session, [t.id for t in tasks])
    unit_ids = list(dict.fromkeys(a.org_unit_id for a in links))
    units = (
        {
            u.id: u
            for u in (await session.scalars(select(OrgUnit).where(OrgUnit.id.in_(unit_ids)))).all()
        }
        if unit_ids
        else {}
    )
    by_task: dict[uuid.UUID, list[Assignment]] = {}
    for a in links:
        by_task.setdefault(a.task_id, []).append(a)
    by_id = {t.id: t for t in tasks}
    has_children = {t.parent_id for t in tasks if t.parent_id}
    rows: list[MatrixRow] = []
    warnings: list[MatrixWarning] = []
    for index, task in enumerate(tasks, start=1):
        depth, up = 0, task.parent_id
        while up is not None and depth < 50:
            depth += 1
            up = by_id[up].parent_id if up in by_id else None
        mine = by_task.get(task.id, [])
        lead = next((units[a.org_unit_id].code for a in mine if a.role == "lead"), None)
        coordinating = [units[a.org_unit_id].code for a in mine if a.role == "coordinating"]
        is_group = task.id in has_children
        if lead is None and not is_group:
            warnings.append(
                MatrixWarning(
                    row=index,
                    number=task.number,
                    message=f"Nhiệm vụ {task.number} chưa có đơn vị chủ trì.",
                    code="no_lead",
                )
            )
        parent = by_id.get(task.parent_id) if task.parent_id else None
        rows.append(
            MatrixRow(
                id=task.id,
                number=task.number,
                parent_number=parent.number if parent else None,
                depth=depth,
                is_group=is_group,
                title=task.title,
                lead=lead,
                coordinating=coordinating,
                cells={units[a.org_unit_id].code: a.role for a in mine},
                result=task.expected_output,
                note=task.note,
                description=task.description,
                deadline=task.deadline,
                recurrence=task.recurrence,
            )
        )
    columns = [MatrixColumn(id=u.id, code=u.code, name=u.name) for u in units.values()]
    return Matrix(
        plan_id=plan.id, version=plan.version, columns=columns, rows=rows, warnings=warnings
    )


@dataclass
class _Resolver:
    units: list[OrgUnit]

    def __post_init__(self) -> None:
        self.by_code = {u.code.casefold(): u for u in self.units}
        self.by_name: dict[str, list[OrgUnit]] = {}
        for u in self.units:
            for name in {fold(u.name), fold(u.short_name or "")} - {""}:
                self.by_name.setdefault(name, []).append(u)

    def suggest(self, value: str) -> list[str]:
        words = [w for w in fold(value).split() if len(w) > 1]
        scored = sorted(
            ((sum(w in u.search_name for w in words), u) for u in self.units),
            key=lambda pair: (-pair[0], pair[1].code),
        )
        return [f"{u.code} ({u.name})" for score, u in scored[:5] if score > 0]

    def resolve(self, value: str) -> tuple[OrgUnit | None, str | None, str]:
        """The unit, or None with a message and an error code."""
        found = self.by_code.get(value.strip().casefold())
        if found is not None:
            return found, None, ""
        matches = self.by_name.get(fold(value), [])
        if len(matches) == 1:
            return matches[0], None, ""
        if matches:
            names = ", ".join(f"{u.code} ({u.name})" for u in matches[:5])
            return None, f"Tên '{value}' trùng nhiều đơn vị; ghi mã: {names}", "ambiguous_unit"
        hints = self.suggest(value)
        hint = f"; có phải: {', '.join(hints)}?" if hints else ""
        return None, f"Không tìm thấy đơn vị '{value}'{hint}", "unknown_unit"


def _error(row: int, column: str, value: Any, message: str, code: str) -> dict[str, Any]:
    return {
        "in": "row",
        "field": f"rows[{row - 1}].{column}",
        "row": row,
        "column": column,
        "value": value,
        "message": message,
        "code": code,
    }


@dataclass
class _Planned:
    row: MatrixRowIn
    number: str
    parent: str | None
    lead: OrgUnit | None
    coordinating: list[OrgUnit]


def _check(
    rows: list[MatrixRowIn], resolver: _Resolver
) -> tuple[list[_Planned], list[dict[str, Any]]]:
    errors: list[dict[str, Any]] = []
    planned: list[_Planned] = []
    seen: dict[str, int] = {}
    group: str | None = None
    for index, row in enumerate(rows, start=1):
        number = _norm(row.number)
        if number in seen:
            errors.append(
                _error(
                    index,
                    "number",
                    row.number,
                    f"Số {number} trùng với dòng {seen[number]}",
                    "duplicate_number",
                )
            )
        else:
            seen[number] = index
        if not row.title.strip():
            errors.append(_error(index, "title", row.title, "Tên nhiệm vụ trống", "empty_title"))
        parent = _norm(row.parent) if row.parent else derived_parent(number, group)
        if ROMAN.match(number):
            group = number
        lead = None
        if row.lead:
            lead, message, code = resolver.resolve(row.lead)
            if lead is None:
                errors.append(_error(index, "lead", row.lead, message or "", code))
        coordinating: list[OrgUnit] = []
        for value in row.coordinating:
            unit, message, code = resolver.resolve(value)
            if unit is None:
                errors.append(_error(index, "coordinating", value, message or "", code))
            elif unit is lead or unit in coordinating:
                errors.append(
                    _error(
                        index, "coordinating", value, "Đơn vị đã có ở dòng này", "duplicate_unit"
                    )
                )
            else:
                coordinating.append(unit)
        planned.append(_Planned(row, number, parent, lead, coordinating))
    parents = {p.number: p.parent for p in planned}
    for index, p in enumerate(planned, start=1):
        if p.parent is not None and p.parent not in parents:
            if p.row.parent is not None or "." in p.number:
                errors.append(
                    _error(
                        index,
                        "parent",
                        p.row.parent or p.number,
                        f"Không có dòng số {p.parent}",
                        "unknown_parent",
                    )
                )
            else:
                p.parent = None
            continue
        walk, steps = p.parent, 0
        while walk is not None and steps <= len(planned):
            if walk == p.number:
                errors.append(
                    _error(
                        index,
                        "parent",
                        p.parent,
                        f"Dòng {p.number} nằm trong chính nó (vòng lặp)",
                        "cycle",
                    )
                )
                break
            walk, steps = parents.get(walk), steps + 1
    return planned, errors


def _reordered(old: list[str], new: list[str]) -> bool:
    """The same coordinating units in another order (an added or removed unit is told apart,
    as an assignment change)."""
    return old != new and sorted(old) == sorted(new)


async def replace(
    session: AsyncSession,
    *,
    actor: Principal,
    plan_id: uuid.UUID,
    expected_version: int,
    data: MatrixIn,
    dry_run: bool,
) -> tuple[Plan, MatrixChanges]:
    plan = await plans.get(session, actor=actor, plan_id=plan_id)
    plans.require_editor(actor, plan)
    check_version(plan, expected_version)
    if plan.status != "draft":
        raise Conflict(
            f"Kế hoạch đã ban hành (trạng thái {plan.status}): ma trận nhiệm vụ không sửa được."
        )
    units = list((await session.scalars(select(OrgUnit))).all())
    planned, errors = _check(data.rows, _Resolver(units))
    if errors:
        raise InvalidInput(f"Ma trận có {len(errors)} lỗi; chưa ghi gì.", errors=errors)
    old = await _tasks(session, plan.id)
    old_by_number = {t.number: t for t in old}
    old_links = await _assignments(session, [t.id for t in old])
    units_by_id = {u.id: u for u in units}
    task_number = {t.id: t.number for t in old}
    old_set = {(task_number[a.task_id], units_by_id[a.org_unit_id].code, a.role) for a in old_links}
    new_set = {
        (p.number, u.code, role)
        for p in planned
        for u, role in ([(p.lead, "lead")] if p.lead else [])
        + [(c, "coordinating") for c in p.coordinating]
    }
    parent_of_old = {t.number: task_number.get(t.parent_id) if t.parent_id else None for t in old}
    old_order: dict[str, list[str]] = {}
    for a in old_links:
        if a.role == "coordinating":
            old_order.setdefault(task_number[a.task_id], []).append(units_by_id[a.org_unit_id].code)
    created = [p.number for p in planned if p.number not in old_by_number]
    new_numbers = {p.number for p in planned}
    # A row counts as moved when its order among the kept rows changed, not its bare index.
    kept_old = [t.number for t in old if t.number in new_numbers]
    kept_new = [p.number for p in planned if p.number in old_by_number]
    moved = {n for n, m in zip(kept_old, kept_new, strict=True) if n != m}
    updated = [
        p.number
        for p in planned
        if p.number in old_by_number
        and (
            (t := old_by_number[p.number]).title != p.row.title
            or t.expected_output != p.row.result
            or t.note != p.row.note
            or (t.description, t.deadline, t.recurrence)
            != (p.row.description, p.row.deadline, p.row.recurrence)
            or p.number in moved
            or parent_of_old[p.number] != p.parent
            or _reordered(old_order.get(p.number, []), [u.code for u in p.coordinating])
        )
    ]
    deleted = [t.number for t in old if t.number not in new_numbers]

    def change(items: set[tuple[str, str, str]]) -> list[AssignmentChange]:
        return [AssignmentChange(number=n, unit=u, role=r) for n, u, r in sorted(items)]

    changes = MatrixChanges(
        dry_run=dry_run,
        tasks_created=created,
        tasks_updated=updated,
        tasks_deleted=deleted,
        assignments_added=change(new_set - old_set),
        assignments_removed=change(old_set - new_set),
        warnings=[
            MatrixWarning(
                row=i,
                number=p.number,
                message=f"Nhiệm vụ {p.number} chưa có đơn vị chủ trì.",
                code="no_lead",
            )
            for i, p in enumerate(planned, start=1)
            if p.lead is None and not any(q.parent == p.number for q in planned)
        ],
    )
    if dry_run or not (
        created or updated or deleted or changes.assignments_added or changes.assignments_removed
    ):
        # Nothing to write (a re-imported export): no audit row, the plan's version kept.
        return plan, changes

    before = await read(session, actor=actor, plan_id=plan.id)
    if old:
        await session.execute(delete(Assignment).where(Assignment.task_id.in_([t.id for t in old])))
        gone = [old_by_number[n].id for n in deleted]
        if gone:
            await session.execute(update(Task).where(Task.id.in_(gone)).values(parent_id=None))
            await session.execute(delete(Task).where(Task.id.in_(gone)))
    ids: dict[str, uuid.UUID] = {}
    rows: list[Task] = []
    for position, p in enumerate(planned):
        task = old_by_number.get(p.number)
        if task is None or p.number in deleted:
            task = Task(id=uuid.uuid4(), plan_id=plan.id, number=p.number)
            session.add(task)
        task.title = p.row.title
        task.expected_output = p.row.result
        task.note = p.row.note
        task.description = p.row.description
        task.deadline = p.row.deadline
        task.recurrence = p.row.recurrence
        task.position = position
        ids[p.number] = task.id
        rows.append(task)
    await session.flush()
    for task, p in zip(rows, planned, strict=True):
        task.parent_id = ids[p.parent] if p.parent else None
        if p.lead:
            session.add(
                Assignment(id=ordered_uuid(), task_id=task.id, org_unit_id=p.lead.id, role="lead")
            )
        for unit in p.coordinating:
            session.add(
                Assignment(
                    id=ordered_uuid(), task_id=task.id, org_unit_id=unit.id, role="coordinating"
                )
            )
    plan.updated_at = datetime.now(UTC)  # bumps the plan's version: its ETag covers the matrix
    await session.flush()
    after = await read(session, actor=actor, plan_id=plan.id)
    await audit.record(
        session,
        actor=actor,
        action="replace_matrix",
        entity_type=plans.ENTITY,
        entity_id=plan.id,
        before=before.model_dump(mode="json", include={"rows"}),
        after=after.model_dump(mode="json", include={"rows"}),
    )
    return plan, changes
