"""Shared schema pieces: normalised text types, pages and the problem document."""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
    field_validator,
)

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
# Names, positions and places: the columns that hold them are String(200).
NameText = Annotated[OptionalText, StringConstraints(max_length=200)]
Code = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$"),
]


# Every decimal quantity an answer carries (values, targets, rates): a JSON string holding the
# exact decimal, without trailing zeros or exponent ("90", "82.5", "-0.000001").
DECIMAL_PATTERN = r"^-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$"


def decimal_text(value: Decimal) -> str:
    """`value` as the contract writes decimals: exact, no trailing zeros, no exponent."""
    if value == 0:
        return "0"
    return format(value.normalize(), "f")


Quantity = Annotated[
    Decimal,
    PlainSerializer(decimal_text, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "format": "decimal",
            "pattern": DECIMAL_PATTERN,
            "description": "Số thập phân chính xác dạng chuỗi, không có số 0 thừa ở cuối",
            "examples": ["90", "66.67"],
        },
        mode="serialization",
    ),
]


# The words every `org_unit` query parameter is documented with (the contract test holds it).
ORG_UNIT_DOC = "Đơn vị: mã hoặc id"
SUBTREE_DOC = "true: cả cây con của đơn vị (đơn vị đó và mọi đơn vị cấp dưới)"
DEPRECATED_DOC = "Đã thay bằng {0}; vẫn nhận để script cũ chạy tiếp"


def refuse_nul(value: Any) -> Any:
    """PostgreSQL stores no NUL in text: refused in any string a request carries (lists and
    mappings included), named by the field it is in."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("có ký tự NUL (\\0), không lưu được; hãy xóa ký tự đó")
    elif isinstance(value, list | tuple | set):
        for item in value:
            refuse_nul(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_nul(key)
            refuse_nul(item)
    return value


class Schema(BaseModel):
    model_config = ConfigDict(from_attributes=True, extra="forbid")

    _no_nul = field_validator("*", mode="after")(refuse_nul)


class FieldError(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    in_: str = Field(alias="in", description="body, query, path, header, or row for files")
    field: str = Field(description="Trường (đường dẫn trong JSON) hoặc tên cột của tệp")
    message: str = Field(description="Lỗi bằng tiếng Việt, nêu tên trường")
    code: str = Field(description="Mã lỗi ổn định cho máy đọc")
    row: int | None = Field(
        default=None,
        description="Dòng của tệp như bảng tính đánh số (dòng tiêu đề là 1), hoặc thứ tự "
        "mục trong lô (từ 1); không có khi lỗi thuộc cả tệp",
    )
    value: str | None = Field(default=None, description="Giá trị đã gửi (cắt bớt nếu dài)")


class Problem(BaseModel):
    """RFC 9457 problem details, as every error response is shaped."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=["/problems/validation-error"])
    title: str
    status: int
    detail: str
    request_id: str | None = None
    errors: list[FieldError] | None = None
    counts: dict[str, int] | None = Field(
        default=None, description="Lô giá trị bị từ chối: số tạo/sửa/không đổi/xóa/từ chối"
    )
    current_version: int | None = Field(
        default=None, description="412: phiên bản hiện tại (ETag) của bản ghi"
    )
    import_job: dict[str, Any] | None = Field(
        default=None, description="Tệp bị từ chối: lượt nhập (như ImportJobRead)"
    )
    response: dict[str, Any] | None = Field(
        default=None, description="dataValueSets: ImportSummary của DHIS2"
    )
    httpStatus: str | None = Field(default=None, description="dataValueSets: như DHIS2")  # noqa: N815
    httpStatusCode: int | None = Field(default=None, description="dataValueSets: như DHIS2")  # noqa: N815


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


# A list answered whole still states its `page` (the contract lists it as required).
WHOLE_PAGE = ConfigDict(json_schema_serialization_defaults_required=True)


class PageMeta(BaseModel):
    next_cursor: str | None = Field(
        description="Gửi lại trong tham số cursor để lấy trang sau; null là hết."
    )
    total: int | None = Field(default=None, description="Chỉ có khi gọi với include_total=true")

    @classmethod
    def whole(cls) -> "PageMeta":
        """The page of a list answered whole: no next page."""
        return cls(next_cursor=None)


class FileSignature(Schema):
    """One signature of a received PDF, as verified when it arrived."""

    result: Literal["valid", "altered", "untrusted", "expired", "revocation_unknown"]
    detail: str
    signer_subject: str | None = None
    signing_time: datetime | None = None
    level: Literal["B-B", "B-T", "B-LT", "B-LTA"] | None = Field(
        default=None, description="Mức PAdES tệp đạt được (không có: kiểm tra trước khi có mức)"
    )


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


class StoredFilePage(BaseModel):
    """A document's files, in one page."""

    model_config = WHOLE_PAGE

    items: list[StoredFileRead]
    page: PageMeta = Field(default_factory=PageMeta.whole)
