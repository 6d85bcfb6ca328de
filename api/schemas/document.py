"""Documents: create, read, pages; the reference parsed from text."""

import uuid
from datetime import date
from typing import Annotated, Literal

from pydantic import Field, model_validator

from api.schemas.common import NameText, PageMeta, Schema, ShortText, Text

DocumentType = Literal[
    "NQ", "CTr", "KH", "BC", "QĐ", "TB", "CT", "KL", "HD", "TTr", "NĐ", "TT", "CV"
]
SignerMode = Literal["KT", "TM", "Q", "TL", "TUQ"]
Symbol = Annotated[
    str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-zĐđ0-9][A-Za-zĐđ0-9./-]*$")
]
DocNumber = Annotated[str, Field(min_length=1, max_length=16, pattern=r"^[0-9]+[A-Za-z]?$")]


class DocumentCreate(Schema):
    type: DocumentType
    number: DocNumber | None = Field(default=None, description="None: bản dự thảo, chưa có số")
    symbol: Symbol = Field(examples=["KH-UBND", "NQ/TW"])
    party_style: bool = Field(default=False, description='"72-NQ/TW" thay vì "142/KH-UBND"')
    issuer_id: uuid.UUID
    issued_on: date | None = None
    place: NameText | None = None
    title: Annotated[Text, Field(max_length=2000)]
    signer_name: NameText | None = None
    signer_position: NameText | None = None
    signer_mode: SignerMode | None = None
    recipients: Annotated[list[ShortText], Field(max_length=200, default_factory=list)]
    legal_basis_ids: Annotated[list[uuid.UUID], Field(max_length=100, default_factory=list)]

    @model_validator(mode="after")
    def _year_in_range(self) -> "DocumentCreate":
        if self.issued_on is not None and not 1945 <= self.issued_on.year <= 2100:
            raise ValueError("năm ban hành ngoài khoảng 1945-2100")
        return self


class DocumentRef(Schema):
    id: uuid.UUID
    reference: str


class DocumentRead(Schema):
    id: uuid.UUID
    version: int
    type: str
    number: str | None
    symbol: str
    party_style: bool
    reference: str = Field(examples=["Kế hoạch số 142/KH-UBND ngày 21/11/2025"])
    issuer_id: uuid.UUID
    issued_on: date | None
    place: str | None
    title: str
    signer_name: str | None
    signer_position: str | None
    signer_mode: str | None
    recipients: list[str]
    legal_basis: list[DocumentRef]


class DocumentPage(Schema):
    items: list[DocumentRead]
    page: PageMeta


class ReferenceParsed(Schema):
    type: str
    type_name: str
    number: str | None
    symbol: str
    issued_on: date | None
    party_style: bool
    draft: bool
    formatted: str
