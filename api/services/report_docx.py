"""A report as DOCX in the Decree 30/2020 layout (Times New Roman 13–14, national header,
issuer, number, place and date, title, body, recipients and signer block, appendices).

Column widths are fixed (table grid and cells both), so Word and LibreOffice keep the national
motto on one line; the rules under the issuer and the motto are bottom borders of narrow
centred paragraphs, which both draw."""

import io
from typing import Any

from api.services.report_columns import (
    HEADER_CM,
    LANDSCAPE_TEXT_CM,
    MARGINS_CM,
    PAGE_CM,
    TEXT_CM,
    alignments,
    column_widths,
    text_width_cm,
)
from api.services.report_layout import MOTTO, Appendix, ReportLayout, recipient_line

SIGN_CM = (TEXT_CM / 2, TEXT_CM / 2)  # as the PDF: halves
CELL_MARGIN_CM = 0.19  # each side, the template's Table Normal
MOTTO_PT = 12
ISSUER_PT = 13
TABLE_PT = 12
# pPr's children after w:pBdr, in the schema's order: a border goes before them.
_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


def render(layout: ReportLayout) -> bytes:
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
    section.page_height, section.page_width = Cm(PAGE_CM[1]), Cm(PAGE_CM[0])
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(MARGINS_CM[0]), Cm(MARGINS_CM[1])

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
    _fix_widths(header, HEADER_CM)
    left, right = header.rows[0].cells
    _drop_first_paragraph(left)
    if layout.issuer_parent:
        line(left, layout.issuer_parent.upper(), size=ISSUER_PT)
    issuer = layout.issuer.upper()
    line(left, issuer, bold=True, size=ISSUER_PT)
    # Decree 30: under the issuer a rule a third to a half as long as its name.
    issuer_cm = min(text_width_cm(issuer, ISSUER_PT, bold=True), _inner(HEADER_CM[0]))
    _rule(left, issuer_cm / 2, HEADER_CM[0])
    line(left, layout.reference, size=ISSUER_PT).paragraph_format.space_before = Pt(6)
    _drop_first_paragraph(right)
    line(right, MOTTO[0], bold=True, size=MOTTO_PT)
    line(right, MOTTO[1], bold=True, size=13)
    # … and under the motto's second line a rule as long as that line.
    _rule(right, text_width_cm(MOTTO[1], 13, bold=True), HEADER_CM[1])
    date = line(right, layout.place_and_date, italic=True, size=14)
    date.paragraph_format.space_before = Pt(6)

    doc.add_paragraph()
    line(doc, layout.kind, bold=True, size=14)
    if layout.title:
        line(doc, layout.title, bold=True, size=14)
    doc.add_paragraph()
    p = doc.add_paragraph(layout.preamble)
    p.paragraph_format.first_line_indent = Cm(1)
    for s in layout.sections:
        heading = doc.add_paragraph()
        heading.add_run(s.heading).bold = True
        for para in s.paragraphs:
            body = doc.add_paragraph(para)
            body.paragraph_format.first_line_indent = Cm(1)
            body.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY

    sign = doc.add_table(rows=1, cols=2)
    _fix_widths(sign, SIGN_CM)
    left, right = sign.rows[0].cells
    _drop_first_paragraph(left)
    run = left.add_paragraph().add_run("Nơi nhận:")
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    for r in layout.recipients:
        line(left, recipient_line(r), size=11, center=False)
    _drop_first_paragraph(right)
    for text in layout.signer_lines or [""]:
        line(right, text, bold=True, size=14)
    for _ in range(4):
        line(right, "")
    line(right, layout.signer_name or "", bold=True, size=14)

    landscape = False
    for n, appendix in enumerate(layout.appendices):
        if appendix.landscape != landscape:
            # A section of the appendix's own orientation, as the PDF turns each page.
            landscape = appendix.landscape
            section = doc.add_section()
            section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
            long, short = Cm(PAGE_CM[1]), Cm(PAGE_CM[0])
            section.page_width, section.page_height = (long, short) if landscape else (short, long)
        elif n == 0:
            doc.add_page_break()  # type: ignore[no-untyped-call]
        else:
            doc.add_paragraph()
        width = LANDSCAPE_TEXT_CM if landscape else TEXT_CM
        line(doc, f"Phụ lục {appendix.number}", bold=True)
        line(doc, appendix.title, bold=True)
        if appendix.note:
            line(doc, appendix.note, italic=True)
        _table(doc, appendix, width)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _inner(cell_cm: float) -> float:
    return cell_cm - 2 * CELL_MARGIN_CM


def _drop_first_paragraph(cell: Any) -> None:
    """A new cell holds one empty paragraph; the content starts with the next one."""
    cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)


def _fix_widths(table: Any, widths_cm: "tuple[float, ...] | list[float]") -> None:
    """Fixed layout, the grid and every cell at the same widths: Word reads the cells,
    LibreOffice the grid, and neither then widens a column to its content."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    table.autofit = False
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is None:
        tbl_w = OxmlElement("w:tblW")
        tbl_pr.append(tbl_w)
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(round(sum(widths_cm) / 2.54 * 1440)))
    for column, cm in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(cm)
    for row in table.rows:
        for cell, cm in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(cm)


def _rule(cell: Any, length_cm: float, cell_cm: float) -> None:
    """A centred horizontal rule `length_cm` long: the bottom border of an empty paragraph
    indented to that width, one point high."""
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    p = cell.add_paragraph()
    fmt = p.paragraph_format
    side = max(0.0, (_inner(cell_cm) - length_cm) / 2)
    fmt.left_indent = fmt.right_indent = Cm(side)
    fmt.space_before, fmt.space_after = Pt(0), Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(2)
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{key}"), value)
    border.append(bottom)
    p._p.get_or_add_pPr().insert_element_before(border, *_AFTER_PBDR)


def _table(doc: Any, appendix: Appendix, width_cm: float) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    align = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }
    table = doc.add_table(rows=1, cols=len(appendix.header))
    table.style = "Table Grid"
    # The header row repeats on each page the table runs onto.
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(flag)
    for cell, text in zip(table.rows[0].cells, appendix.header, strict=True):
        cell.text = ""
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = cell.paragraphs[0].add_run(text)
        run.bold, run.font.size = True, Pt(TABLE_PT)
    aligned = [align[a] for a in alignments(appendix.header, appendix.rows)]
    for n, row in enumerate(appendix.rows):
        cells = table.add_row().cells
        for cell, text, where in zip(cells, row, aligned, strict=True):
            cell.text = ""
            cell.paragraphs[0].alignment = where
            run = cell.paragraphs[0].add_run(text)
            run.font.size = Pt(TABLE_PT)
            run.bold = n in appendix.bold_rows
    _fix_widths(table, column_widths(appendix.header, appendix.rows, width_cm, TABLE_PT))
