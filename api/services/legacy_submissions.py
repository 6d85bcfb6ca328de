"""A legacy Word report into a draft submission: the appendix table with seed 001's columns
(STT, task, lead, coordinating, result, note) fills the task results of the unit's tasks.

Rows are matched by their number within the group ("I", then "1", "2" …) and checked against
the task's title (accents and case ignored); a row whose number or title matches no assigned
task is listed back, never guessed.
"""

import io
import uuid
import zipfile
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.access import Principal
from api.errors import InvalidInput
from api.schemas.submission import LegacyImportResult, SubmissionUpdate, TaskResultIn
from api.services import submission_drafts, submissions
from api.services.org_units import check_version
from api.tabular import normalise_header
from api.text import fold

MAX_DOCX_BYTES = 20 * 1024 * 1024
HEADERS = {
    "number": ("stt", "tt", "so tt"),
    "title": ("ten nhiem vu", "nhiem vu", "noi dung", "noi dung nhiem vu"),
    "result": ("ket qua thuc hien", "ket qua"),
    "note": ("ghi chu",),
}


def _column_map(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for n, cell in enumerate(header):
        name = normalise_header(cell).replace("_", " ")
        for key, aliases in HEADERS.items():
            if key not in found and name in aliases:
                found[key] = n
    return found


def read_tables(data: bytes) -> list[dict[str, str]]:
    """The rows of the first table whose header has STT, task and result columns."""
    from docx import Document

    if len(data) > MAX_DOCX_BYTES:
        raise InvalidInput("Tệp quá lớn (tối đa 20 MB).", errors=[_err("too_large", "Quá lớn")])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > 20 * MAX_DOCX_BYTES:
                raise InvalidInput(
                    "Tệp DOCX giải nén quá lớn.", errors=[_err("too_large", "Quá lớn")]
                )
        document = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InvalidInput(
            "Không đọc được tệp: cần một tệp Word .docx (không phải .doc hay PDF).",
            errors=[_err("not_docx", "Không phải DOCX")],
        ) from exc
    for table in document.tables:
        rows = [[cell.text.strip() for cell in row.cells] for row in table.rows]
        if not rows:
            continue
        columns = _column_map(rows[0])
        if {"number", "title", "result"} <= set(columns):
            return [
                {key: row[i] if i < len(row) else "" for key, i in columns.items()}
                for row in rows[1:]
                if any(row)
            ]
    raise InvalidInput(
        "Không thấy bảng phụ lục nhiệm vụ: cần các cột STT, Tên nhiệm vụ, Kết quả thực hiện.",
        errors=[_err("no_task_table", "Thiếu bảng nhiệm vụ")],
    )


def _err(code: str, message: str) -> dict[str, Any]:
    return {"in": "body", "field": "file", "message": message, "code": code}


def _similar(a: str, b: str) -> bool:
    fa, fb = set(fold(a).split()), set(fold(b).split())
    if not fa or not fb:
        return False
    return len(fa & fb) / min(len(fa), len(fb)) >= 0.6


async def import_docx(
    session: AsyncSession,
    *,
    actor: Principal,
    submission_id: uuid.UUID,
    expected_version: int,
    data: bytes,
) -> LegacyImportResult:
    sub = await submissions.get(session, actor=actor, submission_id=submission_id)
    # Who may change this report, in its state, at this version: decided before the file is
    # read, so a caller without the right learns nothing from (and costs nothing for) parsing.
    submission_drafts.require_editable(actor, sub.org_unit.path, sub.status, sub.request.status)
    check_version(sub, expected_version)
    rows = read_tables(data)
    tasks = await submissions.task_rows(session, sub)
    groups = {t.number.rstrip("."): t for t in tasks if t.is_group}
    by_number: dict[tuple[str, str], Any] = {}
    group = ""
    for t in tasks:
        if t.is_group:
            group = t.number.rstrip(".")
        else:
            by_number[(group, t.number.rstrip("."))] = t
    results: list[TaskResultIn] = []
    unmatched: list[dict[str, str]] = []
    group = ""
    for row in rows:
        number = row.get("number", "").strip().rstrip(".")
        title = row.get("title", "")
        if number in groups and not row.get("result", "").strip():
            group = number
            continue
        task = by_number.get((group, number))
        if task is None or not _similar(task.title, title):
            task = next((t for t in by_number.values() if _similar(t.title, title)), None)
        if task is None:
            unmatched.append({"number": number, "title": title, "result": row.get("result", "")})
            continue
        result = row.get("result", "")
        results.append(
            TaskResultIn(
                task_id=task.task_id,
                status="done" if result else "not_started",
                result=result,
                outputs=[],
                note=row.get("note", ""),
            )
        )
    saved = await submission_drafts.save(
        session,
        actor=actor,
        submission_id=sub.id,
        expected_version=expected_version,
        data=SubmissionUpdate(task_results=results),
    )
    return LegacyImportResult(version=saved.version, matched=len(results), unmatched=unmatched)
