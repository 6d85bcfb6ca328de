"""Submissions: a unit's answer to a report request, and its workflow.

draft (autosaved; If-Match on every write) -> submitted (locked; late after the due date)
-> returned with comments (editable again) -> submitted -> accepted. The unit's reporters
edit and submit; the requesting unit's reviewers return and accept. Every move is audited and
keeps a revision of the whole report, so any two can be compared. Indicator values live in
the data-value model (source "submission") and follow the report: draft, submitted, accepted.
"""

import bisect
import functools
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, cast

from sqlalchemy import Select, Table, TextClause, Uuid, and_, bindparam, func, or_, select, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.engine import Row as DbRow
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, contains_eager, defer, joinedload, lazyload
from sqlalchemy.orm.attributes import set_committed_value

from api.access import Principal, per_caller
from api.errors import Conflict, Forbidden, InvalidInput, NotFound
from api.models import (
    Assignment,
    DataValue,
    OrgUnit,
    ReportAttachment,
    ReportRequest,
    Role,
    Submission,
    SubmissionRevision,
    Task,
    User,
)
from api.paging import decode_id_cursor, encode_cursor
from api.schemas.common import StoredFileRead
from api.schemas.report import (
    Change,
    Diff,
    IssuedDocument,
    Link,
    OutlineSection,
    Output,
    Revision,
    RevisionRef,
    Section,
    SubmissionRead,
    SubmissionSaved,
    SubmissionSummary,
    SubmissionUpdate,
    TaskRow,
    ValueRow,
)
from api.services import audit, data_values, notifications
from api.services.documents import Reference, format_reference
from api.services.imports import Outcome
from api.services.org_units import check_version
from api.services.report_requests import (
    HOLDERS_SQL,
    HOLDERS_TYPES,
    TZ,
    UNFILED,
    holder_params,
    indicator_ref,
    indicators_of,
    indicators_stamp,
    is_late,
    past_deadline_open,
    plan_ids_in_scope,
    reference,
    stamped_indicators_of,
)
from api.tabular import Row

ENTITY = "submission"
EDITORS = (Role.reporter,)
REVIEWERS = (Role.reviewer,)
UNIT_ROLES = (Role.reporter, Role.plan_manager)


# Built once: an alias proxies every column of its table, which costs more than the query.
_UNIT = aliased(OrgUnit, name="unit")
_REQUESTER = aliased(OrgUnit, name="requester")


@per_caller
def readable_statement(actor: Principal, *, eager: bool = False) -> Select[Submission]:
    """Drafts only for the unit's own people; filed reports also for those above the unit
    and for the requesting unit's reviewers, managers and viewers. `eager`: the unit, the
    request, its requester and letter come in the same query (one report: one round trip,
    not four)."""
    unit, requester = _UNIT, _REQUESTER
    options = (
        (
            contains_eager(Submission.org_unit.of_type(unit)),
            contains_eager(Submission.request).contains_eager(
                ReportRequest.requester.of_type(requester)
            ),
            contains_eager(Submission.request).joinedload(ReportRequest.document),
        )
        if eager
        else ()
    )
    return (
        select(Submission)
        .options(*options)
        .join(unit, unit.id == Submission.org_unit_id)
        .join(ReportRequest, ReportRequest.id == Submission.request_id)
        .join(requester, requester.id == ReportRequest.requester_id)
        .where(
            or_(
                actor.unit_condition(unit.path, UNIT_ROLES),
                unit.path == actor.unit_path,
                and_(
                    Submission.status != "draft",
                    or_(
                        actor.unit_condition(requester.path, tuple(Role)),
                        actor.unit_condition(unit.path, tuple(Role)),
                    ),
                ),
            )
        )
    )


async def of_request(
    session: AsyncSession, *, actor: Principal, request: ReportRequest, statuses: Iterable[str]
) -> list[Submission]:
    """The reports of `request` the caller may read, in these statuses, with their units.
    Each gets `request` as it is, not a copy joined to every row: a compilation of 200
    reports decoded the request's and its letter's JSON 200 times."""
    stmt = (
        readable_statement(actor)
        .options(contains_eager(Submission.org_unit.of_type(_UNIT)), lazyload(Submission.request))
        .where(Submission.request_id == request.id, Submission.status.in_(list(statuses)))
    )
    subs = list(await session.scalars(stmt))
    for sub in subs:
        set_committed_value(sub, "request", request)
    return subs


@per_caller
def _one(actor: Principal, lock: bool) -> Select[Submission]:
    stmt = readable_statement(actor, eager=True).where(Submission.id == bindparam("submission_id"))
    if lock:
        # Serialises a save, a submit and a return racing on one report.
        stmt = stmt.with_for_update(of=Submission)
    return stmt.execution_options(populate_existing=True)


async def get(
    session: AsyncSession, *, actor: Principal, submission_id: uuid.UUID, lock: bool = False
) -> Submission:
    found = await session.scalar(_one(actor, lock), {"submission_id": submission_id})
    if found is None:
        raise NotFound(f"Không có báo cáo {submission_id}.")
    return found


def can_edit(actor: Principal, sub: Submission) -> bool:
    return sub.status in ("draft", "returned") and actor.can(EDITORS, sub.org_unit.path)


def can_review(actor: Principal, sub: Submission) -> bool:
    return actor.can(REVIEWERS, sub.request.requester.path)


