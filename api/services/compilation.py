"""The compiled report upward (báo cáo tổng hợp): who answered, on time or late, the values
rolled up against targets, each unit's task results and texts; as data, as a DOCX laid out per
Decree 30/2020 (national header, issuer, number, place and date, title, body, signer block,
recipients) with its appendices, and as XLSX appendices.

Section texts are pre-filled from the units' own answers, each paragraph under the unit's
name, for the reviewer to edit: nothing is invented.
"""

import io
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

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
from api.numbers import format_decimal
from api.schemas.report import (
    Compilation,
    CompilationUpdate,
    CompiledDocument,
    CompiledIndicator,
    CompiledSection,
    CompiledTaskResult,
)
from api.services import audit, report_requests, submissions
from api.services.analytics import evaluate, targets_for
from api.services.org_units import check_version
from api.tabular import Sheet, write_workbook

TASK_STATUS_VI = {
    "not_started": "Chưa thực hiện",
    "in_progress": "Đang thực hiện",
    "done": "Hoàn thành",
    "ongoing": "Thường xuyên",
}
STATE_VI = {
    "not_started": "Chưa báo cáo",
    "draft": "Đang soạn",
    "submitted": "Đã nộp",
    "returned": "Bị trả lại",
    "accepted": "Đã chấp nhận",
}
EVALUATION_VI = {"met": "Đạt", "not_met": "Chưa đạt", "no_target": "", "no_data": "Chưa có số liệu"}
COMPARATOR_TEXT = {"gte": "≥", "gt": ">", "lte": "≤", "lt": "<", "eq": "=", "approx": "≈"}


def _short_place(unit: OrgUnit) -> str:
    for prefix in ("Tỉnh ", "Thành phố ", "Xã ", "Phường "):
        if unit.name.startswith(prefix):
            return unit.name[len(prefix) :]
    return unit.name


