"""Keyset paging: an opaque cursor holding the last row's sort key."""

import base64
import json
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, tuple_
from sqlalchemy.orm import QueryableAttribute

from api.errors import InvalidInput


def encode_cursor(key: list[Any]) -> str:
    raw = json.dumps(key, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def bad_cursor(message: str = "Cursor không thuộc danh sách này.") -> InvalidInput:
    return InvalidInput(
        "cursor không hợp lệ.",
        errors=[{"in": "query", "field": "cursor", "message": message, "code": "invalid_cursor"}],
    )


def decode_cursor(cursor: str | None, arity: int) -> list[Any] | None:
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad_cursor("Không đọc được cursor.") from exc
    if not isinstance(key, list) or len(key) != arity:
        raise bad_cursor()
    return key


def decode_id_cursor(cursor: str | None) -> uuid.UUID | None:
    """The last id of a list ordered by id."""
    key = decode_cursor(cursor, 1)
    if key is None:
        return None
    try:
        return uuid.UUID(str(key[0]))
    except ValueError as exc:
        raise bad_cursor() from exc


def encode_time_cursor(at: datetime, row_id: uuid.UUID) -> str:
    """The cursor of lists ordered by a timestamp, with the id breaking ties."""
    return encode_cursor([at.isoformat(), str(row_id)])


def decode_time_cursor(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    key = decode_cursor(cursor, 2)
    if key is None:
        return None
    try:
        return datetime.fromisoformat(str(key[0])), uuid.UUID(str(key[1]))
    except ValueError as exc:
        raise bad_cursor() from exc


def after_time_key(
    time: QueryableAttribute[datetime],
    row_id: QueryableAttribute[uuid.UUID],
    key: tuple[datetime, uuid.UUID],
) -> ColumnElement[bool]:
    """Rows after `key` in (time, id) order, for a walk of the (time, id) index.

    `(time, id) >= key AND id <> key's id`, not `(time, id) > key`: the planner estimates a
    row comparison by its first column alone, and after a bulk upload 100 000 rows share one
    time; `time > t` then looked empty, so each page of an incremental pull hash-joined and
    sorted all of them (120 ms of the database's CPU) where walking the index takes 4."""
    return and_(tuple_(time, row_id) >= key, row_id != key[1])
