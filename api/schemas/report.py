"""Report requests, submissions, their workflow, status and the compiled report."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, model_validator

from api.schemas.common import (
    NameText,
    OptionalText,
    PageMeta,
    Schema,
    ShortText,
    StoredFileRead,
    Text,
)
from api.schemas.document import DocNumber, SignerMode, Symbol
from api.schemas.indicator import DataDecimal

LongText = Annotated[str, Field(max_length=50000)]
SectionKey = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._-]+$")]
RequestKind = Literal["periodic", "thematic", "ad_hoc"]
Recurrence = Literal["monthly", "quarterly", "six_monthly", "yearly"]
TaskStatus = Literal["not_started", "in_progress", "done", "ongoing"]


class OutlineSection(Schema):
    """A heading the answers follow: "I" — "Công tác lãnh đạo, chỉ đạo, tổ chức triển khai"."""

    key: SectionKey
    heading: ShortText
    guidance: Annotated[str, Field(max_length=4000)] | None = None


# The outline of seed 000 and 001; a request gets it unless it says otherwise.
DEFAULT_OUTLINE = [
    OutlineSection(key="I", heading="Công tác lãnh đạo, chỉ đạo, tổ chức triển khai"),
    OutlineSection(key="II", heading="Kết quả thực hiện các nhiệm vụ"),
    OutlineSection(key="III.1", heading="Kết quả nổi bật"),
    OutlineSection(key="III.2", heading="Khó khăn, vướng mắc"),
    OutlineSection(key="III.3", heading="Nguyên nhân"),
    OutlineSection(key="III.4", heading="Bài học kinh nghiệm"),
    OutlineSection(key="IV", heading="Nhiệm vụ, giải pháp thời gian tới"),
    OutlineSection(key="V", heading="Đề xuất, kiến nghị"),
]


class UnitSelection(Schema):
    """Who must answer: picked by hand, from the plan's assignments, or by type under a unit."""

    unit_ids: list[uuid.UUID] = Field(default_factory=list, max_length=5000)
    from_plan_assignments: bool = Field(
        default=False,
        description="Mọi đơn vị được giao nhiệm vụ (chủ trì/phối hợp) trong kế hoạch",
    )
    unit_types: list[ShortText] = Field(default_factory=list, max_length=20)
    within_id: uuid.UUID | None = Field(
        default=None, description="Với unit_types: chỉ các đơn vị thuộc đơn vị này"
    )


class _RequestFields(Schema):
    @model_validator(mode="after")
    def _recurs(self) -> "_RequestFields":
        if getattr(self, "recurrence", None) and getattr(self, "due_days_after_period", 0) is None:
            raise ValueError("Báo cáo định kỳ lặp lại cần due_days_after_period")
        return self


class ReportRequestCreate(_RequestFields):
    requester_id: uuid.UUID
    document_id: uuid.UUID | None = Field(
        default=None, description="Công văn đề nghị báo cáo (văn bản đã vào sổ)"
    )
    plan_id: uuid.UUID | None = None
    title: Annotated[Text, Field(max_length=2000)]
    kind: RequestKind = "periodic"
    period: Annotated[str, Field(min_length=4, max_length=40)] = Field(
        examples=["2026Q2", "2026", "2026-01-01_2026-05-30"]
    )
    cutoff: bool = Field(default=False, description="Kỳ theo quy tắc chốt số liệu 15-14")
    due_date: date
    outline: Annotated[list[OutlineSection], Field(max_length=50)] | None = Field(
        default=None, description="Mặc định: đề cương I–V của báo cáo kết quả thực hiện"
    )
    task_ids: list[uuid.UUID] = Field(
        default_factory=list,
        max_length=2000,
        description="Nhóm/nhiệm vụ phải báo cáo; rỗng: mọi nhiệm vụ được giao",
    )
    include_child_plans: bool = Field(
        default=True, description="Cả nhiệm vụ trong các kế hoạch cấp dưới thực hiện kế hoạch này"
    )
    indicators: list[ShortText] = Field(
        default_factory=list, max_length=500, description="Mã (hoặc id) các chỉ số phải báo cáo"
    )
    units: UnitSelection = Field(default_factory=lambda: UnitSelection())
    recurrence: Recurrence | None = None
    due_days_after_period: Annotated[int, Field(ge=0, le=365)] | None = None


