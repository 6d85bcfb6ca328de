"""The bulk upload pipeline: receive, keep, parse, validate everything, write all or nothing,
and tell the truth in the summary.

Every resource (org units, indicators, matrices, data values) plugs in an `Importer`. The
pipeline owns what they share: the job record, idempotency, inline-or-background, progress,
cancel, and the guarantee that a rejected, cancelled, failed or dry run writes nothing (the
importer runs inside a savepoint that is rolled back unless the run is clean and real).
"""

import hashlib
import json
import logging
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import IO, Any, Protocol

from sqlalchemy import Select, delete, func, insert, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from api import json_stream
from api.access import Principal, per_caller
from api.db import unit_of_work
from api.errors import Conflict, InvalidInput, NotFound, out_of_resources
from api.models import ImportChunk, ImportJob, Role
from api.queue import enqueue, tasks
from api.settings import get_settings
from api.tabular import (
    Row,
    check_xlsx,
    file_error,
    normalise_header,
    number_text,
    read_csv,
    read_xlsx,
    refuse_nul,
)
from api.text import nfc

log = logging.getLogger(__name__)

CHUNK_BYTES = 1 << 20
MAX_CONFLICTS_KEPT = 10_000
PROGRESS_EVERY_SECONDS = 1.0
FORMATS = ("csv", "xlsx", "json")
TERMINAL = {"succeeded", "rejected", "failed", "cancelled"}


@dataclass
class RowConflict:
    row: int | None
    column: str | None
    value: str | None
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "code": self.code,
            "message": self.message,
        }


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    conflicts: list[RowConflict] = field(default_factory=list)
    conflicts_total: int = 0
    rows: int = 0

    def reject(self, conflict: RowConflict) -> None:
        self.conflicts_total += 1
        if len(self.conflicts) < MAX_CONFLICTS_KEPT:
            self.conflicts.append(conflict)

    def counts(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
            "rejected": self.conflicts_total,
        }


Progress = Callable[[int], Awaitable[None]]


class Importer(Protocol):
    resource: str

    async def run(
        self,
        session: AsyncSession,
        *,
        actor: Principal,
        rows: Iterator[Row],
        options: dict[str, Any],
        progress: Progress,
    ) -> Outcome: ...


IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    IMPORTERS[importer.resource] = importer
    return importer


def missing_columns(
    row: Row, outcome: Outcome, columns: dict[str, tuple[str, ...]], required: tuple[str, ...]
) -> bool:
    """Called with a file's first row: a required column it lacks is refused once, naming
    the column, the headers it goes by, and the headers the file has that none recognise
    (the likely misspelling), not as a conflict on every row. True when any is missing."""

    def key(header: str) -> str:
        return normalise_header(header).replace("_", " ")

    known = {key(alias): name for name, aliases in columns.items() for alias in aliases}
    found = {known.get(key(header)) for header in row.cells}
    missing = [name for name in required if name not in found]
    unknown = [h for h in row.cells if h and key(h) not in known]
    for name in missing:
        hint = f" Các cột không nhận ra: {', '.join(unknown[:20])}." if unknown else ""
        outcome.reject(
            RowConflict(
                None,
                name,
                None,
                "missing_column",
                f"Thiếu cột bắt buộc '{name}' (tên được chấp nhận: "
                f"{', '.join(columns[name])}).{hint}",
            )
        )
    return bool(missing)


class Cancelled(Exception):
    pass


def detect_format(filename: str | None, content_type: str | None, declared: str | None) -> str:
    if declared:
        if declared not in FORMATS:
            raise file_error(
                f"Định dạng '{declared}' không hỗ trợ (csv, xlsx, json).",
                "unknown_format",
                field="format",
            )
        return declared
    name = (filename or "").lower()
    for fmt in FORMATS:
        if name.endswith("." + fmt):
            return fmt
    if content_type and "spreadsheetml" in content_type:
        return "xlsx"
    if content_type and "json" in content_type:
        return "json"
    return "csv"


