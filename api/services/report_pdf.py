"""A report as PDF/A-2b through Typst (api/typst/report.typ) from the same layout model as
the DOCX, with Liberation Serif embedded (api/fonts/, SIL OFL 1.1): no office suite, no
system fonts. Also where the signer block's signature box lands, for the signature field."""

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from api.services.report_columns import (
    HEADER_CM,
    LANDSCAPE_TEXT_CM,
    TEXT_CM,
    alignments,
    column_widths,
    text_width_cm,
)
from api.services.report_layout import MOTTO, ReportLayout, recipient_line

HERE = Path(__file__).resolve().parent.parent
TEMPLATE = HERE / "typst" / "report.typ"
FONTS = HERE / "fonts"
A4_HEIGHT_PT = 841.89
SIGNATURE_BOX_PT = (198.4, 85.0)  # 7 cm × 3 cm, as the template leaves it
TABLE_PT = 11  # the template's appendix tables
ISSUER_PT, MOTTO_LINE_2_PT = 13, 13


@dataclass(frozen=True)
class SignaturePlace:
    """Where the visible signature goes, in PDF points from the page's lower left."""

    page: int  # 0-based
    box: tuple[int, int, int, int]


def _model(layout: ReportLayout) -> str:
    data: dict[str, Any] = asdict(layout)
    data["motto"] = list(MOTTO)
    data["signer_lines"] = layout.signer_lines
    data["recipients"] = [recipient_line(r) for r in layout.recipients]
    # Decree 30's rules: under the issuer a third to a half of its name's length, under the
    # motto as long as its second line; the same lengths as the DOCX draws.
    issuer_cm = text_width_cm(layout.issuer.upper(), ISSUER_PT, bold=True)
    data["rules_cm"] = {
        "issuer": min(issuer_cm, HEADER_CM[0] - 0.4) / 2,
        "motto": text_width_cm(MOTTO[1], MOTTO_LINE_2_PT, bold=True),
    }
    data["header_cm"] = list(HEADER_CM)
    for a, appendix in zip(data["appendices"], layout.appendices, strict=True):
        a["bold_rows"] = sorted(a["bold_rows"])
        width = LANDSCAPE_TEXT_CM if appendix.landscape else TEXT_CM
        a["widths_cm"] = column_widths(appendix.header, appendix.rows, width, TABLE_PT)
        a["aligns"] = alignments(appendix.header, appendix.rows)
    return json.dumps(data, ensure_ascii=False)


def render(layout: ReportLayout) -> bytes:
    import typst

    pdf: bytes = typst.compile(
        TEMPLATE,
        root=TEMPLATE.parent,
        font_paths=[FONTS],
        ignore_system_fonts=True,
        sys_inputs={"report": _model(layout)},
        pdf_standards="a-2b",
    )
    return pdf


def signature_place(layout: ReportLayout) -> SignaturePlace:
    import typst

    found = json.loads(
        typst.query(
            TEMPLATE,
            "<signature-place>",
            field="value",
            root=TEMPLATE.parent,
            font_paths=[FONTS],
            ignore_system_fonts=True,
            sys_inputs={"report": _model(layout)},
        )
    )
    where = found[0]
    x, top = _pt(where["x"]), _pt(where["y"])
    w, h = SIGNATURE_BOX_PT
    bottom = A4_HEIGHT_PT - top - h
    return SignaturePlace(
        page=int(where["page"]) - 1, box=(round(x), round(bottom), round(x + w), round(bottom + h))
    )


def _pt(length: str | float) -> float:
    if isinstance(length, int | float):
        return float(length)
    return float(str(length).removesuffix("pt"))
