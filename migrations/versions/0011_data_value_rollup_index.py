"""data value roll-up index

A covering index for the roll-ups of /analytics: one indicator over a period (a year of a
province's 1 100 communes is 13 200 values) is read by an index-only scan instead of visiting
the thousands of heap pages those values are spread over. Building it locks writes to
data_value while it runs (seconds per million values).

An index-only scan skips the heap only for pages the visibility map marks all-visible, which
vacuum sets. By default autovacuum waits for inserts or changes of 20 % of the table (2.6 M
values at 13 M), so the months just imported, the ones people ask about, would stay on the
slow path; on data_value it now runs after 1 % inserted or 2 % changed.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23 11:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_data_value_rollup",
        "data_value",
        ["indicator_id", "period_start"],
        unique=False,
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
    )
    op.execute(
        "ALTER TABLE data_value SET (autovacuum_vacuum_insert_scale_factor = 0.01, "
        "autovacuum_vacuum_scale_factor = 0.02)"
    )


def downgrade() -> None:
    op.execute(
        "ALTER TABLE data_value RESET (autovacuum_vacuum_insert_scale_factor, "
        "autovacuum_vacuum_scale_factor)"
    )
    op.drop_index(
        "ix_data_value_rollup",
        table_name="data_value",
        postgresql_where="deleted_at IS NULL",
    )
