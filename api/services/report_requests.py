"""Report requests: who may see them, create and edit drafts, open (one draft answer per
required unit, everyone told), close. Apart: their status and rates (report_request_status),
scheduled jobs (report_request_schedule), indicators (request_indicators), due dates
(deadlines)."""

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ARRAY, Select, String, and_, bindparam, exists, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, selectinload

from api.access import Principal, per_caller
from api.errors import Conflict, Forbidden, NotFound, body_error
from api.models import (
    Assignment,
    OrgUnit,
    Plan,
    ReportRequest,
    Role,
    Submission,
    Task,
    report_request_unit,
)
from api.paging import bad_cursor, decode_cursor, encode_cursor
from api.periods import PeriodError, parse
from api.schemas.report_request import (
    DEFAULT_OUTLINE,
    OutlineSection,
    ReportRequestCreate,
    ReportRequestRead,
    ReportRequestUpdate,
    UnitRef,
    UnitSelection,
)
from api.services import audit, documents, notifications
from api.services.documents import format_reference, reference_of
from api.services.indicators import resolve as resolve_indicator
from api.services.org_units import check_version
from api.services.request_indicators import indicator_ref, indicators_of
from api.services.signers import signing_actions

ENTITY = "report_request"
MANAGERS = (Role.plan_manager,)
# Built once: an alias proxies every column of its table, which costs more than the query.
_REQUESTER = aliased(OrgUnit, name="requester")
_TARGET = aliased(OrgUnit, name="target")


@per_caller
def readable_statement(actor: Principal) -> Select[ReportRequest]:
    """Requests the caller may see: their own units' (drafts too), and open or closed ones
    addressed to a unit their roles reach."""
    requester, target = _REQUESTER, _TARGET
    addressed = exists(
        select(1)
        .select_from(report_request_unit)
        .join(target, target.id == report_request_unit.c.org_unit_id)
        .where(
            report_request_unit.c.request_id == ReportRequest.id,
            or_(actor.unit_condition(target.path, tuple(Role)), target.path == actor.unit_path),
        )
    )
    return (
        select(ReportRequest)
        .join(requester, requester.id == ReportRequest.requester_id)
        .where(
            or_(
                actor.unit_condition(requester.path, tuple(Role)),
                requester.path == actor.unit_path,
                and_(ReportRequest.status != "draft", addressed),
            )
        )
    )


def whole(stmt: Select[ReportRequest]) -> Select[ReportRequest]:
    """A request with its plan and its units, for reading it whole."""
    return stmt.options(
        selectinload(ReportRequest.units), selectinload(ReportRequest.plan)
    ).execution_options(populate_existing=True)


async def get(
    session: AsyncSession, *, actor: Principal, request_id: uuid.UUID, read_whole: bool = True
) -> ReportRequest:
    """A request the caller may see; `read_whole=False` leaves its units and plan unloaded
    (the status reads its units as columns)."""
    stmt = readable_statement(actor).where(ReportRequest.id == request_id)
    found = await session.scalar(whole(stmt) if read_whole else stmt)
    if found is None:
        raise NotFound(f"Không có yêu cầu báo cáo {request_id}.")
    return found


def unit_ref(unit: OrgUnit) -> UnitRef:
    return UnitRef(id=unit.id, code=unit.code, name=unit.name)


def reference(request: ReportRequest) -> str | None:
    return format_reference(reference_of(request.document)) if request.document else None


def actions_of(actor: Principal, request: ReportRequest) -> list[str]:
    """What the caller may do to `request` now, by their grants and its status: the same tests
    the services make before they act (open_request, close_request, update_request, status,
    the bulk accept), so an action listed is accepted and one left out is refused."""
    path = request.requester.path
    actions = []
    if actor.can(MANAGERS, path):
        if request.status != "closed":
            actions.append("edit")
        if request.status == "draft" and request.units:
            actions.append("open")
        if request.status == "open":
            actions.append("close")
    if actor.can(tuple(Role), path):
        actions.append("status")
    if actor.can((Role.reviewer,), path):
        actions.append("accept")
    return actions + signing_actions(actor, request.requester)


