"""The matrix as the appendix people file and send: CSV and XLSX with the seed's columns
(STT, Tên nhiệm vụ, Đơn vị chủ trì, Đơn vị phối hợp, Kết quả thực hiện, Ghi chú), both ways."""

import re
import uuid
from collections.abc import Iterable, Iterator
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
    "Đơn vị phối hợp",
    "Kết quả thực hiện",
    "Ghi chú",
]
FIELDS = {
    "stt": "number",
    "so tt": "number",
    "ten nhiem vu": "title",
    "nhiem vu": "title",
    "don vi chu tri": "lead",
    "don vi chu tri thuc hien": "lead",
    "chu tri": "lead",
    "don vi phoi hop": "coordinating",
    "phoi hop": "coordinating",
    "ket qua thuc hien": "result",
    "ket qua": "result",
    "ghi chu": "note",
    "thoi han": "timing",
    "thoi gian thuc hien": "timing",
    "thoi gian hoan thanh": "timing",
    "tien do": "timing",
}
RECURRENCES = {
    "thuong xuyen": "ongoing",
    "hang nam": "yearly",
    "hang quy": "quarterly",
    "hang thang": "monthly",
    "6 thang": "six_monthly",
}


def timing(text: str) -> dict[str, Any]:
    """ "thường xuyên" / "hằng năm" … -> a recurrence; "30/6/2026" -> a deadline; "2026" ->
    the year's end. ValueError when it reads as neither."""
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


def table(matrix: Matrix) -> tuple[list[str], Iterator[list[Any]]]:
    names = {c.code: c.name for c in matrix.columns}

    def rows() -> Iterator[list[Any]]:
        for r in matrix.rows:
            lead = names.get(r.lead, r.lead) if r.lead else ""
            coordinating = ", ".join(names.get(c, c) for c in r.coordinating)
            yield [r.number, r.title, lead, coordinating, r.result or "", r.note or ""]

    return HEADER, rows()


def to_csv(matrix: Matrix) -> Iterator[str]:
    header, rows = table(matrix)
    return write_csv(header, rows)


def to_xlsx(matrix: Matrix) -> bytes:
    header, rows = table(matrix)
    return write_xlsx(header, rows, sheet="Phụ lục", title=TITLE)


def _split_units(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


HEADER_FIRST_CELL = {"stt", "so tt"}


def read(stream: IO[bytes], fmt: str) -> tuple[MatrixIn, list[int], dict[str, str]]:
    """The rows of an uploaded appendix, the file row of each, and field -> header."""
    if fmt == "xlsx":
        header, rows = read_xlsx(stream, header_first_cell=HEADER_FIRST_CELL)
    else:
        header, rows = read_csv(stream)
    return from_rows(header, rows)


def from_rows(header: list[str], rows: Iterable[Row]) -> tuple[MatrixIn, list[int], dict[str, str]]:
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
    numbers: list[int] = []
    errors: list[dict[str, Any]] = []
    for row in rows:
        item = _row(row, columns, errors)
        if item is not None:
            items.append(item)
            numbers.append(row.number)
    if errors:
        raise InvalidInput(f"Tệp có {len(errors)} lỗi; chưa ghi gì.", errors=errors)
    return MatrixIn(rows=items), numbers, columns


def _row(row: Row, columns: dict[str, str], errors: list[dict[str, Any]]) -> MatrixRowIn | None:
    cell = {f: row.cells.get(h, "").strip() for f, h in columns.items()}
    data: dict[str, Any] = {
        "number": cell.get("number", ""),
        "title": cell.get("title", ""),
        "lead": cell.get("lead") or None,
        "coordinating": _split_units(cell.get("coordinating", "")),
        "result": cell.get("result") or None,
        "note": cell.get("note") or None,
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
        return MatrixRowIn.model_validate(data)
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
        numbers: list[int] = []
        columns: dict[str, str] = {}
        try:
            data, numbers, columns = from_rows(list(listed[0].cells) if listed else [], listed)
            _, changes = await matrix.replace(
                session,
                actor=actor,
                plan_id=uuid.UUID(str(plan_id)),
                expected_version=int(version),
                data=data,
                dry_run=False,
            )
        except InvalidInput as exc:
            for e in to_file_rows(exc, numbers, columns).errors or []:
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
        outcome.created = len(changes.tasks_created)
        outcome.updated = len(changes.tasks_updated)
        outcome.deleted = len(changes.tasks_deleted)
        outcome.unchanged = len(data.rows) - outcome.created - outcome.updated
        await progress(outcome.rows)
        return outcome


register(PlanMatrixImporter())


def to_file_rows(exc: InvalidInput, numbers: list[int], columns: dict[str, str]) -> InvalidInput:
    """Errors about rows[i] of the parsed matrix, told as the file's rows and headers."""
    errors = []
    for e in exc.errors or []:
        index = e.get("row")
        column = e.get("column") or e.get("field", "")
        errors.append(
            {
                **e,
                "row": numbers[index - 1]
                if isinstance(index, int) and 0 < index <= len(numbers)
                else index,
                "field": columns.get(column, column),
            }
        )
    return InvalidInput(exc.detail, errors=errors)
