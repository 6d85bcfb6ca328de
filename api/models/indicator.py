"""Indicators (the catalogue), their dated targets, and the values reported against them."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from api.models.base import Base, IdMixin, TimestampMixin, VersionedMixin

DEFAULT_OPTION = "default"


class Indicator(IdMixin, TimestampMixin, VersionedMixin, Base):
    __tablename__ = "indicator"

    code: Mapped[str] = mapped_column(String(64), unique=True)
    name_vi: Mapped[str] = mapped_column(String(500))
    name_en: Mapped[str | None] = mapped_column(String(500))
    search_name: Mapped[str] = mapped_column(String(1200))
    unit: Mapped[str | None] = mapped_column(String(100))
    # input / activity / result / impact (chỉ số đầu vào / hoạt động / kết quả / tác động)
    kind: Mapped[str] = mapped_column(String(20))
    # count, number, percentage, rate, currency, yes_no, text
    value_type: Mapped[str] = mapped_column(String(20))
    # Multiplier of numerator/denominator: 100 for %, 10 000 per "vạn dân", 100 000 ...
    factor: Mapped[int] = mapped_column(BigInteger, default=1)
    numerator_label: Mapped[str | None] = mapped_column(String(300))
    denominator_label: Mapped[str | None] = mapped_column(String(300))
    # higher / lower is better, or none
    direction: Mapped[str] = mapped_column(String(10), default="higher")
    decimals: Mapped[int] = mapped_column(default=2)
    # sum, ratio (Σnum/Σden×factor), average, latest, none
    aggregation: Mapped[str] = mapped_column(String(10), default="sum")
    allow_numerator_above_denominator: Mapped[bool] = mapped_column(default=False)
    # Disaggregation: [{"code": "sex", "name": "Giới tính", "options": [{"code", "name"}]}]
    categories: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    description: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)


class Target(IdMixin, TimestampMixin, VersionedMixin, Base):
    """A comparator and value on an indicator for a unit and year, as a plan states it."""

    __tablename__ = "target"
    __table_args__ = (
        UniqueConstraint(
            "plan_id",
            "indicator_id",
            "org_unit_id",
            "year",
            "option",
            postgresql_nulls_not_distinct=True,
        ),
    )

    # The plan that sets it (none for a unit's standing target).
    plan_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("plan.id", ondelete="CASCADE"), index=True
    )
    indicator_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("indicator.id", ondelete="CASCADE"), index=True
    )
    org_unit_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("org_unit.id", ondelete="RESTRICT"), index=True
    )
    year: Mapped[int]
    option: Mapped[str] = mapped_column(String(100), default=DEFAULT_OPTION)
    # gte, gt, lte, lt, eq, approx, between
    comparator: Mapped[str] = mapped_column(String(10))
    value: Mapped[Decimal] = mapped_column(Numeric(20, 6))
    value_high: Mapped[Decimal | None] = mapped_column(Numeric(20, 6))
    baseline: Mapped[Decimal | None] = mapped_column(Numeric(20, 6))
    baseline_year: Mapped[int | None]
    wording: Mapped[str | None] = mapped_column(String(500))


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
