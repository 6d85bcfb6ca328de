"""plans, documents, tasks and assignments

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 05:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "document",
        sa.Column("type", sa.String(length=8), nullable=False),
        sa.Column("number", sa.String(length=16), nullable=True),
        sa.Column("symbol", sa.String(length=64), nullable=False),
        sa.Column("party_style", sa.Boolean(), nullable=False),
        sa.Column("issuer_id", sa.Uuid(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("signer_name", sa.String(length=200), nullable=True),
        sa.Column("signer_position", sa.String(length=200), nullable=True),
        sa.Column("signer_mode", sa.String(length=8), nullable=True),
        sa.Column("recipients", postgresql.ARRAY(sa.Text()), nullable=False),
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
        sa.CheckConstraint(
            "signer_mode IS NULL OR signer_mode IN ('KT', 'TM', 'Q', 'TL', 'TUQ')",
            name=op.f("ck_document_signer_mode"),
        ),
        sa.CheckConstraint(
            "number IS NULL OR year IS NOT NULL", name=op.f("ck_document_numbered_has_year")
        ),
        sa.ForeignKeyConstraint(
            ["issuer_id"],
            ["org_unit.id"],
            name=op.f("fk_document_issuer_id_org_unit"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
        sa.UniqueConstraint(
            "issuer_id",
            "type",
            "year",
            "number",
            name=op.f("uq_document_issuer_id_type_year_number"),
        ),
    )
    op.create_index(op.f("ix_document_issuer_id"), "document", ["issuer_id"], unique=False)
    op.create_table(
        "document_legal_basis",
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("basis_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["basis_id"],
            ["document.id"],
            name=op.f("fk_document_legal_basis_basis_id_document"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_document_legal_basis_document_id_document"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("document_id", "basis_id", name=op.f("pk_document_legal_basis")),
    )
    op.create_index(
        op.f("ix_document_legal_basis_basis_id"), "document_legal_basis", ["basis_id"], unique=False
    )
    op.create_table(
        "plan",
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("period_start", sa.Integer(), nullable=True),
        sa.Column("period_end", sa.Integer(), nullable=True),
        sa.Column("vision_year", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sections", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("objectives", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
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
        sa.CheckConstraint(
            "status IN ('draft', 'issued', 'superseded', 'archived')", name=op.f("ck_plan_status")
        ),
        sa.CheckConstraint(
            "period_end IS NULL OR period_start <= period_end", name=op.f("ck_plan_period")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_plan_document_id_document"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["org_unit.id"],
            name=op.f("fk_plan_owner_id_org_unit"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan")),
    )
    op.create_index(op.f("ix_plan_document_id"), "plan", ["document_id"], unique=False)
    op.create_index(op.f("ix_plan_owner_id"), "plan", ["owner_id"], unique=False)
    op.create_table(
        "plan_amendment",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("before", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("after", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
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
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["app_user.id"],
            name=op.f("fk_plan_amendment_actor_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plan.id"],
            name=op.f("fk_plan_amendment_plan_id_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_amendment")),
    )
    op.create_index(op.f("ix_plan_amendment_plan_id"), "plan_amendment", ["plan_id"], unique=False)
    op.create_table(
        "plan_parent",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["plan.id"],
            name=op.f("fk_plan_parent_parent_id_plan"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plan.id"], name=op.f("fk_plan_parent_plan_id_plan"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("plan_id", "parent_id", name=op.f("pk_plan_parent")),
    )
    op.create_index(op.f("ix_plan_parent_parent_id"), "plan_parent", ["parent_id"], unique=False)
    op.create_table(
        "plan_task",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("recurrence", sa.String(length=20), nullable=True),
        sa.Column("expected_output", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
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
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["plan_task.id"],
            name=op.f("fk_plan_task_parent_id_plan_task"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plan.id"], name=op.f("fk_plan_task_plan_id_plan"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_task")),
        sa.UniqueConstraint("plan_id", "number", name=op.f("uq_plan_task_plan_id_number")),
    )
    op.create_index(op.f("ix_plan_task_parent_id"), "plan_task", ["parent_id"], unique=False)
    op.create_table(
        "task_assignment",
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "role IN ('lead', 'coordinating')", name=op.f("ck_task_assignment_role")
        ),
        sa.ForeignKeyConstraint(
            ["org_unit_id"],
            ["org_unit.id"],
            name=op.f("fk_task_assignment_org_unit_id_org_unit"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["plan_task.id"],
            name=op.f("fk_task_assignment_task_id_plan_task"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_assignment")),
        sa.UniqueConstraint(
            "task_id", "org_unit_id", name=op.f("uq_task_assignment_task_id_org_unit_id")
        ),
    )
    op.create_index(
        op.f("ix_task_assignment_org_unit_id"), "task_assignment", ["org_unit_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_task_assignment_org_unit_id"), table_name="task_assignment")
    op.drop_table("task_assignment")
    op.drop_index(op.f("ix_plan_task_parent_id"), table_name="plan_task")
    op.drop_table("plan_task")
    op.drop_index(op.f("ix_plan_parent_parent_id"), table_name="plan_parent")
    op.drop_table("plan_parent")
    op.drop_index(op.f("ix_plan_amendment_plan_id"), table_name="plan_amendment")
    op.drop_table("plan_amendment")
    op.drop_index(op.f("ix_plan_owner_id"), table_name="plan")
    op.drop_index(op.f("ix_plan_document_id"), table_name="plan")
    op.drop_table("plan")
    op.drop_index(op.f("ix_document_legal_basis_basis_id"), table_name="document_legal_basis")
    op.drop_table("document_legal_basis")
    op.drop_index(op.f("ix_document_issuer_id"), table_name="document")
    op.drop_table("document")
