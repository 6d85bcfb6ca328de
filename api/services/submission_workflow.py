"""The submission workflow: submit, return and accept, each keeping a revision of the whole
report; the revisions and what changed between two of them.

draft (autosaved) -> submitted (locked; late after the due date) -> returned with comments
(editable again) -> submitted -> accepted. The unit's reporters submit; the requesting unit's
reviewers return and accept. Every move is audited and tells those who act next.
"""

import functools
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import TextClause, Uuid, bindparam, select, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from api.access import Principal
from api.errors import Conflict, Forbidden, InvalidInput, NotFound
from api.models import (
    OrgUnit,
    ReportRequest,
    Role,
    Submission,
    SubmissionAttachment,
    SubmissionRevision,
    User,
)
from api.schemas.submission import Change, Diff, Revision, RevisionRef, SubmissionRead, ValueRow
from api.services import audit, notifications
from api.services.deadlines import TZ, is_late
from api.services.org_units import check_version
from api.services.report_requests import HOLDERS_SQL, HOLDERS_TYPES, holder_params, reference
from api.services.submission_drafts import require_editable, update_along
from api.services.submissions import (
    ENTITY,
    REVIEWERS,
    attachments_of,
    can_review,
    get,
    read_model,
    readable_statement,
    value_rows,
)

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
    saving = update_along(fields)
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
    files: list[SubmissionAttachment]

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
    sub: Submission, values: list[ValueRow], files: list[SubmissionAttachment]
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
    if sub.request.signed_reports:
        from api.services.signing import require_signed_submission

        await require_signed_submission(session, actor=actor, sub=sub)
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


# --- history -------------------------------------------------------------------------------


async def revisions(session: AsyncSession, sub: Submission) -> list[RevisionRef]:
    stmt = (
        select(SubmissionRevision, User.full_name)
        .outerjoin(User, User.id == SubmissionRevision.actor_id)
        .where(SubmissionRevision.submission_id == sub.id)
        .order_by(SubmissionRevision.number)
    )
    return [_ref(r, name) for r, name in await session.execute(stmt)]


def _ref(r: SubmissionRevision, actor: str | None) -> RevisionRef:
    return RevisionRef(
        number=r.number,
        action=r.action,
        status=r.status,
        version=r.version,
        actor=actor,
        comment=r.comment,
        created_at=r.created_at,
    )


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
    return Revision(**_ref(r, name).model_dump(), content=r.content)


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
