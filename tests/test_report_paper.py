"""The compiled report and a unit's report on paper, as Decree 30/2020 lays them out: the
national motto on one line with its rule and the rule under the issuer, a title that says
"Báo cáo" once, appendix columns sized to their content, the provincial People's Committee
among the recipients, files named by the report's number; the XLSX appendices printable
(frozen bold header, borders, widths, real numbers and dates, no "default")."""

import io
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from api.models import Indicator
from api.services.report_layout import MOTTO, plain_title
from api.services.request_indicators import option_names as _option_names
from api.text import fold
from tests.conftest import Login, unit_id
from tests.reporting import REQUESTS, SUBMISSIONS, if_match, seed_request, submission_of

FONTS = Path(__file__).resolve().parent.parent / "api" / "fonts"
TWIPS_PER_CM = 1440 / 2.54
EMU_PER_CM = 360000
CELL_MARGINS_CM = 2 * 0.19
TITLE = "Tổng hợp kết quả thực hiện Kế hoạch số 142/KH-UBND"


def width_cm(text: str, size_pt: float, *, bold: bool) -> float:
    """The text's one-line width in Liberation Serif (Times New Roman's metrics), measured
    here with fontTools rather than with the code under test."""
    from fontTools.ttLib import TTFont

    font = TTFont(FONTS / f"LiberationSerif-{'Bold' if bold else 'Regular'}.ttf")
    cmap, metrics = font.getBestCmap(), font["hmtx"]
    units = sum(metrics[cmap[ord(ch)]][0] for ch in text)
    return units / font["head"].unitsPerEm * size_pt * 2.54 / 72


def grid_cm(table: Any) -> list[float]:
    return [int(c.get(qn("w:w"))) / TWIPS_PER_CM for c in table._tbl.tblGrid.gridCol_lst]


def paragraph_after(cell: Any, text: str) -> tuple[Any, Any]:
    paragraphs = cell.paragraphs
    n = next(i for i, p in enumerate(paragraphs) if p.text == text)
    return paragraphs[n], paragraphs[n + 1]


def rule_cm(paragraph: Any, cell_cm: float) -> float:
    """The length of the bottom border an empty paragraph draws: its cell less its indents."""
    assert paragraph.text == ""
    border = paragraph._p.pPr.find(qn("w:pBdr"))
    assert border is not None and border.find(qn("w:bottom")) is not None
    assert border.find(qn("w:bottom")).get(qn("w:val")) == "single"
    fmt = paragraph.paragraph_format
    return cell_cm - CELL_MARGINS_CM - (fmt.left_indent + fmt.right_indent) / EMU_PER_CM


async def compiled(
    client: httpx.AsyncClient, headers: dict[str, str], request_id: str, fmt: str
) -> httpx.Response:
    r = await client.get(
        f"{REQUESTS}/{request_id}/compilation", params={"format": fmt}, headers=headers
    )
    assert r.status_code == 200, r.text
    return r


