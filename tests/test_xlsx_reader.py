"""The XLSX reader (calamine on slices of the sheet) reads what openpyxl, the reader before
it, read: the same header, row numbers and cell texts, however the sheet is cut."""

import io
import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api import tabular, xlsx_sheet
from api.errors import InvalidInput
from api.tabular import normalise_header, number_text, read_xlsx, unmark
from api.text import nfc


def _old_cell_text(value: Any) -> str:
    """The cell as the openpyxl reader made it text."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        return number_text(Decimal(repr(value)))
    return unmark(nfc(str(value)))


def openpyxl_read(
    data: bytes, *, sheet: str | None = None, header_first_cell: set[str] | None = None
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The reader as it was before calamine: read-only openpyxl, values only."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    values = (book[sheet] if sheet else book.worksheets[0]).iter_rows(values_only=True)
    header: list[str] = []
    number = 0
    for number, raw in enumerate(values, start=1):  # noqa: B007 (read after the loop)
        cells = [_old_cell_text(v) for v in raw]
        if header_first_cell is not None:
            found = bool(cells) and normalise_header(cells[0]) in header_first_cell
        else:
            found = any(cells)
        if found:
            header = cells
            break
    while header and not header[-1]:
        header.pop()
    rows = []
    for index, raw in enumerate(values, start=number + 1):
        cells = [_old_cell_text(v) for v in raw]
        if any(cells):
            rows.append((index, dict(zip(header, cells, strict=False))))
    book.close()
    return header, rows


def calamine_read(data: bytes, **kw: Any) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    header, rows = read_xlsx(io.BytesIO(data), **kw)
    return header, [(r.number, r.cells) for r in rows]


def _book(rows: list[list[Any]], *, at: str = "A1", sheets: tuple[str, ...] = ()) -> bytes:
    book = openpyxl.Workbook()
    for name in sheets:
        book.create_sheet(name).append(["other", "sheet"])
    first = book.worksheets[0]
    top = first[at]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                first.cell(row=top.row + r, column=top.column + c, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def thin_slices(monkeypatch: pytest.MonkeyPatch) -> None:
    """Slices of a few rows, read in small pieces: every cut lands somewhere new."""
    monkeypatch.setattr(xlsx_sheet, "SLICE_BYTES", 300)
    monkeypatch.setattr(xlsx_sheet, "READ_BYTES", 97)


TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
    max_size=12,
) | st.sampled_from(["=1+2", "'=HYPERLINK", "''-5", "+84 912", "@x", "'", " x ", "Hòa Bình"])
CELL = st.one_of(
    st.none(),
    TEXT,
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.booleans(),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)).map(
        lambda d: d.replace(second=0, microsecond=0)
    ),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.lists(CELL, max_size=6), max_size=30),
    at=st.sampled_from(["A1", "B3", "D2"]),
)
def test_calamine_reads_what_openpyxl_read(
    rows: list[list[Any]], at: str, thin_slices: None
) -> None:
    data = _book([["indicator", "org_unit", "period", "value"], *rows], at=at)
    assert calamine_read(data) == openpyxl_read(data)


def test_numbers_dates_and_marks_as_before(thin_slices: None) -> None:
    data = _book(
        [
            ["PHỤ LỤC"],
            [],
            ["STT", "value", "date", "when", "flag", "text"],
            [1, 0.1, date(2026, 5, 14), datetime(2026, 5, 14, 8, 30), True, "'=SUM(A1)"],
            [],
            [None, 12.0, time(8, 30), None, False, "38,46"],
            ["1.1", 1e-7, None, None, None, "Hòa Bình"],
        ]
    )
    header, rows = calamine_read(data, header_first_cell={"stt"})
    assert header == ["STT", "value", "date", "when", "flag", "text"]
    assert rows == [
        (
            4,
            dict(
                zip(
                    header,
                    ["1", "0.1", "2026-05-14", "2026-05-14T08:30:00", "True", "=SUM(A1)"],
                    strict=True,
                )
            ),
        ),
        (6, dict(zip(header, ["", "12", "08:30:00", "", "False", "38,46"], strict=True))),
        (7, dict(zip(header, ["1.1", "0.0000001", "", "", "", "Hòa Bình"], strict=True))),
    ]
    assert (header, rows) == openpyxl_read(data, header_first_cell={"stt"})


def test_the_sheet_is_chosen_as_before() -> None:
    data = _book([["a", "b"], [1, 2]], sheets=("Khác",))
    assert calamine_read(data, sheet="Khác") == openpyxl_read(data, sheet="Khác")
    assert calamine_read(data) == openpyxl_read(data)
    with pytest.raises(InvalidInput) as err:
        calamine_read(data, sheet="Không có")
    assert err.value.errors is not None and err.value.errors[0]["code"] == "unknown_sheet"


def _rewrite_sheet(data: bytes, sheet_xml: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            body = sheet_xml if info.filename == "xl/worksheets/sheet1.xml" else source.read(info)
            archive.writestr(info.filename, body)
    return out.getvalue()


def test_prefixed_xml_and_rows_without_numbers(thin_slices: None) -> None:
    """Some writers name the namespace (x:row) and leave out r=: rows follow each other."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

    def row(*cells: str) -> str:
        inner = "".join(f'<x:c t="inlineStr"><x:is><x:t>{c}</x:t></x:is></x:c>' for c in cells)
        return f"<x:row>{inner}</x:row>"

    body = "".join(row(f"I{n}", f"U{n}", "202605", str(n)) for n in range(40))
    sheet = (
        f'<?xml version="1.0"?><x:worksheet xmlns:x="{ns}"><x:dimension ref="A1:D41"/>'
        f"<x:sheetData>{row('indicator', 'org_unit', 'period', 'value')}{body}"
        "</x:sheetData></x:worksheet>"
    ).encode()
    data = _rewrite_sheet(_book([["x"]]), sheet)
    header, rows = calamine_read(data)
    assert header == ["indicator", "org_unit", "period", "value"]
    assert [n for n, _ in rows] == list(range(2, 42))
    assert rows[-1][1] == {"indicator": "I39", "org_unit": "U39", "period": "202605", "value": "39"}
    assert (header, rows) == openpyxl_read(data)


