"""One worksheet of an uploaded XLSX, read fast and in flat memory: python-calamine on
slices of the sheet.

calamine (Rust) reads a sheet about twenty times faster than openpyxl, but it builds the
whole sheet in memory before giving a row (a million rows of four columns: 420 MB). So the
sheet's XML is inflated here as a stream through the counting archive (`BoundedZip`: a
member lying about its size is caught as it is read), cut after a `</row>` every
SLICE_BYTES, and each slice is handed to calamine as a small workbook of its own with the
original's workbook part, styles and shared strings (dates, the 1904 system and number
formats come out as they would from the whole file). Memory follows the slice, not the sheet.
"""

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from defusedxml import ElementTree
from python_calamine import CalamineError, CalamineWorkbook, XmlError

from api.settings import get_settings

# Inflated sheet XML per calamine call (a slice of about 40 000 rows of four columns).
SLICE_BYTES = 4 << 20
READ_BYTES = 1 << 20
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_SHEET_DATA = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?sheetData\b[^>]*?(/?)>")
_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*>")
_ROW_WITH_NUMBER = re.compile(rb"\s*<(?:[A-Za-z_][\w.-]*:)?row\b[^>]*?\sr\s*=")


class SheetError(Exception):
    """The workbook's structure cannot be read (a missing part, XML that does not parse)."""


class InvalidXml(SheetError):
    """The sheet's XML does not parse (a cell holding a character XML cannot carry …)."""


class TooLarge(Exception):
    """A member inflated past the limits while it was read: (member name, bytes so far)."""

    def __init__(self, name: str, size: int) -> None:
        super().__init__(name, size)
        self.name, self.size = name, size


def member_fits(name: str, size: int, compressed: int) -> None:
    """One member's inflated size against settings.xlsx_*: at most xlsx_max_member_bytes,
    and (past 1 MB) at most xlsx_max_ratio times its compressed size."""
    settings = get_settings()
    over_ratio = size > RATIO_FLOOR and size > settings.xlsx_max_ratio * max(compressed, 1)
    if size > settings.xlsx_max_member_bytes or over_ratio:
        raise TooLarge(name, size)


# Members up to this size may compress as well as they like (the ratio limit is for big ones).
RATIO_FLOOR = 1024 * 1024


class _Inflated(io.RawIOBase):
    """A member being read, its inflated bytes counted against the limits as they come."""

    def __init__(self, inner: IO[bytes], info: zipfile.ZipInfo, archive: "BoundedZip") -> None:
        self.inner, self.info, self.archive, self.count = inner, info, archive, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.inner.read(len(buffer))
        self.count += len(data)
        self.archive.inflated += len(data)
        member_fits(self.info.filename, self.count, self.info.compress_size)
        if self.archive.inflated > get_settings().xlsx_max_expanded_bytes:
            raise TooLarge("*", self.archive.inflated)
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.inner.close()
        super().close()


class BoundedZip(zipfile.ZipFile):
    """The archive every member is read through: each is counted as it inflates."""

    inflated = 0

    def open(self, name: Any, mode: Any = "r", pwd: Any = None, **kw: Any) -> IO[bytes]:
        member = super().open(name, mode, pwd, **kw)
        if mode != "r":
            return member
        info = name if isinstance(name, zipfile.ZipInfo) else self.getinfo(name)
        return io.BufferedReader(_Inflated(member, info, self), buffer_size=1 << 16)


@dataclass(frozen=True)
class SheetRef:
    name: str
    path: str | None  # the member holding it; None for a chart sheet (no cells)