async def read_model(
    session: AsyncSession, request: ReportRequest, *, actor: Principal
) -> ReportRequestRead:
    plan = request.plan
    return ReportRequestRead(
        id=request.id,
        version=request.version,
        requester=unit_ref(request.requester),
        document_id=request.document_id,
        reference=reference(request),
        plan_id=request.plan_id,
        plan_title=plan.title if plan else None,
        plan_reference=format_reference(reference_of(plan.document))
        if plan and plan.document
        else None,
        title=request.title,
        kind=request.kind,
        period=request.period,
        period_start=request.period_start,
        period_end=request.period_end,
        cutoff=request.cutoff,
        due_date=request.due_date,
        status=request.status,
        outline=[OutlineSection.model_validate(s) for s in request.outline or []],
        task_ids=list(request.task_ids or []),
        include_child_plans=request.include_child_plans,
        signed_reports=request.signed_reports,
        indicators=[indicator_ref(i) for i in await indicators_of(session, request.indicator_ids)],
        units=sorted((unit_ref(u) for u in request.units), key=lambda u: u.code),
        recurrence=request.recurrence,
        due_days_after_period=request.due_days_after_period,
        recurred_from_id=request.recurred_from_id,
        opened_at=request.opened_at,
        closed_at=request.closed_at,
        actions=actions_of(actor, request),
    )


def require_requester_side(actor: Principal, request: ReportRequest) -> None:
    """Rates, other units' states and the compilation belong to the requesting side."""
    if not actor.can(tuple(Role), request.requester.path):
        raise Forbidden("Chỉ đơn vị yêu cầu báo cáo mới xem được tình hình báo cáo và tổng hợp.")


def require_manager(actor: Principal, request: ReportRequest) -> None:
    if not actor.can(MANAGERS, request.requester.path):
        raise Forbidden("Chỉ cán bộ quản lý kế hoạch của đơn vị yêu cầu mới được sửa yêu cầu này.")


async def _units(
    session: AsyncSession, actor: Principal, selection: UnitSelection, plan_id: uuid.UUID | None
) -> list[OrgUnit]:
    """Resolve the selection to active units; unknown ids are named in the error."""
    found: dict[uuid.UUID, OrgUnit] = {}
    if selection.unit_ids:
        rows = {
            u.id: u
            for u in await session.scalars(
                select(OrgUnit).where(OrgUnit.id.in_(selection.unit_ids))
            )
        }
        missing = [str(i) for i in selection.unit_ids if i not in rows]
        if missing:
            raise body_error(
                "units.unit_ids", f"Không có đơn vị: {', '.join(missing[:10])}", "unknown_unit"
            )
        found.update(rows)
    if selection.from_plan_assignments:
        if plan_id is None:
            raise body_error("units.from_plan_assignments", "Yêu cầu chưa gắn kế hoạch", "no_plan")
        stmt = (
            select(OrgUnit)
            .join(Assignment, Assignment.org_unit_id == OrgUnit.id)
            .join(Task, Task.id == Assignment.task_id)
            .where(Task.plan_id == plan_id)
        )
        found.update({u.id: u for u in await session.scalars(stmt)})
    if selection.unit_types:
        stmt = select(OrgUnit).where(OrgUnit.type.in_(selection.unit_types))
        if selection.within_id is not None:
            within = await session.get(OrgUnit, selection.within_id)
            if within is None:
                raise body_error("units.within_id", "Không có đơn vị này", "unknown_unit")
            stmt = stmt.where(OrgUnit.path.startswith(within.path, autoescape=True))
        found.update({u.id: u for u in await session.scalars(stmt)})
    return [u for u in found.values() if u.active]


async def _indicator_ids(session: AsyncSession, keys: list[str]) -> list[uuid.UUID]:
    ids: list[uuid.UUID] = []
    for key in dict.fromkeys(keys):
        ids.append((await resolve_indicator(session, key, "indicators")).id)
    return ids


async def _plan(session: AsyncSession, actor: Principal, plan_id: uuid.UUID | None) -> Plan | None:
    if plan_id is None:
        return None
    from api.services import plans

    try:
        return await plans.get(session, actor=actor, plan_id=plan_id)
    except NotFound as exc:
        raise body_error("plan_id", f"Không có kế hoạch {plan_id}", "unknown_plan") from exc