def _reference(sub: Submission) -> str:
    symbol = sub.doc_symbol or "BC"
    ref = Reference(type="BC", number=sub.doc_number, symbol=symbol, issued_on=sub.report_date)
    return format_reference(ref) if sub.doc_number else f"Số: /{symbol}"


def summary(sub: Submission, now: datetime | None = None) -> SubmissionSummary:
    unit = sub.org_unit
    fields = summary_fields(sub, RequestPart.of(sub.request, now), (unit.id, unit.code, unit.name))
    return SubmissionSummary.model_validate(fields)


class SummarySource(Protocol):
    """What a list item is made from: a report, or a row of its columns."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def version(self) -> int: ...
    @property
    def status(self) -> str: ...
    @property
    def first_submitted_at(self) -> datetime | None: ...
    @property
    def submitted_at(self) -> datetime | None: ...
    @property
    def late(self) -> bool: ...
    @property
    def returned_at(self) -> datetime | None: ...
    @property
    def accepted_at(self) -> datetime | None: ...
    @property
    def review_comment(self) -> str | None: ...
    @property
    def updated_at(self) -> datetime: ...


@dataclass(frozen=True)
class RequestPart:
    """What the list items of one request share, worked out once for all of them."""

    fields: dict[str, Any]
    open_past_deadline: bool  # report_requests.past_deadline_open

    @classmethod
    def of(cls, request: ReportRequest, now: datetime | None = None) -> "RequestPart":
        return cls(
            {
                "request_id": request.id,
                "request_title": request.title,
                "request_reference": reference(request),
                "due_date": request.due_date,
            },
            past_deadline_open(request, now or datetime.now(UTC)),
        )


def summary_fields(
    sub: SummarySource, request: RequestPart, unit: tuple[uuid.UUID, str, str]
) -> dict[str, Any]:
    """SubmissionSummary's fields, for validating a page of them in one call. `sub` is a
    report or a row of its columns (see list_submissions); `unit` its unit's id, code, name."""
    unit_id, code, name = unit
    status = sub.status
    return {
        "id": sub.id,
        "version": sub.version,
        **request.fields,
        "org_unit": {"id": unit_id, "code": code, "name": name},
        "status": status,
        "started": status != "draft" or sub.version > 1,
        "first_submitted_at": sub.first_submitted_at,
        "submitted_at": sub.submitted_at,
        "late": sub.late,
        "overdue": request.open_past_deadline and status in UNFILED,
        "returned_at": sub.returned_at,
        "accepted_at": sub.accepted_at,
        "review_comment": sub.review_comment,
        "updated_at": sub.updated_at,
    }


# --- what the unit reports on ---------------------------------------------------------------


async def task_rows(session: AsyncSession, sub: Submission) -> list[TaskRow]:
    """The tasks assigned to the unit (or a unit under it) in the request's plans, each under
    its group heading; a request that names tasks or groups narrows it to those."""
    plan_ids = await plan_ids_in_scope(session, sub.request)
    if not plan_ids:
        return []
    assigned = (
        select(Assignment.task_id, Assignment.role)
        .join(OrgUnit, OrgUnit.id == Assignment.org_unit_id)
        .join(Task, Task.id == Assignment.task_id)
        .where(
            Task.plan_id.in_(plan_ids),
            OrgUnit.path.startswith(sub.org_unit.path, autoescape=True),
        )
    )
    roles = _strongest_roles(await session.execute(assigned))
    if not roles:
        return []
    tasks = {t.id: t for t in await session.scalars(select(Task).where(Task.plan_id.in_(plan_ids)))}
    chosen = _chosen(sub.request, tasks, roles)
    people = await _assignments(session, list(chosen))
    return _task_rows(sub, plan_ids, tasks, roles, chosen, people)


async def task_rows_of_units(
    session: AsyncSession, request: ReportRequest, subs: list[Submission]
) -> dict[uuid.UUID, list[TaskRow]]:
    """`task_rows` for many reports of one request (the compilation): the plans, their tasks
    and assignments are read once, not once per unit. Without the lead and coordinating
    units' names, which the compilation does not show."""
    plan_ids = await plan_ids_in_scope(session, request)
    if not plan_ids or not subs:
        return {sub.id: [] for sub in subs}
    assigned = (
        select(OrgUnit.path, Assignment.task_id, Assignment.role)
        .join(OrgUnit, OrgUnit.id == Assignment.org_unit_id)
        .join(Task, Task.id == Assignment.task_id)
        .where(Task.plan_id.in_(plan_ids))
    )
    by_path: list[tuple[str, uuid.UUID, str]] = [
        (path, task_id, role) for path, task_id, role in await session.execute(assigned)
    ]
    by_path.sort(key=lambda row: row[0])  # by code point, as bisect compares (not collation)
    paths = [row[0] for row in by_path]
    tasks = {t.id: t for t in await session.scalars(select(Task).where(Task.plan_id.in_(plan_ids)))}
    out: dict[uuid.UUID, list[TaskRow]] = {}
    for sub in subs:
        # The unit's own assignments and those of units under it: a contiguous run of paths.
        prefix = sub.org_unit.path
        first = bisect.bisect_left(paths, prefix)
        last = bisect.bisect_left(paths, prefix + "\uffff")
        roles = _strongest_roles((task_id, role) for _, task_id, role in by_path[first:last])
        chosen = _chosen(request, tasks, roles) if roles else set()
        out[sub.id] = _task_rows(sub, plan_ids, tasks, roles, chosen, {})
    return out


