"""Reading uploaded CSV/XLSX: encodings, delimiters, blank lines, broken files; safe writing."""

import io
import unicodedata
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.errors import InvalidInput
from api.numbers import parse_decimal
from api.tabular import (
    FORMULA_PREFIXES,
    read_csv,
    read_xlsx,
    safe_cell,
    unmark,
    write_csv,
    write_xlsx,
)

TEXT = "STT;Tên nhiệm vụ;Đơn vị chủ trì\n1;Tuyên truyền;UBND xã\n\n2;Tiêm chủng;Trạm Y tế\n"


def _rows(data: bytes, **kw: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    header, rows = read_csv(io.BytesIO(data), **kw)
    return header, [(r.number, r.cells) for r in rows]


def test_semicolons_bom_and_blank_lines() -> None:
    header, rows = _rows(b"\xef\xbb\xbf" + TEXT.encode())
    assert header == ["STT", "Tên nhiệm vụ", "Đơn vị chủ trì"]
    assert rows == [
        (2, {"STT": "1", "Tên nhiệm vụ": "Tuyên truyền", "Đơn vị chủ trì": "UBND xã"}),
        (4, {"STT": "2", "Tên nhiệm vụ": "Tiêm chủng", "Đơn vị chủ trì": "Trạm Y tế"}),
    ]


def test_commas_tabs_and_quoted_delimiters() -> None:
    _, rows = _rows(b'a,b\n"1,5",x\n')
    assert rows == [(2, {"a": "1,5", "b": "x"})]
    _, rows = _rows(b"a\tb\n1\t2\n")
    assert rows == [(2, {"a": "1", "b": "2"})]


def test_long_file_streams_across_chunks_with_multibyte_boundaries() -> None:
    body = "mã,tên\n" + "".join(f"{i},Trạm Y tế số {i} ở Sơn Hải\n" for i in range(20000))
    _, rows = _rows(body.encode())
    assert len(rows) == 20000 and rows[-1][1]["tên"] == "Trạm Y tế số 19999 ở Sơn Hải"


TONES = "\u0300\u0301\u0303\u0309\u0323"


def _cp1258(text: str) -> bytes:
    """As Windows-1258 stores Vietnamese: precomposed vowels, tone marks as combining bytes."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            out += (base + "".join(c for c in parts if c in TONES)).encode("cp1258")
    return out


def test_legacy_encoding_is_refused_with_advice_or_decoded_when_declared() -> None:
    data = _cp1258(TEXT)
    with pytest.raises(InvalidInput) as err:
        _rows(data)
    assert "UTF-8" in err.value.detail and err.value.errors[0]["code"] == "not_utf8"
    header, rows = _rows(data, encoding="windows-1258")
    assert header[1] == "Tên nhiệm vụ" and rows[1][1]["Đơn vị chủ trì"] == "Trạm Y tế"


def test_nfd_cells_become_nfc() -> None:
    _, rows = _rows(unicodedata.normalize("NFD", "a\nSơn Hải\n").encode())
    assert rows[0][1]["a"] == "Sơn Hải"


def test_more_cells_than_header_is_a_row_error() -> None:
    with pytest.raises(InvalidInput) as err:
        _rows(b"a,b\n1,2,3\n")
    assert err.value.errors[0]["row"] == 2


def test_empty_and_zip_are_refused_as_csv() -> None:
    for data, code in ((b"", "empty_file"), (b"PK\x03\x04rest", "wrong_format")):
        with pytest.raises(InvalidInput) as err:
            _rows(data)
        assert err.value.errors[0]["code"] == code


def _xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_skips_title_rows_and_numbers_rows_like_excel() -> None:
    data = _xlsx(
        [
            ["PHỤ LỤC 2"],
            [],
            ["STT", "Tên nhiệm vụ"],
            [1, "Tuyên truyền"],
            [None, None],
            ["1.1", 38.46],
        ]
    )
    header, rows = read_xlsx(io.BytesIO(data), header_row=3)
    assert header == ["STT", "Tên nhiệm vụ"]
    assert [(r.number, r.cells) for r in rows] == [
        (4, {"STT": "1", "Tên nhiệm vụ": "Tuyên truyền"}),
        (6, {"STT": "1.1", "Tên nhiệm vụ": "38.46"}),
    ]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"not a spreadsheet at all", "not_xlsx"),
        (_xlsx([["a"], [1]])[:600], "corrupt_xlsx"),
    ],
)
def test_broken_xlsx_is_refused(data: bytes, code: str) -> None:
    with pytest.raises(InvalidInput) as err:
        _header, rows = read_xlsx(io.BytesIO(data))
        list(rows)
    assert err.value.errors[0]["code"] == code


def test_zip_bomb_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", "0" * 50_000_000)
    with pytest.raises(InvalidInput) as err:
        read_xlsx(io.BytesIO(out.getvalue()))
    assert err.value.errors[0]["code"] == "xlsx_too_large"


def test_exports_neutralise_formulas() -> None:
    assert safe_cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)" and safe_cell("-5") == "'-5"
    assert safe_cell("Sơn Hải") == "Sơn Hải" and safe_cell(-5) == -5
    text = "".join(write_csv(["tên"], [["=1+1"], ["Trạm"]]))
    assert text == "\ufefftên\r\n'=1+1\r\nTrạm\r\n"


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1e"])
def test_only_cr_and_lf_end_a_csv_row(separator: str) -> None:
    """Text pasted from Word may hold line and paragraph separators; csv writes such a cell
    unquoted, so reading must not cut the row there."""
    text = f"Khám{separator}sàng lọc"
    data = "".join(write_csv(["A", "B"], [[text, "z"], ["x\ry", "w"]])).encode()
    _, rows = read_csv(io.BytesIO(data))
    assert [r.cells for r in rows] == [{"A": text, "B": "z"}, {"A": "x\ry", "B": "w"}]


def test_bare_cr_line_endings_still_read() -> None:
    _, rows = read_csv(io.BytesIO(b"A,B\r1,2\r3,4\r"))
    assert [r.cells for r in rows] == [{"A": "1", "B": "2"}, {"A": "3", "B": "4"}]


def test_crlf_cut_between_chunks_is_one_line_end() -> None:
    """A CR at the end of one chunk read (the first is the 4 KiB sniffed for the encoding) and
    its LF at the start of the next end one row: later rows keep their spreadsheet numbers."""
    first = "a,b\r\n"
    filler = "x" * (4096 - len(first) - len("1,\r"))
    data = (first + "1," + filler + "\r\n2,y\r\n").encode()
    assert data[4095:4097] == b"\r\n"
    _, rows = read_csv(io.BytesIO(data))
    assert [(r.number, r.cells["a"]) for r in rows] == [(2, "1"), (3, "2")]


_CELLS = st.text(alphabet="=+-@'\t\rabcĐđạ 1", max_size=8)


@settings(max_examples=200, deadline=None)
@given(_CELLS)
def test_the_formula_mark_is_removed_exactly_as_added(cell: str) -> None:
    """Issue 18 D: a text cell the export marked reads back as it was, whatever it starts
    with (a person's own apostrophe included)."""
    assert unmark(safe_cell(cell)) == cell
    assert not safe_cell(cell).startswith(FORMULA_PREFIXES)


@settings(max_examples=60, deadline=None)
@given(
    st.decimals(min_value=Decimal("-1e18"), max_value=Decimal("1e18"), places=6, allow_nan=False)
)
def test_numbers_are_written_as_read(number: Decimal) -> None:
    """Written numbers are not marked (-5 is -5), and read back as the same number from CSV
    and XLSX, though Vietnamese notation reads "1.234" as 1234."""
    for value in (number, number.normalize()):
        text = "".join(write_csv(["v"], [[value]])).lstrip("\ufeff").splitlines()[1]
        assert not text.startswith("'")
        assert parse_decimal(text) == value
        _, rows = read_xlsx(io.BytesIO(write_xlsx(["v"], [[value]])))
        assert parse_decimal(next(rows).cells["v"]) == value


@settings(max_examples=60, deadline=None)
@given(
    st.decimals(min_value=Decimal("-1e18"), max_value=Decimal("1e18"), places=6, allow_nan=False)
)
def test_written_numbers_are_as_short_as_reading_them_back_allows(number: Decimal) -> None:
    """A stored numeric(…, 6) goes out as "160", not "160.000000": the shortest text that
    reads back as the same number (1.234 stays "1.2340", since "1.234" reads as 1234)."""
    text = "".join(write_csv(["v"], [[number]])).lstrip("\ufeff").splitlines()[1]
    shortest = format(number.normalize(), "f")
    assert text in (shortest, shortest + "0"), (number, text)
    if "." in shortest:
        assert text == shortest or parse_decimal(shortest) != number


def test_a_number_past_excels_15_digits_is_written_exactly() -> None:
    """openpyxl writes a float cell with 15-16 digits: 10420652661.298052 came back as
    10420652661.29805 (a hypothesis find); such numbers go out as their exact text."""
    value = Decimal("10420652661.298052")
    _, rows = read_xlsx(io.BytesIO(write_xlsx(["v"], [[value]])))
    assert parse_decimal(next(rows).cells["v"]) == value
