"""Declarative base: UUID keys, timestamps and a naming convention Alembic can rely on."""

import os
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, LargeBinary, MetaData, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)


_ordered_lock = threading.Lock()
_ordered_last = (0, 0)


def ordered_uuid() -> uuid.UUID:
    """A time-ordered UUID (RFC 9562 version 7, monotonic in this process): each id sorts
    after the one made before it, in Python and in PostgreSQL. Rows whose order matters but
    have no position column (a task's coordinating units) take these ids and are read by id."""
    global _ordered_last
    with _ordered_lock:
        ms = time.time_ns() // 1_000_000
        last_ms, last_seq = _ordered_last
        if ms > last_ms:
            seq = int.from_bytes(os.urandom(10)) >> 7  # 73 random bits: room to count up
        else:
            ms, seq = last_ms, last_seq + 1
        _ordered_last = (ms, seq)
    value = (ms << 80) | (7 << 76) | ((seq >> 62) << 64) | (2 << 62) | (seq & ((1 << 62) - 1))
    return uuid.UUID(int=value)


class TimestampMixin:
    # Python-side default: the time of the write itself, not of the transaction's start.
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), default=lambda: datetime.now(UTC)
    )
    updated_at: Mapped[datetime] = mapped_column(
        # Set in Python on update so the new value is known without a round trip.
        DateTime(timezone=True),
        server_default=func.now(),
        onupdate=lambda: datetime.now(UTC),
    )


class VersionedMixin:
    """Optimistic concurrency: `version` is the ETag; a stale UPDATE matches no row."""

    version: Mapped[int] = mapped_column(default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805 (a declared_attr takes cls)
        return {"version_id_col": cls.version}


class StoredFileMixin:
    """A file kept in the database (so a backup holds it with what it belongs to): its safe
    name, checked type, size, checksum and bytes."""

    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # A PDF's signatures as verified on receipt (api.services.pades.verify): a list of
    # {result, detail, signer_subject, signing_time}; [] a PDF with none; None not a PDF.
    signatures: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)
    signatures_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
