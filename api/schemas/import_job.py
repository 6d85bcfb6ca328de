"""Bulk upload jobs and their summaries."""

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from api.schemas.common import PageMeta, Schema


class ImportConflict(BaseModel):
    row: int | None = Field(description="Số dòng như trong bảng tính (dòng tiêu đề là 1)")
    column: str | None
    value: str | None
    code: str = Field(description="Mã lỗi ổn định, ví dụ unknown_parent, invalid_type")
    message: str


class ImportCounts(BaseModel):
    created: int = 0
    updated: int = 0
    unchanged: int = Field(default=0, description="Gửi lại giống hệt: không tính là cập nhật")
    deleted: int = 0
    rejected: int = 0


class BatchResult(BaseModel):
    """What a batch of values did (`PUT /data-values`): nothing is written on a dry run."""

    dry_run: bool
    counts: ImportCounts


class ImportJobRead(Schema):
    id: uuid.UUID
    resource: str
    format: str
    status: str = Field(description="queued, running, succeeded, rejected, failed, cancelled")
    dry_run: bool
    options: dict[str, Any]
    filename: str | None
    size_bytes: int
    sha256: str
    idempotency_key: str | None
    rows_total: int | None
    rows_processed: int
    counts: ImportCounts
    conflicts: list[ImportConflict] = Field(description="Tối đa 10 000 lỗi đầu tiên")
    conflicts_total: int
    error: str | None
    cancel_requested: bool
    created_by: uuid.UUID
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class ImportJobPage(BaseModel):
    items: list[ImportJobRead]
    page: PageMeta