async def test_compiled_docx_header_per_decree_30(client: httpx.AsyncClient, login: Login) -> None:
    reviewer = await login("syt.thamdinh")
    request = await seed_request(client, reviewer)
    doc = Document(io.BytesIO((await compiled(client, reviewer, request["id"], "docx")).content))
    header = doc.tables[0]
    assert header._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    left_cm, right_cm = grid_cm(header)
    assert left_cm + right_cm == pytest.approx(16.5, abs=0.01)
    left, right = header.rows[0].cells
    assert right.width / EMU_PER_CM == pytest.approx(right_cm, abs=0.01)

    # The motto: one paragraph, no manual break, 12–13 pt bold, in a column wide enough.
    motto, after_motto = paragraph_after(right, MOTTO[0])
    assert not motto._p.xpath(".//w:br | .//w:cr")
    sizes = {run.font.size.pt for run in motto.runs}
    assert len(sizes) == 1 and 12 <= sizes.pop() <= 13 and all(r.bold for r in motto.runs)
    need = width_cm(MOTTO[0], motto.runs[0].font.size.pt, bold=True) + CELL_MARGINS_CM
    assert right_cm >= need + 0.2, (right_cm, need)
    assert after_motto.text == MOTTO[1]

    # Under the motto's second line a rule as long as that line.
    line_2, rule = paragraph_after(right, MOTTO[1])
    line_2_cm = width_cm(MOTTO[1], line_2.runs[0].font.size.pt, bold=True)
    assert rule_cm(rule, right_cm) == pytest.approx(line_2_cm, rel=0.1)
    # Under the issuer a rule a third to a half as long as its name.
    issuer, rule = paragraph_after(left, "SỞ Y TẾ")
    issuer_cm = width_cm("SỞ Y TẾ", issuer.runs[0].font.size.pt, bold=True)
    assert issuer_cm / 3 <= rule_cm(rule, left_cm) <= issuer_cm / 2 + 0.05

    # The title under "BÁO CÁO" does not say "Báo cáo" again.
    texts = [p.text for p in doc.paragraphs]
    title = texts[texts.index("BÁO CÁO") + 1]
    assert title.startswith(TITLE) and not fold(title).startswith("bao cao")

    # Recipients: the provincial People's Committee first, the archive with the division.
    recipients = [p.text for p in doc.tables[1].rows[0].cells[0].paragraphs]
    assert recipients[:3] == ["Nơi nhận:", "- UBND tỉnh (để b/c);", "- Lãnh đạo Sở;"]
    assert recipients[-1] == "- Lưu: VT, KHTH."


async def test_compiled_docx_appendix_columns_fit_their_content(
    client: httpx.AsyncClient, login: Login
) -> None:
    reviewer = await login("syt.thamdinh")
    request = await seed_request(client, reviewer)
    doc = Document(io.BytesIO((await compiled(client, reviewer, request["id"], "docx")).content))
    appendices = doc.tables[2:]
    assert len(appendices) == 4
    for table in appendices:
        header = [c.text for c in table.rows[0].cells]
        widths = grid_cm(table)
        assert sum(widths) == pytest.approx(25.2 if "Tên nhiệm vụ" in header else 16.5, abs=0.02)
        stt = widths[header.index("STT")]
        assert 0.9 <= stt <= 1.4, (header, widths)
        name = next(h for h in ("Chỉ tiêu", "Tên nhiệm vụ", "Trích yếu", "Đơn vị") if h in header)
        assert stt < widths[header.index(name)], (header, widths)
        # Every cell's width is the grid's, so Word and LibreOffice agree.
        for row in table.rows:
            for cell, cm in zip(row.cells, widths, strict=True):
                assert cell.width / EMU_PER_CM == pytest.approx(cm, abs=0.01)

    # Each appendix in a section of its own orientation: a portrait one after the landscape
    # task table goes back to portrait, as the PDF prints it.
    body = doc.element.body
    for table in appendices:
        header = [c.text for c in table.rows[0].cells]
        following = table._tbl.xpath("following::w:sectPr")
        section = following[0] if following else body.find(qn("w:sectPr"))
        size = section.find(qn("w:pgSz"))
        landscape = int(size.get(qn("w:w"))) > int(size.get(qn("w:h")))
        assert landscape == ("Tên nhiệm vụ" in header), header

    indicators = appendices[1]
    header = [c.text for c in indicators.rows[0].cells]
    widths = grid_cm(indicators)
    assert max(widths) == widths[header.index("Chỉ tiêu")]
    result = header.index("Kết quả")
    values = [row.cells[result] for row in indicators.rows[1:]]
    assert "38,46 %" in [c.text for c in values]
    # Numbers right-aligned, on one line in a column as wide as the widest.
    assert all(c.paragraphs[0].alignment == 2 for c in values)  # WD_ALIGN_PARAGRAPH.RIGHT
    need = max(width_cm(c.text, 12, bold=False) for c in values) + CELL_MARGINS_CM
    assert widths[result] >= need
    serials = [row.cells[0].paragraphs[0].alignment for row in indicators.rows[1:]]
    assert set(serials) == {1}  # centred


