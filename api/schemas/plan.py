"""Plans: create, edit, read, amend."""

import uuid
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, field_validator, model_validator

from api.schemas.common import WHOLE_PAGE, PageMeta, Schema, ShortText, Text
from api.text import nfc

Year = Annotated[int, Field(ge=1945, le=2100)]
LongText = Annotated[Text, Field(max_length=20000)]


class PlanSection(Schema):
    kind: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z_]+$")] = Field(
        examples=["purpose", "requirements", "implementation"]
    )
    heading: ShortText
    body: LongText


class _PlanFields(Schema):
    @model_validator(mode="after")
    def _period(self) -> "_PlanFields":
        start = getattr(self, "period_start", None)
        end = getattr(self, "period_end", None)
        if start is not None and end is not None and start > end:
            raise ValueError("period_start phải trước hoặc bằng period_end")
        return self


class PlanCreate(_PlanFields):
    owner_id: uuid.UUID
    document_id: uuid.UUID | None = None
    title: Annotated[Text, Field(max_length=2000)]
    period_start: Year | None = None
    period_end: Year | None = None
    vision_year: Year | None = None
    parent_ids: Annotated[list[uuid.UUID], Field(max_length=50, default_factory=list)]
    sections: Annotated[list[PlanSection], Field(max_length=100, default_factory=list)]
    objectives: Annotated[list[LongText], Field(max_length=200, default_factory=list)]


class PlanUpdate(_PlanFields):
    document_id: uuid.UUID | None = None
    title: Annotated[Text, Field(max_length=2000)] | None = None
    period_start: Year | None = None
    period_end: Year | None = None
    vision_year: Year | None = None
    parent_ids: Annotated[list[uuid.UUID], Field(max_length=50)] | None = None
    sections: Annotated[list[PlanSection], Field(max_length=100)] | None = None
    objectives: Annotated[list[LongText], Field(max_length=200)] | None = None


class PlanChildCreate(_PlanFields):
    """A unit's plan implementing this one; the unit's assigned tasks are copied into it."""

    owner_id: uuid.UUID
    document_id: uuid.UUID | None = None
    title: Annotated[Text, Field(max_length=2000)]
    period_start: Year | None = None
    period_end: Year | None = None


class CoveredTask(Schema):
    task_id: uuid.UUID
    number: str
    title: str


class ChildPlan(Schema):
    id: uuid.UUID
    title: str
    status: str
    owner_id: uuid.UUID
    owner_name: str
    reference: str | None
    covered: list[CoveredTask] = Field(
        description="Nhiệm vụ của kế hoạch cấp trên mà kế hoạch này thực hiện"
    )


class PlanAmend(PlanUpdate):
    reason: Annotated[Text, Field(max_length=2000)]


class PlanParentRef(Schema):
    id: uuid.UUID
    title: str


class PlanRead(Schema):
    id: uuid.UUID
    version: int
    owner_id: uuid.UUID
    document_id: uuid.UUID | None
    reference: str | None
    title: str
    period_start: int | None
    period_end: int | None
    vision_year: int | None
    status: str
    parents: list[PlanParentRef]
    sections: list[PlanSection]
    objectives: list[str]


class PlanPage(Schema):
    items: list[PlanRead]
    page: PageMeta


UnitName = Annotated[ShortText, Field(max_length=300)]
Recurrence = Literal["yearly", "six_monthly", "quarterly", "monthly", "ongoing"]
TaskNumber = Annotated[
    str, Field(min_length=1, max_length=20, pattern=r"^[0-9A-Za-z]+(\.[0-9A-Za-z]+)*\.?$")
]


def _cell(value: str) -> str:
    """Matrix text as an appendix cell reads back: NFC, trimmed, Word's soft line and page
    breaks as line breaks; other control characters (no spreadsheet holds them) refused."""
    value = nfc(value.replace("\x0b", "\n").replace("\x0c", "\n"))
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise ValueError("chứa ký tự điều khiển không hợp lệ")
    return value


MatrixText = Annotated[str, AfterValidator(_cell)]


class MatrixRowIn(Schema):
    """One row: a group ("I") or a task ("1", "1.1"); units by code or name."""

    number: TaskNumber
    title: Annotated[MatrixText, Field(max_length=4000)]
    parent: TaskNumber | None = Field(
        default=None, description="Số của dòng cha; mặc định suy từ cách đánh số"
    )
    lead: UnitName | None = None
    coordinating: Annotated[list[UnitName], Field(max_length=200, default_factory=list)]
    result: Annotated[MatrixText, Field(max_length=4000)] | None = None
    note: Annotated[MatrixText, Field(max_length=4000)] | None = None
    description: Annotated[MatrixText, Field(max_length=8000)] | None = None
    deadline: date | None = Field(default=None, description="Thời hạn hoàn thành")
    recurrence: Recurrence | None = Field(
        default=None, description="yearly, quarterly, monthly, ongoing (thường xuyên)"
    )

    @field_validator("result", "note", "description")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value or None


class MatrixIn(Schema):
    rows: Annotated[list[MatrixRowIn], Field(max_length=2000)]


class MatrixColumn(Schema):
    id: uuid.UUID
    code: str
    name: str


class MatrixRow(Schema):
    id: uuid.UUID
    number: str
    parent_number: str | None
    depth: int
    is_group: bool
    title: str
    lead: str | None = Field(description="Mã đơn vị chủ trì")
    coordinating: list[str]
    cells: dict[str, str] = Field(description="Mã đơn vị -> lead/coordinating")
    result: str | None
    note: str | None
    description: str | None = None
    deadline: date | None = None
    recurrence: str | None = None


class MatrixWarning(Schema):
    row: int
    number: str
    message: str
    code: str


class Matrix(Schema):
    plan_id: uuid.UUID
    version: int
    columns: list[MatrixColumn]
    rows: list[MatrixRow]
    warnings: list[MatrixWarning]


class AssignmentChange(Schema):
    number: str
    unit: str
    role: str


class MatrixChanges(Schema):
    dry_run: bool
    tasks_created: list[str]
    tasks_updated: list[str]
    tasks_deleted: list[str]
    assignments_added: list[AssignmentChange]
    assignments_removed: list[AssignmentChange]
    warnings: list[MatrixWarning]


class UnitResponsibility(Schema):
    """One task a unit leads or joins: what it must do, under which plan, by when."""

    plan_id: uuid.UUID
    plan_title: str
    plan_reference: str | None
    plan_status: str
    task_id: uuid.UUID
    number: str
    title: str
    role: str = Field(description="lead (chủ trì) hoặc coordinating (phối hợp)")
    deadline: date | None
    recurrence: str | None
    note: str | None


class ChildPlanPage(BaseModel):
    """The plans implementing a plan, in one page."""

    model_config = WHOLE_PAGE

    items: list[ChildPlan]
    page: PageMeta = Field(default_factory=PageMeta.whole)


class UnitResponsibilityPage(BaseModel):
    """What a unit must do, in one page."""

    model_config = WHOLE_PAGE

    items: list[UnitResponsibility]
    page: PageMeta = Field(default_factory=PageMeta.whole)
