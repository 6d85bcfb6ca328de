"""Submissions: a unit's answer to a report request, its revisions and attached files."""

import uuid
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.models.base import Base, IdMixin, StoredFileMixin, TimestampMixin, VersionedMixin
from api.models.org_unit import OrgUnit
from api.models.report_request import ReportRequest

SUBMISSION_STATUSES = ("draft", "submitted", "returned", "accepted")


class Submission(IdMixin, TimestampMixin, VersionedMixin, Base):
    """One unit's answer to one request: its report as a draft, then as filed."""

    __tablename__ = "submission"
    __table_args__ = (
        UniqueConstraint("request_id", "org_unit_id"),
        CheckConstraint("status IN ('draft', 'submitted', 'returned', 'accepted')", name="status"),
    )

    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("report_request.id", ondelete="CASCADE")
    )
    org_unit_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("org_unit.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="draft")
    # The report's own document header: "Số: 45/BC-UBND", place, date, title.
    doc_number: Mapped[str | None] = mapped_column(String(16))
    doc_symbol: Mapped[str | None] = mapped_column(String(64))
    place: Mapped[str | None] = mapped_column(String(200))
    report_date: Mapped[date | None] = mapped_column(Date)
    title: Mapped[str | None] = mapped_column(Text)
    # [{"key": "I", "heading": "...", "body": "..."}], outline keys first, free sections after.
    sections: Mapped[list[dict[str, str]]] = mapped_column(JSONB, default=list)
    # {task_id: {"status", "result", "outputs": [{"label", "value", "unit"}], "note"}}
    task_results: Mapped[dict[str, dict[str, object]]] = mapped_column(JSONB, default=dict)
    # [{"reference", "number", "symbol", "issued_on", "title", "issuer"}]
    issued_documents: Mapped[list[dict[str, object]]] = mapped_column(JSONB, default=list)
    # [{"name", "url", "note"}]: links to files kept elsewhere (the document system); files
    # uploaded with the report are SubmissionAttachment rows.
    links: Mapped[list[dict[str, object]]] = mapped_column(JSONB, default=list)
    signer_mode: Mapped[str | None] = mapped_column(String(8))
    signer_authority: Mapped[str | None] = mapped_column(String(200))
    signer_position: Mapped[str | None] = mapped_column(String(200))
    signer_name: Mapped[str | None] = mapped_column(String(200))
    recipients: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    first_submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    late: Mapped[bool] = mapped_column(default=False)
    returned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    review_comment: Mapped[str | None] = mapped_column(Text)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reviewed_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    updated_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )

    org_unit: Mapped[OrgUnit] = relationship(lazy="selectin")
    request: Mapped[ReportRequest] = relationship(lazy="selectin")


class SubmissionRevision(IdMixin, Base):
    """The report as it stood at each workflow move: retrievable and diffable."""

    __tablename__ = "submission_revision"
    __table_args__ = (UniqueConstraint("submission_id", "number"),)

    submission_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE")
    )
    number: Mapped[int]
    action: Mapped[str] = mapped_column(String(16))  # submit, return, accept
    status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int]
    actor_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    content: Mapped[dict[str, object]] = mapped_column(JSONB)


class SubmissionAttachment(IdMixin, StoredFileMixin, Base):
    """A file uploaded with a submission (a signed scan, an appendix)."""

    __tablename__ = "report_attachment"

    submission_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), index=True
    )