def open_rows(
    stream: IO[bytes], fmt: str, options: dict[str, Any], importer: Importer | None = None
) -> Iterator[Row]:
    """Rows of the upload in any format, numbered as the person sees them. A worksheet may
    have a title above its header when the importer says what the header starts with."""
    if fmt == "xlsx":
        first = getattr(importer, "header_first_cell", None)
        _, rows = read_xlsx(stream, sheet=options.get("sheet"), header_first_cell=first)
        return rows
    if fmt == "json":
        return _json_rows(stream)
    _, rows = read_csv(stream, encoding=options.get("encoding"))
    return rows


def _json_rows(stream: IO[bytes]) -> Iterator[Row]:
    """An array of objects, or {"rows": [...]} ({"items": [...]} is what our own JSON reads
    answer, GET /data-values: it uploads back), read one object at a time. A broken text
    stops the rows where it breaks: the run is rejected and nothing is written, as for any
    refused row."""
    try:
        # An array's items are read at once; an object's top level is read whole first.
        shape = None if json_stream.opens_an_array(stream) else json_stream.top_level(stream)
        if shape is None or shape.kind == "array":
            prefix = "item"
        else:
            member = shape.members.get("rows", shape.members.get("items"))
            if not isinstance(member, json_stream.Nested) or member.kind != "array":
                raise _not_rows()
            prefix = ("rows" if "rows" in shape.members else "items") + ".item"
        # Decimals, not floats: 12345678901.123456 must not lose digits on the way.
        for index, item in enumerate(json_stream.items(stream, prefix), start=1):
            if not isinstance(item, dict):
                raise _not_rows()
            row = Row(index, {str(k): _json_cell(v) for k, v in item.items()})
            refuse_nul(row.number, row.cells)
            yield row
    except json_stream.Broken as exc:
        raise _broken(exc) from exc


def _broken(exc: json_stream.Broken) -> InvalidInput:
    row = f", ở dòng {exc.item + 1:,} hoặc ngay sau nó" if exc.item is not None else ""
    return file_error(
        f"JSON không hợp lệ gần byte {exc.offset:,}{row}: {exc.reason}", "invalid_json"
    )


def _not_rows() -> InvalidInput:
    return file_error('JSON phải là một mảng đối tượng, hoặc {"rows": [...]}.', "invalid_json")


def _json_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        # A JSON number is machine notation: 1.234 must not read as 1234 (Vietnamese).
        return number_text(value)
    return nfc(str(value))


def _digest(stream: IO[bytes]) -> tuple[str, int]:
    sha = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK_BYTES):
        sha.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return sha.hexdigest(), size


@per_caller
def readable_statement(actor: Principal) -> Select[ImportJob]:
    """Jobs the caller may see: their own; system admins see all."""
    stmt = select(ImportJob)
    if any(g.role is Role.admin and g.unit_path is None for g in actor.grants):
        return stmt
    return stmt.where(ImportJob.created_by == actor.user_id)


async def get_readable(session: AsyncSession, actor: Principal, job_id: uuid.UUID) -> ImportJob:
    job = await session.scalar(readable_statement(actor).where(ImportJob.id == job_id))
    if job is None:
        raise NotFound(f"Không có lượt nhập {job_id}.")
    return job


