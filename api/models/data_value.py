"""The values reported against indicators, and each value's history of changes."""

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from api.models.base import Base, IdMixin
from api.models.indicator import DEFAULT_OPTION


class DataValue(IdMixin, Base):
    """One number: indicator × unit × period × option. Written by set-based upserts."""

    __tablename__ = "data_value"
    __table_args__ = (
        UniqueConstraint("indicator_id", "org_unit_id", "period", "option"),
        Index("ix_data_value_unit_period", "org_unit_id", "period_start"),
        Index("ix_data_value_updated", "updated_at", "id"),
        # Covering index for roll-ups (services/analytics): one indicator over a period is read
        # by an index-only scan, without visiting the heap pages the values are spread over.
        Index(
            "ix_data_value_rollup",
            "indicator_id",
            "period_start",
            postgresql_include=[
                "period_end",
                "period_type",
                "status",
                "org_unit_id",
                "option",
                "value",
                "numerator",
                "denominator",
            ],
            postgresql_where="deleted_at IS NULL",
        ),
        CheckConstraint("period_end >= period_start", name="period_order"),
    )

    indicator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("indicator.id", ondelete="RESTRICT"))
    org_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_unit.id", ondelete="RESTRICT"))
    period: Mapped[str] = mapped_column(String(40))
    period_type: Mapped[str] = mapped_column(String(20))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    option: Mapped[str] = mapped_column(String(100), default=DEFAULT_OPTION)
    numerator: Mapped[Decimal | None] = mapped_column(Numeric(24, 6))
    denominator: Mapped[Decimal | None] = mapped_column(Numeric(24, 6))
    value: Mapped[Decimal | None] = mapped_column(Numeric(24, 6))
    text_value: Mapped[str | None] = mapped_column(String(2000))
    comment: Mapped[str | None] = mapped_column(String(2000))
    # submission / import / api
    source: Mapped[str] = mapped_column(String(20))
    # draft / submitted / accepted
    status: Mapped[str] = mapped_column(String(20), default="draft")
    updated_by: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(default=1)


class DataValueHistory(IdMixin, Base):
    """The previous state of a value, one row per change."""

    __tablename__ = "data_value_history"
    __table_args__ = (Index("ix_data_value_history_value", "data_value_id", "changed_at"),)

    data_value_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("data_value.id", ondelete="CASCADE")
    )
    # create / update / delete / restore
    action: Mapped[str] = mapped_column(String(10))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    changed_by: Mapped[uuid.UUID | None]
    source: Mapped[str] = mapped_column(String(20))
    numerator: Mapped[Decimal | None] = mapped_column(Numeric(24, 6))
    denominator: Mapped[Decimal | None] = mapped_column(Numeric(24, 6))
    value: Mapped[Decimal | None] = mapped_column(Numeric(24, 6))
    text_value: Mapped[str | None] = mapped_column(String(2000))
    comment: Mapped[str | None] = mapped_column(String(2000))
    status: Mapped[str | None] = mapped_column(String(20))
