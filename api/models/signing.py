"""Signed reports: each rendered version of a compiled report or a unit's report (frozen once
signed), its PAdES signatures with their verification, and the signing sessions in between."""

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.models.base import Base, IdMixin

SUBJECT_TYPES = ("compilation", "submission")
VERDICTS = ("valid", "altered", "untrusted", "expired", "revocation_unknown")


class SignableDocument(IdMixin, Base):
    """One version of a report's PDF. `subject_id` is the report request (compilation) or the
    submission. Once `signed_at` is set nothing here changes: an edit makes version n + 1."""

    __tablename__ = "signable_document"
    __table_args__ = (UniqueConstraint("subject_type", "subject_id", "version"),)

    subject_type: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[uuid.UUID] = mapped_column(index=True)
    version: Mapped[int]
    issuer_unit_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("org_unit.id", ondelete="RESTRICT")
    )
    # SHA-256 of the layout model: the same content is the same version, whatever the time
    # the PDF was drawn at.
    content_sha256: Mapped[str] = mapped_column(String(64))
    signer_mode: Mapped[str | None] = mapped_column(String(10))
    signer_name: Mapped[str | None] = mapped_column(String(200))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    signed_pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    signed_sha256: Mapped[str | None] = mapped_column(String(64))
    signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    signatures: Mapped[list["Signature"]] = relationship(
        back_populates="document", lazy="selectin", order_by="Signature.signing_time"
    )


class Signature(IdMixin, Base):
    """A PAdES signature on a document version, with the result of its last verification."""

    __tablename__ = "signature"

    document_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("signable_document.id", ondelete="CASCADE"), index=True
    )
    signer_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    signer_mode: Mapped[str | None] = mapped_column(String(10))
    certificate_subject: Mapped[str] = mapped_column(String(1000))
    certificate_issuer: Mapped[str] = mapped_column(String(1000))
    certificate_serial: Mapped[str] = mapped_column(String(100))
    signing_time: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    verification: Mapped[str] = mapped_column(String(30))
    verification_detail: Mapped[str] = mapped_column(String(1000))
    # The PAdES level the signed file reached (B-B … B-LTA); NULL before it was recorded.
    level: Mapped[str | None] = mapped_column(String(8))
    checked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    document: Mapped[SignableDocument] = relationship(back_populates="signatures")


class SigningSession(IdMixin, Base):
    """Between "prepare" and "complete": the PDF with its field and a hole for the signature,
    the signed attributes whose digest the token signs, and who may finish it, until when."""

    __tablename__ = "signing_session"

    document_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("signable_document.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    signer_mode: Mapped[str | None] = mapped_column(String(10))
    prepared_pdf: Mapped[bytes] = mapped_column(LargeBinary)
    signed_attrs: Mapped[bytes] = mapped_column(LargeBinary)
    document_digest: Mapped[bytes] = mapped_column(LargeBinary)
    region_start: Mapped[int]
    region_end: Mapped[int]
    chain_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