def _strongest_roles(rows: Iterable[Any]) -> dict[uuid.UUID, str]:
    """Per task, the unit's role in it: lead wins over coordinating."""
    roles: dict[uuid.UUID, str] = {}
    for task_id, role in rows:
        if roles.get(task_id) != "lead":
            roles[task_id] = role
    return roles


def _chosen(
    request: ReportRequest, tasks: dict[uuid.UUID, Task], roles: dict[uuid.UUID, str]
) -> set[uuid.UUID]:
    """The assigned tasks the request asks about, with the groups above them."""
    wanted = set(request.task_ids or [])
    chosen: set[uuid.UUID] = set()
    for task_id in roles:
        task = tasks[task_id]
        if wanted and task.id not in wanted and task.parent_id not in wanted:
            continue
        chosen.add(task.id)
        parent = task.parent_id
        while parent is not None and parent in tasks:
            chosen.add(parent)
            parent = tasks[parent].parent_id
    return chosen


def _task_rows(
    sub: Submission,
    plan_ids: list[uuid.UUID],
    tasks: dict[uuid.UUID, Task],
    roles: dict[uuid.UUID, str],
    chosen: set[uuid.UUID],
    people: dict[uuid.UUID, tuple[str | None, list[str]]],
) -> list[TaskRow]:
    plan_order = {pid: n for n, pid in enumerate(plan_ids)}
    results = sub.task_results or {}
    rows = []
    for task in sorted(
        (tasks[t] for t in chosen), key=lambda t: (plan_order[t.plan_id], t.position, t.number)
    ):
        answer: dict[str, Any] = dict(results.get(str(task.id)) or {})
        lead, coordinating = people.get(task.id, (None, []))
        is_group = task.id not in roles and any(tasks[c].parent_id == task.id for c in chosen)
        rows.append(
            TaskRow(
                task_id=task.id,
                plan_id=task.plan_id,
                number=task.number,
                title=task.title,
                is_group=is_group,
                role=roles.get(task.id),
                lead=lead,
                coordinating=coordinating,
                deadline=task.deadline,
                status=answer.get("status"),
                result=str(answer.get("result") or ""),
                outputs=[Output.model_validate(o) for o in answer.get("outputs") or []],
                note=str(answer.get("note") or ""),
            )
        )
    return rows


async def _assignments(
    session: AsyncSession, task_ids: list[uuid.UUID]
) -> dict[uuid.UUID, tuple[str | None, list[str]]]:
    out: dict[uuid.UUID, tuple[str | None, list[str]]] = {}
    stmt = (
        select(Assignment.task_id, Assignment.role, OrgUnit.name)
        .join(OrgUnit, OrgUnit.id == Assignment.org_unit_id)
        .where(Assignment.task_id.in_(task_ids))
        .order_by(OrgUnit.code)
    )
    for task_id, role, name in await session.execute(stmt):
        lead, coordinating = out.get(task_id, (None, []))
        if role == "lead":
            lead = name
        else:
            coordinating = [*coordinating, name]
        out[task_id] = (lead, coordinating)
    return out


async def value_rows(session: AsyncSession, sub: Submission) -> list[ValueRow]:
    indicators = await indicators_of(session, sub.request.indicator_ids)
    stored = await session.scalars(
        select(DataValue).where(
            DataValue.indicator_id.in_([i.id for i in indicators]),
            DataValue.org_unit_id == sub.org_unit_id,
            DataValue.period == sub.request.period,
            DataValue.deleted_at.is_(None),
        )
    )
    by_key: dict[uuid.UUID, list[DataValue]] = {}
    for stored_value in stored:
        by_key.setdefault(stored_value.indicator_id, []).append(stored_value)
    rows = []
    for ind in indicators:
        found: list[DataValue | None] = [*sorted(by_key.get(ind.id, []), key=lambda d: d.option)]
        for dv in found or [None]:
            rows.append(
                ValueRow(
                    indicator=indicator_ref(ind),
                    option=dv.option if dv else "default",
                    numerator=dv.numerator if dv else None,
                    denominator=dv.denominator if dv else None,
                    value=dv.value if dv else None,
                    text_value=dv.text_value if dv else None,
                    comment=dv.comment if dv else None,
                    status=dv.status if dv else None,
                )
            )
    return rows


async def read_model(
    session: AsyncSession,
    actor: Principal,
    sub: Submission,
    *,
    values: list[ValueRow] | None = None,
    files: list[ReportAttachment] | None = None,
) -> SubmissionRead:
    """The whole report; `values` and `files`, when the caller has just read them."""
    base = summary(sub)
    if values is None:
        values = await value_rows(session, sub)
    if files is None:
        files = await attachments_of(session, sub)
    return SubmissionRead(
        **base.model_dump(),
        reference=_reference(sub),
        doc_number=sub.doc_number,
        doc_symbol=sub.doc_symbol,
        place=sub.place,
        report_date=sub.report_date,
        title=sub.title,
        outline=[OutlineSection.model_validate(s) for s in sub.request.outline or []],
        sections=[Section.model_validate(s) for s in sub.sections or []],
        tasks=await task_rows(session, sub),
        values=values,
        issued_documents=[IssuedDocument.model_validate(d) for d in sub.issued_documents or []],
        links=[Link.model_validate(a) for a in sub.links or []],
        attachments=[attachment_read(a) for a in files],
        signer_mode=sub.signer_mode,
        signer_authority=sub.signer_authority,
        signer_position=sub.signer_position,
        signer_name=sub.signer_name,
        recipients=list(sub.recipients or []),
        can_edit=can_edit(actor, sub),
        can_review=can_review(actor, sub),
    )