class ReportRequestUpdate(_RequestFields):
    """A draft changes freely; an open request only its due date and (added) units."""

    document_id: uuid.UUID | None = None
    title: Annotated[Text, Field(max_length=2000)] | None = None
    kind: RequestKind | None = None
    period: Annotated[str, Field(min_length=4, max_length=40)] | None = None
    cutoff: bool | None = None
    due_date: date | None = None
    outline: Annotated[list[OutlineSection], Field(max_length=50)] | None = None
    task_ids: Annotated[list[uuid.UUID], Field(max_length=2000)] | None = None
    include_child_plans: bool | None = None
    indicators: Annotated[list[ShortText], Field(max_length=500)] | None = None
    units: UnitSelection | None = None
    recurrence: Recurrence | None = None
    due_days_after_period: Annotated[int, Field(ge=0, le=365)] | None = None


class UnitRef(Schema):
    id: uuid.UUID
    code: str
    name: str


class IndicatorRef(Schema):
    id: uuid.UUID
    code: str
    name: str
    unit: str | None
    value_type: str
    numerator_label: str | None
    denominator_label: str | None
    decimals: int
    factor: int = Field(
        description="Giá trị = tử số / mẫu số × factor (100 cho tỷ lệ %), để tính ngay khi gõ"
    )


class ReportRequestRead(Schema):
    id: uuid.UUID
    version: int
    requester: UnitRef
    document_id: uuid.UUID | None
    reference: str | None = Field(examples=["Công văn số 2429/SYT-KHTH ngày 14/5/2026"])
    plan_id: uuid.UUID | None
    plan_title: str | None
    plan_reference: str | None
    title: str
    kind: str
    period: str
    period_start: date
    period_end: date
    cutoff: bool
    due_date: date
    status: str
    outline: list[OutlineSection]
    task_ids: list[uuid.UUID]
    include_child_plans: bool
    indicators: list[IndicatorRef]
    units: list[UnitRef]
    recurrence: str | None
    due_days_after_period: int | None
    recurred_from_id: uuid.UUID | None
    opened_at: datetime | None
    closed_at: datetime | None
    actions: list[str] = Field(
        description="Việc người gọi được làm với yêu cầu này lúc này: edit, open, close, status "
        "(xem tình hình các đơn vị và bản tổng hợp), accept (chấp nhận hàng loạt)",
        examples=[["edit", "close", "status"]],
    )


class ReportRequestPage(Schema):
    items: list[ReportRequestRead]
    page: PageMeta


# --- submissions -------------------------------------------------------------------------


class Section(Schema):
    key: SectionKey
    heading: ShortText
    body: LongText = ""


class Output(Schema):
    """A quantitative output of a task: "30 tin bài", "170 lượt phát thanh"."""

    label: ShortText
    value: Decimal | None = None
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
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None
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
        "định, khi đã nộp)",
        examples=[["edit", "submit"]],
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


class UnitStatus(Schema):
    org_unit: UnitRef
    active: bool
    submission_id: uuid.UUID | None
    state: Literal["not_started", "draft", "submitted", "returned", "accepted"]
    first_submitted_at: datetime | None
    submitted_at: datetime | None
    late: bool
    overdue: bool
    accepted_at: datetime | None


class Rates(Schema):
    expected: int = Field(description="Đơn vị phải báo cáo, đang hoạt động")
    submitted: int = Field(description="Đã nộp (đang chờ thẩm định hoặc đã chấp nhận)")
    on_time: int
    accepted: int
    returned: int
    overdue: int
    completeness: Decimal = Field(description="% đã nộp / phải nộp, không vượt 100")
    timeliness: Decimal = Field(description="% nộp đúng hạn (theo thời điểm nộp lần đầu)")


class RequestStatus(Schema):
    request_id: uuid.UUID
    due_date: date
    deadline: datetime
    rates: Rates
    units: list[UnitStatus]


class CompiledIndicator(Schema):
    indicator: IndicatorRef
    option: str
    value: Decimal | None
    value_text: str | None = Field(examples=["38,46 %"])
    numerator: Decimal | None
    denominator: Decimal | None
    units_reporting: int
    target: str | None
    evaluation: str
    by_unit: dict[str, Decimal | None]


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


class LegacyImportResult(Schema):
    version: int
    matched: int
    unmatched: list[dict[str, str]]
