"""Report requests: what is asked of which units, and the requester's compiled report."""

import uuid
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    Uuid,
    false,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.models.base import Base, IdMixin, TimestampMixin, VersionedMixin
from api.models.document import Document
from api.models.org_unit import OrgUnit
from api.models.plan import Plan

REQUEST_STATUSES = ("draft", "open", "closed")
REQUEST_KINDS = ("periodic", "thematic", "ad_hoc")

report_request_unit = Table(
    "report_request_unit",
    Base.metadata,
    Column("request_id", ForeignKey("report_request.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "org_unit_id", ForeignKey("org_unit.id", ondelete="RESTRICT"), primary_key=True, index=True
    ),
)


class ReportRequest(IdMixin, TimestampMixin, VersionedMixin, Base):
    """What a unit asks others to report, about which plan, for which period, by when."""

    __tablename__ = "report_request"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'open', 'closed')", name="status"),
        CheckConstraint("kind IN ('periodic', 'thematic', 'ad_hoc')", name="kind"),
        CheckConstraint("period_start <= period_end", name="period"),
        Index("ix_report_request_status_due", "status", "due_date"),
    )

    requester_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("org_unit.id", ondelete="RESTRICT"), index=True
    )
    document_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("document.id", ondelete="RESTRICT"), index=True
    )
    plan_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("plan.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), default="periodic")
    period: Mapped[str] = mapped_column(String(40))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    cutoff: Mapped[bool] = mapped_column(default=False)
    due_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    # [{"key": "I", "heading": "...", "guidance": "..."}]: the outline the answers follow.
    outline: Mapped[list[dict[str, str]]] = mapped_column(JSONB, default=list)
    # Tasks to report on (groups select their tasks); empty: every assigned task.
    task_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid), default=list)
    include_child_plans: Mapped[bool] = mapped_column(default=True)
    # Units must sign their report (PAdES, docs/signing.md) before they may submit it.
    signed_reports: Mapped[bool] = mapped_column(default=False, server_default=false())
    indicator_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid), default=list)
    # "quarterly" / "six_monthly" / "yearly": the next request is created by a scheduled job.
    recurrence: Mapped[str | None] = mapped_column(String(16))
    due_days_after_period: Mapped[int | None]
    recurred_from_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("report_request.id", ondelete="SET NULL"), unique=True
    )
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Reminder stages already sent ("7", "3", "1", "overdue"), so a job never sends one twice.
    reminders_sent: Mapped[list[str]] = mapped_column(ARRAY(String(10)), default=list)

    requester: Mapped[OrgUnit] = relationship(lazy="selectin")
    document: Mapped[Document | None] = relationship(lazy="selectin")
    # Loaded where a request is read whole (report_requests.get / list), not with every
    # submission: a province-wide request has a thousand units.
    plan: Mapped[Plan | None] = relationship(lazy="raise_on_sql")
    units: Mapped[list[OrgUnit]] = relationship(secondary=report_request_unit, lazy="raise_on_sql")


class CompiledReport(IdMixin, TimestampMixin, VersionedMixin, Base):
    """The requesting unit's own report upward, as its officers edit it before signing: the
    header and signer, and the sections they rewrote (the rest stay pre-filled from the units'
    answers)."""

    __tablename__ = "compiled_report"

    request_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("report_request.id", ondelete="CASCADE"), unique=True
    )
    doc_number: Mapped[str | None] = mapped_column(String(16))
    report_date: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(Text)
    preamble: Mapped[str | None] = mapped_column(Text)
    # {section key: body as edited}
    sections: Mapped[dict[str, str]] = mapped_column(JSONB, default=dict)
    signer_mode: Mapped[str | None] = mapped_column(String(8))
    signer_authority: Mapped[str | None] = mapped_column(String(200))
    signer_position: Mapped[str | None] = mapped_column(String(200))
    signer_name: Mapped[str | None] = mapped_column(String(200))
    recipients: Mapped[list[str] | None] = mapped_column(ARRAY(Text))
    updated_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
