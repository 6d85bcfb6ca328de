"""The printed report as Decree 30/2020 lays it out (national motto, issuer under its parent,
"Số: …/BC-…", place and date, title, body, recipients, signer block, appendix tables): one
model that the DOCX and the PDF renderers both read, built from a compilation or from one
unit's submission, so the two files never say different things."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from api.numbers import format_decimal
from api.schemas.report import Compilation, CompiledIndicator
from api.schemas.submission import SubmissionRead
from api.services.deadlines import TZ
from api.text import fold, nfc

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
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


@dataclass
class Appendix:
    """One appendix table; its header repeats on every page it spans."""

    number: int
    title: str
    header: list[str]
    rows: list[list[str]]
    note: str | None = None
    bold_rows: set[int] = field(default_factory=set)
    landscape: bool = False


@dataclass
class Section:
    heading: str
    paragraphs: list[str]


@dataclass
class ReportLayout:
    issuer_parent: str | None
    issuer: str
    reference: str
    place_and_date: str
    title: str
    preamble: str
    sections: list[Section]
    recipients: list[str]
    signer_mode: str | None
    signer_authority: str | None
    signer_position: str | None
    signer_name: str | None
    appendices: list[Appendix]
    kind: str = "BÁO CÁO"

    def __post_init__(self) -> None:
        self.title = plain_title(self.title)

    @property
    def signer_lines(self) -> list[str]:
        """The signer block above the signature, as Decree 30 writes it: "KT. GIÁM ĐỐC" then
        the signer's own position."""
        lines = []
        if self.signer_mode:
            lines.append(f"{self.signer_mode}. {self.signer_authority or ''}".strip())
        if self.signer_position:
            lines.append(self.signer_position)
        return lines


def plain_title(title: str) -> str:
    """The title under "BÁO CÁO" without a "Báo cáo" of its own in front (in any case, with
    or without accents): "BÁO CÁO / Báo cáo kết quả …" says it twice."""
    text = nfc(title)
    for n in range(len("Báo cáo"), min(len(text), 12) + 1):
        if fold(text[:n]) == "bao cao" and (n == len(text) or not text[n].isalnum()):
            rest = text[n:].lstrip(" \t:,.;-–—")
            return rest[:1].upper() + rest[1:]
    return text


_REFERENCE = re.compile(r"Số:\s*(?P<number>[^/\s]*)\s*/\s*(?P<symbol>\S+)")
_YEAR = re.compile(r"năm\s+(\d{4})")


def ascii_name(text: str) -> str:
    """Letters, digits, dots and dashes only: "Xã Sơn Hải" -> "Xa-Son-Hai"."""
    bare = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in bare if not unicodedata.combining(ch))
    return re.sub(r"[^A-Za-z0-9.]+", "-", bare).strip("-.")


def file_names(
    layout: "ReportLayout", kind: str, unit: tuple[str, str] | None = None
) -> tuple[str, str]:
    """The file's name without extension, in ASCII and in Vietnamese, from the report's own
    number ("Số: 315/BC-SYT" of 2026 -> "BC-315-SYT-2026", "Báo cáo tổng hợp số 315-BC-SYT năm
    2026"); a unit's report also carries the unit (code, name), as many units share a symbol."""
    found = _REFERENCE.search(layout.reference)
    number = found["number"] if found else ""
    symbol = found["symbol"] if found else ""
    year_found = _YEAR.search(layout.place_and_date)
    year = year_found[1] if year_found else ""
    doc_type, _, issuer = symbol.partition("-")
    stem = "-".join(p for p in (doc_type, number, issuer, year, unit and unit[0]) if p)
    code = "-".join(p for p in (number, symbol.replace("/", "-")) if p)
    words = [kind, unit and unit[1], f"số {code}" if number else code, year and f"năm {year}"]
    return ascii_name(stem) or "bao-cao", " ".join(w for w in words if w).replace("/", "-")


def when(at: datetime | None) -> str:
    return at.astimezone(TZ).strftime("%H:%M %d/%m/%Y") if at else ""


def label(i: CompiledIndicator) -> str:
    name = i.indicator.name
    return f"{name} ({i.option_name})" if i.option_name else name


def role_vi(role: str | None) -> str:
    return {"lead": "Chủ trì", "coordinating": "Phối hợp"}.get(role or "", "")


def _paragraphs(body: str | None, empty: str) -> list[str]:
    return [p.strip() for p in (body or empty).split("\n") if p.strip()]


def recipient_line(r: str) -> str:
    return f"- {r}" if r.endswith(".") else f"- {r};"


TASK_HEADER = [
    "Đơn vị",
    "STT",
    "Tên nhiệm vụ",
    "Vai trò",
    "Tình trạng",
    "Kết quả thực hiện",
    "Ghi chú",
]


def task_rows(c: Compilation) -> list[list[str]]:
    """The units' task results as the compiled report's appendix (and its XLSX) lists them."""
    return [
        [
            t.unit,
            t.number,
            t.title,
            role_vi(t.role),
            TASK_STATUS_VI.get(t.status or "", ""),
            t.result,
            t.note,
        ]
        for t in c.task_results
    ]


def task_group_rows(c: Compilation) -> set[int]:
    """The rows of task_rows that are groups ("I", "II"), written bold."""
    return {n for n, t in enumerate(c.task_results) if t.is_group}


