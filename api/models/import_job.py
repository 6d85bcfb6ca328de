"""Bulk uploads: the job that tracks one, and the uploaded file kept in the database."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, LargeBinary, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from api.models.base import Base, IdMixin, TimestampMixin


class ImportJob(IdMixin, TimestampMixin, Base):
    """One upload of one resource, from receipt to its truthful summary."""

    __tablename__ = "import_job"
    __table_args__ = (
        Index(
            "uq_import_job_idempotency",
            "created_by",
            "idempotency_key",
            unique=True,
            postgresql_where="idempotency_key IS NOT NULL",
        ),
        Index("ix_import_job_created_by_created_at", "created_by", "created_at"),
    )

    resource: Mapped[str] = mapped_column(String(40))
    format: Mapped[str] = mapped_column(String(20))
    # queued -> running -> succeeded | rejected | failed | cancelled
    status: Mapped[str] = mapped_column(String(20), default="queued")
    dry_run: Mapped[bool] = mapped_column(default=False)
    options: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    filename: Mapped[str | None] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    sha256: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    # A hash of the file and the options: the same key with another request is refused.
    request_hash: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("app_user.id", ondelete="RESTRICT"))
    rows_total: Mapped[int | None] = mapped_column(BigInteger)
    rows_processed: Mapped[int] = mapped_column(BigInteger, default=0)
    counts: Mapped[dict[str, int]] = mapped_column(JSONB, default=dict)
    conflicts: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    conflicts_total: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(String(2000))
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    queue_job_id: Mapped[int | None] = mapped_column(BigInteger)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ImportChunk(Base):
    """The uploaded file in 1 MB pieces, so a worker on any host can read it; deleted when done."""

    __tablename__ = "import_chunk"

    job_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("import_job.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
