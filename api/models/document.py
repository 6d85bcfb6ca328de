"""Documents: the registry of numbered texts (plans, resolutions, letters) and their legal basis."""

import uuid
from datetime import date

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.models.base import Base, IdMixin, StoredFileMixin, TimestampMixin, VersionedMixin

document_legal_basis = Table(
    "document_legal_basis",
    Base.metadata,
    Column(
        "document_id",
        ForeignKey("document.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "basis_id",
        ForeignKey("document.id", ondelete="RESTRICT"),
        primary_key=True,
        index=True,
    ),
)


class Document(IdMixin, TimestampMixin, VersionedMixin, Base):
    """One issued (or draft, unnumbered) document; numbers are unique per issuer, type, year."""

    __tablename__ = "document"
    __table_args__ = (
        UniqueConstraint("issuer_id", "type", "year", "number"),
        CheckConstraint("number IS NULL OR year IS NOT NULL", name="numbered_has_year"),
        CheckConstraint(
            "signer_mode IS NULL OR signer_mode IN ('KT', 'TM', 'Q', 'TL', 'TUQ')",
            name="signer_mode",
        ),
    )

    type: Mapped[str] = mapped_column(String(8))
    number: Mapped[str | None] = mapped_column(String(16))
    symbol: Mapped[str] = mapped_column(String(64))
    party_style: Mapped[bool] = mapped_column(default=False)
    issuer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("org_unit.id", ondelete="RESTRICT"), index=True
    )
    issued_on: Mapped[date | None] = mapped_column(Date)
    year: Mapped[int | None]
    place: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    search_text: Mapped[str] = mapped_column(Text, default="")
    signer_name: Mapped[str | None] = mapped_column(String(200))
    signer_position: Mapped[str | None] = mapped_column(String(200))
    signer_mode: Mapped[str | None] = mapped_column(String(8))
    recipients: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)

    legal_basis: Mapped[list["Document"]] = relationship(
        secondary=document_legal_basis,
        primaryjoin=lambda: Document.id == document_legal_basis.c.document_id,
        secondaryjoin=lambda: Document.id == document_legal_basis.c.basis_id,
        lazy="selectin",
    )


class DocumentAttachment(IdMixin, StoredFileMixin, Base):
    """A file of a registered document: the signed scan, its appendices."""

    __tablename__ = "document_attachment"

    document_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), index=True
    )