async def submit(
    session: AsyncSession,
    *,
    actor: Principal,
    resource: str,
    stream: IO[bytes],
    filename: str | None,
    content_type: str | None,
    fmt: str | None,
    options: dict[str, Any],
    dry_run: bool,
    idempotency_key: str | None,
) -> tuple[ImportJob, bool]:
    """Receive an upload. Returns (job, replayed): small files are processed now, large ones
    queued for a worker; a repeated Idempotency-Key returns the stored job."""
    if resource not in IMPORTERS:
        raise NotFound(f"Không nhập được '{resource}' (có: {', '.join(sorted(IMPORTERS))}).")
    actor.require_write()
    chosen = detect_format(filename, content_type, fmt)
    sha, size = _digest(stream)
    if size == 0:
        raise file_error("Tệp rỗng.", "empty_file")
    if chosen == "xlsx":
        # What the archive says it inflates to, before it is kept or queued: a bomb is
        # refused now, not found by a worker (the bytes themselves are counted when read).
        check_xlsx(stream)
    request_hash = hashlib.sha256(
        json.dumps([resource, chosen, sha, sorted(options.items()), dry_run], default=str).encode()
    ).hexdigest()
    if idempotency_key:
        existing = await session.scalar(
            select(ImportJob).where(
                ImportJob.created_by == actor.user_id, ImportJob.idempotency_key == idempotency_key
            )
        )
        if existing is not None:
            if existing.request_hash != request_hash:
                raise Conflict(
                    "Idempotency-Key này đã được dùng cho một yêu cầu khác (tệp hoặc tham số "
                    "khác); hãy dùng khóa mới."
                )
            return existing, True
    job = ImportJob(
        resource=resource,
        format=chosen,
        status="queued",
        dry_run=dry_run,
        options=options,
        filename=(filename or "").replace("\x00", "")[:255] or None,
        size_bytes=size,
        sha256=sha,
        idempotency_key=idempotency_key,
        request_hash=request_hash,
        created_by=actor.user_id,
        counts={},
        conflicts=[],
    )
    session.add(job)
    await session.flush()
    if size <= get_settings().import_inline_max_bytes:
        await _run_inline(session, job=job, actor=actor, stream=stream)
    else:
        seq = 0
        while chunk := stream.read(CHUNK_BYTES):
            # Core inserts: the chunks must not pile up in the session's identity map.
            await session.execute(insert(ImportChunk).values(job_id=job.id, seq=seq, data=chunk))
            seq += 1
        job.queue_job_id = await enqueue(
            session,
            "imports.run",
            args={"job_id": str(job.id)},
            queue="imports",
            lock=f"import:{job.id}",
        )
    return job, False


async def no_progress(_: int) -> None:
    """The progress callback for runs nobody watches (inline uploads, batches)."""
    return None


async def _run_inline(
    session: AsyncSession, *, job: ImportJob, actor: Principal, stream: IO[bytes]
) -> None:
    job.status, job.started_at = "running", datetime.now(UTC)
    outcome = await _execute(session, job=job, actor=actor, stream=stream, progress=no_progress)
    _finish(job, outcome)


async def _execute(
    session: AsyncSession,
    *,
    job: ImportJob,
    actor: Principal,
    stream: IO[bytes],
    progress: Progress,
) -> Outcome:
    """Run the importer in a savepoint; keep its writes only when clean and not a dry run."""
    importer = IMPORTERS[job.resource]
    savepoint = await session.begin_nested()
    try:
        rows = open_rows(stream, job.format, job.options, importer)
        outcome = await importer.run(
            session, actor=actor, rows=rows, options=job.options, progress=progress
        )
    except InvalidInput as exc:
        await savepoint.rollback()
        outcome = Outcome()
        for err in exc.errors or [{"message": exc.detail, "code": "invalid_file"}]:
            outcome.reject(
                RowConflict(
                    row=err.get("row"),
                    column=err.get("field"),
                    value=None,
                    code=err.get("code", "invalid"),
                    message=err.get("message", exc.detail),
                )
            )
        return outcome
    except BaseException:
        await savepoint.rollback()
        raise
    if outcome.rows == 0 and not outcome.conflicts_total:
        # A non-empty file that yields no row is not a success: something was misread (a
        # header only, a sheet other than the one meant, a bomb that expanded to nothing).
        outcome.reject(
            RowConflict(
                None,
                "file",
                None,
                "no_rows",
                "Tệp không có dòng dữ liệu nào dưới dòng tiêu đề (hoặc trang tính đã chọn "
                "trống): không có gì được ghi. Hãy kiểm tra tệp và trang tính rồi gửi lại.",
            )
        )
    if outcome.conflicts_total or job.dry_run:
        await savepoint.rollback()
    else:
        await savepoint.commit()
    return outcome