# The issued plans implementing a plan, at any depth, nearest first, in one query.
_IMPLEMENTING_PLANS = text(
    """
WITH RECURSIVE tree(id, depth, seen) AS (
    SELECT CAST(:plan_id AS uuid), 0, ARRAY[CAST(:plan_id AS uuid)]
    UNION ALL
    SELECT pp.plan_id, tree.depth + 1, tree.seen || pp.plan_id
    FROM tree JOIN plan_parent pp ON pp.parent_id = tree.id
    JOIN plan p ON p.id = pp.plan_id
    WHERE p.status <> 'draft' AND NOT pp.plan_id = ANY(tree.seen))
SELECT id FROM tree ORDER BY depth"""
)


async def plan_ids_in_scope(session: AsyncSession, request: ReportRequest) -> list[uuid.UUID]:
    """The subject plan and, if asked, the issued plans that implement it (any depth)."""
    if request.plan_id is None:
        return []
    if not request.include_child_plans:
        return [request.plan_id]
    found = await session.scalars(_IMPLEMENTING_PLANS, {"plan_id": request.plan_id})
    return list(dict.fromkeys(found))


async def _check_tasks(
    session: AsyncSession, request: ReportRequest, task_ids: list[uuid.UUID]
) -> list[uuid.UUID]:
    if not task_ids:
        return []
    plans_ = await plan_ids_in_scope(session, request)
    known = set(
        await session.scalars(
            select(Task.id).where(Task.id.in_(task_ids), Task.plan_id.in_(plans_ or [uuid.uuid4()]))
        )
    )
    missing = [str(t) for t in task_ids if t not in known]
    if missing:
        raise body_error(
            "task_ids",
            f"Nhiệm vụ không thuộc kế hoạch của yêu cầu: {', '.join(missing[:10])}",
            "unknown_task",
        )
    return list(dict.fromkeys(task_ids))


def _period(code: str, cutoff: bool) -> tuple[str, date, date]:
    try:
        period = parse(code, cutoff=cutoff)
    except PeriodError as exc:
        raise body_error("period", str(exc), "invalid_period") from exc
    return period.code, period.start, period.end


async def create(
    session: AsyncSession, *, actor: Principal, data: ReportRequestCreate
) -> ReportRequest:
    requester = await session.get(OrgUnit, data.requester_id)
    if requester is None:
        raise body_error("requester_id", "Đơn vị yêu cầu không tồn tại", "unknown_unit")
    if not actor.can(MANAGERS, requester.path):
        raise Forbidden("Chỉ cán bộ quản lý kế hoạch của đơn vị mới được gửi yêu cầu báo cáo.")
    await _plan(session, actor, data.plan_id)
    await documents.require_exists(session, data.document_id)
    code, start, end = _period(data.period, data.cutoff)
    request = ReportRequest(
        requester_id=requester.id,
        document_id=data.document_id,
        plan_id=data.plan_id,
        title=data.title,
        kind=data.kind,
        period=code,
        period_start=start,
        period_end=end,
        cutoff=data.cutoff,
        due_date=data.due_date,
        status="draft",
        outline=[s.model_dump() for s in (data.outline or DEFAULT_OUTLINE)],
        include_child_plans=data.include_child_plans,
        signed_reports=bool(data.signed_reports),
        indicator_ids=await _indicator_ids(session, data.indicators),
        recurrence=data.recurrence,
        due_days_after_period=data.due_days_after_period,
        reminders_sent=[],
        task_ids=[],
    )
    request.requester = requester
    request.units = await _units(session, actor, data.units, data.plan_id)
    request.task_ids = await _check_tasks(session, request, data.task_ids)
    session.add(request)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="create",
        entity_type=ENTITY,
        entity_id=request.id,
        after=snapshot(request),
    )
    return await get(session, actor=actor, request_id=request.id)


def snapshot(request: ReportRequest) -> dict[str, Any]:
    snap = audit.snapshot(request)
    snap["unit_ids"] = sorted(str(u.id) for u in request.units)
    return snap


OPEN_EDITABLE = {"due_date", "units", "title", "document_id"}


