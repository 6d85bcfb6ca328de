"""Submissions: a unit's answer to a report request, as the caller may read them: who sees
which (scoping), one report with its tasks, values and files, and the lists.

Drafts are saved in submission_drafts, and moved on (submit, return, accept) in
submission_workflow. Indicator values live in the data-value model (source "submission") and
follow the report: draft, submitted, accepted.
"""

import bisect
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import Select, and_, bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, contains_eager, defer, joinedload, lazyload
from sqlalchemy.orm.attributes import set_committed_value

from api.access import Principal, per_caller
from api.errors import NotFound
from api.models import (
    Assignment,
    DataValue,
    OrgUnit,
    ReportRequest,
    Role,
    Submission,
    SubmissionAttachment,
    Task,
)
from api.models.indicator import DEFAULT_OPTION
from api.paging import decode_id_cursor, encode_cursor
from api.schemas.common import StoredFileRead
from api.schemas.report_request import OutlineSection
from api.schemas.submission import (
    IssuedDocument,
    Link,
    Output,
    Section,
    SubmissionRead,
    SubmissionSummary,
    TaskRow,
    ValueRow,
)
from api.services.deadlines import TZ, UNFILED, past_deadline_open
from api.services.documents import Reference, format_reference
from api.services.report_requests import plan_ids_in_scope, reference
from api.services.request_indicators import indicator_ref, indicators_of, option_names
from api.services.signers import signing_actions
from api.services.stored_files import file_read

ENTITY = "submission"
EDITORS = (Role.reporter,)
REVIEWERS = (Role.reviewer,)
UNIT_ROLES = (Role.reporter, Role.plan_manager)


# Built once: an alias proxies every column of its table, which costs more than the query.
UNIT = aliased(OrgUnit, name="unit")
_REQUESTER = aliased(OrgUnit, name="requester")


@per_caller
def readable_statement(actor: Principal, *, eager: bool = False) -> Select[Submission]:
    """Drafts only for the unit's own people; filed reports also for those above the unit
    and for the requesting unit's reviewers, managers and viewers. `eager`: the unit, the
    request, its requester and letter come in the same query (one report: one round trip,
    not four)."""
    unit, requester = UNIT, _REQUESTER
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
        .options(contains_eager(Submission.org_unit.of_type(UNIT)), lazyload(Submission.request))
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


def actions_of(actor: Principal, sub: Submission) -> list[str]:
    """What the caller may do to the report now: the tests submission_drafts.require_editable
    and submission_workflow._require_reviewer make before they act."""
    actions = []
    if can_edit(actor, sub) and sub.request.status == "open":
        actions += ["edit", "submit"]
    if can_review(actor, sub) and sub.status == "submitted":
        actions += ["return", "accept"]
    return actions + signing_actions(actor, sub.org_unit)


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
        names = option_names(ind, [dv.option for dv in found if dv] or [DEFAULT_OPTION])
        for dv in found or [None]:
            option = dv.option if dv else DEFAULT_OPTION
            rows.append(
                ValueRow(
                    indicator=indicator_ref(ind),
                    option=option,
                    option_name=names[option],
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
    files: list[SubmissionAttachment] | None = None,
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
        actions=actions_of(actor, sub),
        signed_reports=sub.request.signed_reports,
    )


async def attachments_of(session: AsyncSession, sub: Submission) -> list[SubmissionAttachment]:
    """The files' metadata (their bytes are loaded only to be downloaded)."""
    stmt = (
        select(SubmissionAttachment)
        .where(SubmissionAttachment.submission_id == sub.id)
        .options(defer(SubmissionAttachment.data))
        .order_by(SubmissionAttachment.created_at, SubmissionAttachment.id)
    )
    return list(await session.scalars(stmt))


def attachment_read(a: SubmissionAttachment) -> StoredFileRead:
    return file_read(a, f"/api/v1/submissions/{a.submission_id}/attachments/{a.id}")


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
    UNIT.id.label("unit_id"),
    UNIT.code.label("unit_code"),
    UNIT.name.label("unit_name"),
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
