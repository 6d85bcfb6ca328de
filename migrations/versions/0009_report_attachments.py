"""report attachments

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 10:10:08.545052
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "report_attachment",
        sa.Column("submission_id", sa.Uuid(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.id"],
            name=op.f("fk_report_attachment_submission_id_submission"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"],
            ["app_user.id"],
            name=op.f("fk_report_attachment_uploaded_by_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_attachment")),
    )
    op.create_index(
        op.f("ix_report_attachment_submission_id"),
        "report_attachment",
        ["submission_id"],
        unique=False,
    )
    # The links a report lists keep their data: only the column's name changes.
    op.alter_column("submission", "attachments", new_column_name="links")


def downgrade() -> None:

    op.alter_column("submission", "links", new_column_name="attachments")
    op.drop_index(op.f("ix_report_attachment_submission_id"), table_name="report_attachment")
    op.drop_table("report_attachment")
