"""Plans: an owner unit's plan, its document, the plans it implements, and its status."""

import uuid
from datetime import date

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.models.base import Base, IdMixin, TimestampMixin, VersionedMixin, ordered_uuid
from api.models.document import Document
from api.models.org_unit import OrgUnit

plan_parent = Table(
    "plan_parent",
    Base.metadata,
    Column("plan_id", ForeignKey("plan.id", ondelete="CASCADE"), primary_key=True),
    Column("parent_id", ForeignKey("plan.id", ondelete="RESTRICT"), primary_key=True, index=True),
)

PLAN_STATUSES = ("draft", "issued", "superseded", "archived")


class Plan(IdMixin, TimestampMixin, VersionedMixin, Base):
    __tablename__ = "plan"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'issued', 'superseded', 'archived')", name="status"),
        CheckConstraint("period_end IS NULL OR period_start <= period_end", name="period"),
    )

    owner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("org_unit.id", ondelete="RESTRICT"), index=True
    )
    document_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("document.id", ondelete="RESTRICT"), index=True
    )
    title: Mapped[str] = mapped_column(Text)
    period_start: Mapped[int | None]
    period_end: Mapped[int | None]
    vision_year: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(16), default="draft")
    # [{"kind": "purpose", "heading": "...", "body": "..."}], in order.
    sections: Mapped[list[dict[str, str]]] = mapped_column(JSONB, default=list)
    objectives: Mapped[list[str]] = mapped_column(JSONB, default=list)

    owner: Mapped[OrgUnit] = relationship(lazy="selectin")
    document: Mapped[Document | None] = relationship(lazy="selectin")
    parents: Mapped[list["Plan"]] = relationship(
        secondary=plan_parent,
        primaryjoin=lambda: Plan.id == plan_parent.c.plan_id,
        secondaryjoin=lambda: Plan.id == plan_parent.c.parent_id,
        lazy="selectin",
    )


class PlanAmendment(IdMixin, TimestampMixin, Base):
    """A change to an issued plan: why, and the plan before and after."""

    __tablename__ = "plan_amendment"

    plan_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("plan.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    reason: Mapped[str] = mapped_column(Text)
    before: Mapped[dict[str, object]] = mapped_column(JSONB)
    after: Mapped[dict[str, object]] = mapped_column(JSONB)


class Task(IdMixin, TimestampMixin, Base):
    """A row of the plan's matrix: a group ("I") or a task ("1", "1.1"), numbered as the plan
    numbers it, in the plan's order."""

    __tablename__ = "plan_task"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    # The parent plan's task this one was copied from when a child plan was created from it.
    source_task_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("plan_task.id", ondelete="SET NULL"), index=True
    )
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("plan_task.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    deadline: Mapped[date | None] = mapped_column(Date)
    # "yearly", "quarterly", "monthly", "ongoing" (thường xuyên), or None with a deadline.
    recurrence: Mapped[str | None] = mapped_column(String(20))
    expected_output: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)


class Assignment(IdMixin, Base):
    """A unit's part in a task: the lead (chủ trì) or a coordinating unit (phối hợp).

    Ids are time-ordered: a task's coordinating units are listed by id, in the order they
    were given (the appendix names them in an order people chose)."""

    __tablename__ = "task_assignment"
    __table_args__ = (
        UniqueConstraint("task_id", "org_unit_id"),
        CheckConstraint("role IN ('lead', 'coordinating')", name="role"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=ordered_uuid)

    task_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plan_task.id", ondelete="CASCADE"))
    org_unit_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("org_unit.id", ondelete="RESTRICT"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
