"""Drafts of submissions: the autosave, merged into the report with If-Match on every write;
its indicator values go through the data-value checks and are written with it."""

import functools
import uuid
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, func
from sqlalchemy.engine import Row as DbRow
from sqlalchemy.ext.asyncio import AsyncSession

from api.access import Principal, per_caller
from api.errors import Conflict, Forbidden, InvalidInput, NotFound
from api.models import (
    ReportRequest,
    Submission,
)
from api.schemas.submission import SubmissionSaved, SubmissionUpdate
from api.services import audit, data_values
from api.services.imports import Outcome
from api.services.org_units import check_version
from api.services.request_indicators import indicators_stamp, stamped_indicators_of
from api.services.submissions import (
    EDITORS,
    ENTITY,
    UNIT,
    get,
    readable_statement,
    task_rows,
)
from api.tabular import Row

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
            UNIT.path.label("unit_path"),
            UNIT.active.label("unit_active"),
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
def update_along(fields: frozenset[str]) -> data_values.Along:
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
    along = (update_along(frozenset(new)), {**saving, **audit.along_params(**event)})
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
