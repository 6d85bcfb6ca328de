"""compiled report drafts

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 10:04:29.614298
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "compiled_report",
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("doc_number", sa.String(length=16), nullable=True),
        sa.Column("report_date", sa.Date(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("preamble", sa.Text(), nullable=True),
        sa.Column("sections", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("signer_mode", sa.String(length=8), nullable=True),
        sa.Column("signer_authority", sa.String(length=200), nullable=True),
        sa.Column("signer_position", sa.String(length=200), nullable=True),
        sa.Column("signer_name", sa.String(length=200), nullable=True),
        sa.Column("recipients", postgresql.ARRAY(sa.Text()), nullable=True),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
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
            ["request_id"],
            ["report_request.id"],
            name=op.f("fk_compiled_report_request_id_report_request"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["app_user.id"],
            name=op.f("fk_compiled_report_updated_by_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compiled_report")),
        sa.UniqueConstraint("request_id", name=op.f("uq_compiled_report_request_id")),
    )


def downgrade() -> None:

    op.drop_table("compiled_report")
