"""Indicator catalogue, targets, data values and analytics: requests and responses."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field, WithJsonSchema

from api.numbers import DATA_VALUE, MAX_NUMBER_TEXT, TARGET
from api.schemas.common import (
    Code,
    OptionalText,
    PageMeta,
    Quantity,
    Schema,
    ShortText,
    clean_text,
)

# A description is exported to spreadsheet cells: no control character a worksheet refuses.
Description = Annotated[str, Field(max_length=5000), AfterValidator(clean_text)]

# Numbers as their columns hold them (api/numbers.py), documented within the column's range.
DATA_NUMBER_BOUND = DATA_VALUE.bound
TARGET_BOUND = TARGET.bound
DataDecimal = Annotated[Decimal, Field(ge=-DATA_NUMBER_BOUND, le=DATA_NUMBER_BOUND)]
# A JSON number within the range, or text in Vietnamese notation ("38,46", "20.967.784.175")
# checked against the same range when the row is validated (a conflict naming the row).
DataNumber = Annotated[
    Decimal | str,
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": -DATA_NUMBER_BOUND, "maximum": DATA_NUMBER_BOUND},
                {"type": "string", "maxLength": MAX_NUMBER_TEXT},
            ],
            "description": "Tối đa 18 chữ số phần nguyên; làm tròn đến 6 chữ số thập phân",
        }
    ),
]
TargetNumber = Annotated[
    Decimal,
    Field(
        ge=-TARGET_BOUND,
        le=TARGET_BOUND,
        description="Tối đa 14 chữ số phần nguyên; làm tròn đến 6 chữ số thập phân",
    ),
]

IndicatorKind = Literal["input", "activity", "result", "impact"]
ValueType = Literal["count", "number", "percentage", "rate", "currency", "yes_no", "text"]
Aggregation = Literal["sum", "ratio", "average", "latest", "none"]
Direction = Literal["higher", "lower", "none"]


class CategoryOption(Schema):
    code: Code
    name: ShortText


class Category(Schema):
    code: Code
    name: ShortText
    options: list[CategoryOption] = Field(min_length=1, max_length=100)


class IndicatorCreate(Schema):
    code: Code
    name_vi: ShortText
    name_en: OptionalText | None = None
    unit: Annotated[OptionalText, Field(max_length=100)] | None = Field(
        default=None, description="%, lượt, bác sỹ/vạn dân, cm …"
    )
    kind: IndicatorKind
    value_type: ValueType
    factor: int = Field(
        default=1, ge=1, le=1_000_000_000, description="1, 100 (%), 1 000, 10 000 (vạn), 100 000"
    )
    numerator_label: OptionalText | None = None
    denominator_label: OptionalText | None = None
    direction: Direction = "higher"
    decimals: int = Field(default=2, ge=0, le=6)
    aggregation: Aggregation = "sum"
    allow_numerator_above_denominator: bool = False
    categories: list[Category] = Field(default_factory=list, max_length=3)
    description: Description | None = None
    active: bool = True


class IndicatorUpdate(Schema):
    name_vi: ShortText | None = None
    name_en: OptionalText | None = None
    unit: Annotated[OptionalText, Field(max_length=100)] | None = None
    kind: IndicatorKind | None = None
    numerator_label: OptionalText | None = None
    denominator_label: OptionalText | None = None
    direction: Direction | None = None
    decimals: int | None = Field(default=None, ge=0, le=6)
    aggregation: Aggregation | None = None
    description: Description | None = None
    active: bool | None = None


class IndicatorRead(Schema):
    id: uuid.UUID
    code: str
    name_vi: str
    name_en: str | None
    unit: str | None
    kind: IndicatorKind
    value_type: ValueType
    factor: int
    numerator_label: str | None
    denominator_label: str | None
    direction: Direction
    decimals: int
    aggregation: Aggregation
    allow_numerator_above_denominator: bool
    categories: list[dict[str, Any]]
    description: str | None
    active: bool
    version: int
    updated_at: datetime


class IndicatorPage(BaseModel):
    items: list[IndicatorRead]
    page: PageMeta


Comparator = Literal["gte", "gt", "lte", "lt", "eq", "approx", "between"]


class TargetCreate(Schema):
    indicator: str = Field(description="Mã hoặc id chỉ số")
    org_unit: str = Field(description="Mã hoặc id đơn vị")
    plan_id: uuid.UUID | None = None
    year: int = Field(ge=1900, le=2200)
    option: Annotated[str, Field(max_length=100)] = "default"
    comparator: Comparator | None = Field(
        default=None, description="Bỏ trống để đọc từ wording (ví dụ 'trên 95%')"
    )
    value: TargetNumber | None = None
    value_high: TargetNumber | None = None
    baseline: TargetNumber | None = None
    baseline_year: int | None = Field(default=None, ge=1900, le=2200)
    wording: OptionalText | None = None


class TargetRead(Schema):
    id: uuid.UUID
    plan_id: uuid.UUID | None
    indicator_id: uuid.UUID
    indicator_code: str
    org_unit_id: uuid.UUID
    org_unit_code: str
    year: int
    option: str
    comparator: Comparator
    value: Quantity
    value_high: Quantity | None
    baseline: Quantity | None
    baseline_year: int | None
    wording: str | None
    version: int


class TargetParseRequest(Schema):
    wording: ShortText


class TargetParsed(BaseModel):
    comparator: Comparator | None
    value: Quantity | None
    value_high: Quantity | None
    unit: str | None
    per: int | None
    unread: list[str]


class DataValueIn(Schema):
    """One value; numbers may be JSON numbers or text in Vietnamese notation ("38,46")."""

    indicator: str = Field(description="Mã hoặc id chỉ số")
    org_unit: str = Field(description="Mã hoặc id đơn vị")
    period: str = Field(
        max_length=40, description="2026, 2026S1, 2026Q2, 202605, 2026W07, 2026-01-01_2026-05-30"
    )
    option: Annotated[str, Field(max_length=100)] | None = None
    numerator: DataNumber | None = None
    denominator: DataNumber | None = None
    value: DataNumber | None = None
    comment: str | None = Field(default=None, max_length=2000)
    status: Annotated[str, Field(max_length=20)] | None = Field(
        default=None, description="draft (mặc định), submitted, accepted"
    )
    deleted: bool = False


class ReplaceScope(Schema):
    indicators: list[str] = Field(min_length=1)
    org_unit: str
    period: str


class DataValueBatch(Schema):
    values: list[DataValueIn] = Field(max_length=10_000)
    dry_run: bool = False
    cutoff: bool = Field(default=False, description="Kỳ tháng/năm theo mốc 15 → 14")
    replace_scope: ReplaceScope | None = Field(
        default=None, description="Xóa (mềm) các giá trị trong phạm vi mà lô này không có"
    )


class DataValueRead(BaseModel):
    id: uuid.UUID
    indicator: str
    org_unit: str
    period: str
    period_type: str
    period_start: date
    period_end: date
    option: str
    numerator: Quantity | None
    denominator: Quantity | None
    value: Quantity | None
    text_value: str | None
    comment: str | None
    source: str
    status: str
    updated_by: uuid.UUID | None
    updated_at: datetime
    deleted: bool
    version: int


class DataValuePage(BaseModel):
    items: list[DataValueRead]
    page: PageMeta


class DataValueChange(BaseModel):
    action: str
    changed_at: datetime
    changed_by: uuid.UUID | None
    source: str
    numerator: Quantity | None
    denominator: Quantity | None
    value: Quantity | None
    text_value: str | None
    comment: str | None
    status: str | None


class DataValueHistoryRead(BaseModel):
    current: DataValueRead
    changes: list[DataValueChange] = Field(
        description="Trạng thái trước mỗi lần thay đổi, mới nhất trước"
    )


class AnalyticsRow(BaseModel):
    indicator: str
    org_unit: str
    org_unit_name: str
    period: str
    option: str
    value: Quantity | None
    numerator: Quantity | None
    denominator: Quantity | None
    values_counted: int
    target_comparator: Comparator | None
    target_value: Quantity | None
    target_value_high: Quantity | None
    target_year: int | None
    evaluation: str = Field(description="met, not_met, no_target, no_data")


class AnalyticsResult(BaseModel):
    rows: list[AnalyticsRow]


class TargetPage(BaseModel):
    """A page of targets; `page.next_cursor` asks for the next."""

    items: list[TargetRead]
    page: PageMeta