def test_a_cut_through_a_truncated_sheet_is_refused(thin_slices: None) -> None:
    data = _book([["a", "b"], *[[n, n] for n in range(50)]])
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    broken = _rewrite_sheet(data, xml[: xml.index(b"</sheetData>")])
    with pytest.raises(InvalidInput) as err:
        _header, rows = read_xlsx(io.BytesIO(broken))
        list(rows)
    assert err.value.errors is not None and err.value.errors[0]["code"] == "corrupt_xlsx"


def test_the_inflated_bytes_are_counted_slice_by_slice(
    monkeypatch: pytest.MonkeyPatch, thin_slices: None
) -> None:
    """A sheet that declares itself small is stopped once what it inflates to passes the
    limit, after the rows read so far and before the rest."""
    from api.settings import get_settings

    data = _book([["a", "b"], *[[f"row {n}", n] for n in range(5000)]])
    monkeypatch.setattr(tabular, "check_xlsx", lambda stream: None)
    monkeypatch.setattr(get_settings(), "xlsx_max_expanded_bytes", 100_000)
    header, rows = read_xlsx(io.BytesIO(data))
    assert header == ["a", "b"]
    seen = []
    with pytest.raises(InvalidInput) as err:
        for row in rows:
            seen.append(row.number)
    assert 100 < len(seen) < 4000
    assert err.value.errors is not None and err.value.errors[0]["code"] == "xlsx_too_large"


def _shared_strings(data: bytes) -> bytes:
    """The workbook as Excel writes it: text cells index a shared-strings part."""
    import re

    source = zipfile.ZipFile(io.BytesIO(data))
    sheet = source.read("xl/worksheets/sheet1.xml").decode()
    strings: list[str] = []

    def shared(match: re.Match[str]) -> str:
        strings.append(match.group(2))
        return f'<c{match.group(1)} t="s"><v>{len(strings) - 1}</v></c>'

    sheet = re.sub(r'<c([^>]*?) t="inlineStr"><is><t[^>]*>(.*?)</t></is></c>', shared, sheet)
    sst = "".join(f'<si><t xml:space="preserve">{s}</t></si>' for s in strings)
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = (
        '<Relationship Id="rIdSst" Target="sharedStrings.xml" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>'
    )
    override = (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = sheet.encode()
            elif info.filename == "xl/_rels/workbook.xml.rels":
                body = body.replace(b"</Relationships>", rel.encode())
            elif info.filename == "[Content_Types].xml":
                body = body.replace(b"</Types>", override.encode())
            archive.writestr(info.filename, body)
        archive.writestr(
            "xl/sharedStrings.xml",
            f'<sst xmlns="{ns}" count="{len(strings)}" uniqueCount="{len(strings)}">{sst}</sst>',
        )
    return out.getvalue()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.lists(CELL, max_size=5), max_size=30))
def test_shared_strings_as_excel_writes_them(rows: list[list[Any]], thin_slices: None) -> None:
    data = _shared_strings(_book([["indicator", "org_unit", "period", "value"], *rows]))
    assert b't="s"' in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert calamine_read(data) == openpyxl_read(data)
