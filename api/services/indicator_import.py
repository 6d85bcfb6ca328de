"""The indicator catalogue as a file, both ways: imported from CSV / XLSX / JSON through the one
import pipeline, and exported in the same columns, so that importing an export changes nothing.

Columns (Vietnamese or English headers): code / mã, name_vi / tên chỉ số, name_en, unit /
đơn vị tính, kind / nhóm (đầu vào, hoạt động, kết quả, tác động), value_type / kiểu giá trị
(số đếm, số, phần trăm, tỷ suất, tiền, có/không, chữ), factor / hệ số, numerator_label /
tử số, denominator_label / mẫu số, direction / chiều (cao hơn tốt, thấp hơn tốt), decimals /
số chữ số thập phân, aggregation / cách tổng hợp (tổng, tỷ lệ, trung bình, mới nhất, không),
description / mô tả, active / hoạt động, allow_numerator_above_denominator / tử số được vượt
mẫu số (kept as it is when the file has no such column). Existing codes are updated
(identical rows counted unchanged); the kind of value and the factor of an existing indicator
cannot change here, since values already stored were read with them. Disaggregation
categories are not carried by the file (set them through the API).

The export writes the header `code,name_vi,name_en,unit,kind,value_type,factor,
numerator_label,denominator_label,direction,decimals,aggregation,description,active,
allow_numerator_above_denominator`, the coded fields as their codes (input, percentage,
higher, ratio …), booleans as 1 or 0, indicators by code.
"""

from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api import validation_text
from api.access import Principal
from api.errors import InvalidInput
from api.models import Indicator
from api.numbers import NumberError, parse_decimal
from api.schemas.indicator import IndicatorCreate
from api.services import audit
from api.services.imports import Outcome, Progress, RowConflict, missing_columns, register
from api.services.indicators import EDITORS, check_definition, search_key
from api.tabular import Row, pick
from api.text import fold

REQUIRED = ("code", "name_vi", "kind", "value_type")
COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("code", "ma", "ma chi so"),
    "name_vi": ("name_vi", "name", "ten", "ten chi so"),
    "name_en": ("name_en", "ten tieng anh"),
    "unit": ("unit", "don vi tinh", "dvt"),
    "kind": ("kind", "nhom", "loai chi so"),
    "value_type": ("value_type", "kieu gia tri", "kieu"),
    "factor": ("factor", "he so"),
    "numerator_label": ("numerator_label", "tu so"),
    "denominator_label": ("denominator_label", "mau so"),
    "direction": ("direction", "chieu", "xu huong"),
    "decimals": ("decimals", "so chu so thap phan", "so le"),
    "aggregation": ("aggregation", "cach tong hop", "tong hop"),
    "description": ("description", "mo ta", "dinh nghia"),
    "active": ("active", "hoat dong", "con dung"),
    "allow_numerator_above_denominator": (
        "allow_numerator_above_denominator",
        "tu so duoc vuot mau so",
    ),
}
BOOLEANS = ("active", "allow_numerator_above_denominator")
# Vietnamese words people write in these columns, folded, to the codes the API uses.
WORDS: dict[str, dict[str, str]] = {
    "kind": {
        "dau vao": "input",
        "hoat dong": "activity",
        "ket qua": "result",
        "tac dong": "impact",
    },
    "value_type": {
        "so dem": "count",
        "dem": "count",
        "so": "number",
        "phan tram": "percentage",
        "ty le phan tram": "percentage",
        "%": "percentage",
        "ty suat": "rate",
        "tien": "currency",
        "co/khong": "yes_no",
        "co khong": "yes_no",
        "chu": "text",
        "van ban": "text",
    },
    "direction": {
        "cao hon tot": "higher",
        "cang cao cang tot": "higher",
        "thap hon tot": "lower",
        "cang thap cang tot": "lower",
        "khong": "none",
    },
    "aggregation": {
        "tong": "sum",
        "cong": "sum",
        "ty le": "ratio",
        "trung binh": "average",
        "moi nhat": "latest",
        "gan nhat": "latest",
        "khong": "none",
        "khong tong hop": "none",
    },
}
TRUE = {"", "1", "true", "yes", "co", "x"}
FALSE = {"0", "false", "no", "khong"}
LOCKED = ("value_type", "factor")
UPDATABLE = (
    "name_vi",
    "name_en",
    "unit",
    "kind",
    "numerator_label",
    "denominator_label",
    "direction",
    "decimals",
    "aggregation",
    "description",
    "active",
    "allow_numerator_above_denominator",
)
HEADER = list(COLUMNS)


async def export_table(session: AsyncSession) -> tuple[list[str], list[list[str]]]:
    """The whole catalogue (every signed-in user reads it) in the import's columns."""
    rows = []
    for i in await session.scalars(select(Indicator).order_by(Indicator.code)):
        values = {name: getattr(i, name) for name in COLUMNS}
        rows.append(
            [
                ("1" if values[name] else "0")
                if name in BOOLEANS
                else ("" if values[name] is None else str(values[name]))
                for name in COLUMNS
            ]
        )
    return HEADER, rows


def _same(stored: Any, read: Any) -> bool:
    """A stored value equals what a file cell reads back as: cells are read trimmed, and an
    empty text is no text."""
    if isinstance(stored, str) or isinstance(read, str):
        return (stored or "").strip() == (read or "").strip()
    return bool(stored == read)


