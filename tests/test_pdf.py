"""The compiled report and a unit's report as PDF/A: the seeds' own sentences and figures in
the extracted text, the Decree 30 layout's lines, every font embedded, the appendix header
repeated on each page the table runs onto."""

import io

import httpx
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from api.services import report_pdf
from api.services.report_layout import Appendix, ReportLayout
from tests.conftest import Login
from tests.reporting import REQUESTS, SUBMISSIONS, seed_request, submission_of


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _fonts_embedded(pdf: bytes) -> set[str]:
    """Each font's base name; fails if one has no embedded font program."""
    reader = PdfReader(io.BytesIO(pdf))
    names: set[str] = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for desc in font.get("/DescendantFonts", [font]):
                desc = desc.get_object()
                fd = desc["/FontDescriptor"].get_object()
                assert any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3")), desc
                names.add(str(desc["/BaseFont"]).split("+")[-1])
    return names


def _is_pdfa_2b(pdf: bytes) -> bool:
    reader = PdfReader(io.BytesIO(pdf))
    meta = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    return "<pdfaid:part>2</pdfaid:part>" in meta and "<pdfaid:conformance>B" in meta


async def test_compilation_pdf_holds_the_seeds_text(
    client: httpx.AsyncClient, login: Login
) -> None:
    reviewer = await login("syt.thamdinh")
    request = await seed_request(client, reviewer)
    r = await client.get(
        f"{REQUESTS}/{request['id']}/compilation", params={"format": "pdf"}, headers=reviewer
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-")
    text = " ".join(_text(r.content).split())
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "SỞ Y TẾ",
        "Số: /BC-SYT",
        "Bắc Ninh, ngày",
        "BÁO CÁO",
        "Công văn số 2429/SYT-KHTH",
        "Nơi nhận:",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "38,46 %",
        "864/864",
        "Chưa đạt",
        "Phụ lục 3",
    ):
        assert expected in text, expected
    assert _fonts_embedded(r.content) >= {"LiberationSerif", "LiberationSerif-Bold"}
    assert _is_pdfa_2b(r.content)


async def test_submission_pdf_and_docx(client: httpx.AsyncClient, login: Login) -> None:
    reporter = await login("sonhai.baocao")
    request = await seed_request(client, reporter)
    sub = await submission_of(client, reporter, request["id"], "BN-SONHAI")
    r = await client.get(f"{SUBMISSIONS}/{sub['id']}/download", headers=reporter)
    assert r.status_code == 200, r.text
    text = " ".join(_text(r.content).split())
    assert "XÃ SƠN HẢI" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "tiêm chủng đầy đủ đạt 50/130 trẻ, tương ứng 38,46%" in text
    assert "864/864" in text and "38,46 %" in text
    assert "Phụ lục" in text and "Nơi nhận:" in text
    assert "LiberationSerif" in _fonts_embedded(r.content)
    r = await client.get(
        f"{SUBMISSIONS}/{sub['id']}/download", params={"format": "docx"}, headers=reporter
    )
    assert r.status_code == 200 and r.headers["content-type"].endswith("document")
    # Another commune's reporter reads neither.
    other = await login("lucngan.baocao")
    r = await client.get(f"{SUBMISSIONS}/{sub['id']}/download", headers=other)
    assert r.status_code == 404


def _layout(rows: list[list[str]], sections: list[str]) -> ReportLayout:
    return ReportLayout(
        issuer_parent="UBND tỉnh Bắc Ninh",
        issuer="Sở Y tế",
        reference="Số: 12/BC-SYT",
        place_and_date="Bắc Ninh, ngày 01 tháng 06 năm 2026",
        title="Báo cáo thử",
        preamble="Mở đầu.",
        sections=[],
        recipients=["Lưu: VT."],
        signer_mode="KT",
        signer_authority="GIÁM ĐỐC",
        signer_position="PHÓ GIÁM ĐỐC",
        signer_name="Nguyễn Văn A",
        appendices=[Appendix(1, "BẢNG DÀI", ["STT", "Nội dung"], rows)],
    )


async def test_long_appendix_repeats_its_header() -> None:
    rows = [[str(n), f"Dòng số {n} của phụ lục"] for n in range(1, 121)]
    pdf = report_pdf.render(_layout(rows, []))
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    table_pages = [p for p in pages if "Dòng số" in p]
    assert len(table_pages) >= 3
    assert all("STT" in p and "Nội dung" in p for p in table_pages)
    assert "Dòng số 120 của phụ lục" in pages[-1]


VI_TEXT = st.text(
    alphabet=st.sampled_from(
        list("aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợ")
        + list("ùủũúụừửữứựỳỷỹýỵĐƯƠ 0123456789,.%/#[]*_$\\\"'<>@=-+()")
    ),
    min_size=1,
    max_size=60,
).filter(lambda s: s.strip())


@settings(max_examples=25, deadline=None)
@given(cells=st.lists(VI_TEXT, min_size=1, max_size=5))
def test_any_text_is_printed_as_typed(cells: list[str]) -> None:
    """Whatever a unit types (markup characters too) comes out as text, never as markup."""
    pdf = report_pdf.render(_layout([[str(n), c] for n, c in enumerate(cells, 1)], []))
    text = "".join(_text(pdf).split())
    for c in cells:
        assert "".join(c.split()) in text