async def attachments_of(session: AsyncSession, sub: Submission) -> list[ReportAttachment]:
    """The files' metadata (their bytes are loaded only to be downloaded)."""
    stmt = (
        select(ReportAttachment)
        .where(ReportAttachment.submission_id == sub.id)
        .options(defer(ReportAttachment.data))
        .order_by(ReportAttachment.created_at, ReportAttachment.id)
    )
    return list(await session.scalars(stmt))


def attachment_read(a: ReportAttachment) -> StoredFileRead:
    from api.services.attachments import file_read

    return file_read(a, f"/api/v1/submissions/{a.submission_id}/attachments/{a.id}")


# --- saving a draft ---------------------------------------------------------------------------


def _bad(errors: list[dict[str, Any]]) -> InvalidInput:
    first = errors[0]
    return InvalidInput(f"{first['field']}: {first['message']}", errors=errors)


def require_editable(actor: Principal, unit_path: str, status: str, request_status: str) -> None:
    """The caller may change the report of the unit at `unit_path` in its `status`, under a
    request in `request_status`."""
    if not actor.can(EDITORS, unit_path):
        raise Forbidden("Chỉ cán bộ báo cáo của đơn vị mới được sửa và nộp báo cáo này.")
    if status not in ("draft", "returned"):
        raise Conflict(
            f"Báo cáo đang ở trạng thái {status}: đã khóa. Chỉ sửa khi là bản nháp hoặc bị trả lại."
        )
    if request_status != "open":
        raise Conflict("Yêu cầu báo cáo không còn mở (đã đóng).")


# The fields a save stores as sent; the others (recipients, sections, task results, issued
# documents, links) are merged or converted first.
_AS_SENT = (
    "doc_number",
    "doc_symbol",
    "place",
    "report_date",
    "title",
    "signer_mode",
    "signer_authority",
    "signer_position",
    "signer_name",
)


# What a save reads of the report, locked. Columns, not ORM instances: autosaves are most of
# what the API does, and building and tracking the report, its unit, request, requester and
# letter as objects, then flushing, cost more than the SQL.


@per_caller
def _for_saving(actor: Principal) -> Select[*tuple[Any, ...]]:
    return (
        readable_statement(actor)
        .with_only_columns(
            # The rest of this transaction is planned generically, the values' write
            # (data_values.inline_write) above all: PostgreSQL planned that statement anew for
            # each autosave, 1 ms of its CPU, because the generic plan's estimate of 10 rows
            # from unnest looked dearer than plans for the 3 rows bound, though the plans
            # are the same index lookups. Set here, it costs no round trip of its own.
            func.set_config("plan_cache_mode", "force_generic_plan", True).label("planning"),
            Submission.id,
            Submission.version,
            Submission.status,
            Submission.org_unit_id,
            Submission.sections,
            Submission.task_results,
            _UNIT.path.label("unit_path"),
            _UNIT.active.label("unit_active"),
            ReportRequest.status.label("request_status"),
            ReportRequest.period,
            ReportRequest.cutoff,
            ReportRequest.outline,
            ReportRequest.indicator_ids,
            # Whether the indicators are the ones this process last checked values against.
            indicators_stamp(ReportRequest.indicator_ids).label("indicators_stamp"),
        )
        .where(Submission.id == bindparam("submission_id"))
        .with_for_update(of=Submission)
    )


@functools.lru_cache(maxsize=256)
def _saving(fields: frozenset[str]) -> data_values.Along:
    """The UPDATE of these fields (parameters `new_<field>`), the version, who and when, and
    its audit event: in the statement of the values' write, or alone."""
    table = cast(Table, Submission.__table__)
    names = sorted(fields)
    # Column names of the table (a KeyError for any other), values bound as parameters.
    sets = ", ".join(
        [
            *(f"{table.c[name].name} = :new_{name}" for name in names),
            "version = :new_version",
            "updated_by = :new_updated_by",
            "updated_at = :new_updated_at",
        ]
    )
    update_sql = f"UPDATE submission SET {sets} WHERE id = :submission_id"  # noqa: S608
    return data_values.Along(
        f"saved AS ({update_sql} RETURNING 1),\n{audit.ALONG_SQL}",
        types=(
            *(bindparam(f"new_{name}", type_=table.c[name].type) for name in names),
            bindparam("new_version", type_=table.c.version.type),
            bindparam("new_updated_by", type_=table.c.updated_by.type),
            bindparam("new_updated_at", type_=table.c.updated_at.type),
            bindparam("submission_id", type_=table.c.id.type),
            *audit.ALONG_TYPES,
        ),
    )


