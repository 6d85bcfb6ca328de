"""Submissions: a unit's answer to a report request, its revisions and review."""

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field

from api.schemas.common import (
    WHOLE_PAGE,
    NameText,
    OptionalText,
    PageMeta,
    Quantity,
    Schema,
    ShortText,
    StoredFileRead,
    Text,
)
from api.schemas.document import DocNumber, SignerMode, Symbol
from api.schemas.indicator import DataDecimal
from api.schemas.report_request import (
    IndicatorRef,
    LongText,
    OutlineSection,
    SectionKey,
    TaskStatus,
    UnitRef,
)


class Section(Schema):
    key: SectionKey
    heading: ShortText
    body: LongText = ""


class Output(Schema):
    """A quantitative output of a task: "30 tin bài", "170 lượt phát thanh"."""

    label: ShortText
    value: Quantity | None = None
    unit: OptionalText | None = None


class TaskResultIn(Schema):
    task_id: uuid.UUID
    status: TaskStatus = "in_progress"
    result: Annotated[str, Field(max_length=8000)] = ""
    outputs: list[Output] = Field(default_factory=list, max_length=50)
    note: Annotated[str, Field(max_length=4000)] = ""


class ValueIn(Schema):
    """One indicator value; numbers as typed ("38,46", "20.967.784.175") or JSON numbers."""

    indicator: ShortText = Field(description="Mã chỉ số")
    option: Annotated[str, Field(max_length=100)] | None = None
    numerator: Annotated[str, Field(max_length=40)] | DataDecimal | None = None
    denominator: Annotated[str, Field(max_length=40)] | DataDecimal | None = None
    value: Annotated[str, Field(max_length=2000)] | DataDecimal | None = None
    comment: Annotated[str, Field(max_length=2000)] | None = None
    delete: bool = Field(default=False, description="Xóa giá trị này khỏi báo cáo")


class IssuedDocument(Schema):
    """A document the unit issued in the period (seed 001's list, seed 004's appendix)."""

    reference: Annotated[str, Field(max_length=200)] | None = Field(
        default=None, examples=["Kế hoạch số 81/KH-UBND ngày 01/12/2025"]
    )
    issuer: OptionalText | None = None
    issued_on: date | None = None
    title: Annotated[Text, Field(max_length=2000)]


class Link(Schema):
    """A file kept elsewhere (the document system), referred to by its address."""

    name: ShortText
    url: Annotated[str, Field(max_length=2000, pattern=r"^(https?://|/)")]
    note: OptionalText | None = None


class SubmissionUpdate(Schema):
    """An autosave: only what changed. Sections and task results are merged by key/task,
    values by indicator and option; the lists of documents and links are replaced. Files are
    uploaded on their own (POST …/attachments)."""

    doc_number: DocNumber | None = None
    doc_symbol: Symbol | None = None
    place: NameText | None = None
    report_date: date | None = None
    title: Annotated[str, Field(max_length=2000)] | None = None
    sections: Annotated[list[Section], Field(max_length=60)] | None = None
    remove_sections: Annotated[list[SectionKey], Field(max_length=60)] | None = None
    task_results: Annotated[list[TaskResultIn], Field(max_length=2000)] | None = None
    values: Annotated[list[ValueIn], Field(max_length=1000)] | None = None
    issued_documents: Annotated[list[IssuedDocument], Field(max_length=500)] | None = None
    links: Annotated[list[Link], Field(max_length=100)] | None = None
    signer_mode: SignerMode | None = None
    signer_authority: NameText | None = Field(default=None, examples=["ỦY BAN NHÂN DÂN"])
    signer_position: NameText | None = Field(default=None, examples=["PHÓ CHỦ TỊCH"])
    signer_name: NameText | None = None
    recipients: Annotated[list[ShortText], Field(max_length=100)] | None = None


class TaskRow(Schema):
    """A task the unit reports on (or the group heading above it) and its answer so far."""

    task_id: uuid.UUID
    plan_id: uuid.UUID
    number: str
    title: str
    is_group: bool
    role: str | None = Field(description="lead / coordinating (của đơn vị hoặc đơn vị trực thuộc)")
    lead: str | None
    coordinating: list[str]
    deadline: date | None
    status: str | None
    result: str
    outputs: list[Output]
    note: str


