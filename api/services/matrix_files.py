"""The matrix as the appendix people file and send: CSV and XLSX with the seed's columns
(STT, Tên nhiệm vụ, Đơn vị chủ trì, Đơn vị phối hợp, Kết quả thực hiện, Ghi chú), both ways."""

from collections.abc import Iterator
from typing import IO, Any

from pydantic import ValidationError

from api.errors import InvalidInput
from api.schemas.plan import Matrix, MatrixIn, MatrixRowIn
from api.tabular import Row, normalise_header, read_csv, read_xlsx, write_csv, write_xlsx

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
}
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


def read(stream: IO[bytes], fmt: str) -> tuple[MatrixIn, list[int], dict[str, str]]:
    """The rows of an uploaded appendix, the file row of each, and field -> header."""
    if fmt == "xlsx":
        header, rows = read_xlsx(stream, header_first_cell={"stt", "so tt"})
    else:
        header, rows = read_csv(stream)
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
                    "message": e["msg"],
                    "code": e["type"],
                }
            )
        return None


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