async def save(
    session: AsyncSession,
    *,
    actor: Principal,
    submission_id: uuid.UUID,
    expected_version: int,
    data: SubmissionUpdate,
) -> SubmissionSaved:
    """Merge an autosave into the draft; values go through the data-value checks. Two
    statements: the report (locked, with a stamp of its indicators, whose definitions this
    process usually holds already), then the values with the report's new fields and its
    audit event."""
    sub = (await session.execute(_for_saving(actor), {"submission_id": submission_id})).first()
    if sub is None:
        raise NotFound(f"Không có báo cáo {submission_id}.")
    require_editable(actor, sub.unit_path, sub.status, sub.request_status)
    check_version(sub, expected_version)
    changes = data.model_dump(exclude_unset=True)
    if data.task_results is not None:
        # The tasks assigned to the unit need the whole report (and are rarely saved).
        whole = await get(session, actor=actor, submission_id=submission_id)
        allowed = {r.task_id for r in await task_rows(session, whole) if not r.is_group}
        errors = [
            {
                "in": "body",
                "field": f"task_results[{n}].task_id",
                "message": "Nhiệm vụ này không được giao cho đơn vị trong yêu cầu báo cáo",
                "code": "task_not_assigned",
            }
            for n, item in enumerate(data.task_results)
            if item.task_id not in allowed
        ]
        if errors:
            raise _bad(errors)
    new: dict[str, Any] = {key: changes[key] for key in _AS_SENT if key in changes}
    if "recipients" in changes:
        new["recipients"] = list(changes["recipients"] or [])
    if data.sections is not None or data.remove_sections:
        sections = {s["key"]: s for s in sub.sections or []}
        for key in data.remove_sections or []:
            sections.pop(key, None)
        for section in data.sections or []:
            sections[section.key] = section.model_dump()
        order = {s["key"]: n for n, s in enumerate(sub.outline or [])}
        new["sections"] = sorted(sections.values(), key=lambda s: (order.get(s["key"], 999),))
    if data.task_results is not None:
        results = dict(sub.task_results or {})
        for item in data.task_results:
            results[str(item.task_id)] = item.model_dump(mode="json", exclude={"task_id"})
        new["task_results"] = results
    if data.issued_documents is not None:
        new["issued_documents"] = [d.model_dump(mode="json") for d in data.issued_documents]
    if data.links is not None:
        new["links"] = [a.model_dump(mode="json") for a in data.links]
    # Always a new version, even when only values changed: the ETag covers the whole report.
    now = datetime.now(UTC)
    version = sub.version + 1  # the row is locked: nobody else moves it in between
    event: dict[str, Any] = {
        "actor": actor,
        "action": "save",
        "entity_type": ENTITY,
        "entity_id": sub.id,
        "after": {"version": version, "fields": sorted(changes)},
    }
    saving = {
        "submission_id": sub.id,
        "new_version": version,
        "new_updated_by": actor.user_id,
        "new_updated_at": now,
        **{f"new_{name}": value for name, value in new.items()},
    }
    # The report's fields and the audit event, with the values when there are any: one
    # statement either way.
    along = (_saving(frozenset(new)), {**saving, **audit.along_params(**event)})
    if data.values:
        written = await _write_values(session, actor, sub, data, along)
    else:
        written = 0
        await session.execute(along[0].alone(), along[1])
    return SubmissionSaved(
        id=sub.id, version=version, status=sub.status, updated_at=now, values_written=written
    )


async def _write_values(
    session: AsyncSession,
    actor: Principal,
    sub: DbRow[Any],
    data: SubmissionUpdate,
    along: tuple[data_values.Along, dict[str, Any]],
) -> int:
    """The values of a save, with the rest of it (`along`); `sub` is a row of _for_saving."""
    indicators = await stamped_indicators_of(session, sub.indicator_ids, sub.indicators_stamp)
    catalog = data_values.Catalog(
        indicators={k: i for i in indicators for k in (i.code, str(i.id))},
        units={str(sub.org_unit_id): (sub.org_unit_id, sub.unit_path, sub.unit_active)},
    )
    outcome = Outcome()
    staged = []
    for n, item in enumerate(data.values or []):
        cells = {
            "indicator": item.indicator,
            "org_unit": str(sub.org_unit_id),
            "period": sub.period,
            "option": item.option or "",
            "numerator": "" if item.numerator is None else str(item.numerator),
            "denominator": "" if item.denominator is None else str(item.denominator),
            "value": "" if item.value is None else str(item.value),
            "comment": item.comment or "",
            "status": "draft",
            "deleted": "true" if item.delete else "",
        }
        row = data_values.validate_row(
            Row(n, cells),
            catalog,
            actor,
            default_status="draft",
            cutoff=sub.cutoff,
            outcome=outcome,
        )
        if row is not None:
            staged.append(row)
    if not outcome.conflicts_total:
        await data_values.apply_rows(
            session, staged, actor=actor, source="submission", outcome=outcome, along=along
        )
    if outcome.conflicts_total:
        names = {"indicator": "indicator", "org_unit": "indicator"}
        raise _bad(
            [
                {
                    "in": "body",
                    "field": f"values[{c.row}].{names.get(c.column or '', c.column or 'value')}",
                    "message": c.message,
                    "code": c.code,
                }
                for c in outcome.conflicts
            ]
        )
    return outcome.created + outcome.updated + outcome.deleted


# A workflow move's writes, in one statement whose parts share one snapshot: the values'
# history (each value as it was before the move), their new status, the revision (numbered
# after the report's last; the report's row is locked); then (_moving) the report's UPDATE
# with its audit event, and the notice to those who act next, answering with its lines.
_MOVE_SQL = """changing AS (
    SELECT d.* FROM data_value d
    WHERE d.indicator_id = ANY(:indicators) AND d.org_unit_id = :unit AND d.period = :period
      AND d.deleted_at IS NULL AND d.status <> :value_status),
history AS (
    INSERT INTO data_value_history (id, data_value_id, action, changed_at, changed_by, source,
        numerator, denominator, value, text_value, comment, status)
    SELECT gen_random_uuid(), c.id, 'update', :now, :actor, c.source, c.numerator,
           c.denominator, c.value, c.text_value, c.comment, c.status
    FROM changing c),
moved AS (
    UPDATE data_value d SET status = :value_status, updated_at = :now, updated_by = :actor,
           version = d.version + 1
    FROM changing c WHERE d.id = c.id RETURNING 1),
revised AS (
    INSERT INTO submission_revision (id, submission_id, number, action, status, version,
        actor_id, comment, created_at, content)
    SELECT gen_random_uuid(), :submission_id, COALESCE(max(r.number), 0) + 1, :action,
           :new_status, :new_version, :actor, :comment, :now, :content
    FROM submission_revision r WHERE r.submission_id = :submission_id RETURNING 1)"""


