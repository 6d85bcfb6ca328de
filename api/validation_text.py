"""Pydantic's validation errors in Vietnamese, naming the field as a person reads it.

The machine-readable parts (`type` as the error's code, `loc` as its field) stay as pydantic
gives them; only the message a person reads is written here.
"""

import itertools
from typing import Any

# Field names as the forms label them; others are shown as they are named in the contract.
FIELD_LABELS = {
    "code": "Mã",
    "name": "Tên",
    "name_vi": "Tên tiếng Việt",
    "name_en": "Tên tiếng Anh",
    "short_name": "Tên viết tắt",
    "title": "Tiêu đề",
    "username": "Tên đăng nhập",
    "password": "Mật khẩu",
    "full_name": "Họ và tên",
    "email": "Thư điện tử",
    "position": "Chức vụ",
    "org_unit": "Đơn vị",
    "org_unit_id": "Đơn vị",
    "owner_id": "Đơn vị chủ trì",
    "parent_id": "Đơn vị cha",
    "indicator": "Chỉ số",
    "period": "Kỳ",
    "period_start": "Năm bắt đầu",
    "period_end": "Năm kết thúc",
    "vision_year": "Năm tầm nhìn",
    "option": "Phân tổ",
    "numerator": "Tử số",
    "denominator": "Mẫu số",
    "value": "Giá trị",
    "value_high": "Giá trị trên",
    "baseline": "Giá trị cơ sở",
    "comment": "Ghi chú",
    "note": "Ghi chú",
    "status": "Trạng thái",
    "description": "Mô tả",
    "unit": "Đơn vị tính",
    "place": "Địa danh",
    "signer_name": "Người ký",
    "signer_position": "Chức vụ người ký",
    "signer_authority": "Cơ quan ký",
    "signer_mode": "Hình thức ký",
    "due_date": "Hạn nộp",
    "deadline": "Thời hạn",
    "year": "Năm",
    "factor": "Hệ số",
    "decimals": "Số chữ số thập phân",
    "wording": "Chỉ tiêu (nguyên văn)",
    "body": "Nội dung",
    "heading": "Đề mục",
    "number": "Số",
    "type": "Loại",
    "scopes": "Phạm vi",
    "roles": "Vai trò",
    "expires_at": "Hạn dùng",
    "values": "Danh sách giá trị",
    "rows": "Dòng",
    "sections": "Phần",
    "file": "Tệp",
}