def _finish(job: ImportJob, outcome: Outcome) -> None:
    job.counts = outcome.counts()
    job.conflicts = [c.as_dict() for c in outcome.conflicts]
    job.conflicts_total = outcome.conflicts_total
    job.rows_total = outcome.rows
    job.rows_processed = outcome.rows
    job.status = "rejected" if outcome.conflicts_total else "succeeded"
    job.finished_at = datetime.now(UTC)


async def request_cancel(
    session: AsyncSession, *, actor: Principal, job_id: uuid.UUID
) -> ImportJob:
    job = await get_readable(session, actor, job_id)
    if job.status in TERMINAL:
        raise Conflict(f"Lượt nhập đã kết thúc ({job.status}); không hủy được.")
    job.cancel_requested = True
    if job.status == "queued":
        job.status, job.finished_at = "cancelled", datetime.now(UTC)
        await session.execute(delete(ImportChunk).where(ImportChunk.job_id == job.id))
    await session.flush()
    return job


async def _spool(job_id: uuid.UUID) -> IO[bytes]:
    """Copy the stored file to a local temporary file, chunk by chunk (memory stays flat)."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (closed by the caller)
    async with unit_of_work() as session:
        count = await session.scalar(
            select(func.count()).select_from(ImportChunk).where(ImportChunk.job_id == job_id)
        )
        for seq in range(count or 0):
            data = await session.scalar(
                select(ImportChunk.data).where(ImportChunk.job_id == job_id, ImportChunk.seq == seq)
            )
            spool.write(data or b"")
    spool.seek(0)
    return spool


def _progress_reporter(job_id: uuid.UUID) -> Progress:
    """Writes progress in its own short transactions and raises Cancelled when asked to."""
    last = 0.0

    async def report(rows: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last < PROGRESS_EVERY_SECONDS:
            return
        last = now
        async with unit_of_work() as session:
            cancel = await session.scalar(
                update(ImportJob)
                .where(ImportJob.id == job_id)
                .values(rows_processed=rows)
                .returning(ImportJob.cancel_requested)
            )
        if cancel:
            raise Cancelled

    return report


async def run_job(job_id: uuid.UUID) -> None:
    """Process a queued upload (in a worker). All or nothing: a crash leaves nothing written
    and the job can simply run again."""
    from api.access import principal_for

    async with unit_of_work() as session:
        job = await session.get(ImportJob, job_id, with_for_update=True)
        if job is None or job.status in TERMINAL:
            return
        job.status, job.started_at = "running", datetime.now(UTC)
    spool = await _spool(job_id)
    try:
        async with unit_of_work() as session:
            job = await session.get(ImportJob, job_id)
            assert job is not None
            actor = await principal_for(session, job.created_by)
            outcome = await _execute(
                session, job=job, actor=actor, stream=spool, progress=_progress_reporter(job_id)
            )
            _finish(job, outcome)
            await session.execute(delete(ImportChunk).where(ImportChunk.job_id == job_id))
    except Cancelled:
        await _end(job_id, "cancelled", None)
    except Exception as exc:
        log.exception("import %s failed", job_id)
        reason = f"Lỗi khi xử lý: {type(exc).__name__}: {exc}"
        if isinstance(exc, DBAPIError) and out_of_resources(exc):
            reason = (
                "Cơ sở dữ liệu hết dung lượng đĩa hoặc bộ nhớ khi ghi tệp này: không có giá trị "
                f"nào được ghi. Tải tệp lên lại khi quản trị hệ thống đã xử lý. ({exc.orig})"
            )
        await _end(job_id, "failed", reason[:2000])
    finally:
        spool.close()


async def _end(job_id: uuid.UUID, status: str, error: str | None) -> None:
    async with unit_of_work() as session:
        await session.execute(
            update(ImportJob)
            .where(ImportJob.id == job_id)
            .values(status=status, error=error, finished_at=datetime.now(UTC))
        )
        await session.execute(delete(ImportChunk).where(ImportChunk.job_id == job_id))


@tasks.task(name="imports.run", queue="imports", retry=False)
async def run_import_task(job_id: str) -> None:
    await run_job(uuid.UUID(job_id))