async def test_compiled_pdf_agrees_with_the_docx(client: httpx.AsyncClient, login: Login) -> None:
    reviewer = await login("syt.thamdinh")
    request = await seed_request(client, reviewer)
    pdf = (await compiled(client, reviewer, request["id"], "pdf")).content
    first = PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines()
    # The motto on one line (beside the issuer's line, which the columns put on it).
    assert any(MOTTO[0] in line for line in first), first[:6]
    title = first[next(n for n, line in enumerate(first) if line.strip() == "BÁO CÁO") + 1]
    assert title.startswith("Tổng hợp kết quả thực hiện Kế hoạch"), title
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "- UBND tỉnh (để b/c); - Lãnh đạo Sở;" in text and "- Lưu: VT, KHTH." in text
    assert "Báo cáo kết quả thực hiện Kế hoạch số 142" not in text


async def test_files_are_named_by_the_report_number(
    client: httpx.AsyncClient, login: Login
) -> None:
    reviewer = await login("syt.thamdinh")
    request = await seed_request(client, reviewer)
    url = f"{REQUESTS}/{request['id']}/compilation"
    r = await client.get(url, params={"format": "docx"}, headers=reviewer)
    assert 'filename="BC-SYT-2026.docx"' in r.headers["content-disposition"]
    edit = {"doc_number": "315", "report_date": "2026-06-10"}
    assert (await client.patch(url, json=edit, headers=if_match(reviewer, 0))).status_code == 200
    for fmt, plain, vietnamese in (
        ("docx", "BC-315-SYT-2026.docx", "Báo cáo tổng hợp số 315-BC-SYT năm 2026.docx"),
        ("pdf", "BC-315-SYT-2026.pdf", "Báo cáo tổng hợp số 315-BC-SYT năm 2026.pdf"),
        (
            "xlsx",
            "BC-315-SYT-2026-phu-luc.xlsx",
            "Phụ lục báo cáo tổng hợp số 315-BC-SYT năm 2026.xlsx",
        ),
    ):
        r = await client.get(url, params={"format": fmt}, headers=reviewer)
        assert _names(r) == (plain, vietnamese)

    reporter = await login("sonhai.baocao")
    sub = await submission_of(client, reporter, request["id"], "BN-SONHAI")
    for fmt in ("docx", "pdf"):
        r = await client.get(
            f"{SUBMISSIONS}/{sub['id']}/download", params={"format": fmt}, headers=reporter
        )
        assert r.status_code == 200, r.text
        assert _names(r) == (
            f"BC-UBND-2026-BN-SONHAI.{fmt}",
            f"Báo cáo Xã Sơn Hải BC-UBND năm 2026.{fmt}",
        )


def _names(r: httpx.Response) -> tuple[str, str]:
    """The ASCII filename and the RFC 5987 filename* of a download."""
    disposition = r.headers["content-disposition"]
    assert disposition.isascii()
    plain = re.search(r'filename="([^"]+)"', disposition)
    extended = re.search(r"filename\*=UTF-8''(\S+)", disposition)
    assert plain and extended, disposition
    assert re.fullmatch(r"[A-Za-z0-9.-]+", plain[1])
    return plain[1], unquote(extended[1])