_MESSAGES = {
    "missing": "bắt buộc, chưa có",
    "extra_forbidden": "không có trường này (hãy kiểm tra tên trường)",
    "string_type": "phải là chuỗi ký tự",
    "string_too_short": "phải có ít nhất {min_length} ký tự",
    "string_too_long": "dài quá: tối đa {max_length} ký tự",
    "string_pattern_mismatch": "sai định dạng (mẫu: {pattern})",
    "too_short": "phải có ít nhất {min_length} mục",
    "too_long": "quá nhiều: tối đa {max_length}",
    "int_type": "phải là số nguyên",
    "int_parsing": "phải là số nguyên",
    "int_from_float": "phải là số nguyên (không có phần thập phân)",
    "float_type": "phải là số",
    "float_parsing": "phải là số",
    "decimal_type": "phải là số",
    "decimal_parsing": "phải là số",
    "finite_number": "phải là số hữu hạn",
    "decimal_max_digits": "nhiều chữ số quá: tối đa {max_digits}",
    "decimal_max_places": "nhiều chữ số thập phân quá: tối đa {decimal_places}",
    "decimal_whole_digits": "phần nguyên dài quá: tối đa {whole_digits} chữ số",
    "greater_than": "phải lớn hơn {gt}",
    "greater_than_equal": "phải lớn hơn hoặc bằng {ge}",
    "less_than": "phải nhỏ hơn {lt}",
    "less_than_equal": "phải nhỏ hơn hoặc bằng {le}",
    "multiple_of": "phải là bội số của {multiple_of}",
    "bool_type": "phải là true hoặc false",
    "bool_parsing": "phải là true hoặc false",
    "literal_error": "phải là một trong: {expected}",
    "enum": "phải là một trong: {expected}",
    "uuid_type": "phải là mã định danh (UUID)",
    "uuid_parsing": "không phải mã định danh (UUID) hợp lệ",
    "date_type": "phải là ngày (YYYY-MM-DD)",
    "date_parsing": "không phải ngày hợp lệ (YYYY-MM-DD)",
    "date_from_datetime_parsing": "không phải ngày hợp lệ (YYYY-MM-DD)",
    "date_from_datetime_inexact": "phải là ngày, không kèm giờ",
    "datetime_type": "phải là thời điểm (ISO 8601)",
    "datetime_parsing": "không phải thời điểm hợp lệ (ISO 8601)",
    "datetime_from_date_parsing": "không phải thời điểm hợp lệ (ISO 8601)",
    "timezone_aware": "cần kèm múi giờ",
    "list_type": "phải là một danh sách",
    "tuple_type": "phải là một danh sách",
    "set_type": "phải là một danh sách",
    "dict_type": "phải là một đối tượng",
    "model_type": "phải là một đối tượng",
    "model_attributes_type": "phải là một đối tượng",
    "json_invalid": "JSON không hợp lệ",
    "json_type": "JSON không hợp lệ",
    "url_type": "phải là địa chỉ URL",
    "url_parsing": "không phải địa chỉ URL hợp lệ",
    "union_tag_invalid": "loại không hợp lệ",
    "union_tag_not_found": "thiếu trường phân loại",
    "bytes_type": "phải là dữ liệu nhị phân",
    "none_required": "phải để trống",
}


def field_label(loc: tuple[Any, ...] | list[Any]) -> str:
    """("body", "values", 0, "comment") -> "Ghi chú (mục 1 của Giá trị)": the field's label,
    then where it sits in lists, numbered from 1 as people count."""
    parts = list(loc[1:] if loc and loc[0] in _LOCATIONS else loc)
    # Union branches (decimal, str, function-after[...]) are pydantic's, not the caller's.
    names = [p for p in parts if isinstance(p, int) or p in FIELD_LABELS or _plain(p)]
    if not names:
        return "Dữ liệu gửi lên"
    last = names[-1]
    label = (
        FIELD_LABELS.get(str(last), str(last)) if not isinstance(last, int) else f"mục {last + 1}"
    )
    where = []
    for parent, child in itertools.pairwise(names):
        if isinstance(child, int) and not isinstance(parent, int):
            where.append(f"mục {child + 1} của {FIELD_LABELS.get(str(parent), str(parent))}")
    return f"{label} ({', '.join(reversed(where))})" if where else label


def _plain(part: Any) -> bool:
    text = str(part)
    return text.replace("_", "").isalnum() and "[" not in text and text not in _BRANCHES


_LOCATIONS = {"body", "query", "path", "header", "cookie"}
_BRANCHES = {"decimal", "str", "int", "float", "bool", "list", "dict", "function-after"}


def message(error: dict[str, Any]) -> str:
    """One pydantic error as a Vietnamese sentence naming the field."""
    return f"{field_label(tuple(error.get('loc', ())))}: {reason(error)}"


def reason(error: dict[str, Any]) -> str:
    """What is wrong, without the field (a file's conflict names its row and column)."""
    kind = str(error.get("type", ""))
    context = error.get("ctx") or {}
    if kind in ("value_error", "assertion_error"):
        # Our own validators raise Vietnamese messages; pydantic prefixes them in English.
        return str(context.get("error", error.get("msg", "")))
    if kind in _MESSAGES:
        if "expected" in context:
            context = {**context, "expected": str(context["expected"]).replace(" or ", ", ")}
        try:
            return _MESSAGES[kind].format(**context)
        except (KeyError, IndexError):
            return _MESSAGES[kind]
    return f"không hợp lệ ({kind})"
