"""data value: drop the index the roll-up index made redundant

Every value written maintains each index of data_value; a bulk upload writes a million. Of the
six, ix_data_value_indicator_period (indicator_id, period_start) serves no read the others do
not: the covering roll-up index (0011) has the same keys for live values, and the unique
constraint's index leads with indicator_id for the rest. Dropping it takes one index
maintenance from every write (issue 21).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 12:10:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_data_value_indicator_period", table_name="data_value")


def downgrade() -> None:
    op.create_index(
        "ix_data_value_indicator_period",
        "data_value",
        ["indicator_id", "period_start"],
        unique=False,
    )
