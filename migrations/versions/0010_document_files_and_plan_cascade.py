"""document files and plan cascade

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 10:30:30.612178
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "document_attachment",
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_document_attachment_document_id_document"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"],
            ["app_user.id"],
            name=op.f("fk_document_attachment_uploaded_by_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_attachment")),
    )
    op.create_index(
        op.f("ix_document_attachment_document_id"),
        "document_attachment",
        ["document_id"],
        unique=False,
    )
    op.add_column("plan_task", sa.Column("source_task_id", sa.Uuid(), nullable=True))
    op.create_index(
        op.f("ix_plan_task_source_task_id"), "plan_task", ["source_task_id"], unique=False
    )
    op.create_foreign_key(
        op.f("fk_plan_task_source_task_id_plan_task"),
        "plan_task",
        "plan_task",
        ["source_task_id"],
        ["id"],
        ondelete="SET NULL",
    )


def downgrade() -> None:

    op.drop_constraint(
        op.f("fk_plan_task_source_task_id_plan_task"), "plan_task", type_="foreignkey"
    )
    op.drop_index(op.f("ix_plan_task_source_task_id"), table_name="plan_task")
    op.drop_column("plan_task", "source_task_id")
    op.drop_index(op.f("ix_document_attachment_document_id"), table_name="document_attachment")
    op.drop_table("document_attachment")