class IndicatorImporter:
    resource = "indicators"

    async def run(
        self,
        session: AsyncSession,
        *,
        actor: Principal,
        rows: Iterator[Row],
        options: dict[str, Any],
        progress: Progress,
    ) -> Outcome:
        outcome = Outcome()
        if not actor.has_role(*EDITORS):
            outcome.reject(
                RowConflict(
                    None,
                    None,
                    None,
                    "forbidden",
                    "Chỉ quản trị viên hoặc người quản lý kế hoạch được sửa danh mục chỉ số.",
                )
            )
            return outcome
        existing = {i.code: i for i in await session.scalars(select(Indicator))}
        seen: dict[str, int] = {}
        valid: list[tuple[Row, IndicatorCreate, dict[str, str]]] = []
        for row in rows:
            outcome.rows += 1
            if outcome.rows == 1 and missing_columns(row, outcome, COLUMNS, REQUIRED):
                return outcome
            parsed = self._parse(row, outcome)
            if parsed is None:
                continue
            data, headers = parsed
            if data.code in seen:
                outcome.reject(
                    RowConflict(
                        row.number,
                        headers["code"],
                        data.code,
                        "duplicate",
                        f"Mã {data.code} lặp lại (đã có ở dòng {seen[data.code]}).",
                    )
                )
                continue
            seen[data.code] = row.number
            valid.append((row, data, headers))
            if outcome.rows % 500 == 0:
                await progress(outcome.rows)
        if outcome.conflicts_total:
            return outcome
        for row, data, headers in valid:
            await self._write(session, actor, row, data, headers, existing, outcome)
        return outcome

    def _parse(self, row: Row, outcome: Outcome) -> tuple[IndicatorCreate, dict[str, str]] | None:
        fields: dict[str, Any] = {}
        headers: dict[str, str] = {}
        before = outcome.conflicts_total

        def reject(name: str, value: str, code: str, message: str) -> None:
            outcome.reject(RowConflict(row.number, headers[name], value, code, message))

        for name, aliases in COLUMNS.items():
            header, value = pick(row.cells, aliases)
            headers[name] = header or name
            if not value and name != "active":
                continue  # absent: the default (and allow_numerator… is kept as it is)
            if name in WORDS:
                value = WORDS[name].get(fold(value), value.lower())
            if name in ("factor", "decimals"):
                try:
                    number = parse_decimal(value)
                except NumberError:
                    reject(name, value, "not_a_number", f"'{value}' không phải là số.")
                    continue
                if number != number.to_integral_value():
                    reject(name, value, "not_an_integer", "Cần một số nguyên.")
                    continue
                fields[name] = int(number)
            elif name in BOOLEANS:
                if value.lower() not in TRUE | FALSE:
                    reject(name, value, "invalid_boolean", "Hoạt động: 1/0, có/không.")
                    continue
                fields[name] = value.lower() in TRUE
            else:
                fields[name] = value
        if outcome.conflicts_total > before:
            return None
        try:
            data = IndicatorCreate.model_validate(fields)
            check_definition(data.value_type, data.factor, data.aggregation)
        except ValidationError as exc:
            for error in exc.errors():
                name = str(error["loc"][0]) if error["loc"] else "code"
                reject(
                    name if name in headers else "code",
                    str(fields.get(name, "")),
                    "missing" if error["type"] == "missing" else "invalid_value",
                    validation_text.reason(dict(error)),
                )
            return None
        except InvalidInput as exc:
            for problem in exc.errors or []:
                name = str(problem["field"])
                reject(
                    name, str(fields.get(name, "")), str(problem["code"]), str(problem["message"])
                )
            return None
        return data, headers

    async def _write(
        self,
        session: AsyncSession,
        actor: Principal,
        row: Row,
        data: IndicatorCreate,
        headers: dict[str, str],
        existing: dict[str, Indicator],
        outcome: Outcome,
    ) -> None:
        current = existing.get(data.code)
        values = data.model_dump(mode="json")
        if current is None:
            indicator = Indicator(
                **values, search_name=search_key(data.code, data.name_vi, data.name_en)
            )
            session.add(indicator)
            await session.flush()
            outcome.created += 1
            await audit.record(
                session,
                actor=actor,
                action="import",
                entity_type="indicator",
                entity_id=indicator.id,
                after=audit.snapshot(indicator),
            )
            return
        for name in LOCKED:
            if getattr(current, name) != values[name]:
                outcome.reject(
                    RowConflict(
                        row.number,
                        headers[name],
                        str(values[name]),
                        "definition_locked",
                        f"Chỉ số {data.code} đã có với {name} = {getattr(current, name)}: "
                        "không đổi được (số liệu đã lưu theo định nghĩa cũ); hãy tạo mã mới.",
                    )
                )
                return
        changes = {
            k: values[k]
            for k in UPDATABLE
            if (k != "allow_numerator_above_denominator" or k in data.model_fields_set)
            and not _same(getattr(current, k), values[k])
        }
        if not changes:
            outcome.unchanged += 1
            return
        before = audit.snapshot(current)
        for key, value in changes.items():
            setattr(current, key, value)
        current.search_name = search_key(current.code, current.name_vi, current.name_en)
        await session.flush()
        outcome.updated += 1
        await audit.record(
            session,
            actor=actor,
            action="import",
            entity_type="indicator",
            entity_id=current.id,
            before=before,
            after=audit.snapshot(current),
        )


register(IndicatorImporter())
