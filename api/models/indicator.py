"""Indicators (the catalogue) and their dated targets; the values are data_value's."""

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    ForeignKey,
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
