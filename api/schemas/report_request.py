"""Report requests: what is asked of which units, and their status and rates."""

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, model_validator

from api.schemas.common import (
    PageMeta,
    Quantity,
    Schema,
    ShortText,
    Text,
)

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
    signed_reports: bool | None = Field(
        default=None,
        description="Đơn vị phải ký số báo cáo (bản hiện tại) trước khi nộp; mặc định: không",
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
    signed_reports: bool | None = None
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
    signed_reports: bool
    indicators: list[IndicatorRef]
    units: list[UnitRef]
    recurrence: str | None
    due_days_after_period: int | None
    recurred_from_id: uuid.UUID | None
    opened_at: datetime | None
    closed_at: datetime | None
    actions: list[str] = Field(
        description="Việc người gọi được làm với yêu cầu này lúc này: edit, open, close, status "
        "(xem tình hình các đơn vị và bản tổng hợp), accept (chấp nhận hàng loạt), sign (ký bản "
        "tổng hợp: người được giao quyền ký của đơn vị yêu cầu), seal (đóng dấu số của đơn vị)",
        examples=[["edit", "close", "status"]],
    )


class ReportRequestPage(Schema):
    items: list[ReportRequestRead]
    page: PageMeta


# --- submissions -------------------------------------------------------------------------


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
    completeness: Quantity = Field(description="% đã nộp / phải nộp, không vượt 100")
    timeliness: Quantity = Field(description="% nộp đúng hạn (theo thời điểm nộp lần đầu)")


class RequestStatus(Schema):
    request_id: uuid.UUID
    due_date: date
    deadline: datetime
    rates: Rates
    units: list[UnitStatus]
