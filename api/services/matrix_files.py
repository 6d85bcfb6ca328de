"""The matrix as the appendix people file and send: CSV and XLSX with the seed's columns, both
ways.

Export columns: STT, Tên nhiệm vụ, Đơn vị chủ trì, Mã đơn vị chủ trì, Đơn vị phối hợp,
Mã đơn vị phối hợp, Thời hạn, Kết quả thực hiện, Ghi chú — and, only when some row needs them,
Mô tả (a task's description) and Thuộc mục (the parent's number, written where it is not the
one the numbering implies). Units are named for people and coded for the machine: the name
columns hold names ("UBND xã Sơn Hải, Công an xã Sơn Hải"), the code columns the same units'
codes in the same order ("BN-SONHAI-UBND, BN-SONHAI-CA"). Thời hạn is a deadline dd/mm/yyyy,
a recurrence ("Thường xuyên", "Hằng năm", "6 tháng một lần", "Hằng quý", "Hằng tháng"), or
both joined by "; ".

Import reads the same and older files: only STT and Tên nhiệm vụ are required; a unit is
taken from the code column when its cell is filled, otherwise from the name column (a name,
or a code, resolved as the JSON matrix is), so appendices written by hand keep working.
Re-importing an export changes nothing.
"""

import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from api import validation_text
from api.access import Principal
from api.errors import DomainError, InvalidInput
from api.numbers import NumberError, parse_date
from api.schemas.plan import Matrix, MatrixIn, MatrixRowIn
from api.services.imports import Outcome, Progress, RowConflict, register
from api.tabular import Row, normalise_header, read_csv, read_xlsx, write_csv, write_xlsx
from api.text import fold

HEADER = [
    "STT",
    "Tên nhiệm vụ",
    "Đơn vị chủ trì",
    "Mã đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Mã đơn vị phối hợp",
    "Thời hạn",
    "Kết quả thực hiện",
    "Ghi chú",
]
DESCRIPTION = "Mô tả"
PARENT = "Thuộc mục"

FIELDS = {
    "stt": "number",
    "so tt": "number",
    "ten nhiem vu": "title",
    "nhiem vu": "title",
    "don vi chu tri": "lead",
    "don vi chu tri thuc hien": "lead",
    "chu tri": "lead",
    "ma don vi chu tri": "lead_code",
    "ma chu tri": "lead_code",
    "don vi phoi hop": "coordinating",
    "phoi hop": "coordinating",
    "ma don vi phoi hop": "coordinating_codes",
    "ma phoi hop": "coordinating_codes",
    "ket qua thuc hien": "result",
    "ket qua": "result",
    "ghi chu": "note",
    "thoi han": "timing",
    "thoi gian thuc hien": "timing",
    "thoi gian hoan thanh": "timing",
    "tien do": "timing",
    "mo ta": "description",
    "thuoc muc": "parent",
    "muc cha": "parent",
}
RECURRENCES = {
    "thuong xuyen": "ongoing",
    "hang nam": "yearly",
    "hang quy": "quarterly",
    "hang thang": "monthly",
    "6 thang": "six_monthly",
    "6 thang mot lan": "six_monthly",
    "hang 6 thang": "six_monthly",
    "sau thang": "six_monthly",
}
# What the export writes for each recurrence: read back by RECURRENCES to the same value.
RECURRENCE_TEXT = {
    "ongoing": "Thường xuyên",
    "yearly": "Hằng năm",
    "six_monthly": "6 tháng một lần",
    "quarterly": "Hằng quý",
    "monthly": "Hằng tháng",
}


def timing(text: str) -> dict[str, Any]:
    """ "thường xuyên" / "hằng năm" … -> a recurrence; "30/6/2026" -> a deadline; "2026" ->
    the year's end; "Hằng năm; 31/12/2030" -> both. ValueError when a part reads as neither
    or says the same thing twice."""
    found: dict[str, Any] = {}
    for part in text.split(";"):
        for key, value in _timing_part(part).items():
            if key in found:
                raise ValueError(f"Thời hạn '{text}': ghi một ngày và/hoặc một chu kỳ.")
            found[key] = value
    return found


def timing_text(deadline: date | None, recurrence: str | None) -> str:
    """The Thời hạn cell that `timing` reads back to this deadline and recurrence."""
    parts = [RECURRENCE_TEXT.get(recurrence, recurrence)] if recurrence else []
    if deadline is not None:
        parts.append(deadline.strftime("%d/%m/%Y"))
    return "; ".join(parts)


