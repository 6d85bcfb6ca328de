"""Reading and writing the tables people upload and download: CSV and XLSX.

Reading streams (a large file is never held whole in memory), detects the encoding and the
delimiter, refuses what it cannot read with a message that says what to do, and numbers every
row as a person sees it in a spreadsheet (the header is row 1). Writing neutralises cells a
spreadsheet would run as formulas.
"""

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from api import xlsx_sheet
from api.errors import InvalidInput
from api.numbers import NumberError, parse_decimal
from api.settings import get_settings
from api.text import fold, nfc

CSV_TYPES = {"text/csv", "application/csv", "text/plain", "application/vnd.ms-excel"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_MAGIC = b"PK\x03\x04"


def file_error(message: str, code: str, *, field: str = "file") -> InvalidInput:
    return InvalidInput(
        message, errors=[{"in": "body", "field": field, "message": message, "code": code}]
    )


@dataclass(frozen=True)
class Row:
    """One data row: its number as the spreadsheet shows it, and its cells by header."""

    number: int
    cells: dict[str, str]


def detect_encoding(head: bytes, declared: str | None = None) -> str:
    """UTF-8 (with or without BOM) is read as is; anything else must be declared.

    Legacy Vietnamese exports (Windows-1258, VNI, TCVN3) and cp1252 cannot be told apart
    reliably from bytes alone, so guessing would risk silent mojibake: we ask instead.
    """
    if declared:
        try:
            return codecs.lookup(declared).name
        except LookupError as exc:
            raise file_error(
                f"Bảng mã '{declared}' không được hỗ trợ.", "unknown_encoding", field="encoding"
            ) from exc
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is not an error.
        if exc.start < len(head) - 3:
            raise file_error(
                f"Tệp không phải UTF-8 (byte 0x{head[exc.start]:02x} ở vị trí {exc.start}). "
                "Hãy lưu lại tệp dưới dạng 'CSV UTF-8', hoặc gửi kèm encoding=windows-1258 "
                "(hoặc cp1252) nếu tệp được xuất bằng bảng mã cũ.",
                "not_utf8",
            ) from exc
    return "utf-8-sig"


def detect_delimiter(first_line: str) -> str:
    """The most frequent of , ; tab outside quotes in the header line."""
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for ch in first_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


# Only CR and LF end a CSV line: str.splitlines would also cut at U+2028, U+0085, \v, \f …,
# which text pasted from Word holds and csv writes unquoted.
_NOT_PLAIN = re.compile(r"['\x00\s\x1c-\x1f]")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def _text_lines(
    stream: "IO[bytes] | _Prepend", encoding: str, chunk_size: int = 1 << 16
) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    pending = ""
    position = 0
    while True:
        chunk = stream.read(chunk_size)
        try:
            pending += decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            raise file_error(
                f"Tệp có byte không hợp lệ với bảng mã {encoding} gần byte {position + exc.start}"
                ". Hãy kiểm tra bảng mã của tệp.",
                "bad_encoding",
            ) from exc
        position += len(chunk)
        lines = _LINE.findall(pending)
        # Keep a possibly unfinished last line for the next chunk (one ending in CR too: its LF
        # may open the next chunk).
        pending = lines.pop() if chunk and lines and not lines[-1].endswith("\n") else ""
        yield from lines
        if not chunk:
            if pending:
                yield pending
            return


def normalise_header(name: str) -> str:
    """Header cells compared without accents or case: "Đơn vị chủ trì" -> "don vi chu tri"."""
    return fold(name.replace("\ufeff", ""))


def pick(cells: dict[str, str], aliases: tuple[str, ...]) -> tuple[str | None, str]:
    """The column holding a field under any of its accepted headers (accents, case, spaces
    and underscores ignored), and its trimmed value; (None, "") when the file has none."""
    wanted = {a.replace("_", " ") for a in aliases}
    for header, value in cells.items():
        if normalise_header(header).replace("_", " ") in wanted:
            return header, value.strip()
    return None, ""


def refuse_nul(number: int, cells: dict[str, str]) -> None:
    """PostgreSQL stores no NUL in text: a file carrying one is refused, naming the cell."""
    for header, value in cells.items():
        if "\x00" in value or "\x00" in header:
            message = f"Dòng {number}, cột '{header.replace(chr(0), '')}': có ký tự NUL (\\0)."
            raise InvalidInput(
                message,
                errors=[
                    {
                        "in": "row",
                        "field": header.replace("\x00", ""),
                        "row": number,
                        "message": "Có ký tự NUL (\\0): không lưu được; hãy xóa ký tự đó.",
                        "code": "nul_character",
                    }
                ],
            )


def read_csv(
    stream: IO[bytes], *, encoding: str | None = None, delimiter: str | None = None
) -> tuple[list[str], Iterator[Row]]:
    """Return the header (as written) and an iterator of rows; blank lines are skipped."""
    head = stream.read(4096)
    if not head.strip():
        raise file_error("Tệp rỗng: không có dòng tiêu đề.", "empty_file")
    if head.startswith(ZIP_MAGIC):
        raise file_error(
            "Đây là tệp XLSX/ZIP, không phải CSV: gửi với định dạng xlsx.", "wrong_format"
        )
    chosen = detect_encoding(head, encoding)
    lines = _text_lines(_Prepend(head, stream), chosen)
    first = next(lines, "")
    sep = delimiter or detect_delimiter(first)
    header = next(csv.reader([first], delimiter=sep))
    header = [unmark(nfc(h.replace("\ufeff", ""))) for h in header]
    if not any(header):
        raise file_error("Dòng đầu tiên phải là tiêu đề cột.", "missing_header")

    # A row of ASCII text without apostrophes, white space or NUL is what unmark(nfc(...))
    # makes of it: the cells as they are, no call per cell (a million rows of ten cells spent
    # seconds).
    plain_header = not any("\x00" in h for h in header)

    def rows() -> Iterator[Row]:
        reader = csv.reader(lines, delimiter=sep)
        for index, values in enumerate(reader, start=2):
            joined = "".join(values)
            if not joined.strip():
                continue
            if len(values) > len(header):
                raise InvalidInput(
                    f"Dòng {index} có {len(values)} cột, tiêu đề chỉ có {len(header)}.",
                    errors=[
                        {
                            "in": "row",
                            "field": f"row {index}",
                            "row": index,
                            "message": "Thừa cột so với tiêu đề",
                            "code": "too_many_columns",
                        }
                    ],
                )
            if plain_header and joined.isascii() and not _NOT_PLAIN.search(joined):
                yield Row(index, dict(zip(header, values, strict=False)))
                continue
            cells = {h: unmark(nfc(v)) for h, v in zip(header, values, strict=False)}
            refuse_nul(index, cells)
            yield Row(index, cells)

    return header, rows()


class _Prepend(io.RawIOBase):
    """A stream with some already-read bytes put back in front."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self.head = head
        self.rest = rest

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self.head:
            out, self.head = (
                (self.head, b"")
                if size < 0 or size >= len(self.head)
                else (self.head[:size], self.head[size:])
            )
            return out
        return self.rest.read(size)


def _too_large(name: str, size: int) -> InvalidInput:
    settings = get_settings()
    return file_error(
        f"Tệp XLSX giải nén ra quá lớn (phần '{name[:100]}': từ {size:,} byte trở lên; "
        f"tối đa {settings.xlsx_max_member_bytes:,} byte mỗi phần, "
        f"{settings.xlsx_max_expanded_bytes:,} byte cả tệp, và không quá "
        f"{settings.xlsx_max_ratio} lần kích thước nén): nghi zip bomb, không đọc. "
        "Hãy chia nhỏ tệp hoặc gửi CSV.",
        "xlsx_too_large",
    )


def check_xlsx(stream: IO[bytes]) -> None:
    """Refuse what is not an XLSX, a truncated one, or one whose members declare they would
    expand past the limits (settings.xlsx_*): each member on its own, so stored random
    padding cannot hide one bomb in an archive-wide ratio. What they really inflate to is
    counted while reading (`xlsx_sheet.BoundedZip`): the declared sizes are the sender's word."""
    start = stream.tell()
    if stream.read(4) != ZIP_MAGIC:
        raise file_error("Tệp không phải định dạng XLSX (Excel 2007 trở lên).", "not_xlsx")
    stream.seek(start)
    try:
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise file_error(
            "Tệp XLSX bị hỏng hoặc bị cắt cụt; hãy lưu lại và gửi lại.", "corrupt_xlsx"
        ) from exc
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise file_error("Tệp ZIP này không phải bảng tính XLSX.", "not_xlsx")
    try:
        for info in infos:
            xlsx_sheet.member_fits(info.filename, info.file_size, info.compress_size)
    except xlsx_sheet.TooLarge as exc:
        raise _too_large(exc.name, exc.size) from exc
    expanded = sum(i.file_size for i in infos)
    if expanded > get_settings().xlsx_max_expanded_bytes:
        raise _too_large("*", expanded)
    stream.seek(start)


# XML 1.0 cannot carry these (openpyxl's parser refused them; calamine lets &#0; through).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _cell_text(value: Any) -> str:
    if (
        type(value) is str
        and value.isascii()
        and value.isprintable()
        and value[:1] not in ("'", " ")
        and value[-1:] != " "
    ):
        return value  # what unmark(nfc(...)) would make of it, at a fraction of the cost
    if isinstance(value, str):
        if bad := _NOT_XML.search(value):
            raise xlsx_sheet.InvalidXml(f"ký tự U+{ord(bad[0]):04X}")
        return unmark(nfc(value)) if value else ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        # As written, in a form parse_decimal reads as the same number (not 1.234 -> 1234).
        return number_text(Decimal(repr(value)))
    return unmark(nfc(str(value)))


_UNREADABLE = (
    zipfile.BadZipFile,
    KeyError,
    OSError,
    ValueError,
    EOFError,
    xlsx_sheet.SheetError,
)


def read_xlsx(
    stream: IO[bytes],
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    header_first_cell: set[str] | None = None,
) -> tuple[list[str], Iterator[Row]]:
    """Read one sheet (the first by default). The header is the first non-empty row, or the
    row `header_row`, or the first row whose first cell is one of `header_first_cell` (folded:
    "STT" under a title); rows above it are skipped. The XML is read by calamine, slice by
    slice (api/xlsx_sheet.py); parts are parsed with defusedxml."""
    check_xlsx(stream)
    try:
        book = xlsx_sheet.Workbook(stream)
    except xlsx_sheet.TooLarge as exc:
        raise _too_large(exc.name, exc.size) from exc
    except _UNREADABLE as exc:
        raise file_error(
            "Không đọc được tệp XLSX; hãy lưu lại và gửi lại.", "corrupt_xlsx"
        ) from exc
    if sheet is not None and sheet not in book.sheet_names:
        raise file_error(
            f"Không có trang tính '{sheet}' (có: {', '.join(book.sheet_names)}).",
            "unknown_sheet",
            field="sheet",
        )
    chosen = next(
        (s for s in book.sheets if s.name == sheet or (sheet is None and s.path)),
        xlsx_sheet.SheetRef("", None),
    )
    values = book.rows(chosen)
    header: list[str] = []
    number = 0
    try:
        for number, raw in values:
            cells = [_cell_text(v) for v in raw]
            if header_first_cell is not None:
                found = bool(cells) and normalise_header(cells[0]) in header_first_cell
            else:
                found = (header_row is None and any(cells)) or number == header_row
            if found:
                header = cells
                break
    except xlsx_sheet.TooLarge as exc:
        raise _too_large(exc.name, exc.size) from exc
    except _UNREADABLE as exc:
        raise file_error(
            "Không đọc được tệp XLSX; hãy lưu lại và gửi lại.", "corrupt_xlsx"
        ) from exc
    while header and not header[-1]:
        header.pop()
    if not header:
        raise file_error("Trang tính rỗng: không có dòng tiêu đề.", "empty_file")
    width = len(header)

    def rows() -> Iterator[Row]:
        index = number
        try:
            for index, raw in values:
                cells = [_cell_text(v) for v in raw]
                if any(cells):
                    # Every header's key, as when the sheet's rows were as wide as its widest.
                    cells += [""] * (width - len(cells))
                    yield Row(index, dict(zip(header, cells, strict=False)))
        except xlsx_sheet.TooLarge as exc:
            raise _too_large(exc.name, exc.size) from exc
        except xlsx_sheet.InvalidXml as exc:
            raise file_error(
                f"Tệp XLSX có nội dung XML không hợp lệ sau dòng {index} ({exc}), ví dụ một "
                "ký tự điều khiển như NUL: không dữ liệu nào được ghi.",
                "corrupt_xlsx",
            ) from exc
        except _UNREADABLE as exc:
            raise file_error(
                "Tệp XLSX bị hỏng giữa chừng; không dữ liệu nào được ghi.", "corrupt_xlsx"
            ) from exc

    return header, rows()


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# The mark an export puts before a text cell a spreadsheet would run as a formula.
FORMULA_MARK = "'"


def _needs_mark(text: str) -> bool:
    # A text that already starts with marks before a formula prefix is marked once more, so
    # that `unmark` can tell the export's mark from a person's own apostrophe.
    return text.lstrip(FORMULA_MARK).startswith(FORMULA_PREFIXES)


def safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formula injection in text cells (=, +, -, @ ...); numbers are
    not text: pass them as Decimal or int and they are written as they are."""
    if isinstance(value, str) and _needs_mark(value):
        return FORMULA_MARK + value
    return value


def unmark(text: str) -> str:
    """The cell as it was before `safe_cell`: reading a file we wrote gives back what we
    exported (readers of CSV and XLSX apply it to every cell)."""
    if text.startswith(FORMULA_MARK) and _needs_mark(text[1:]):
        return text[1:]
    return text


def number_text(value: Decimal) -> str:
    """A number as machines write it (a dot, no thousands separators) that `parse_decimal`
    reads back as the same number: 1.234 is written "1.2340", since "1.234" reads as one
    thousand two hundred thirty-four in Vietnamese notation. No trailing zeros otherwise: a
    numeric(…, 6) column's 160.000000 is written "160"."""
    text = format(value.normalize(), "f") if value.is_finite() else format(value, "f")
    if text == "-0":
        text = "0"
    try:
        same = parse_decimal(text) == value
    except NumberError:
        same = False
    return text if same else text + "0"


def write_csv(header: list[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """CSV text in chunks, UTF-8 BOM first so Excel opens Vietnamese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([_plain(safe_cell(v)) for v in row])
        if buffer.tell() > 1 << 16:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return number_text(value)
    return value


@dataclass
class Sheet:
    """One worksheet to write: a name, an optional title row, a header and the rows."""

    name: str
    header: list[str]
    rows: Iterable[Iterable[Any]]
    title: str | None = None


def write_workbook(sheets: list[Sheet]) -> bytes:
    """An XLSX workbook (write-only, so rows stream), with formula-looking text neutralised.
    A sheet's `title` goes on the first row, above a blank row and the header, as appendices
    are."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    for sheet in sheets:
        worksheet = book.create_sheet(sheet.name[:31])
        if sheet.title:
            worksheet.append([sheet.title])
            worksheet.append([])
        worksheet.append(sheet.header)
        for row in sheet.rows:
            worksheet.append([_xlsx_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        # A number cell when it has at most 15 significant digits (all Excel keeps, and all
        # openpyxl writes back exactly) and a float holds it exactly; else its exact text.
        number = float(value)
        digits = len(value.normalize().as_tuple().digits)
        exact = value.is_finite() and digits <= 15 and Decimal(repr(number)) == value
        return number if exact else number_text(value)
    return _plain(safe_cell(value))


def write_xlsx(
    header: list[str],
    rows: Iterable[Iterable[Any]],
    *,
    sheet: str = "Data",
    title: str | None = None,
) -> bytes:
    """A one-sheet workbook; see write_workbook."""
    return write_workbook([Sheet(sheet, header, rows, title)])
