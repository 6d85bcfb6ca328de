"""user containment: one-time passwords and case-insensitive usernames

`must_change_password` marks a password an administrator set (a new account, a reset): the
user must choose their own before anything else. Existing accounts are not marked.

Usernames were unique as typed; this makes them unique whatever the case. Every writer has
stored names lowercased, so existing rows satisfy it; should two differ only in case, the
upgrade stops on the duplicate and one must be renamed first.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 11:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "app_user",
        sa.Column("must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.create_index(
        "uq_app_user_lower_username", "app_user", [sa.text("lower(username)")], unique=True
    )


def downgrade() -> None:
    op.drop_index("uq_app_user_lower_username", table_name="app_user")
    op.drop_column("app_user", "must_change_password")