def _timing_part(text: str) -> dict[str, Any]:
    folded = fold(text).strip(" .")
    if not folded:
        return {}
    if folded in RECURRENCES:
        return {"recurrence": RECURRENCES[folded]}
    if re.fullmatch(r"(nam\s+)?\d{4}", folded):
        return {"deadline": date(int(folded[-4:]), 12, 31)}
    try:
        return {"deadline": parse_date(text.strip())}
    except NumberError as exc:
        raise ValueError(
            f"Thời hạn '{text}': ghi ngày (30/6/2026), năm (2026) hoặc thường xuyên / hằng năm / "
            "hằng quý / hằng tháng."
        ) from exc


TITLE = "PHỤ LỤC: DANH MỤC NHIỆM VỤ VÀ PHÂN CÔNG THỰC HIỆN"


def _implied_parents(numbers: list[str]) -> list[str | None]:
    """The parent each row gets on import when its Thuộc mục cell is empty."""
    from api.services.matrix import ROMAN, derived_parent

    known = {n.rstrip(".") for n in numbers}
    implied: list[str | None] = []
    group: str | None = None
    for number in (n.rstrip(".") for n in numbers):
        parent = derived_parent(number, group)
        if ROMAN.match(number):
            group = number
        implied.append(parent if parent in known or "." in number else None)
    return implied


def table(matrix: Matrix) -> tuple[list[str], Iterator[list[Any]]]:
    names = {c.code: c.name for c in matrix.columns}
    implied = _implied_parents([r.number for r in matrix.rows])
    parents = [
        r.parent_number if r.parent_number != guess else ""
        for r, guess in zip(matrix.rows, implied, strict=True)
    ]
    described = any(r.description for r in matrix.rows)
    header = [*HEADER, *([DESCRIPTION] if described else []), *([PARENT] if any(parents) else [])]

    def rows() -> Iterator[list[Any]]:
        for r, parent in zip(matrix.rows, parents, strict=True):
            cells = [
                r.number,
                r.title,
                names.get(r.lead, r.lead) if r.lead else "",
                r.lead or "",
                ", ".join(names.get(c, c) for c in r.coordinating),
                ", ".join(r.coordinating),
                timing_text(r.deadline, r.recurrence),
                r.result or "",
                r.note or "",
            ]
            if described:
                cells.append(r.description or "")
            if PARENT in header:
                cells.append(parent or "")
            yield cells

    return header, rows()


def to_csv(matrix: Matrix) -> Iterator[str]:
    header, rows = table(matrix)
    return write_csv(header, rows)


def to_xlsx(matrix: Matrix) -> bytes:
    header, rows = table(matrix)
    return write_xlsx(header, rows, sheet="Phụ lục", title=TITLE)