class Workbook:
    """An uploaded workbook: its sheets in order, and the parts every slice needs."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.archive = BoundedZip(stream)
        names = set(self.archive.namelist())
        book = _office_document(self._xml("_rels/.rels") if "_rels/.rels" in names else None)
        folder = posixpath.dirname(book)
        rels_path = posixpath.join(folder, "_rels", posixpath.basename(book) + ".rels")
        targets = {
            rel.get("Id"): (_resolve(folder, rel.get("Target", "")), rel.get("Type", ""))
            for rel in self._xml(rels_path).iter(_REL)
        }
        self.sheets: list[SheetRef] = []
        for sheet in self._xml(book).iter(f"{_MAIN}sheet"):
            path, kind = targets.get(sheet.get(_R_ID), (None, ""))
            worksheet = kind.endswith("/worksheet") and path in names
            self.sheets.append(SheetRef(sheet.get("name", ""), path if worksheet else None))
        # The package's own parts and the workbook folder's (workbook, styles, shared strings),
        # not its subfolders (the sheets, drawings, media): what calamine opens a book with.
        self.base = {
            name: self._read(name)
            for name in names
            if name in ("[Content_Types].xml", "_rels/.rels", rels_path)
            or (
                posixpath.dirname(name) == folder
                and name.endswith(".xml")
                and posixpath.basename(name) != "calcChain.xml"  # formulas' order: not read
            )
        }

    @property
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.sheets]

    def _read(self, name: str) -> bytes:
        with self.archive.open(name) as member:
            return member.read()

    def _xml(self, name: str) -> Any:
        try:
            return ElementTree.fromstring(self._read(name))
        except KeyError as exc:
            raise SheetError(f"missing part {name}") from exc
        except ElementTree.ParseError as exc:
            raise SheetError(f"{name}: {exc}") from exc

    def rows(self, sheet: SheetRef) -> Iterator[tuple[int, list[Any]]]:
        """(row number as Excel shows it, the cells from column A) for each row that has a
        cell; calamine's values: str, float, int, bool, date, datetime, time, timedelta."""
        if sheet.path is None:
            return
        before = 0
        for piece in _slices(self.archive.open(sheet.path)):
            # A row without its number (r=) follows the one before, across slices too.
            offset = 0 if _ROW_WITH_NUMBER.match(piece.rows) else before
            before += piece.rows.count(piece.row_end)
            book = io.BytesIO()
            with zipfile.ZipFile(book, "w", zipfile.ZIP_STORED) as part:
                for name, data in self.base.items():
                    part.writestr(name, data)
                part.writestr(sheet.path, piece.head + piece.rows + piece.tail)
            book.seek(0)
            try:
                with CalamineWorkbook.from_filelike(book) as slice_book:
                    found = slice_book.get_sheet_by_name(sheet.name)
                    start = found.start
                    values = found.to_python(skip_empty_area=True)
            except XmlError as exc:
                raise InvalidXml(str(exc)) from exc
            except CalamineError as exc:
                raise SheetError(str(exc)) from exc
            if start is None:
                continue
            first, pad = start[0] + 1 + offset, [""] * start[1]
            for index, cells in enumerate(values):
                yield first + index, pad + cells if pad else cells


def _office_document(rels: Any) -> str:
    if rels is not None:
        for rel in rels.iter(_REL):
            if rel.get("Type", "").endswith("/officeDocument"):
                return _resolve("", rel.get("Target", ""))
    return "xl/workbook.xml"


def _resolve(folder: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(folder, target))


@dataclass(frozen=True)
class _Slice:
    head: bytes  # up to and with <sheetData>, less the dimension (it would size every slice
    # as the whole sheet)
    rows: bytes  # whole rows
    tail: bytes  # the closing tags
    row_end: bytes  # </row>, with the sheet's namespace prefix if it uses one


def _slices(member: IO[bytes]) -> Iterator[_Slice]:
    """The sheet's XML cut after a row every SLICE_BYTES, each piece a sheet of its own."""
    with member:
        buffer = b""
        seen = 0  # what was searched already, less a tag's length (a tag cut in two)
        while (found := _SHEET_DATA.search(buffer, max(0, seen - 256))) is None:
            seen = len(buffer)
            chunk = member.read(READ_BYTES)
            if not chunk:
                raise SheetError("no sheetData")
            buffer += chunk
        if found.group(2):  # <sheetData/>: no rows
            return
        head = _DIMENSION.sub(b"", buffer[: found.end()])
        root = _ROOT.search(buffer)  # the first element (not <?xml or <!--)
        prefix = found.group(1) + b":" if found.group(1) else b""
        root_name = root.group(1) if root is not None else prefix + b"worksheet"
        tail = b"</" + prefix + b"sheetData></" + root_name + b">"
        row_end, data_end = b"</" + prefix + b"row>", b"</" + prefix + b"sheetData>"
        pending = buffer[found.end() :]
        searched = 0
        while chunk := member.read(READ_BYTES):
            pending += chunk
            if len(pending) < SLICE_BYTES:
                continue
            cut = pending.rfind(row_end, max(0, searched - len(row_end)))
            searched = len(pending)
            if cut < 0:
                continue  # one row longer than a slice: read on (the member's limit holds)
            cut += len(row_end)
            yield _Slice(head, pending[:cut], tail, row_end)
            pending, searched = pending[cut:], 0
        end = pending.rfind(data_end)
        if end < 0:
            raise SheetError("no </sheetData>")
        yield _Slice(head, pending[:end], tail, row_end)