@functools.lru_cache(maxsize=16)
def _moving(fields: frozenset[str]) -> TextClause:
    """A move that sets these fields of the report (`status` among them): made once each."""
    saving = _saving(fields)
    sql = f"""WITH {_MOVE_SQL},
{saving.sql},
recipients AS ({HOLDERS_SQL}),
{notifications.ALONG_SQL}
{notifications.ALONG_ANSWER}"""
    return text(sql).bindparams(
        bindparam("indicators", type_=ARRAY(Uuid())),
        bindparam("content", type_=JSONB()),
        *saving.types,
        *HOLDERS_TYPES,
    )


@dataclass(frozen=True)
class Notice:
    """Whom a move tells (the holders of a role over a unit) and what."""

    role: Role
    unit: OrgUnit
    kind: str
    title: str
    body: str
    email: bool = True


@dataclass(frozen=True)
class Moved:
    """A report as a workflow move left it, with the values and files the move read for its
    revision: the answer shows the same, so they are not read twice."""

    sub: Submission
    values: list[ValueRow]
    files: list[ReportAttachment]

    async def read_model(self, session: AsyncSession, actor: Principal) -> SubmissionRead:
        return await read_model(session, actor, self.sub, values=self.values, files=self.files)


async def _move(
    session: AsyncSession,
    actor: Principal,
    sub: Submission,
    *,
    changes: dict[str, Any],
    action: str,
    revision: str,
    value_status: str,
    comment: str | None,
    audited: dict[str, Any],
    notice: Notice,
) -> Moved:
    """What every move writes: the report's `changes` and a new version, its values' status
    with their history, a revision of the whole report, the audit event and the notice, in
    one statement; before it, the report's values and files, read once for the revision and
    the answer. `action` is the event's, `revision` the revision's (a resubmission is audited
    as a submit); `audited`, the event's `after` but the version. `sub` was read locked."""
    values = await value_rows(session, sub)
    files = await attachments_of(session, sub)
    now = datetime.now(UTC)
    version = sub.version + 1
    # The report as the statement leaves it, without the ORM's own UPDATE.
    for name, value in {
        **changes,
        "version": version,
        "updated_by": actor.user_id,
        "updated_at": now,
    }.items():
        set_committed_value(sub, name, value)
    link = f"/submissions/{sub.id}"
    rows = await session.execute(
        _moving(frozenset(changes)),
        {
            "indicators": list(sub.request.indicator_ids or []),
            "unit": sub.org_unit_id,
            "period": sub.request.period,
            "value_status": value_status,
            "now": now,
            "actor": actor.user_id,
            "submission_id": sub.id,
            "action": revision,
            "comment": comment,
            "content": content(sub, values, files),
            "new_version": version,
            "new_updated_by": actor.user_id,
            "new_updated_at": now,
            **{f"new_{name}": value for name, value in changes.items()},
            **audit.along_params(
                actor=actor,
                action=action,
                entity_type=ENTITY,
                entity_id=sub.id,
                after={"version": version, **audited},
            ),
            **holder_params(notice.role, notice.unit),
            **notifications.along_params(
                kind=notice.kind,
                title=notice.title,
                body=notice.body,
                link=link,
                entity=(ENTITY, sub.id),
            ),
        },
    )
    if notice.email:
        await notifications.mail(
            session,
            [(user_id, note_id, address) for user_id, note_id, address in rows],
            title=notice.title,
            body=notice.body,
            link=link,
        )
    # The values as the statement left them: every stored one now has the new status.
    values = [
        v if v.status is None else v.model_copy(update={"status": value_status}) for v in values
    ]
    return Moved(sub, values, files)


# --- workflow -------------------------------------------------------------------------------


def content(
    sub: Submission, values: list[ValueRow], files: list[ReportAttachment]
) -> dict[str, Any]:
    """The whole report as data: what a revision keeps and a diff compares."""
    return {
        "doc_number": sub.doc_number,
        "doc_symbol": sub.doc_symbol,
        "place": sub.place,
        "report_date": sub.report_date.isoformat() if sub.report_date else None,
        "title": sub.title,
        "sections": {
            s["key"]: {"heading": s["heading"], "body": s.get("body", "")}
            for s in sub.sections or []
        },
        "task_results": dict(sub.task_results or {}),
        "values": {
            f"{v.indicator.code}.{v.option}" if v.option != "default" else v.indicator.code: {
                "numerator": _num(v.numerator),
                "denominator": _num(v.denominator),
                "value": _num(v.value) if v.text_value is None else v.text_value,
                "comment": v.comment,
            }
            for v in values
            if v.status is not None
        },
        "issued_documents": list(sub.issued_documents or []),
        "links": list(sub.links or []),
        "attachments": {
            str(f.id): {"filename": f.filename, "size": f.size, "sha256": f.sha256} for f in files
        },
        "signer": {
            "mode": sub.signer_mode,
            "authority": sub.signer_authority,
            "position": sub.signer_position,
            "name": sub.signer_name,
        },
        "recipients": list(sub.recipients or []),
    }


