"""Signed reports: document versions, signatures, signing sessions, verification."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from api.schemas.common import WHOLE_PAGE, PageMeta, Schema

Verdict = Literal["valid", "altered", "untrusted", "expired", "revocation_unknown"]
Level = Literal["B-B", "B-T", "B-LT", "B-LTA"]


class SignatureRead(Schema):
    id: uuid.UUID
    signer_user_id: uuid.UUID | None
    signer_mode: str | None = Field(description="KT, TL, TM, or none (con dấu của đơn vị)")
    certificate_subject: str
    certificate_issuer: str
    certificate_serial: str
    signing_time: datetime
    verification: Verdict
    verification_detail: str
    level: Level | None = Field(
        default=None,
        description="Mức PAdES tệp đã ký đạt được (B-B, B-T, B-LT, B-LTA); không có với chữ ký "
        "cũ: kiểm tra tệp PDF để biết",
    )
    checked_at: datetime


class SignableDocumentRead(Schema):
    """One version of a report's PDF; frozen once signed."""

    id: uuid.UUID
    subject_type: Literal["compilation", "submission"]
    subject_id: uuid.UUID
    version: int
    sha256: str = Field(description="SHA-256 của bản PDF chưa ký")
    signer_mode: str | None
    signer_name: str | None
    created_at: datetime
    signed: bool
    signed_at: datetime | None
    signed_sha256: str | None
    signatures: list[SignatureRead]
    download_url: str = Field(description="Bản đã ký nếu có, nếu không là bản chưa ký")


class SignableDocumentPage(BaseModel):
    """A report's PDF versions, oldest first, in one page."""

    model_config = WHOLE_PAGE

    items: list[SignableDocumentRead]
    page: PageMeta = Field(default_factory=PageMeta.whole)


class SigningSessionCreate(Schema):
    certificates: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=20_000)]],
        Field(min_length=1, max_length=10),
    ] = Field(description="Chứng thư số của người ký (PEM, hoặc DER base64) rồi các CA trung gian")


class SigningSessionRead(Schema):
    """What the signer's token must sign: `to_sign_digest`, the SHA-256 of the CMS signed
    attributes (also given whole, for clients that hash them themselves). Sign it with the
    key of the first certificate (RSA PKCS#1 v1.5 or ECDSA) and send it to `complete_url`."""

    id: uuid.UUID
    document_id: uuid.UUID
    version: int
    digest_algorithm: Literal["sha256"] = "sha256"
    to_sign_digest: str = Field(description="base64")
    signed_attributes: str = Field(description="DER, base64")
    expires_at: datetime
    complete_url: str


class SigningSessionComplete(Schema):
    signature: Annotated[str, Field(min_length=1, max_length=4096)] = Field(
        description="Chữ ký của token trên dữ liệu cần ký, base64"
    )


class VerificationRead(Schema):
    result: Verdict
    detail: str
    signer_subject: str | None
    signer_issuer: str | None
    signer_serial: str | None
    signing_time: datetime | None
    level: Level = Field(
        description="Mức PAdES (ETSI EN 319 142) tệp đạt được cho chữ ký này: B-B chữ ký; B-T có "
        "dấu thời gian; B-LT thêm dữ liệu thu hồi của chuỗi chứng thư trong tệp; B-LTA thêm dấu "
        "thời gian lưu trữ (tài liệu) còn nguyên vẹn"
    )


class VerifyResult(Schema):
    signed: bool
    signatures: list[VerificationRead]