async def _ancestors(session: AsyncSession, unit: OrgUnit) -> list[OrgUnit]:
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
    status = await report_requests.status(session, actor=actor, request=request)

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

    indicators = await report_requests.indicators_of(session, request.indicator_ids)
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
    ancestors = await _ancestors(session, requester)
    targets = await targets_for(
        session, indicators=indicators, units=ancestors, year=request.period_end.year
    )
    compiled: list[CompiledIndicator] = []
    for ind in indicators:
        options = sorted({opt for (iid, opt) in values if iid == ind.id}) or ["default"]
        for option in options:
            rows = values.get((ind.id, option), [])
            value, num, den = _combine(ind, rows)
            target = next(
                (
                    targets[(ind.id, u.id, option)]
                    for u in ancestors
                    if (ind.id, u.id, option) in targets
                ),
                None,
            )
            compiled.append(
                CompiledIndicator(
                    indicator=report_requests.indicator_ref(ind),
                    option=option,
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

    parent = ancestors[1] if len(ancestors) > 1 else None
    province = next((u for u in ancestors if u.type == "province"), ancestors[-1])
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
    place = (draft.place if draft else None) or _short_place(province)
    number = draft.doc_number if draft and draft.doc_number else ""
    default_recipients = [
        *([f"{parent.name} (b/c)"] if parent else []),
        *[f"{u.name}" for u in sorted(request.units, key=lambda u: u.code)][:5],
        "Lưu: VT.",
    ]
    return Compilation(
        version=draft.version if draft else 0,
        request=await report_requests.read_model(session, request, actor=actor),
        issuer=requester.name,
        issuer_parent=parent.name
        if parent and parent.type != "province"
        else (f"UBND {province.name[0].lower()}{province.name[1:]}" if parent else None),
        reference=f"Số: {number}/BC-{symbol_head}",
        place_and_date=f"{place}, {when}",
        title=(draft.title if draft and draft.title else None)
        or f"Tổng hợp kết quả: {request.title}",
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
        recipients=list(draft.recipients) if draft and draft.recipients else default_recipients,
    )


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


# --- DOCX (Decree 30/2020: Times New Roman 13–14, national header, signer block) -----------


def to_docx(c: Compilation) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)

    def line(
        cell_or_doc: Any,
        text: str,
        *,
        bold: bool = False,
        italic: bool = False,
        size: int = 13,
        center: bool = True,
    ) -> Any:
        p = cell_or_doc.add_paragraph()
        run = p.add_run(text)
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(0)
        return p

    header = doc.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = header.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(9.5)
    left.paragraphs[0].text = ""
    if c.issuer_parent:
        line(left, c.issuer_parent.upper(), size=13)
    line(left, c.issuer.upper(), bold=True)
    line(left, c.reference, size=13)
    right.paragraphs[0].text = ""
    line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    line(right, "Độc lập - Tự do - Hạnh phúc", bold=True)
    line(right, c.place_and_date, italic=True, size=14)

    doc.add_paragraph()
    line(doc, "BÁO CÁO", bold=True, size=14)
    line(doc, c.title, bold=True, size=14)
    doc.add_paragraph()
    p = doc.add_paragraph(c.preamble)
    p.paragraph_format.first_line_indent = Cm(1)
    for s in c.sections:
        heading = doc.add_paragraph()
        heading.add_run(f"{s.key}. {s.heading}").bold = True
        for para in (s.body or "(Chưa có nội dung từ các đơn vị.)").split("\n"):
            if para.strip():
                body = doc.add_paragraph(para.strip())
                body.paragraph_format.first_line_indent = Cm(1)
                body.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    sign = doc.add_table(rows=1, cols=2)
    left, right = sign.rows[0].cells
    left.paragraphs[0].text = ""
    run = left.add_paragraph().add_run("Nơi nhận:")
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    for r in c.recipients:
        line(left, f"- {r};" if not r.endswith(".") else f"- {r}", size=11, center=False)
    right.paragraphs[0].text = ""
    if c.signer_mode:
        line(right, f"{c.signer_mode}. {c.signer_authority or 'GIÁM ĐỐC'}", bold=True, size=14)
    line(right, c.signer_position or "", bold=True, size=14)
    for _ in range(4):
        line(right, "")
    line(right, c.signer_name or "", bold=True, size=14)

    doc.add_page_break()  # type: ignore[no-untyped-call]
    line(doc, "Phụ lục 1", bold=True)
    line(doc, "TÌNH HÌNH BÁO CÁO CỦA CÁC ĐƠN VỊ", bold=True)
    rates = c.status.rates
    line(
        doc,
        f"Đã nộp {rates.submitted}/{rates.expected} "
        f"({format_decimal(rates.completeness, 2)} %); "
        f"đúng hạn {rates.on_time}/{rates.expected} ({format_decimal(rates.timeliness, 2)} %)",
        italic=True,
    )
    _table(
        doc,
        ["STT", "Đơn vị", "Trạng thái", "Thời điểm nộp", "Đúng hạn"],
        [
            [
                str(n),
                u.org_unit.name,
                STATE_VI[u.state],
                _when(u.first_submitted_at),
                "" if not u.first_submitted_at else ("Muộn" if u.late else "Đúng hạn"),
            ]
            for n, u in enumerate(c.status.units, start=1)
        ],
    )
    if c.indicators:
        doc.add_paragraph()
        line(doc, "Phụ lục 2", bold=True)
        line(doc, "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", bold=True)
        _table(
            doc,
            ["STT", "Chỉ tiêu", "Kết quả", "Mục tiêu", "Đánh giá"],
            [
                [str(n), _label(i), i.value_text or "", i.target or "", EVALUATION_VI[i.evaluation]]
                for n, i in enumerate(c.indicators, start=1)
            ],
        )
    if c.task_results:
        section = doc.add_section()
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21)
        line(doc, "Phụ lục 3", bold=True)
        line(doc, "KẾT QUẢ THỰC HIỆN NHIỆM VỤ CỦA CÁC ĐƠN VỊ", bold=True)
        _table(
            doc,
            [
                "Đơn vị",
                "STT",
                "Tên nhiệm vụ",
                "Vai trò",
                "Tình trạng",
                "Kết quả thực hiện",
                "Ghi chú",
            ],
            [
                [
                    t.unit,
                    t.number,
                    t.title,
                    _role(t.role),
                    TASK_STATUS_VI.get(t.status or "", ""),
                    t.result,
                    t.note,
                ]
                for t in c.task_results
            ],
            bold_rows={n for n, t in enumerate(c.task_results) if t.is_group},
        )
    if c.issued_documents:
        doc.add_paragraph()
        line(doc, "Phụ lục 4", bold=True)
        line(doc, "VĂN BẢN CÁC ĐƠN VỊ ĐÃ BAN HÀNH TRONG KỲ", bold=True)
        _table(
            doc,
            ["STT", "Đơn vị", "Số, ký hiệu", "Ngày", "Trích yếu"],
            [
                [
                    str(n),
                    d.unit,
                    d.reference or "",
                    d.issued_on.strftime("%d/%m/%Y") if d.issued_on else "",
                    d.title,
                ]
                for n, d in enumerate(c.issued_documents, start=1)
            ],
        )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _table(
    doc: Any, header: list[str], rows: list[list[str]], bold_rows: set[int] | None = None
) -> None:
    from docx.shared import Pt

    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold, run.font.size = True, Pt(12)
    for n, row in enumerate(rows):
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = ""
            run = cell.paragraphs[0].add_run(text)
            run.font.size = Pt(12)
            run.bold = bool(bold_rows and n in bold_rows)


