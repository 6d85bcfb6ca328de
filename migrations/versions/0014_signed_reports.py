"""signed reports

Each rendered version of a compiled report or a unit's report (frozen once signed), its PAdES
signatures with their verification result, what was found verifying a received PDF
attachment's signatures, the signing sessions of the interrupted flow (a
key on a USB token), and the signing modes a signer grant allows, and whether a request wants its reports signed.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 11:44:13.034283
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signable_document",
        sa.Column("subject_type", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("issuer_unit_id", sa.Uuid(), nullable=False),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.Column("signer_mode", sa.String(length=10), nullable=True),
        sa.Column("signer_name", sa.String(length=200), nullable=True),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("signed_pdf", sa.LargeBinary(), nullable=True),
        sa.Column("signed_sha256", sa.String(length=64), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["app_user.id"],
            name=op.f("fk_signable_document_created_by_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["issuer_unit_id"],
            ["org_unit.id"],
            name=op.f("fk_signable_document_issuer_unit_id_org_unit"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signable_document")),
        sa.UniqueConstraint(
            "subject_type",
            "subject_id",
            "version",
            name=op.f("uq_signable_document_subject_type_subject_id_version"),
        ),
    )
    op.create_index(
        op.f("ix_signable_document_subject_id"), "signable_document", ["subject_id"], unique=False
    )
    op.create_table(
        "signature",
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("signer_user_id", sa.Uuid(), nullable=True),
        sa.Column("signer_mode", sa.String(length=10), nullable=True),
        sa.Column("certificate_subject", sa.String(length=1000), nullable=False),
        sa.Column("certificate_issuer", sa.String(length=1000), nullable=False),
        sa.Column("certificate_serial", sa.String(length=100), nullable=False),
        sa.Column("signing_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verification", sa.String(length=30), nullable=False),
        sa.Column("verification_detail", sa.String(length=1000), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["signable_document.id"],
            name=op.f("fk_signature_document_id_signable_document"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["signer_user_id"],
            ["app_user.id"],
            name=op.f("fk_signature_signer_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signature")),
    )
    op.create_index(op.f("ix_signature_document_id"), "signature", ["document_id"], unique=False)
    op.create_table(
        "signing_session",
        sa.Column("document_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("signer_mode", sa.String(length=10), nullable=True),
        sa.Column("prepared_pdf", sa.LargeBinary(), nullable=False),
        sa.Column("signed_attrs", sa.LargeBinary(), nullable=False),
        sa.Column("document_digest", sa.LargeBinary(), nullable=False),
        sa.Column("region_start", sa.Integer(), nullable=False),
        sa.Column("region_end", sa.Integer(), nullable=False),
        sa.Column("chain_pem", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["signable_document.id"],
            name=op.f("fk_signing_session_document_id_signable_document"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_signing_session_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_session")),
    )
    op.create_index(
        op.f("ix_signing_session_document_id"), "signing_session", ["document_id"], unique=False
    )
    op.add_column(
        "report_request",
        sa.Column("signed_reports", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    for table in ("report_attachment", "document_attachment"):
        op.add_column(
            table, sa.Column("signatures", postgresql.JSONB(astext_type=sa.Text()), nullable=True)
        )
        op.add_column(
            table, sa.Column("signatures_checked_at", sa.DateTime(timezone=True), nullable=True)
        )
    op.add_column(
        "role_assignment",
        sa.Column("signing_modes", postgresql.ARRAY(sa.String(length=4)), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("role_assignment", "signing_modes")
    op.drop_column("report_request", "signed_reports")
    for table in ("report_attachment", "document_attachment"):
        op.drop_column(table, "signatures_checked_at")
        op.drop_column(table, "signatures")
    op.drop_index(op.f("ix_signing_session_document_id"), table_name="signing_session")
    op.drop_table("signing_session")
    op.drop_index(op.f("ix_signature_document_id"), table_name="signature")
    op.drop_table("signature")
    op.drop_index(op.f("ix_signable_document_subject_id"), table_name="signable_document")
    op.drop_table("signable_document")
