"""report requests, submissions and revisions

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 09:35:25.096651
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "report_request",
        sa.Column("requester_id", sa.Uuid(), nullable=False),
        sa.Column("document_id", sa.Uuid(), nullable=True),
        sa.Column("plan_id", sa.Uuid(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("period", sa.String(length=40), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("cutoff", sa.Boolean(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outline", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("task_ids", postgresql.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("include_child_plans", sa.Boolean(), nullable=False),
        sa.Column("indicator_ids", postgresql.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("recurrence", sa.String(length=16), nullable=True),
        sa.Column("due_days_after_period", sa.Integer(), nullable=True),
        sa.Column("recurred_from_id", sa.Uuid(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminders_sent", postgresql.ARRAY(sa.String(length=10)), nullable=False),
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
            "kind IN ('periodic', 'thematic', 'ad_hoc')", name=op.f("ck_report_request_kind")
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'open', 'closed')", name=op.f("ck_report_request_status")
        ),
        sa.CheckConstraint("period_start <= period_end", name=op.f("ck_report_request_period")),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_report_request_document_id_document"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plan.id"],
            name=op.f("fk_report_request_plan_id_plan"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["recurred_from_id"],
            ["report_request.id"],
            name=op.f("fk_report_request_recurred_from_id_report_request"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"],
            ["org_unit.id"],
            name=op.f("fk_report_request_requester_id_org_unit"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_request")),
        sa.UniqueConstraint("recurred_from_id", name=op.f("uq_report_request_recurred_from_id")),
    )
    op.create_index(
        op.f("ix_report_request_document_id"), "report_request", ["document_id"], unique=False
    )
    op.create_index(op.f("ix_report_request_plan_id"), "report_request", ["plan_id"], unique=False)
    op.create_index(
        op.f("ix_report_request_requester_id"), "report_request", ["requester_id"], unique=False
    )
    op.create_index(
        "ix_report_request_status_due", "report_request", ["status", "due_date"], unique=False
    )
    op.create_table(
        "report_request_unit",
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_unit_id"],
            ["org_unit.id"],
            name=op.f("fk_report_request_unit_org_unit_id_org_unit"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["report_request.id"],
            name=op.f("fk_report_request_unit_request_id_report_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("request_id", "org_unit_id", name=op.f("pk_report_request_unit")),
    )
    op.create_index(
        op.f("ix_report_request_unit_org_unit_id"),
        "report_request_unit",
        ["org_unit_id"],
        unique=False,
    )
    op.create_table(
        "submission",
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("org_unit_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("doc_number", sa.String(length=16), nullable=True),
        sa.Column("doc_symbol", sa.String(length=64), nullable=True),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("report_date", sa.Date(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("sections", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("task_results", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("issued_documents", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("attachments", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("signer_mode", sa.String(length=8), nullable=True),
        sa.Column("signer_authority", sa.String(length=200), nullable=True),
        sa.Column("signer_position", sa.String(length=200), nullable=True),
        sa.Column("signer_name", sa.String(length=200), nullable=True),
        sa.Column("recipients", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("first_submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_by", sa.Uuid(), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by", sa.Uuid(), nullable=True),
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
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'returned', 'accepted')",
            name=op.f("ck_submission_status"),
        ),
        sa.ForeignKeyConstraint(
            ["org_unit_id"],
            ["org_unit.id"],
            name=op.f("fk_submission_org_unit_id_org_unit"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["report_request.id"],
            name=op.f("fk_submission_request_id_report_request"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by"],
            ["app_user.id"],
            name=op.f("fk_submission_reviewed_by_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"],
            ["app_user.id"],
            name=op.f("fk_submission_submitted_by_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["app_user.id"],
            name=op.f("fk_submission_updated_by_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission")),
        sa.UniqueConstraint(
            "request_id", "org_unit_id", name=op.f("uq_submission_request_id_org_unit_id")
        ),
    )
    op.create_index(op.f("ix_submission_org_unit_id"), "submission", ["org_unit_id"], unique=False)
    op.create_table(
        "submission_revision",
        sa.Column("submission_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["app_user.id"],
            name=op.f("fk_submission_revision_actor_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submission.id"],
            name=op.f("fk_submission_revision_submission_id_submission"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission_revision")),
        sa.UniqueConstraint(
            "submission_id", "number", name=op.f("uq_submission_revision_submission_id_number")
        ),
    )


def downgrade() -> None:

    op.drop_table("submission_revision")
    op.drop_index(op.f("ix_submission_org_unit_id"), table_name="submission")
    op.drop_table("submission")
    op.drop_index(op.f("ix_report_request_unit_org_unit_id"), table_name="report_request_unit")
    op.drop_table("report_request_unit")
    op.drop_index("ix_report_request_status_due", table_name="report_request")
    op.drop_index(op.f("ix_report_request_requester_id"), table_name="report_request")
    op.drop_index(op.f("ix_report_request_plan_id"), table_name="report_request")
    op.drop_index(op.f("ix_report_request_document_id"), table_name="report_request")
    op.drop_table("report_request")