def _num(value: Any) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _is_empty(sub: Submission) -> bool:
    return not any(str(s.get("body") or "").strip() for s in sub.sections or []) and not any(
        str(r.get("result") or "").strip() for r in (sub.task_results or {}).values()
    )


async def submit(
    session: AsyncSession, *, actor: Principal, submission_id: uuid.UUID, expected_version: int
) -> Moved:
    sub = await get(session, actor=actor, submission_id=submission_id, lock=True)
    require_editable(actor, sub.org_unit.path, sub.status, sub.request.status)
    check_version(sub, expected_version)
    if _is_empty(sub):
        raise InvalidInput(
            "Báo cáo trống: cần ít nhất một mục có nội dung hoặc một kết quả nhiệm vụ.",
            errors=[
                {"in": "body", "field": "sections", "message": "Trống", "code": "empty_report"}
            ],
        )
    now = datetime.now(UTC)
    resubmission = sub.first_submitted_at is not None
    first = sub.first_submitted_at or now
    late = is_late(first, sub.request.due_date)
    ref = reference(sub.request) or sub.request.title
    return await _move(
        session,
        actor,
        sub,
        changes={
            "status": "submitted",
            "submitted_at": now,
            "submitted_by": actor.user_id,
            "first_submitted_at": first,
            "late": late,
        },
        action="submit",
        revision="resubmit" if resubmission else "submit",
        value_status="submitted",
        comment=None,
        audited={"late": late},
        notice=Notice(
            Role.reviewer,
            sub.request.requester,
            "submitted",
            f"{sub.org_unit.name} {'nộp lại' if resubmission else 'đã nộp'} báo cáo: {ref}",
            f"Nộp lúc {now.astimezone(TZ):%H:%M %d/%m/%Y}{' (muộn)' if late else ''}.",
            email=False,
        ),
    )


def _require_reviewer(actor: Principal, sub: Submission) -> None:
    if not can_review(actor, sub):
        raise Forbidden(
            "Chỉ người thẩm định của đơn vị yêu cầu mới trả lại hoặc chấp nhận báo cáo."
        )
    if sub.status != "submitted":
        raise Conflict(
            f"Báo cáo đang ở trạng thái {sub.status}: chỉ báo cáo đã nộp mới trả lại hoặc "
            "chấp nhận được."
        )


async def return_submission(
    session: AsyncSession,
    *,
    actor: Principal,
    submission_id: uuid.UUID,
    expected_version: int,
    comment: str,
) -> Moved:
    sub = await get(session, actor=actor, submission_id=submission_id, lock=True)
    _require_reviewer(actor, sub)
    check_version(sub, expected_version)
    return await _move(
        session,
        actor,
        sub,
        changes={
            "status": "returned",
            "returned_at": datetime.now(UTC),
            "review_comment": comment,
            "reviewed_by": actor.user_id,
        },
        action="return",
        revision="return",
        value_status="draft",
        comment=comment,
        audited={"comment": comment},
        notice=Notice(
            Role.reporter,
            sub.org_unit,
            "returned",
            f"Báo cáo bị trả lại: {reference(sub.request) or sub.request.title}",
            f"{sub.request.requester.name} trả lại báo cáo của {sub.org_unit.name}: {comment}",
        ),
    )


async def _accept(
    session: AsyncSession, actor: Principal, sub: Submission, comment: str | None
) -> Moved:
    changes: dict[str, Any] = {
        "status": "accepted",
        "accepted_at": datetime.now(UTC),
        "reviewed_by": actor.user_id,
    }
    if comment:
        changes["review_comment"] = comment
    return await _move(
        session,
        actor,
        sub,
        changes=changes,
        action="accept",
        revision="accept",
        value_status="accepted",
        comment=comment,
        audited={},
        notice=Notice(
            Role.reporter,
            sub.org_unit,
            "accepted",
            f"Báo cáo đã được chấp nhận: {reference(sub.request) or sub.request.title}",
            f"{sub.request.requester.name} đã chấp nhận báo cáo của {sub.org_unit.name}.",
        ),
    )


async def accept(
    session: AsyncSession,
    *,
    actor: Principal,
    submission_id: uuid.UUID,
    expected_version: int,
    comment: str | None,
) -> Moved:
    sub = await get(session, actor=actor, submission_id=submission_id, lock=True)
    _require_reviewer(actor, sub)
    check_version(sub, expected_version)
    return await _accept(session, actor, sub, comment)


async def bulk_accept(
    session: AsyncSession,
    *,
    actor: Principal,
    request_id: uuid.UUID,
    submission_ids: list[uuid.UUID],
    comment: str | None,
) -> list[uuid.UUID]:
    """Accept a reviewer's backlog at once: all of them, or none with every reason listed."""
    request = await session.get(ReportRequest, request_id)
    if request is None or not actor.can(REVIEWERS, request.requester.path):
        raise Forbidden("Chỉ người thẩm định của đơn vị yêu cầu mới chấp nhận báo cáo.")
    ids = list(dict.fromkeys(submission_ids))
    found = {
        s.id: s
        for s in await session.scalars(
            readable_statement(actor)
            .where(Submission.id.in_(ids), Submission.request_id == request_id)
            .order_by(Submission.id)
            .with_for_update(of=Submission)
            .execution_options(populate_existing=True)
        )
    }
    errors = []
    for n, sid in enumerate(ids):
        sub = found.get(sid)
        message = code = None
        if sub is None:
            message, code = "Không có báo cáo này trong yêu cầu", "not_found"
        elif not can_review(actor, sub):
            message, code = "Không có quyền thẩm định", "forbidden"
        elif sub.status != "submitted":
            message, code = f"Đang ở trạng thái {sub.status}", "wrong_status"
        if message:
            errors.append(
                {"in": "body", "field": f"submission_ids[{n}]", "message": message, "code": code}
            )
    if errors:
        raise Conflict(
            f"{len(errors)} báo cáo không chấp nhận được; không báo cáo nào được chấp nhận.",
            errors=errors,
        )
    for sid in ids:
        await _accept(session, actor, found[sid], comment)
    return ids