def _split_units(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


HEADER_FIRST_CELL = {"stt", "so tt"}


@dataclass
class Layout:
    """Where each parsed row came from: its row in the file, and the header each of its fields
    was read from (a unit field names the code column when that row's code cell was used)."""

    numbers: list[int] = field(default_factory=list)
    columns: list[dict[str, str]] = field(default_factory=list)
    header: dict[str, str] = field(default_factory=dict)


def read(stream: IO[bytes], fmt: str) -> tuple[MatrixIn, Layout]:
    """The rows of an uploaded appendix and where in the file each came from."""
    if fmt == "xlsx":
        header, rows = read_xlsx(stream, header_first_cell=HEADER_FIRST_CELL)
    else:
        header, rows = read_csv(stream)
    return from_rows(header, rows)


def from_rows(header: list[str], rows: Iterable[Row]) -> tuple[MatrixIn, Layout]:
    """The matrix in rows read by any reader (a file here, the import pipeline's job)."""
    columns: dict[str, str] = {}
    for name in header:
        field = FIELDS.get(normalise_header(name))
        if field and field not in columns:
            columns[field] = name
    missing = [f for f in ("number", "title") if f not in columns]
    if missing:
        raise InvalidInput(
            "Tệp thiếu cột STT hoặc Tên nhiệm vụ.",
            errors=[
                {
                    "in": "row",
                    "row": 1,
                    "field": f,
                    "message": "Thiếu cột",
                    "code": "missing_column",
                }
                for f in missing
            ],
        )
    items: list[MatrixRowIn] = []
    layout = Layout(header=columns)
    errors: list[dict[str, Any]] = []
    for row in rows:
        found = _row(row, columns, errors)
        if found is not None:
            items.append(found[0])
            layout.numbers.append(row.number)
            layout.columns.append(found[1])
    if errors:
        raise InvalidInput(f"Tệp có {len(errors)} lỗi; chưa ghi gì.", errors=errors)
    return MatrixIn(rows=items), layout


def _row(
    row: Row, header: dict[str, str], errors: list[dict[str, Any]]
) -> tuple[MatrixRowIn, dict[str, str]] | None:
    cell = {f: row.cells.get(h, "").strip() for f, h in header.items()}
    # A code cell, when filled, names the units; the name cell is then for people only.
    columns = dict(header)
    for unit, code in (("lead", "lead_code"), ("coordinating", "coordinating_codes")):
        if cell.get(code):
            columns[unit] = header[code]
    data: dict[str, Any] = {
        "number": cell.get("number", ""),
        "title": cell.get("title", ""),
        "lead": cell.get("lead_code") or cell.get("lead") or None,
        "coordinating": _split_units(
            cell.get("coordinating_codes") or cell.get("coordinating", "")
        ),
        "result": cell.get("result") or None,
        "note": cell.get("note") or None,
        "description": cell.get("description") or None,
        "parent": cell.get("parent") or None,
    }
    try:
        data.update(timing(cell.get("timing", "")))
    except ValueError as exc:
        errors.append(
            {
                "in": "row",
                "row": row.number,
                "field": columns.get("timing", "timing"),
                "value": cell.get("timing", ""),
                "message": str(exc),
                "code": "invalid_timing",
            }
        )
        return None
    try:
        return MatrixRowIn.model_validate(data), columns
    except ValidationError as exc:
        for e in exc.errors():
            field = str(e["loc"][0]) if e["loc"] else "number"
            errors.append(
                {
                    "in": "row",
                    "row": row.number,
                    "field": columns.get(field, field),
                    "value": str(data.get(field, "")),
                    "message": validation_text.reason(dict(e)),
                    "code": e["type"],
                }
            )
        return None


class PlanMatrixImporter:
    """A draft plan's matrix through the import pipeline (`plan_id` and `plan_version` in
    the upload's options: a file never overwrites a plan changed since it was read)."""

    resource = "plan_matrix"
    header_first_cell = HEADER_FIRST_CELL

    async def run(
        self,
        session: AsyncSession,
        *,
        actor: Principal,
        rows: Iterator[Row],
        options: dict[str, Any],
        progress: Progress,
    ) -> Outcome:
        from api.services import matrix

        outcome = Outcome()
        plan_id, version = options.get("plan_id"), options.get("plan_version")
        if not plan_id or version is None:
            outcome.reject(
                RowConflict(
                    None,
                    "plan_id",
                    None,
                    "missing_plan",
                    "Cần plan_id và plan_version (ETag của kế hoạch) để nhập ma trận.",
                )
            )
            return outcome
        listed = list(rows)
        outcome.rows = len(listed)
        layout = Layout()
        try:
            data, layout = from_rows(list(listed[0].cells) if listed else [], listed)
            _, changes = await matrix.replace(
                session,
                actor=actor,
                plan_id=uuid.UUID(str(plan_id)),
                expected_version=int(version),
                data=data,
                dry_run=False,
            )
        except InvalidInput as exc:
            for e in to_file_rows(exc, layout).errors or []:
                outcome.reject(
                    RowConflict(
                        e.get("row"),
                        e.get("field"),
                        e.get("value"),
                        str(e.get("code", "invalid")),
                        str(e.get("message", "")),
                    )
                )
            return outcome
        except DomainError as exc:
            code = {412: "stale_plan", 404: "unknown_plan", 403: "forbidden"}.get(
                exc.status, "plan_not_editable"
            )
            outcome.reject(RowConflict(None, "plan_id", str(plan_id), code, exc.detail))
            return outcome
        # A task whose units alone changed is updated too, not unchanged.
        touched = {c.number for c in changes.assignments_added + changes.assignments_removed}
        outcome.created = len(changes.tasks_created)
        outcome.updated = len(
            (set(changes.tasks_updated) | touched)
            - set(changes.tasks_created)
            - set(changes.tasks_deleted)
        )
        outcome.deleted = len(changes.tasks_deleted)
        outcome.unchanged = len(data.rows) - outcome.created - outcome.updated
        await progress(outcome.rows)
        return outcome


register(PlanMatrixImporter())


def to_file_rows(exc: InvalidInput, layout: Layout) -> InvalidInput:
    """Errors about rows[i] of the parsed matrix, told as the file's rows and headers."""
    errors = []
    for e in exc.errors or []:
        index = e.get("row")
        column = e.get("column") or e.get("field", "")
        at = index - 1 if isinstance(index, int) and 0 < index <= len(layout.numbers) else None
        columns = layout.columns[at] if at is not None else layout.header
        errors.append(
            {
                **e,
                "row": layout.numbers[at] if at is not None else index,
                "field": columns.get(column, column),
            }
        )
    return InvalidInput(exc.detail, errors=errors)
