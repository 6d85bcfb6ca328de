"""Report requests: who may see them, create and edit drafts, open (one draft answer per
required unit, everyone told), close, the reporting status with DHIS2-style rates, and the
scheduled jobs: reminders before and after the due date, and the next recurring request."""

import uuid
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ARRAY,
    ScalarSelect,
    Select,
    String,
    Uuid,
    and_,
    any_,
    bindparam,
    exists,
    func,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, selectinload

from api.access import Principal, per_caller
from api.db import unit_of_work
from api.errors import Conflict, Forbidden, NotFound, body_error
from api.models import (
    Assignment,
    Indicator,
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
from api.queue import tasks
from api.schemas.report import (
    DEFAULT_OUTLINE,
    IndicatorRef,
    OutlineSection,
    ReportRequestCreate,
    ReportRequestRead,
    ReportRequestUpdate,
    RequestStatus,
    UnitRef,
    UnitSelection,
)
from api.services import audit, documents, notifications
from api.services.documents import format_reference, reference_of
from api.services.indicators import resolve as resolve_indicator
from api.services.org_units import check_version

ENTITY = "report_request"
MANAGERS = (Role.plan_manager,)
# Days are counted in Vietnam: a report due on the 20th may arrive until 23:59:59 there.
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
REMINDER_DAYS = (7, 3, 1)
HUNDRED = Decimal(100)


def deadline_of(due: date) -> datetime:
    return datetime.combine(due + timedelta(days=1), time(0), TZ)


def is_late(at: datetime | None, due: date) -> bool:
    return at is not None and at >= deadline_of(due)


# A unit's report in these states (None: none yet) is not filed.
UNFILED = (None, "draft", "returned")


def past_deadline_open(request: ReportRequest, now: datetime) -> bool:
    """The request's part of `is_overdue`, for working it out once over many units."""
    return request.status == "open" and now >= deadline_of(request.due_date)


def is_overdue(request: ReportRequest, submission_status: str | None, now: datetime) -> bool:
    """An open request's unit that has not filed (no report yet, a draft, or returned) once
    the deadline has passed."""
    return submission_status in UNFILED and past_deadline_open(request, now)


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


# One statement for any number of indicators (an array, not a list of parameters).
_INDICATORS = select(Indicator).where(Indicator.id == any_(bindparam("ids", type_=ARRAY(Uuid))))


async def indicators_of(session: AsyncSession, ids: Sequence[uuid.UUID]) -> list[Indicator]:
    """A request's indicators (its `indicator_ids`), in its order."""
    if not ids:
        return []
    rows = {i.id: i for i in await session.scalars(_INDICATORS, {"ids": list(ids)})}
    return [rows[i] for i in ids if i in rows]


def indicators_stamp(indicator_ids: Any) -> ScalarSelect[str]:
    """A column: each of these indicators' id with its row's version: the transaction that
    wrote it (`xmin`) and where (`ctid`), both new with every change to the row, whoever makes
    it (the ORM, an import, plain SQL), and the pair never the same again. Two equal stamps
    are the same definitions."""
    return (
        select(
            func.string_agg(
                literal_column(
                    "indicator.id::text || indicator.xmin::text || indicator.ctid::text"
                ),
                aggregate_order_by(literal_column("' '"), Indicator.id),
            )
        )
        .where(Indicator.id == any_(indicator_ids))
        .scalar_subquery()
    )


# The definitions of the indicators recent saves checked their values against, by ids and
# stamp: an autosave reads the stamp with its report and does not read them again unless one
# has changed. Detached copies, never changed in place; a few hundred requests' worth.
_KNOWN: OrderedDict[tuple[tuple[uuid.UUID, ...], str], list[Indicator]] = OrderedDict()
_KNOWN_MAX = 256


async def stamped_indicators_of(
    session: AsyncSession, ids: Sequence[uuid.UUID], stamp: str | None
) -> list[Indicator]:
    """`indicators_of`, from the process's cache while `stamp` (`indicators_stamp`, read in
    the same transaction) is the one they were cached under."""
    if not ids or stamp is None:
        return await indicators_of(session, ids)
    key = (tuple(ids), stamp)
    known = _KNOWN.get(key)
    if known is not None:
        _KNOWN.move_to_end(key)
        return known
    indicators = await indicators_of(session, ids)
    for indicator in indicators:
        session.expunge(indicator)
    _KNOWN[key] = indicators
    while len(_KNOWN) > _KNOWN_MAX:
        _KNOWN.popitem(last=False)
    return indicators


def indicator_ref(ind: Indicator) -> IndicatorRef:
    return IndicatorRef(
        id=ind.id,
        code=ind.code,
        name=ind.name_vi,
        unit=ind.unit,
        value_type=ind.value_type,
        numerator_label=ind.numerator_label,
        denominator_label=ind.denominator_label,
        decimals=ind.decimals,
        factor=ind.factor,
    )


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
    return actions


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
        after=_snapshot(request),
    )
    return await get(session, actor=actor, request_id=request.id)