async def test_xlsx_appendices_are_formatted(client: httpx.AsyncClient, login: Login) -> None:
    reviewer = await login("syt.thamdinh")
    request = await seed_request(client, reviewer)
    book = openpyxl.load_workbook(
        io.BytesIO((await compiled(client, reviewer, request["id"], "xlsx")).content)
    )
    assert book.sheetnames == ["Tình hình báo cáo", "Chỉ tiêu", "Nhiệm vụ", "Văn bản"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A4"  # below the header row
        assert sheet.print_title_rows == "$3:$3"  # repeated on every printed page
        header = [c for c in sheet[3] if c.value]
        assert header and all(c.font.b for c in header)
        rows = list(sheet.iter_rows(min_row=3, max_row=sheet.max_row))
        assert len(rows) > 1
        for row in rows:
            for cell in row:
                assert cell.border.left.style == "thin" and cell.border.bottom.style == "thin"
        names = [c.value for c in sheet[3]]
        widths = [sheet.column_dimensions[chr(65 + n)].width for n in range(len(names))]
        if "STT" in names:
            names_first = ("Chỉ tiêu", "Tên nhiệm vụ", "Trích yếu", "Đơn vị")
            name = next(h for h in names_first if h in names)
            assert widths[names.index("STT")] < widths[names.index(name)]
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                assert not (isinstance(value, str) and "default" in value.lower()), value

    status = book["Tình hình báo cáo"]
    submitted = [r for r in status.iter_rows(min_row=4) if r[3].value != "Chưa báo cáo"]
    assert submitted
    for row in submitted:
        assert isinstance(row[0].value, int)
        first = row[4]
        assert isinstance(first.value, datetime) and first.number_format.startswith("dd/mm/yyyy")
    documents = book["Văn bản"]
    dates = [r[3] for r in documents.iter_rows(min_row=4)]
    assert dates and all(
        isinstance(c.value, datetime) and c.number_format == "dd/mm/yyyy" for c in dates
    )
    assert dates[0].value == datetime(2025, 12, 1)
    tasks = book["Nhiệm vụ"]
    groups = [r for r in tasks.iter_rows(min_row=4) if r[1].value in ("I", "II")]
    assert len(groups) == 2 and all(c.font.b for r in groups for c in r)
    values = book["Chỉ tiêu"]
    header = [c.value for c in values[3]]
    rows = {r[header.index("Mã")].value: r for r in values.iter_rows(min_row=4)}
    tcdd = rows["TCDD"]
    assert tcdd[header.index("Kết quả")].value == pytest.approx(38.46)
    assert tcdd[header.index("Kết quả")].number_format == "#,##0.00"
    assert tcdd[header.index("Tử số")].value == 50 and tcdd[header.index("Mẫu số")].value == 130
    assert tcdd[header.index("Tử số")].number_format == "#,##0"
    assert tcdd[header.index("Phân tổ")].value is None


def test_the_default_option_is_no_disaggregation_or_the_total() -> None:
    sex = Indicator(
        categories=[
            {
                "code": "sex",
                "name": "Giới tính",
                "options": [{"code": "male", "name": "Nam"}, {"code": "female", "name": "Nữ"}],
            }
        ]
    )
    assert _option_names(sex, ["default"]) == {"default": ""}
    assert _option_names(sex, ["default", "female", "male", "other"]) == {
        "default": "Tổng",
        "female": "Nữ",
        "male": "Nam",
        "other": "other",
    }


@pytest.mark.parametrize(
    ("title", "plain"),
    [
        ("Báo cáo kết quả thực hiện Kế hoạch 142", "Kết quả thực hiện Kế hoạch 142"),
        ("BÁO CÁO: Tình hình tiêm chủng", "Tình hình tiêm chủng"),
        ("bao cao  sơ kết 5 năm", "Sơ kết 5 năm"),
        ("Báo  cáo - tổng kết", "Tổng kết"),
        ("Báo cáo", ""),
        ("Tổng hợp kết quả", "Tổng hợp kết quả"),
        ("Báo cáotổng", "Báo cáotổng"),
    ],
)
def test_plain_title(title: str, plain: str) -> None:
    assert plain_title(title) == plain


@settings(max_examples=25, deadline=None)
@given(
    prefix=st.sampled_from(["Báo cáo", "BÁO CÁO", "báo cáo", "Bao cao", "Báo cáo:", "Báo cáo -"]),
    rest=st.text(alphabet="abcdđơưếộ ", min_size=1, max_size=30).filter(
        lambda s: s.strip() and not fold(s).startswith("bao cao")
    ),
)
def test_a_title_says_bao_cao_at_most_once(prefix: str, rest: str) -> None:
    """Whatever follows "Báo cáo" in front of a title is kept, first letter capitalised."""
    stripped = rest.strip()
    assert plain_title(f"{prefix} {rest}") == stripped[:1].upper() + stripped[1:]
    assert plain_title(plain_title(f"{prefix} {rest}")) == plain_title(f"{prefix} {rest}")


async def test_a_unit_report_without_recipients_goes_to_the_requester(
    client: httpx.AsyncClient, login: Login
) -> None:
    """Nơi nhận of a unit that typed none: the requester, for its report ("- Sở Y tế (b/c);"),
    as the seeds' commune report writes it, then the archive."""
    reporter = await login("lucngan.baocao")
    request = await seed_request(client, reporter)
    sub = await submission_of(client, reporter, request["id"], "BN-LUCNGAN")
    assert sub["recipients"] == []
    r = await client.get(
        f"{SUBMISSIONS}/{sub['id']}/download", params={"format": "docx"}, headers=reporter
    )
    assert r.status_code == 200, r.text
    doc = Document(io.BytesIO(r.content))
    recipients = [p.text for p in doc.tables[1].rows[0].cells[0].paragraphs]
    assert recipients == ["Nơi nhận:", "- Sở Y tế (b/c);", "- Lưu: VT."]


async def test_a_unit_report_names_its_disaggregated_values_in_vietnamese(
    client: httpx.AsyncClient, login: Login
) -> None:
    """A unit's split values read "Chiều cao … (Nam)", not "(male)", on screen (option_name)
    and on paper, as the compiled report's do."""
    manager, reporter = await login("syt.kehoach"), await login("lucngan.baocao")
    body = {
        "requester_id": await unit_id(client, manager, "BN-SYT"),
        "title": "Báo cáo chiều cao thanh niên",
        "period": "2026",
        "due_date": "2027-01-15",
        "indicators": ["CC18"],
        "units": {"unit_ids": [await unit_id(client, manager, "BN-LUCNGAN")]},
    }
    r = await client.post(REQUESTS, json=body, headers=manager)
    assert r.status_code == 201, r.text
    r = await client.post(f"{REQUESTS}/{r.json()['id']}/open", headers=if_match(manager, 1))
    assert r.status_code == 200, r.text
    sub = await submission_of(client, reporter, r.json()["id"], "BN-LUCNGAN")
    r = await client.patch(
        f"{SUBMISSIONS}/{sub['id']}",
        json={
            "values": [
                {"indicator": "CC18", "option": "male", "value": "168,2"},
                {"indicator": "CC18", "option": "female", "value": "157,9"},
            ]
        },
        headers=if_match(reporter, sub["version"]),
    )
    assert r.status_code == 200, r.text
    r = await client.get(f"{SUBMISSIONS}/{sub['id']}", headers=reporter)
    named = {(v["option"], v["option_name"]) for v in r.json()["values"]}
    assert {("male", "Nam"), ("female", "Nữ")} <= named
    r = await client.get(
        f"{SUBMISSIONS}/{sub['id']}/download", params={"format": "docx"}, headers=reporter
    )
    assert r.status_code == 200, r.text
    cells = {
        c.text for t in Document(io.BytesIO(r.content)).tables for row in t.rows for c in row.cells
    }
    name = "Chiều cao trung bình của thanh niên 18 tuổi"
    assert {f"{name} (Nam)", f"{name} (Nữ)"} <= cells
    assert not any("(male)" in c or "(female)" in c for c in cells)
