"""The compiled report: a request's submissions put together by the requester."""

from datetime import date
from typing import Annotated

from pydantic import Field

from api.schemas.common import (
    NameText,
    Quantity,
    Schema,
    ShortText,
)
from api.schemas.document import DocNumber, SignerMode
from api.schemas.report_request import (
    IndicatorRef,
    LongText,
    ReportRequestRead,
    RequestStatus,
    SectionKey,
)


class CompiledIndicator(Schema):
    indicator: IndicatorRef
    option: str
    option_name: str = Field(
        "",
        description='Tên phân tổ ("Nam", "Nội trú"); rỗng khi số liệu không phân tổ, "Tổng" '
        "cho dòng tổng của chỉ tiêu có phân tổ",
        examples=["Nam"],
    )
    value: Quantity | None
    value_text: str | None = Field(examples=["38,46 %"])
    numerator: Quantity | None
    denominator: Quantity | None
    units_reporting: int
    target: str | None
    evaluation: str
    by_unit: dict[str, Quantity | None]


class CompiledTaskResult(Schema):
    unit: str
    number: str
    title: str
    is_group: bool
    role: str | None
    status: str | None
    result: str
    note: str


class CompiledDocument(Schema):
    unit: str
    reference: str | None
    issued_on: date | None
    title: str


class CompiledSection(Schema):
    """A section of the compiled report: every unit's text together, so no length limit."""

    key: str
    heading: str
    body: str
    edited: bool = Field(description="Đã được cán bộ tổng hợp sửa (không còn lấy tự động)")
    prefilled: str | None = Field(
        description="Nội dung tổng hợp tự động từ các đơn vị, khi mục đã được sửa"
    )


class CompiledSectionIn(Schema):
    key: SectionKey
    body: LongText


class CompilationUpdate(Schema):
    """The compiled report's edits: header, signer, and sections rewritten by hand
    (`reset_sections` puts a section back to the text pre-filled from the units)."""

    doc_number: DocNumber | None = None
    report_date: date | None = None
    place: NameText | None = None
    title: Annotated[str, Field(max_length=2000)] | None = None
    preamble: Annotated[str, Field(max_length=8000)] | None = None
    sections: Annotated[list[CompiledSectionIn], Field(max_length=60)] | None = None
    reset_sections: Annotated[list[SectionKey], Field(max_length=60)] | None = None
    signer_mode: SignerMode | None = None
    signer_authority: NameText | None = None
    signer_position: NameText | None = None
    signer_name: NameText | None = None
    recipients: Annotated[list[ShortText], Field(max_length=100)] | None = None


class Compilation(Schema):
    version: int = Field(
        description="Phiên bản bản tổng hợp đã sửa (0: chưa sửa); dùng cho If-Match"
    )
    request: ReportRequestRead
    issuer: str
    issuer_parent: str | None
    reference: str = Field(examples=["Số: /BC-SYT"])
    place_and_date: str
    title: str
    preamble: str
    report_date: date | None
    sections: list[CompiledSection]
    status: RequestStatus
    indicators: list[CompiledIndicator]
    task_results: list[CompiledTaskResult]
    issued_documents: list[CompiledDocument]
    included_units: list[str]
    signer_mode: str | None
    signer_authority: str | None
    signer_position: str | None
    signer_name: str | None
    recipients: list[str]
