"""The compiled report upward (báo cáo tổng hợp): who answered, on time or late, the values
rolled up against targets, each unit's task results and texts; as data and as XLSX
appendices (the DOCX and PDF in the Decree 30/2020 layout are drawn from report_layout).

Section texts are pre-filled from the units' own answers, each paragraph under the unit's
name, for the reviewer to edit: nothing is invented.
"""

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.access import Principal
from api.errors import Forbidden, InvalidInput, PreconditionFailed
from api.models import (
    CompiledReport,
    DataValue,
    Indicator,
    OrgUnit,
    ReportRequest,
    Role,
)
from api.models.indicator import DEFAULT_OPTION
from api.numbers import format_decimal
from api.schemas.report import (
    Compilation,
    CompilationUpdate,
    CompiledDocument,
    CompiledIndicator,
    CompiledSection,
    CompiledTaskResult,
)
from api.services import audit, report_request_status, report_requests, submissions
from api.services.analytics import evaluate, targets_for
from api.services.org_units import check_version
from api.services.report_layout import plain_title
from api.services.request_indicators import indicator_ref, indicators_of, option_names
from api.text import fold

COMPARATOR_TEXT = {"gte": "≥", "gt": ">", "lte": "≤", "lt": "<", "eq": "=", "approx": "≈"}


def short_place(unit: OrgUnit) -> str:
    for prefix in ("Tỉnh ", "Thành phố ", "Xã ", "Phường "):
        if unit.name.startswith(prefix):
            return unit.name[len(prefix) :]
    return unit.name


async def ancestors(session: AsyncSession, unit: OrgUnit) -> list[OrgUnit]:
    """The unit and those above it, nearest first."""
    paths = report_requests.ancestor_paths(unit.path)
    rows = {
        u.path: u for u in await session.scalars(select(OrgUnit).where(OrgUnit.path.in_(paths)))
    }
    return [rows[p] for p in reversed(paths) if p in rows]


def _format(value: Decimal | None, ind: Indicator) -> str | None:
    if value is None:
        return None
    decimals = 0 if ind.value_type == "count" else min(ind.decimals, 2)
    text = format_decimal(value, decimals)
    if "," in text:  # as reports write it: 98,2 %, 100 %, 38,46 %
        text = text.rstrip("0").rstrip(",")
    if ind.value_type == "percentage":
        return f"{text} %"
    return f"{text} {ind.unit}" if ind.unit and ind.unit not in ("%",) else text


