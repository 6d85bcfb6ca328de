"""A report as PDF/A-2b through Typst (api/typst/report.typ) from the same layout model as
the DOCX, with Liberation Serif embedded (api/fonts/, SIL OFL 1.1): no office suite, no
system fonts. Also where the signer block's signature box lands, for the signature field."""

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from api.services.report_layout import MOTTO, ReportLayout, recipient_line

HERE = Path(__file__).resolve().parent.parent
TEMPLATE = HERE / "typst" / "report.typ"
FONTS = HERE / "fonts"
A4_HEIGHT_PT = 841.89
SIGNATURE_BOX_PT = (198.4, 85.0)  # 7 cm × 3 cm, as the template leaves it
# Relative column widths: short codes narrow, titles and results wide.
NARROW = {"STT", "Vai trò", "Ngày", "Tình trạng", "Đúng hạn", "Đánh giá"}
WIDE = {"Tên nhiệm vụ", "Kết quả thực hiện", "Trích yếu", "Chỉ tiêu", "Đơn vị", "Ghi chú"}


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
    for a in data["appendices"]:
        a["bold_rows"] = sorted(a["bold_rows"])
        a["widths"] = [1 if h in NARROW else 3 if h in WIDE else 2 for h in a["header"]]
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