def _when(at: datetime | None) -> str:
    return at.astimezone(report_requests.TZ).strftime("%H:%M %d/%m/%Y") if at else ""


def _label(i: CompiledIndicator) -> str:
    name = i.indicator.name
    return name if i.option == "default" else f"{name} ({i.option})"


def _role(role: str | None) -> str:
    return {"lead": "Chủ trì", "coordinating": "Phối hợp"}.get(role or "", "")


def to_xlsx(c: Compilation) -> bytes:
    r = c.status.rates
    return write_workbook(
        [
            Sheet(
                "Tình hình báo cáo",
                [
                    "STT",
                    "Mã đơn vị",
                    "Đơn vị",
                    "Trạng thái",
                    "Nộp lần đầu",
                    "Nộp gần nhất",
                    "Đúng hạn",
                    "Quá hạn",
                    "Chấp nhận lúc",
                ],
                (
                    [
                        n,
                        u.org_unit.code,
                        u.org_unit.name,
                        STATE_VI[u.state],
                        _when(u.first_submitted_at),
                        _when(u.submitted_at),
                        "" if not u.first_submitted_at else ("Muộn" if u.late else "Đúng hạn"),
                        "Quá hạn" if u.overdue else "",
                        _when(u.accepted_at),
                    ]
                    for n, u in enumerate(c.status.units, start=1)
                ),
                title=(
                    f"{c.title} — đã nộp {r.submitted}/{r.expected} "
                    f"({format_decimal(r.completeness, 2)} %), đúng hạn {r.on_time} "
                    f"({format_decimal(r.timeliness, 2)} %)"
                ),
            ),
            Sheet(
                "Chỉ tiêu",
                [
                    "STT",
                    "Mã",
                    "Chỉ tiêu",
                    "Phân tổ",
                    "Tử số",
                    "Mẫu số",
                    "Kết quả",
                    "Kết quả (hiển thị)",
                    "Mục tiêu",
                    "Đánh giá",
                    "Số đơn vị có số liệu",
                ],
                (
                    [
                        n,
                        i.indicator.code,
                        i.indicator.name,
                        i.option,
                        i.numerator,
                        i.denominator,
                        i.value,
                        i.value_text or "",
                        i.target or "",
                        EVALUATION_VI[i.evaluation],
                        i.units_reporting,
                    ]
                    for n, i in enumerate(c.indicators, start=1)
                ),
                title="Kết quả thực hiện các chỉ tiêu",
            ),
            Sheet(
                "Nhiệm vụ",
                [
                    "Đơn vị",
                    "STT",
                    "Tên nhiệm vụ",
                    "Vai trò",
                    "Tình trạng",
                    "Kết quả thực hiện",
                    "Ghi chú",
                ],
                (
                    [
                        t.unit,
                        t.number,
                        t.title,
                        _role(t.role),
                        TASK_STATUS_VI.get(t.status or "", ""),
                        t.result,
                        t.note,
                    ]
                    for t in c.task_results
                ),
                title="Kết quả thực hiện nhiệm vụ của các đơn vị",
            ),
            Sheet(
                "Văn bản",
                ["STT", "Đơn vị", "Số, ký hiệu", "Ngày", "Trích yếu"],
                (
                    [
                        n,
                        d.unit,
                        d.reference or "",
                        d.issued_on.strftime("%d/%m/%Y") if d.issued_on else "",
                        d.title,
                    ]
                    for n, d in enumerate(c.issued_documents, start=1)
                ),
                title="Văn bản các đơn vị đã ban hành trong kỳ",
            ),
        ]
    )