def _snapshot(request: ReportRequest) -> dict[str, Any]:
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
    before = _snapshot(request)
    for key in ("title", "kind", "period", "due_date", "cutoff", "include_child_plans"):
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
            await _open_submissions(session, actor.user_id, request, added)
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
        after=_snapshot(request),
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


async def _open_submissions(
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
    before = _snapshot(request)
    request.status = "open"
    request.opened_at = datetime.now(UTC)
    await _open_submissions(session, actor.user_id, request, list(request.units))
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="open",
        entity_type=ENTITY,
        entity_id=request.id,
        before=before,
        after=_snapshot(request),
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
    before = _snapshot(request)
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
        after=_snapshot(request),
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


# --- status -------------------------------------------------------------------------------


def _pct(part: int, whole: int) -> Decimal:
    if whole == 0:
        return Decimal(0)
    return min(HUNDRED, Decimal(part) * HUNDRED / Decimal(whole)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


@dataclass
class _Row:
    unit: OrgUnit
    submission: Submission | None


# Each required unit with its report's state columns, in the units' order: one query, no
# ORM instances by the hundred.
_STATUS_ROWS = (
    select(
        OrgUnit.id,
        OrgUnit.code,
        OrgUnit.name,
        OrgUnit.active,
        Submission.id.label("submission_id"),
        Submission.status,
        Submission.version,
        Submission.late,
        Submission.first_submitted_at,
        Submission.submitted_at,
        Submission.accepted_at,
    )
    .select_from(report_request_unit)
    .join(OrgUnit, OrgUnit.id == report_request_unit.c.org_unit_id)
    .outerjoin(
        Submission,
        and_(
            Submission.request_id == report_request_unit.c.request_id,
            Submission.org_unit_id == OrgUnit.id,
        ),
    )
    .where(report_request_unit.c.request_id == bindparam("request_id"))
    .order_by(OrgUnit.code)
)


async def status(
    session: AsyncSession, *, actor: Principal, request: ReportRequest, now: datetime | None = None
) -> RequestStatus:
    """Each required unit's state and the rates. Expected: the request's active units only,
    so neither an inactive unit nor a submission from outside the request can lift a rate
    above 100 %. On time: first submitted before the deadline, whatever happened after."""
    now = now or datetime.now(UTC)
    deadline = deadline_of(request.due_date)
    overdue_unless_filed = past_deadline_open(request, now)  # is_overdue's part, once
    units: list[dict[str, Any]] = []
    expected = submitted = on_time = accepted = returned = overdue = 0
    for row in await session.execute(_STATUS_ROWS, {"request_id": request.id}):
        state = row.status
        started = row.submission_id is not None and (state != "draft" or row.version > 1)
        filed = state in ("submitted", "accepted")
        late = bool(row.late)
        overdue_now = overdue_unless_filed and state in UNFILED
        if row.active:
            expected += 1
            submitted += filed
            on_time += filed and not late
            accepted += state == "accepted"
            returned += state == "returned"
            overdue += overdue_now
        units.append(
            {
                "org_unit": {"id": row.id, "code": row.code, "name": row.name},
                "active": row.active,
                "submission_id": row.submission_id,
                "state": state if started else "not_started",
                "first_submitted_at": row.first_submitted_at,
                "submitted_at": row.submitted_at,
                "late": late,
                "overdue": overdue_now,
                "accepted_at": row.accepted_at,
            }
        )
    return RequestStatus.model_validate(
        {
            "request_id": request.id,
            "due_date": request.due_date,
            "deadline": deadline,
            "rates": {
                "expected": expected,
                "submitted": submitted,
                "on_time": on_time,
                "accepted": accepted,
                "returned": returned,
                "overdue": overdue,
                "completeness": _pct(submitted, expected),
                "timeliness": _pct(on_time, expected),
            },
            "units": units,
        }
    )


# --- scheduled work -----------------------------------------------------------------------


async def send_reminders(session: AsyncSession, *, today: date | None = None) -> int:
    """7, 3 and 1 days before the due date, and once when overdue: tell the reporters of
    every unit that has not filed yet. Each stage is sent once per request."""
    today = today or datetime.now(TZ).date()
    sent = 0
    open_requests = await session.scalars(
        select(ReportRequest)
        .where(ReportRequest.status == "open", ReportRequest.due_date <= today + timedelta(days=7))
        .with_for_update(skip_locked=True)
    )
    for request in list(open_requests):
        days = (request.due_date - today).days
        # The most urgent stage reached: 6 days left is the 7-day notice, 2 days the 3-day one.
        reached = [d for d in REMINDER_DAYS if days <= d]
        stage = "overdue" if days < 0 else (str(min(reached)) if reached else None)
        done = set(request.reminders_sent or [])
        if stage is None or stage in done:
            continue
        # A later stage makes earlier ones moot (a request opened 2 days before its due date
        # gets the 3-day notice, not three at once).
        request.reminders_sent = [*done, stage, *[str(d) for d in REMINDER_DAYS if days <= d]]
        pending = await session.scalars(
            select(Submission).where(
                Submission.request_id == request.id,
                Submission.status.in_(("draft", "returned")),
            )
        )
        ref = reference(request) or request.title
        for sub in pending:
            if not sub.org_unit.active:
                continue
            if stage == "overdue":
                title = f"Quá hạn nộp báo cáo: {ref}"
                body = (
                    f"{sub.org_unit.name} chưa nộp báo cáo; "
                    f"hạn nộp {request.due_date:%d/%m/%Y} đã qua."
                )
            else:
                title = f"Còn {days} ngày đến hạn nộp báo cáo: {ref}"
                body = f"Hạn nộp {request.due_date:%d/%m/%Y}. {request.title}"
            await notifications.notify(
                session,
                user_ids=await holders_of(session, Role.reporter, sub.org_unit),
                kind="overdue" if stage == "overdue" else "due_soon",
                title=title,
                body=body,
                link=f"/submissions/{sub.id}",
                entity=("submission", sub.id),
            )
            sent += 1
    await session.flush()
    return sent


@tasks.periodic(cron="5 * * * *")
@tasks.task(name="reports.send_reminders", queue="housekeeping")
async def send_reminders_job(timestamp: int) -> None:
    async with unit_of_work() as session:
        await send_reminders(session)


def next_period(code: str, recurrence: str) -> str:
    """The period after `code` of the recurrence's type: 2026Q2 -> 2026Q3, 2026 -> 2027."""
    period = parse(code)
    start = period.end + timedelta(days=1)
    y, m = start.year, start.month
    return {
        "monthly": f"{y}{m:02d}",
        "quarterly": f"{y}Q{(m - 1) // 3 + 1}",
        "six_monthly": f"{y}S{1 if m <= 6 else 2}",
        "yearly": f"{y}",
    }[recurrence]


async def create_recurring(session: AsyncSession, *, today: date | None = None) -> int:
    """For each recurring request whose period has ended, open the next one (same units,
    outline, tasks, indicators), due `due_days_after_period` after that period ends."""
    today = today or datetime.now(TZ).date()
    successor = aliased(ReportRequest)
    due = await session.scalars(
        whole(select(ReportRequest))
        .where(
            ReportRequest.recurrence.is_not(None),
            ReportRequest.status != "draft",
            ReportRequest.period_end < today,
            ~exists(select(1).where(successor.recurred_from_id == ReportRequest.id)),
        )
        .with_for_update(skip_locked=True)
    )
    created = 0
    for previous in list(due):
        assert previous.recurrence is not None
        code = next_period(previous.period, previous.recurrence)
        period = parse(code, cutoff=previous.cutoff)
        request = ReportRequest(
            requester_id=previous.requester_id,
            document_id=None,
            plan_id=previous.plan_id,
            title=previous.title,
            kind=previous.kind,
            period=period.code,
            period_start=period.start,
            period_end=period.end,
            cutoff=previous.cutoff,
            due_date=period.end + timedelta(days=previous.due_days_after_period or 0),
            status="open",
            outline=list(previous.outline),
            task_ids=list(previous.task_ids),
            include_child_plans=previous.include_child_plans,
            indicator_ids=list(previous.indicator_ids),
            recurrence=previous.recurrence,
            due_days_after_period=previous.due_days_after_period,
            recurred_from_id=previous.id,
            opened_at=datetime.now(UTC),
            reminders_sent=[],
        )
        request.requester = previous.requester
        request.units = [u for u in previous.units if u.active]
        session.add(request)
        await session.flush()
        await _open_submissions(session, None, request, list(request.units))
        await audit.record(
            session,
            actor=None,
            action="recur",
            entity_type=ENTITY,
            entity_id=request.id,
            after=_snapshot(request),
        )
        created += 1
    return created


@tasks.periodic(cron="30 0 * * *")
@tasks.task(name="reports.create_recurring", queue="housekeeping")
async def create_recurring_job(timestamp: int) -> None:
    async with unit_of_work() as session:
        await create_recurring(session)
