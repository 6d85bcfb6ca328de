"""A report as DOCX in the Decree 30/2020 layout (Times New Roman 13–14, national header,
issuer, number, place and date, title, body, recipients and signer block, appendices)."""

import io
from typing import Any

from api.services.report_layout import MOTTO, Appendix, ReportLayout, recipient_line


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
    if layout.issuer_parent:
        line(left, layout.issuer_parent.upper(), size=13)
    line(left, layout.issuer.upper(), bold=True)
    line(left, layout.reference, size=13)
    right.paragraphs[0].text = ""
    line(right, MOTTO[0], bold=True, size=12)
    line(right, MOTTO[1], bold=True)
    line(right, layout.place_and_date, italic=True, size=14)

    doc.add_paragraph()
    line(doc, layout.kind, bold=True, size=14)
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
    left, right = sign.rows[0].cells
    left.paragraphs[0].text = ""
    run = left.add_paragraph().add_run("Nơi nhận:")
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    for r in layout.recipients:
        line(left, recipient_line(r), size=11, center=False)
    right.paragraphs[0].text = ""
    for text in layout.signer_lines or [""]:
        line(right, text, bold=True, size=14)
    for _ in range(4):
        line(right, "")
    line(right, layout.signer_name or "", bold=True, size=14)

    for n, appendix in enumerate(layout.appendices):
        if appendix.landscape:
            section = doc.add_section()
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Cm(29.7), Cm(21)
        elif n == 0:
            doc.add_page_break()  # type: ignore[no-untyped-call]
        else:
            doc.add_paragraph()
        line(doc, f"Phụ lục {appendix.number}", bold=True)
        line(doc, appendix.title, bold=True)
        if appendix.note:
            line(doc, appendix.note, italic=True)
        _table(doc, appendix)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _table(doc: Any, appendix: Appendix) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    table = doc.add_table(rows=1, cols=len(appendix.header))
    table.style = "Table Grid"
    # The header row repeats on each page the table runs onto.
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(flag)
    for cell, text in zip(table.rows[0].cells, appendix.header, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold, run.font.size = True, Pt(12)
    for n, row in enumerate(appendix.rows):
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = ""
            run = cell.paragraphs[0].add_run(text)
            run.font.size = Pt(12)
            run.bold = n in appendix.bold_rows