# A list item's columns: not the report bodies, and no ORM instances to build and track.
_SUMMARY_COLUMNS = (
    Submission.id,
    Submission.version,
    Submission.request_id,
    Submission.status,
    Submission.first_submitted_at,
    Submission.submitted_at,
    Submission.late,
    Submission.returned_at,
    Submission.accepted_at,
    Submission.review_comment,
    Submission.updated_at,
    _UNIT.id.label("unit_id"),
    _UNIT.code.label("unit_code"),
    _UNIT.name.label("unit_name"),
)


async def list_submissions(
    session: AsyncSession,
    *,
    actor: Principal,
    request_id: uuid.UUID | None,
    org_unit_id: uuid.UUID | None,
    status: str | None,
    overdue: bool | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of SubmissionSummary fields: the reports' columns with their units in one
    query, their requests (usually one) in another."""
    stmt = readable_statement(actor).with_only_columns(*_SUMMARY_COLUMNS)
    if request_id:
        stmt = stmt.where(Submission.request_id == request_id)
    if org_unit_id:
        stmt = stmt.where(Submission.org_unit_id == org_unit_id)
    if status:
        stmt = stmt.where(Submission.status == status)
    if overdue is not None:
        today = datetime.now(TZ).date()
        late_now = and_(
            ReportRequest.status == "open",
            Submission.status.in_(("draft", "returned")),
            ReportRequest.due_date < today,
        )
        stmt = stmt.where(late_now if overdue else ~late_now)
    last = decode_id_cursor(cursor)
    if last is not None:
        stmt = stmt.where(Submission.id > last)
    rows = (await session.execute(stmt.order_by(Submission.id).limit(limit + 1))).all()
    next_cursor = encode_cursor([str(rows[limit - 1].id)]) if len(rows) > limit else None
    rows = rows[:limit]
    now = datetime.now(UTC)
    requests = {
        r.id: RequestPart.of(r, now)
        for r in await session.scalars(
            select(ReportRequest)
            .options(joinedload(ReportRequest.document))
            .where(ReportRequest.id.in_({row.request_id for row in rows}))
        )
    }
    return [
        summary_fields(row, requests[row.request_id], (row.unit_id, row.unit_code, row.unit_name))
        for row in rows
    ], next_cursor


# --- history -------------------------------------------------------------------------------


async def revisions(session: AsyncSession, sub: Submission) -> list[RevisionRef]:
    stmt = (
        select(SubmissionRevision, User.full_name)
        .outerjoin(User, User.id == SubmissionRevision.actor_id)
        .where(SubmissionRevision.submission_id == sub.id)
        .order_by(SubmissionRevision.number)
    )
    return [
        RevisionRef(
            number=r.number,
            action=r.action,
            status=r.status,
            version=r.version,
            actor=name,
            comment=r.comment,
            created_at=r.created_at,
        )
        for r, name in await session.execute(stmt)
    ]


async def revision(session: AsyncSession, sub: Submission, number: int) -> Revision:
    stmt = (
        select(SubmissionRevision, User.full_name)
        .outerjoin(User, User.id == SubmissionRevision.actor_id)
        .where(SubmissionRevision.submission_id == sub.id, SubmissionRevision.number == number)
    )
    row = (await session.execute(stmt)).first()
    if row is None:
        raise NotFound(f"Báo cáo chưa có phiên bản {number}.")
    r, name = row
    return Revision(
        number=r.number,
        action=r.action,
        status=r.status,
        version=r.version,
        actor=name,
        comment=r.comment,
        created_at=r.created_at,
        content=r.content,
    )


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, dict) and value:
        for key, inner in value.items():
            _flatten(inner, f"{prefix}.{key}" if prefix else str(key), out)
    else:
        out[prefix] = value


def diff(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """Field-level changes between two contents, paths like "sections.III.2.body"."""
    a: dict[str, Any] = {}
    b: dict[str, Any] = {}
    _flatten(before, "", a)
    _flatten(after, "", b)
    return [
        Change(path=path, before=a.get(path), after=b.get(path))
        for path in sorted(set(a) | set(b))
        if a.get(path) != b.get(path)
    ]


async def compare(
    session: AsyncSession, sub: Submission, from_: int | None, to: int | None
) -> Diff:
    """Revision `from_` (default: the latest) against `to` (default: the report as it is)."""
    refs = await revisions(session, sub)
    if from_ is None:
        if not refs:
            raise NotFound("Báo cáo chưa có phiên bản nào để so sánh.")
        from_ = refs[-1].number
    before = (await revision(session, sub, from_)).content
    if to is None:
        after = content(sub, await value_rows(session, sub), await attachments_of(session, sub))
        to_label = "current"
    else:
        after = (await revision(session, sub, to)).content
        to_label = str(to)
    return Diff.model_validate({"from": str(from_), "to": to_label, "changes": diff(before, after)})
