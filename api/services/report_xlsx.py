"""The compiled report's appendices as an XLSX workbook a person can print: a title, a bold
header row frozen and repeated on each printed page, thin borders, columns as wide as their
content, numbers as numbers and dates as dates (dd/mm/yyyy), each sheet fitted to the page."""

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from api.numbers import format_decimal
from api.schemas.report import Compilation
from api.services.deadlines import TZ
from api.services.report_layout import (
    EVALUATION_VI,
    STATE_VI,
    TASK_HEADER,
    task_group_rows,
    task_rows,
)
from api.tabular import number_text, safe_cell

DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
WIDEST = 60  # characters; longer text wraps
HEADER_ROW = 3  # the title, a blank row, then the header
LINE_PT = 15  # a line of the default 11 pt font


@dataclass
class Table:
    """One sheet: its name, a title above the table, the header and the rows (Python values:
    str, int, Decimal, date, datetime or None)."""

    name: str
    title: str
    header: list[str]
    rows: list[list[Any]]
    bold_rows: set[int] = field(default_factory=set)


def to_xlsx(c: Compilation) -> bytes:
    r = c.status.rates
    return write_tables(
        [
            Table(
                "Tình hình báo cáo",
                f"{c.title} — đã nộp {r.submitted}/{r.expected} "
                f"({format_decimal(r.completeness, 2)} %), đúng hạn {r.on_time} "
                f"({format_decimal(r.timeliness, 2)} %)",
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
                [
                    [
                        n,
                        u.org_unit.code,
                        u.org_unit.name,
                        STATE_VI[u.state],
                        u.first_submitted_at,
                        u.submitted_at,
                        "" if not u.first_submitted_at else ("Muộn" if u.late else "Đúng hạn"),
                        "Quá hạn" if u.overdue else "",
                        u.accepted_at,
                    ]
                    for n, u in enumerate(c.status.units, start=1)
                ],
            ),
            Table(
                "Chỉ tiêu",
                "Kết quả thực hiện các chỉ tiêu",
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
                [
                    [
                        n,
                        i.indicator.code,
                        i.indicator.name,
                        i.option_name,
                        i.numerator,
                        i.denominator,
                        i.value,
                        i.value_text or "",
                        i.target or "",
                        EVALUATION_VI[i.evaluation],
                        i.units_reporting,
                    ]
                    for n, i in enumerate(c.indicators, start=1)
                ],
            ),
            Table(
                "Nhiệm vụ",
                "Kết quả thực hiện nhiệm vụ của các đơn vị",
                TASK_HEADER,
                task_rows(c),
                bold_rows=task_group_rows(c),
            ),
            Table(
                "Văn bản",
                "Văn bản các đơn vị đã ban hành trong kỳ",
                ["STT", "Đơn vị", "Số, ký hiệu", "Ngày", "Trích yếu"],
                [
                    [n, d.unit, d.reference or "", d.issued_on, d.title]
                    for n, d in enumerate(c.issued_documents, start=1)
                ],
            ),
        ]
    )


def _cell(value: Any) -> tuple[Any, str | None, int]:
    """The value to write, its number format, and how many characters it shows."""
    if isinstance(value, datetime):
        local = value.astimezone(TZ).replace(tzinfo=None) if value.tzinfo else value
        return local, DATETIME_FORMAT, len(DATETIME_FORMAT)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day), DATE_FORMAT, len(DATE_FORMAT)
    if isinstance(value, bool) or value is None:
        return ("" if value is None else str(value)), None, 0
    if isinstance(value, int):
        return value, "#,##0", len(f"{value:,}")
    if isinstance(value, Decimal):
        # A number cell when a float holds it exactly within Excel's 15 digits; else its text.
        number = float(value)
        digits = len(value.normalize().as_tuple().digits)
        if not (value.is_finite() and digits <= 15 and Decimal(repr(number)) == value):
            text = number_text(value)
            return text, None, len(text)
        # As many decimals as the number has (50.0000 is 50), at most four.
        exponent = value.normalize().as_tuple().exponent
        decimals = min(-exponent, 4) if isinstance(exponent, int) and exponent < 0 else 0
        fmt = "#,##0" + ("." + "0" * decimals if decimals else "")
        return number, fmt, len(f"{number:,.{decimals}f}")
    text = str(safe_cell(value))
    return text, None, max((len(line) for line in text.splitlines()), default=0)


def _lines(text: str, width: float) -> int:
    """How many lines `text` wraps to in a column `width` characters wide (a little less is
    usable: the cell's margins)."""
    usable = max(width - 2, 1)
    return sum(max(1, -(-len(line) // int(usable))) for line in text.split("\n"))


def write_tables(tables: Iterable[Table]) -> bytes:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties

    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_fill = PatternFill("solid", fgColor="D9D9D9")
    book = openpyxl.Workbook(write_only=True)
    for table in tables:
        sheet = book.create_sheet(table.name[:31])
        cells = [[_cell(v) for v in row] for row in table.rows]
        widths = []
        for n, title in enumerate(table.header):
            shown = max((row[n][2] for row in cells if n < len(row)), default=0)
            longest_word = max((len(w) for w in title.split()), default=0)
            widths.append(min(max(shown, longest_word, min(len(title), 16)) + 2, WIDEST))
        for n, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(n)].width = width
        sheet.freeze_panes = f"A{HEADER_ROW + 1}"
        sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        sheet.page_setup.paperSize = "9"  # A4
        sheet.page_setup.orientation = "landscape" if sum(widths) > 110 else "portrait"
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)

        title = WriteOnlyCell(sheet, safe_cell(table.title))
        title.font = Font(bold=True, size=13)
        sheet.append([title])
        sheet.append([])
        header = []
        for text in table.header:
            cell = WriteOnlyCell(sheet, text)
            cell.font, cell.border, cell.fill = Font(bold=True), border, header_fill
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            header.append(cell)
        sheet.append(header)
        for n, row in enumerate(cells):
            written = []
            lines = 1
            for (value, fmt, shown), width in zip(row, widths, strict=True):
                cell = WriteOnlyCell(sheet, value)
                cell.border = border
                if n in table.bold_rows:
                    cell.font = Font(bold=True)
                if fmt:
                    cell.number_format = fmt
                wrap = shown + 2 > width or (isinstance(value, str) and "\n" in value)
                cell.alignment = Alignment(vertical="top", wrap_text=wrap)
                if wrap:
                    lines = max(lines, _lines(str(value), width))
                written.append(cell)
            if lines > 1:
                # Not every spreadsheet grows a row to its wrapped text on opening.
                sheet.row_dimensions[HEADER_ROW + 1 + n].height = LINE_PT * lines
            sheet.append(written)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