def _combine(
    ind: Indicator, rows: list[DataValue]
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """The indicator's own rule over the units' values: sum, ratio of sums, average, latest."""
    values = [r.value for r in rows if r.value is not None]
    nums = [r.numerator for r in rows if r.numerator is not None]
    dens = [r.denominator for r in rows if r.denominator is not None]
    num = sum(nums, Decimal(0)) if nums else None
    den = sum(dens, Decimal(0)) if dens else None
    if not values:
        return None, num, den
    if ind.aggregation == "ratio" and num is not None and den:
        return num / den * ind.factor, num, den
    if ind.aggregation in ("average", "ratio"):
        return sum(values, Decimal(0)) / len(values), num, den
    if ind.aggregation == "latest":
        return max(rows, key=lambda r: r.updated_at).value, num, den
    if ind.aggregation == "none":
        return (values[0] if len(values) == 1 else None), num, den
    return sum(values, Decimal(0)), num, den


async def compile_request(
    session: AsyncSession, *, actor: Principal, request: ReportRequest, include: str
) -> Compilation:
    requester = request.requester
    report_requests.require_requester_side(actor, request)
    statuses = ("accepted",) if include == "accepted" else ("submitted", "accepted")
    subs = await submissions.of_request(session, actor=actor, request=request, statuses=statuses)
    subs.sort(key=lambda s: s.org_unit.code)
    status = await report_request_status.status(session, actor=actor, request=request)

    draft = await draft_of(session, request)
    edits = draft.sections if draft else {}
    # Each unit's texts by section key, its first for a key, read once: scanning every
    # report's sections for each heading of the outline was a fifth of a compilation's CPU.
    texts: list[tuple[str, dict[str, str]]] = []
    for sub in subs:
        by_key: dict[str, str] = {}
        for section in sub.sections or []:
            by_key.setdefault(section["key"], section.get("body", "").strip())
        texts.append((sub.org_unit.name, by_key))
    sections: list[CompiledSection] = []
    for outline in request.outline or []:
        key = outline["key"]
        prefilled = "\n\n".join(
            f"{name}:\n{written[key]}" for name, written in texts if written.get(key)
        )
        sections.append(
            CompiledSection(
                key=key,
                heading=outline["heading"],
                body=edits.get(key, prefilled),
                edited=key in edits,
                prefilled=prefilled if key in edits else None,
            )
        )

    task_results: list[CompiledTaskResult] = []
    documents: list[CompiledDocument] = []
    rows_of = await submissions.task_rows_of_units(session, request, subs)
    for sub in subs:
        for row in rows_of[sub.id]:
            task_results.append(
                CompiledTaskResult(
                    unit=sub.org_unit.name,
                    number=row.number,
                    title=row.title,
                    is_group=row.is_group,
                    role=row.role,
                    status=row.status,
                    result=row.result,
                    note=row.note,
                )
            )
        for doc in sub.issued_documents or []:
            issued = doc.get("issued_on")
            documents.append(
                CompiledDocument(
                    unit=sub.org_unit.name,
                    reference=doc.get("reference"),
                    issued_on=issued,
                    title=str(doc.get("title") or ""),
                )
            )

    indicators = await indicators_of(session, request.indicator_ids)
    names = {s.org_unit_id: s.org_unit.name for s in subs}
    values: dict[tuple[uuid.UUID, str], list[DataValue]] = {}
    if indicators and subs:
        for dv in await session.scalars(
            select(DataValue).where(
                DataValue.indicator_id.in_([i.id for i in indicators]),
                DataValue.org_unit_id.in_(list(names)),
                DataValue.period == request.period,
                DataValue.deleted_at.is_(None),
                DataValue.status.in_(statuses),
            )
        ):
            values.setdefault((dv.indicator_id, dv.option), []).append(dv)
    above = await ancestors(session, requester)
    targets = await targets_for(
        session, indicators=indicators, units=above, year=request.period_end.year
    )
    compiled: list[CompiledIndicator] = []
    for ind in indicators:
        options = sorted({opt for (iid, opt) in values if iid == ind.id}) or [DEFAULT_OPTION]
        option_name_of = option_names(ind, options)
        for option in options:
            rows = values.get((ind.id, option), [])
            value, num, den = _combine(ind, rows)
            target = next(
                (
                    targets[(ind.id, u.id, option)]
                    for u in above
                    if (ind.id, u.id, option) in targets
                ),
                None,
            )
            compiled.append(
                CompiledIndicator(
                    indicator=indicator_ref(ind),
                    option=option,
                    option_name=option_name_of[option],
                    value=None if value is None else round(value, max(ind.decimals, 2)),
                    value_text=_format(value, ind),
                    numerator=num,
                    denominator=den,
                    units_reporting=len(rows),
                    target=(
                        target.wording
                        or f"{COMPARATOR_TEXT.get(target.comparator, '')} "
                        f"{format_decimal(target.value, ind.decimals)} ({target.year})"
                    )
                    if target
                    else None,
                    evaluation=evaluate(value, target, ind.decimals),
                    by_unit={names[r.org_unit_id]: r.value for r in rows},
                )
            )

    parent = above[1] if len(above) > 1 else None
    province = next((u for u in above if u.type == "province"), above[-1])
    symbol_head = (
        request.document.symbol.split("-")[0]
        if request.document
        else (requester.short_name or requester.code)
    )
    reference = request.document and report_requests.reference(request)
    filed = status.rates.submitted
    preamble = (
        f"Thực hiện {reference or request.title}; trên cơ sở báo cáo của {filed}/"
        f"{status.rates.expected} đơn vị (đúng hạn {status.rates.on_time}), "
        f"{requester.name} tổng hợp kết quả như sau:"
    )
    year = max(request.period_end.year, datetime.now().year)
    when = f"ngày    tháng    năm {year}"
    if draft and draft.report_date:
        d = draft.report_date
        when = f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"
    place = (draft.place if draft else None) or short_place(province)
    number = draft.doc_number if draft and draft.doc_number else ""
    return Compilation(
        version=draft.version if draft else 0,
        request=await report_requests.read_model(session, request, actor=actor),
        issuer=requester.name,
        issuer_parent=parent.name
        if parent and parent.type != "province"
        else (f"UBND {province.name[0].lower()}{province.name[1:]}" if parent else None),
        reference=f"Số: {number}/BC-{symbol_head}",
        place_and_date=f"{place}, {when}",
        title=(draft.title if draft and draft.title else None) or compiled_title(request.title),
        preamble=(draft.preamble if draft and draft.preamble else None) or preamble,
        report_date=draft.report_date if draft else None,
        sections=sections,
        status=status,
        indicators=compiled,
        task_results=task_results,
        issued_documents=documents,
        included_units=[s.org_unit.name for s in subs],
        signer_mode=(draft.signer_mode if draft else None) or "KT",
        signer_authority=(draft.signer_authority if draft else None) or "GIÁM ĐỐC",
        signer_position=(draft.signer_position if draft else None) or "PHÓ GIÁM ĐỐC",
        signer_name=draft.signer_name if draft else None,
        recipients=list(draft.recipients)
        if draft and draft.recipients
        else await default_recipients(session, request, above),
    )


def compiled_title(request_title: str) -> str:
    """The compiled report's title from the request's: "Báo cáo kết quả thực hiện Kế hoạch …"
    becomes "Tổng hợp kết quả thực hiện Kế hoạch …" (the word "BÁO CÁO" stands above it)."""
    rest = plain_title(request_title)
    if fold(rest).startswith(("ket qua", "tinh hinh")):
        return f"Tổng hợp {rest[:1].lower()}{rest[1:]}"
    return f"Tổng hợp kết quả: {rest}"


async def default_recipients(
    session: AsyncSession, request: ReportRequest, above: list[OrgUnit]
) -> list[str]:
    """Whom a compiled report goes to, as the seeds' "Nơi nhận" list them: the body the
    requester reports to (for a department or commune of a province, its People's Committee:
    "UBND tỉnh (để b/c)"), the requester's leaders, the units asked, and its archive with the
    drafting division of the request's letter ("Lưu: VT, KHTH.")."""
    requester = request.requester
    parent = above[1] if len(above) > 1 else None
    lines: list[str] = []
    if parent is not None and parent.type == "province":
        committee = await session.scalar(
            select(OrgUnit).where(
                OrgUnit.parent_id == parent.id,
                OrgUnit.type == "people_committee",
                OrgUnit.active,
            )
        )
        if committee is None:
            lines.append(f"UBND {parent.name[:1].lower()}{parent.name[1:]} (để b/c)")
        elif committee.id != requester.id:
            lines.append(f"{committee.short_name or committee.name} (để b/c)")
    elif parent is not None:
        lines.append(f"{parent.name} (để b/c)")
    if requester.type == "department" and fold(requester.name).startswith("so "):
        lines.append("Lãnh đạo Sở")
    units = sorted(request.units, key=lambda u: u.code)
    lines += [u.name for u in units] if len(units) <= 4 else ["Các đơn vị liên quan"]
    symbol = request.document.symbol if request.document else ""
    division = symbol.split("-", 1)[1] if "-" in symbol else ""
    lines.append(f"Lưu: VT, {division}." if division else "Lưu: VT.")
    return lines


async def draft_of(session: AsyncSession, request: ReportRequest) -> CompiledReport | None:
    return await session.scalar(
        select(CompiledReport)
        .where(CompiledReport.request_id == request.id)
        .execution_options(populate_existing=True)
    )


async def update_draft(
    session: AsyncSession,
    *,
    actor: Principal,
    request: ReportRequest,
    expected_version: int,
    data: CompilationUpdate,
) -> CompiledReport:
    """Save the officers' edits to the compiled report. Version 0 is "not edited yet": the
    first save (If-Match "0") creates the draft; two first saves racing get one 409."""
    if not actor.can((Role.plan_manager, Role.reviewer), request.requester.path):
        raise Forbidden(
            "Chỉ cán bộ kế hoạch hoặc thẩm định của đơn vị yêu cầu mới sửa bản tổng hợp."
        )
    draft = await draft_of(session, request)
    if draft is None:
        if expected_version != 0:
            raise PreconditionFailed(
                f"Bản tổng hợp chưa được sửa lần nào (phiên bản 0), bạn gửi If-Match "
                f"{expected_version}: tải lại rồi sửa tiếp.",
                current_version=0,
            )
        draft = CompiledReport(request_id=request.id, sections={}, recipients=None)
        session.add(draft)
    else:
        check_version(draft, expected_version)
    before = audit.snapshot(draft) if draft.id else None
    changes = data.model_dump(exclude_unset=True)
    for key in (
        "doc_number",
        "report_date",
        "place",
        "title",
        "preamble",
        "signer_mode",
        "signer_authority",
        "signer_position",
        "signer_name",
    ):
        if key in changes:
            setattr(draft, key, changes[key])
    if "recipients" in changes:
        draft.recipients = list(changes["recipients"]) if changes["recipients"] else None
    if data.sections is not None or data.reset_sections:
        known = {o["key"] for o in request.outline or []}
        unknown = [s.key for s in data.sections or [] if s.key not in known]
        if unknown:
            raise InvalidInput(
                f"Mục không có trong đề cương: {', '.join(unknown)}",
                errors=[
                    {"in": "body", "field": "sections", "message": k, "code": "unknown_section"}
                    for k in unknown
                ],
            )
        edited = dict(draft.sections or {})
        for key in data.reset_sections or []:
            edited.pop(key, None)
        for section in data.sections or []:
            edited[section.key] = section.body
        draft.sections = edited
    draft.updated_by = actor.user_id
    draft.updated_at = datetime.now(UTC)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="edit",
        entity_type="compiled_report",
        entity_id=request.id,
        before=before,
        after=audit.snapshot(draft),
    )
    return draft
