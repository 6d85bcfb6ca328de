"""indicators, periods and data values

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 05:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "indicator",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name_vi", sa.String(length=500), nullable=False),
        sa.Column("name_en", sa.String(length=500), nullable=True),
        sa.Column("search_name", sa.String(length=1200), nullable=False),
        sa.Column("unit", sa.String(length=100), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("value_type", sa.String(length=20), nullable=False),
        sa.Column("factor", sa.BigInteger(), nullable=False),
        sa.Column("numerator_label", sa.String(length=300), nullable=True),
        sa.Column("denominator_label", sa.String(length=300), nullable=True),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("decimals", sa.Integer(), nullable=False),
        sa.Column("aggregation", sa.String(length=10), nullable=False),
        sa.Column("allow_numerator_above_denominator", sa.Boolean(), nullable=False),
        sa.Column("categories", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator")),
        sa.UniqueConstraint("code", name=op.f("uq_indicator_code")),
    )
    op.create_table(
        "data_value",
        sa.Column("indicator_id", sa.Uuid(), nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.Column("period", sa.String(length=40), nullable=False),
        sa.Column("period_type", sa.String(length=20), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("option", sa.String(length=100), nullable=False),
        sa.Column("numerator", sa.Numeric(precision=24, scale=6), nullable=True),
        sa.Column("denominator", sa.Numeric(precision=24, scale=6), nullable=True),
        sa.Column("value", sa.Numeric(precision=24, scale=6), nullable=True),
        sa.Column("text_value", sa.String(length=2000), nullable=True),
        sa.Column("comment", sa.String(length=2000), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("period_end >= period_start", name=op.f("ck_data_value_period_order")),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicator.id"],
            name=op.f("fk_data_value_indicator_id_indicator"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["org_unit_id"],
            ["org_unit.id"],
            name=op.f("fk_data_value_org_unit_id_org_unit"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_value")),
        sa.UniqueConstraint(
            "indicator_id",
            "org_unit_id",
            "period",
            "option",
            name=op.f("uq_data_value_indicator_id_org_unit_id_period_option"),
        ),
    )
    op.create_index(
        "ix_data_value_indicator_period",
        "data_value",
        ["indicator_id", "period_start"],
        unique=False,
    )
    op.create_index(
        "ix_data_value_unit_period", "data_value", ["org_unit_id", "period_start"], unique=False
    )
    op.create_index("ix_data_value_updated", "data_value", ["updated_at", "id"], unique=False)
    op.create_table(
        "target",
        sa.Column("plan_id", sa.Uuid(), nullable=True),
        sa.Column("indicator_id", sa.Uuid(), nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("option", sa.String(length=100), nullable=False),
        sa.Column("comparator", sa.String(length=10), nullable=False),
        sa.Column("value", sa.Numeric(precision=20, scale=6), nullable=False),
        sa.Column("value_high", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("baseline", sa.Numeric(precision=20, scale=6), nullable=True),
        sa.Column("baseline_year", sa.Integer(), nullable=True),
        sa.Column("wording", sa.String(length=500), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plan.id"], name=op.f("fk_target_plan_id_plan"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicator.id"],
            name=op.f("fk_target_indicator_id_indicator"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_unit_id"],
            ["org_unit.id"],
            name=op.f("fk_target_org_unit_id_org_unit"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target")),
        sa.UniqueConstraint(
            "plan_id",
            "indicator_id",
            "org_unit_id",
            "year",
            "option",
            name=op.f("uq_target_plan_id_indicator_id_org_unit_id_year_option"),
            postgresql_nulls_not_distinct=True,
        ),
    )
    op.create_index(op.f("ix_target_indicator_id"), "target", ["indicator_id"], unique=False)
    op.create_index(op.f("ix_target_org_unit_id"), "target", ["org_unit_id"], unique=False)
    op.create_index(op.f("ix_target_plan_id"), "target", ["plan_id"], unique=False)
    op.create_table(
        "data_value_history",
        sa.Column("data_value_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.Uuid(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("numerator", sa.Numeric(precision=24, scale=6), nullable=True),
        sa.Column("denominator", sa.Numeric(precision=24, scale=6), nullable=True),
        sa.Column("value", sa.Numeric(precision=24, scale=6), nullable=True),
        sa.Column("text_value", sa.String(length=2000), nullable=True),
        sa.Column("comment", sa.String(length=2000), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["data_value_id"],
            ["data_value.id"],
            name=op.f("fk_data_value_history_data_value_id_data_value"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_value_history")),
    )
    op.create_index(
        "ix_data_value_history_value",
        "data_value_history",
        ["data_value_id", "changed_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_data_value_history_value", table_name="data_value_history")
    op.drop_table("data_value_history")
    op.drop_index(op.f("ix_target_plan_id"), table_name="target")
    op.drop_index(op.f("ix_target_org_unit_id"), table_name="target")
    op.drop_index(op.f("ix_target_indicator_id"), table_name="target")
    op.drop_table("target")
    op.drop_index("ix_data_value_updated", table_name="data_value")
    op.drop_index("ix_data_value_unit_period", table_name="data_value")
    op.drop_index("ix_data_value_indicator_period", table_name="data_value")
    op.drop_table("data_value")
    op.drop_table("indicator")