def of_compilation(c: Compilation) -> ReportLayout:
    rates = c.status.rates
    appendices = [
        Appendix(
            1,
            "TÌNH HÌNH BÁO CÁO CỦA CÁC ĐƠN VỊ",
            ["STT", "Đơn vị", "Trạng thái", "Thời điểm nộp", "Đúng hạn"],
            [
                [
                    str(n),
                    u.org_unit.name,
                    STATE_VI[u.state],
                    when(u.first_submitted_at),
                    "" if not u.first_submitted_at else ("Muộn" if u.late else "Đúng hạn"),
                ]
                for n, u in enumerate(c.status.units, start=1)
            ],
            note=f"Đã nộp {rates.submitted}/{rates.expected} "
            f"({format_decimal(rates.completeness, 2)} %); "
            f"đúng hạn {rates.on_time}/{rates.expected} ({format_decimal(rates.timeliness, 2)} %)",
        )
    ]
    if c.indicators:
        appendices.append(
            Appendix(
                2,
                "KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
                ["STT", "Chỉ tiêu", "Kết quả", "Mục tiêu", "Đánh giá"],
                [
                    [
                        str(n),
                        label(i),
                        i.value_text or "",
                        i.target or "",
                        EVALUATION_VI[i.evaluation],
                    ]
                    for n, i in enumerate(c.indicators, start=1)
                ],
            )
        )
    if c.task_results:
        appendices.append(
            Appendix(
                3,
                "KẾT QUẢ THỰC HIỆN NHIỆM VỤ CỦA CÁC ĐƠN VỊ",
                TASK_HEADER,
                task_rows(c),
                bold_rows=task_group_rows(c),
                landscape=True,
            )
        )
    if c.issued_documents:
        appendices.append(
            Appendix(
                4,
                "VĂN BẢN CÁC ĐƠN VỊ ĐÃ BAN HÀNH TRONG KỲ",
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
        )
    return ReportLayout(
        issuer_parent=c.issuer_parent,
        issuer=c.issuer,
        reference=c.reference,
        place_and_date=c.place_and_date,
        title=c.title,
        preamble=c.preamble,
        sections=[
            Section(
                f"{s.key}. {s.heading}", _paragraphs(s.body, "(Chưa có nội dung từ các đơn vị.)")
            )
            for s in c.sections
        ],
        recipients=c.recipients,
        signer_mode=c.signer_mode,
        signer_authority=c.signer_authority or "GIÁM ĐỐC",
        signer_position=c.signer_position,
        signer_name=c.signer_name,
        appendices=appendices,
    )


def of_submission(
    s: SubmissionRead,
    *,
    issuer: str,
    issuer_parent: str | None,
    place: str,
    send_to: str | None = None,
) -> ReportLayout:
    """One unit's report as it sends it: its sections, then its values, its tasks and the
    documents it issued as appendices; sent to the requester (`send_to`) when the unit wrote
    no recipients."""
    d = s.report_date
    date_text = (
        f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"
        if d
        else f"ngày    tháng    năm {s.due_date.year}"
    )
    appendices: list[Appendix] = []
    if s.values:
        rows = []
        for n, v in enumerate(s.values, start=1):
            name = f"{v.indicator.name} ({v.option_name})" if v.option_name else v.indicator.name
            ratio = (
                f"{format_decimal(v.numerator, 0)}/{format_decimal(v.denominator, 0)}"
                if v.numerator is not None and v.denominator is not None
                else ""
            )
            value = v.text_value or (
                _format_value(v.value, v.indicator.value_type) if v.value is not None else ""
            )
            rows.append([str(n), name, ratio, value, v.comment or ""])
        appendices.append(
            Appendix(
                len(appendices) + 1,
                "KẾT QUẢ CÁC CHỈ TIÊU",
                ["STT", "Chỉ tiêu", "Tử số/Mẫu số", "Kết quả", "Ghi chú"],
                rows,
            )
        )
    if s.tasks:
        appendices.append(
            Appendix(
                len(appendices) + 1,
                "KẾT QUẢ THỰC HIỆN NHIỆM VỤ",
                ["STT", "Tên nhiệm vụ", "Vai trò", "Tình trạng", "Kết quả thực hiện", "Ghi chú"],
                [
                    [
                        t.number,
                        t.title,
                        role_vi(t.role),
                        TASK_STATUS_VI.get(t.status or "", ""),
                        t.result,
                        t.note,
                    ]
                    for t in s.tasks
                ],
                bold_rows={n for n, t in enumerate(s.tasks) if t.is_group},
                landscape=True,
            )
        )
    if s.issued_documents:
        appendices.append(
            Appendix(
                len(appendices) + 1,
                "VĂN BẢN ĐÃ BAN HÀNH TRONG KỲ",
                ["STT", "Số, ký hiệu", "Ngày", "Trích yếu"],
                [
                    [
                        str(n),
                        doc.reference or "",
                        doc.issued_on.strftime("%d/%m/%Y") if doc.issued_on else "",
                        doc.title,
                    ]
                    for n, doc in enumerate(s.issued_documents, start=1)
                ],
            )
        )
    reply_to = s.request_reference or s.request_title
    return ReportLayout(
        issuer_parent=issuer_parent,
        issuer=issuer,
        reference=s.reference,
        place_and_date=f"{s.place or place}, {date_text}",
        title=s.title or s.request_title,
        preamble=f"Thực hiện {reply_to}, {issuer} báo cáo như sau:",
        sections=[
            Section(f"{sec.key}. {sec.heading}", _paragraphs(sec.body, "(Không có nội dung.)"))
            for sec in s.sections
        ],
        recipients=s.recipients or [*([f"{send_to} (b/c)"] if send_to else []), "Lưu: VT."],
        signer_mode=s.signer_mode,
        signer_authority=s.signer_authority,
        signer_position=s.signer_position,
        signer_name=s.signer_name,
        appendices=appendices,
    )


def _format_value(value: object, value_type: str | None) -> str:
    from decimal import Decimal

    if not isinstance(value, Decimal):
        return str(value)
    text = format_decimal(value, 2)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return f"{text} %" if value_type == "percentage" else text