async def update_request(
    session: AsyncSession,
    *,
    actor: Principal,
    request_id: uuid.UUID,
    expected_version: int,
    data: ReportRequestUpdate,
) -> ReportRequest:
    request = await get(session, actor=actor, request_id=request_id)
    require_manager(actor, request)
    check_version(request, expected_version)
    changes = data.model_dump(exclude_unset=True)
    if request.status == "closed":
        raise Conflict("Yêu cầu đã đóng, không sửa được.")
    if request.status == "open" and set(changes) - OPEN_EDITABLE:
        fields = ", ".join(sorted(set(changes) - OPEN_EDITABLE))
        raise Conflict(
            "Yêu cầu đã gửi: chỉ sửa được hạn nộp, tiêu đề, văn bản và thêm đơn vị "
            f"(không sửa: {fields})."
        )
    before = snapshot(request)
    for key in (
        "title",
        "kind",
        "period",
        "due_date",
        "cutoff",
        "include_child_plans",
        "signed_reports",
    ):
        if key in changes and changes[key] is None:
            raise body_error(key, "Không được null", "null")
    if "document_id" in changes:
        await documents.require_exists(session, changes["document_id"])
        request.document_id = changes["document_id"]
    for key in (
        "title",
        "kind",
        "due_date",
        "include_child_plans",
        "signed_reports",
        "recurrence",
        "due_days_after_period",
    ):
        if key in changes:
            setattr(request, key, changes[key])
    if "period" in changes or "cutoff" in changes:
        cutoff = changes.get("cutoff", request.cutoff)
        request.period, request.period_start, request.period_end = _period(
            changes.get("period") or request.period, cutoff
        )
        request.cutoff = cutoff
    if "outline" in changes:
        request.outline = [
            OutlineSection.model_validate(s).model_dump() for s in changes["outline"] or []
        ]
    if "indicators" in changes:
        request.indicator_ids = await _indicator_ids(session, changes["indicators"] or [])
    if "task_ids" in changes:
        request.task_ids = await _check_tasks(session, request, changes["task_ids"] or [])
    if data.units is not None:
        units = await _units(session, actor, data.units, request.plan_id)
        if request.status == "open":
            kept = {u.id for u in request.units}
            if not kept <= {u.id for u in units}:
                raise Conflict(
                    "Yêu cầu đã gửi: chỉ thêm đơn vị, không bớt (đơn vị đã nhận yêu cầu)."
                )
            added = [u for u in units if u.id not in kept]
            request.units = units
            await open_submissions(session, actor.user_id, request, added)
        else:
            request.units = units
    if request.recurrence and request.due_days_after_period is None:
        raise body_error(
            "due_days_after_period", "Báo cáo lặp lại cần số ngày hạn nộp sau kỳ", "missing"
        )
    request.updated_at = datetime.now(UTC)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="update",
        entity_type=ENTITY,
        entity_id=request.id,
        before=before,
        after=snapshot(request),
    )
    return await get(session, actor=actor, request_id=request.id)


