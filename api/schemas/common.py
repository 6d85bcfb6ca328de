"""Shared schema pieces: normalised text types, pages and the problem document."""

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from api.text import nfc


def _clean(value: str) -> str:
    value = nfc(value)
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise ValueError("chứa ký tự điều khiển không hợp lệ")
    return value


def clean_text(value: str) -> str:
    """NFC, trimmed, and no control character but tab and line breaks."""
    return _clean(value)


def _nfc_nonblank(value: str) -> str:
    value = _clean(value)
    if not value:
        raise ValueError("không được để trống")
    return value


# Every text a person types is stored NFC-normalised and trimmed.
Text = Annotated[str, AfterValidator(_nfc_nonblank)]
ShortText = Annotated[str, StringConstraints(max_length=300), AfterValidator(_nfc_nonblank)]
OptionalText = Annotated[str, StringConstraints(max_length=300), AfterValidator(_clean)]
Code = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$"),
]


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True, extra="forbid")


class FieldError(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    in_: str = Field(alias="in", description="body, query, path, header, or row for files")
    field: str
    message: str
    code: str


class Problem(BaseModel):
    """RFC 9457 problem details, as every error response is shaped."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=["/problems/validation-error"])
    title: str
    status: int
    detail: str
    request_id: str | None = None
    errors: list[FieldError] | None = None


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` entries documenting problem+json for each status."""
    descriptions = {
        400: "Yêu cầu không hợp lệ",
        401: "Chưa đăng nhập, token hết hạn hoặc bị thu hồi",
        403: "Không có quyền",
        404: "Không tìm thấy (hoặc ngoài phạm vi được xem)",
        409: "Xung đột dữ liệu",
        412: "ETag không khớp: bản ghi đã bị sửa",
        413: "Dữ liệu gửi lên quá lớn",
        422: "Dữ liệu không hợp lệ (danh sách lỗi theo trường)",
        428: "Thiếu If-Match",
        429: "Quá nhiều yêu cầu",
        503: "Cơ sở dữ liệu không sẵn sàng",
        507: "Máy chủ không đủ chỗ trống để nhận tệp",
    }
    return {
        s: {
            "model": Problem,
            "description": descriptions[s],
            "content": {"application/problem+json": {}},
        }
        for s in statuses
    }


class PageMeta(BaseModel):
    next_cursor: str | None = Field(
        description="Gửi lại trong tham số cursor để lấy trang sau; null là hết."
    )
    total: int | None = Field(default=None, description="Chỉ có khi gọi với include_total=true")


class FileSignature(Schema):
    """One signature of a received PDF, as verified when it arrived."""

    result: Literal["valid", "altered", "untrusted", "expired", "revocation_unknown"]
    detail: str
    signer_subject: str | None = None
    signing_time: datetime | None = None


class StoredFileRead(Schema):
    """A file kept with a report or a document (its bytes at `url`)."""

    id: uuid.UUID
    filename: str
    content_type: str
    size: int
    sha256: str
    url: str = Field(description="Tải tệp (cần đăng nhập, cùng quyền xem đối tượng chứa tệp)")
    created_at: datetime
    signatures: list[FileSignature] | None = Field(
        default=None,
        description="PDF: chữ ký số trong tệp, kiểm tra khi nhận ([] không có chữ ký); "
        "null: không phải PDF",
    )
