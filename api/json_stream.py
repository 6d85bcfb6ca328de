"""JSON documents read as a stream (ijson, with its C backend yajl2_c when it is installed):
an upload or a request body of any size is read in flat memory, one array item at a time.

A document is read twice: once to learn its top level (the members of an object, nested
arrays and objects counted, not built; the whole text is checked on the way, so a broken
document is refused before anything is done with it) and once for the items of the array
that holds the rows.
"""

import codecs
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import ijson

# The C backend when its wheel installed, else pure Python (about ten times slower).
BACKEND = ijson.get_backend(ijson.backend)
READ_BYTES = 1 << 16
SCALARS = {"string", "number", "boolean", "null"}


class Broken(Exception):
    """The text is not JSON: why, and where: `offset` the bytes the parser had read (it reads
    READ_BYTES at a time), `member` and `item` the array and the item (0-based) it broke in
    or just after, when it broke inside an array."""

    def __init__(
        self, reason: str, offset: int, member: str | None = None, item: int | None = None
    ) -> None:
        super().__init__(reason)
        self.reason, self.offset, self.member, self.item = reason, offset, member, item


@dataclass(frozen=True)
class Nested:
    """A member holding an array or an object, with how many items (array) it has."""

    kind: str  # "array" or "object"
    items: int = 0


@dataclass
class TopLevel:
    """The document's top level: `kind` "object" with its `members` (scalars as read,
    arrays and objects as Nested), or "array" with its item count, or a scalar's `value`."""

    kind: str
    members: dict[str, Any] = field(default_factory=dict)
    items: int = 0
    value: Any = None


class _Counted(io.RawIOBase):
    """The stream from its start, less a UTF-8 byte-order mark, bytes read counted."""

    def __init__(self, stream: IO[bytes]) -> None:
        stream.seek(0)
        head = stream.read(len(codecs.BOM_UTF8))
        if head != codecs.BOM_UTF8:
            stream.seek(0)
        self.stream, self.offset = stream, len(codecs.BOM_UTF8) if head == codecs.BOM_UTF8 else 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.stream.read(len(buffer))
        buffer[: len(data)] = data
        self.offset += len(data)
        return len(data)


def _reason(exc: Exception) -> str:
    # yajl's message is two lines of context under the first; the first says what is wrong.
    return str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__


def opens_an_array(stream: IO[bytes]) -> bool:
    """Whether the document starts with `[` (after a byte-order mark and white space): its
    items can be read at once, the text is checked as they are."""
    source = _Counted(stream)
    while chunk := source.read(256):
        text = chunk.lstrip(b" \t\r\n")
        if text:
            return text.startswith(b"[")
    return False


def top_level(stream: IO[bytes]) -> TopLevel:
    """Read the whole document for its top level (see TopLevel); Broken if it is not JSON."""
    source = _Counted(stream)
    events = BACKEND.parse(source, buf_size=READ_BYTES)
    found: TopLevel | None = None
    key: str | None = None  # the top-level member being read
    items = 0
    try:
        for prefix, event, value in events:
            if found is None:
                if event == "start_map":
                    found = TopLevel("object")
                elif event == "start_array":
                    found = TopLevel("array")
                else:
                    found = TopLevel("scalar", value=value)
                continue
            if found.kind == "array":
                if prefix == "item" and event not in ("end_map", "end_array", "map_key"):
                    found.items += 1
                continue
            if prefix == "" and event == "map_key":
                key, items = value, 0
            elif key is None:
                continue
            elif prefix == key:
                if event in SCALARS:
                    found.members[key] = value
                elif event in ("start_array", "start_map"):
                    found.members[key] = Nested("array" if event == "start_array" else "object")
                elif event == "end_array":
                    found.members[key] = Nested("array", items)
            elif prefix == key + ".item" and event not in ("end_map", "end_array", "map_key"):
                items += 1
    except (ijson.JSONError, UnicodeDecodeError) as exc:
        if found is not None and found.kind == "array" and found.items:
            raise Broken(_reason(exc), source.offset, "", found.items - 1) from exc
        if key is not None and items:
            raise Broken(_reason(exc), source.offset, key, items - 1) from exc
        raise Broken(_reason(exc), source.offset) from exc
    if found is None:
        raise Broken("empty document", source.offset)
    return found


def items(stream: IO[bytes], prefix: str, *, use_float: bool = False) -> Iterator[Any]:
    """The items at `prefix` ("item": the top-level array's; "rows.item": the member rows'),
    built one at a time; numbers as int and Decimal (or float with use_float)."""
    source = _Counted(stream)
    done = 0
    try:
        for item in BACKEND.items(source, prefix, buf_size=READ_BYTES, use_float=use_float):
            yield item
            done += 1
    except (ijson.JSONError, UnicodeDecodeError) as exc:
        member = prefix.removesuffix("item").removesuffix(".")
        raise Broken(_reason(exc), source.offset, member, done) from exc