class ValueRow(Schema):
    indicator: IndicatorRef
    option: str
    option_name: str = Field(
        description='Tên phân tổ theo chỉ số ("Nam", "Nội trú"); "Tổng" bên các phân tổ; '
        "rỗng khi không phân tổ"
    )
    numerator: Quantity | None
    denominator: Quantity | None
    value: Quantity | None
    text_value: str | None
    comment: str | None
    status: str | None


class SubmissionSummary(Schema):
    id: uuid.UUID
    version: int
    request_id: uuid.UUID
    request_title: str
    request_reference: str | None
    due_date: date
    org_unit: UnitRef
    status: str
    started: bool
    first_submitted_at: datetime | None
    submitted_at: datetime | None
    late: bool
    overdue: bool
    returned_at: datetime | None
    accepted_at: datetime | None
    review_comment: str | None
    updated_at: datetime


class SubmissionRead(SubmissionSummary):
    reference: str = Field(examples=["Số: /BC-UBND"])
    doc_number: str | None
    doc_symbol: str | None
    place: str | None
    report_date: date | None
    title: str | None
    outline: list[OutlineSection]
    sections: list[Section]
    tasks: list[TaskRow]
    values: list[ValueRow]
    issued_documents: list[IssuedDocument]
    links: list[Link]
    attachments: list[StoredFileRead]
    signer_mode: str | None
    signer_authority: str | None
    signer_position: str | None
    signer_name: str | None
    recipients: list[str]
    can_edit: bool
    can_review: bool
    actions: list[str] = Field(
        description="Việc người gọi được làm với báo cáo này lúc này: edit, submit (người báo "
        "cáo, khi bản nháp hoặc bị trả lại và yêu cầu còn mở), return, accept (người thẩm "
        "định, khi đã nộp), sign (người được giao quyền ký của đơn vị), seal (người ký, khi "
        "đơn vị đã có con dấu số)",
        examples=[["edit", "submit"]],
    )
    signed_reports: bool = Field(
        description="Yêu cầu đòi báo cáo có chữ ký số: ký bản hiện tại trước khi nộp"
    )


class SubmissionSaved(Schema):
    """What an autosave answers: small, with the new version for the next If-Match."""

    id: uuid.UUID
    version: int
    status: str
    updated_at: datetime
    values_written: int


class SubmissionPage(Schema):
    items: list[SubmissionSummary]
    page: PageMeta


class ReviewIn(Schema):
    comment: Annotated[str, Field(max_length=8000)] | None = None


class ReturnIn(Schema):
    comment: Annotated[Text, Field(max_length=8000)] = Field(
        description="Lý do trả lại, để đơn vị sửa"
    )


class BulkAcceptIn(Schema):
    submission_ids: Annotated[list[uuid.UUID], Field(min_length=1, max_length=5000)]
    comment: Annotated[str, Field(max_length=8000)] | None = None


class BulkAcceptOut(Schema):
    accepted: list[uuid.UUID]


class RevisionRef(Schema):
    number: int
    action: str
    status: str
    version: int
    actor: str | None
    comment: str | None
    created_at: datetime


class Revision(RevisionRef):
    content: dict[str, object]


class Change(Schema):
    path: str = Field(examples=["sections.III.2.body", "task_results.7.result", "values.TCDD"])
    before: object | None
    after: object | None


class Diff(Schema):
    from_: str = Field(alias="from", serialization_alias="from")
    to: str
    changes: list[Change]


# --- status and compilation ------------------------------------------------------------------


class LegacyImportResult(Schema):
    version: int
    matched: int
    unmatched: list[dict[str, str]]


class RevisionPage(BaseModel):
    """A report's revisions, oldest first, in one page."""

    model_config = WHOLE_PAGE

    items: list[RevisionRef]
    page: PageMeta = Field(default_factory=PageMeta.whole)