def ancestor_paths(path: str) -> list[str]:
    """ "/a/b/c/" -> ["/a/", "/a/b/", "/a/b/c/"]: the paths of a unit and all above it."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


# Active users holding a role (:holder_role) over a unit (:holder_unit; :holder_paths, its
# path and those above it): a grant on it, or on a unit above it that extends to its
# subtree. Text, so that a workflow move's statement takes it as a CTE
# (submission_workflow._moving).
HOLDERS_SQL = """SELECT DISTINCT u.id, u.email FROM app_user u
    JOIN role_assignment ra ON ra.user_id = u.id
    JOIN org_unit g ON g.id = ra.org_unit_id
    WHERE u.active AND ra.role = :holder_role AND g.path = ANY(:holder_paths)
      AND (ra.org_unit_id = :holder_unit OR ra.include_subtree)"""
HOLDERS_TYPES = (bindparam("holder_paths", type_=ARRAY(String())),)
_HOLDERS = text(f"{HOLDERS_SQL}\nORDER BY u.id").bindparams(*HOLDERS_TYPES)


def holder_params(role: Role, unit: OrgUnit) -> dict[str, Any]:
    """The parameters of HOLDERS_SQL."""
    return {
        "holder_role": role.value,
        "holder_paths": ancestor_paths(unit.path),
        "holder_unit": unit.id,
    }


async def holders_of(
    session: AsyncSession, role: Role, unit: OrgUnit
) -> dict[uuid.UUID, str | None]:
    """Those who hold `role` over this unit (HOLDERS_SQL), each with their e-mail address:
    what `notify` needs of them, read in the same round trip."""
    rows = await session.execute(_HOLDERS, holder_params(role, unit))
    return {user_id: address for user_id, address in rows}


def link_of(request: ReportRequest) -> str:
    return f"/report-requests/{request.id}"


async def open_submissions(
    session: AsyncSession, actor_id: uuid.UUID | None, request: ReportRequest, units: list[OrgUnit]
) -> None:
    """A draft answer for each unit that has none, and a notice to its reporters."""
    have = set(
        await session.scalars(
            select(Submission.org_unit_id).where(Submission.request_id == request.id)
        )
    )
    ref = reference(request) or request.title
    for unit in units:
        if unit.id in have:
            continue
        session.add(
            Submission(
                request_id=request.id,
                org_unit_id=unit.id,
                status="draft",
                sections=[],
                task_results={},
                issued_documents=[],
                links=[],
                recipients=[],
                updated_by=actor_id,
            )
        )
        await notifications.notify(
            session,
            user_ids=await holders_of(session, Role.reporter, unit),
            kind="new_request",
            title=f"Yêu cầu báo cáo mới: {ref}",
            body=(
                f"{request.requester.name} đề nghị {unit.name} báo cáo: {request.title}. "
                f"Hạn nộp {request.due_date:%d/%m/%Y}."
            ),
            link=link_of(request),
            entity=(ENTITY, request.id),
        )
    await session.flush()


async def open_request(
    session: AsyncSession, *, actor: Principal, request_id: uuid.UUID, expected_version: int
) -> ReportRequest:
    request = await get(session, actor=actor, request_id=request_id)
    require_manager(actor, request)
    check_version(request, expected_version)
    if request.status != "draft":
        raise Conflict(f"Yêu cầu đang ở trạng thái {request.status}; chỉ bản nháp mới gửi đi được.")
    if not request.units:
        raise Conflict("Chưa chọn đơn vị phải báo cáo.")
    before = snapshot(request)
    request.status = "open"
    request.opened_at = datetime.now(UTC)
    await open_submissions(session, actor.user_id, request, list(request.units))
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="open",
        entity_type=ENTITY,
        entity_id=request.id,
        before=before,
        after=snapshot(request),
    )
    return await get(session, actor=actor, request_id=request.id)


async def close_request(
    session: AsyncSession, *, actor: Principal, request_id: uuid.UUID, expected_version: int
) -> ReportRequest:
    request = await get(session, actor=actor, request_id=request_id)
    require_manager(actor, request)
    check_version(request, expected_version)
    if request.status != "open":
        raise Conflict("Chỉ đóng được yêu cầu đang mở.")
    before = snapshot(request)
    request.status = "closed"
    request.closed_at = datetime.now(UTC)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="close",
        entity_type=ENTITY,
        entity_id=request.id,
        before=before,
        after=snapshot(request),
    )
    return await get(session, actor=actor, request_id=request.id)


async def list_requests(
    session: AsyncSession,
    *,
    actor: Principal,
    status: str | None,
    plan_id: uuid.UUID | None,
    requester_id: uuid.UUID | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[ReportRequest], str | None]:
    stmt = readable_statement(actor)
    if status:
        stmt = stmt.where(ReportRequest.status == status)
    if plan_id:
        stmt = stmt.where(ReportRequest.plan_id == plan_id)
    if requester_id:
        stmt = stmt.where(ReportRequest.requester_id == requester_id)
    after = decode_cursor(cursor, 2)
    if after is not None:
        try:
            due, last = date.fromisoformat(str(after[0])), uuid.UUID(str(after[1]))
        except ValueError as exc:
            raise bad_cursor() from exc
        stmt = stmt.where(
            or_(
                ReportRequest.due_date < due,
                and_(ReportRequest.due_date == due, ReportRequest.id > last),
            )
        )
    stmt = stmt.order_by(ReportRequest.due_date.desc(), ReportRequest.id).limit(limit + 1)
    rows = list((await session.scalars(whole(stmt))).all())
    next_cursor = None
    if len(rows) > limit:
        last_row = rows[limit - 1]
        next_cursor = encode_cursor([last_row.due_date.isoformat(), str(last_row.id)])
    return rows[:limit], next_cursor
