"""Files uploaded with a report or a registered document: checked by what they are (not
what they claim), named safely, bounded in size and number, stored with what they belong to,
downloadable by exactly those who may read it."""

import hashlib
import re
import unicodedata
import uuid
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from api.access import Principal
from api.errors import InvalidInput, NotFound, PayloadTooLarge
from api.models import Document, DocumentAttachment, Submission, SubmissionAttachment
from api.services import audit, documents, submission_drafts, submissions
from api.services.org_units import check_version
from api.settings import get_settings

MAX_FILES = 50
# Extension -> (content type, the bytes the file must start with).
KINDS: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", (b"PK\x03\x04",)),
    "doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    "xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
}


def _bad(message: str, code: str) -> InvalidInput:
    return InvalidInput(
        message, errors=[{"in": "body", "field": "file", "message": message, "code": code}]
    )


def safe_filename(name: str | None) -> str:
    """The last path part, NFC, without control or reserved characters, at most 150 chars.
    Browsers escape quotes and control characters in a form's file name (%22, %0A): those
    are read back before they are removed."""
    name = re.sub(
        r"%(0[0-9A-Fa-f]|1[0-9A-Fa-f]|22|7[Ff])", lambda m: chr(int(m[1], 16)), name or ""
    )
    base = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    base = re.sub(r'[\x00-\x1f\x7f<>:"|?*]', "", base).strip(" .")
    if not base:
        raise _bad("Tệp cần có tên.", "missing_filename")
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    return (stem[: 150 - len(ext) - 1] + "." + ext) if ext else stem[:150]


def kind_of(filename: str, head: bytes) -> str:
    ext = filename.rpartition(".")[2].lower() if "." in filename else ""
    if ext not in KINDS:
        raise _bad(
            f"Không nhận tệp .{ext or '(không đuôi)'}: "
            "chỉ PDF, Word, Excel, OpenDocument, JPEG, PNG.",
            "unsupported_type",
        )
    content_type, magics = KINDS[ext]
    if not head.startswith(magics):
        raise _bad(
            f"Nội dung tệp không phải {ext.upper()} như tên tệp nói "
            "(có thể tệp hỏng hoặc bị đổi đuôi).",
            "content_mismatch",
        )
    return content_type


def checked(filename: str | None, data: bytes) -> tuple[str, str]:
    """The safe name and the content type of an upload, or the error that says what is wrong."""
    limit = get_settings().attachment_max_bytes
    if len(data) > limit:
        raise PayloadTooLarge(f"Tệp lớn hơn {limit // (1024 * 1024)} MB.")
    if not data:
        raise _bad("Tệp rỗng.", "empty_file")
    name = safe_filename(filename)
    return name, kind_of(name, data[:16])


F = TypeVar("F", SubmissionAttachment, DocumentAttachment)


async def _store(
    session: AsyncSession,
    actor: Principal,
    file: F,
    owner: ColumnElement[bool],
    what: str,
    entity: tuple[str, uuid.UUID],
    data: bytes,
) -> F:
    """Check, count and keep one file; `owner` selects the files it sits beside."""
    file.filename, file.content_type = checked(file.filename, data)
    count = await session.scalar(select(func.count()).select_from(type(file)).where(owner))
    if (count or 0) >= MAX_FILES:
        raise _bad(f"Mỗi {what} đính kèm tối đa {MAX_FILES} tệp.", "too_many_files")
    file.size, file.sha256, file.data = len(data), hashlib.sha256(data).hexdigest(), data
    file.uploaded_by, file.created_at = actor.user_id, datetime.now(UTC)
    if file.content_type == "application/pdf":
        file.signatures = await _signatures(data)
        file.signatures_checked_at = datetime.now(UTC)
    session.add(file)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="attach",
        entity_type=entity[0],
        entity_id=entity[1],
        after={"attachment_id": str(file.id), "filename": file.filename, "sha256": file.sha256},
    )
    return file


async def _signatures(data: bytes) -> list[dict[str, Any]]:
    """Verify a received PDF's signatures (a unit's signed report, a signed letter): the
    result is kept and shown beside the file."""
    from api.services.signing import verify_pdf

    try:
        found = await verify_pdf(data)
    except InvalidInput:  # not readable as PDF by the verifier: no signature to speak of
        return []
    return [
        {
            "result": v.result,
            "detail": v.detail,
            "signer_subject": v.signer_subject,
            "signing_time": v.signing_time.isoformat() if v.signing_time else None,
            "level": v.level,
        }
        for v in found
    ]


async def upload(
    session: AsyncSession,
    *,
    actor: Principal,
    submission_id: uuid.UUID,
    expected_version: int,
    filename: str | None,
    data: bytes,
) -> tuple[Submission, SubmissionAttachment]:
    sub = await submissions.get(session, actor=actor, submission_id=submission_id, lock=True)
    submission_drafts.require_editable(actor, sub.org_unit.path, sub.status, sub.request.status)
    check_version(sub, expected_version)
    # The report's version covers its files: a tab that did not see this upload is stale.
    sub.updated_by = actor.user_id
    sub.updated_at = datetime.now(UTC)
    file = await _store(
        session,
        actor,
        SubmissionAttachment(submission_id=sub.id, filename=filename or ""),
        SubmissionAttachment.submission_id == sub.id,
        "báo cáo",
        ("submission", sub.id),
        data,
    )
    return sub, file


async def get(
    session: AsyncSession, *, actor: Principal, submission_id: uuid.UUID, attachment_id: uuid.UUID
) -> SubmissionAttachment:
    await submissions.get(session, actor=actor, submission_id=submission_id)
    file = await session.scalar(
        select(SubmissionAttachment).where(
            SubmissionAttachment.id == attachment_id,
            SubmissionAttachment.submission_id == submission_id,
        )
    )
    if file is None:
        raise NotFound(f"Báo cáo không có tệp {attachment_id}.")
    return file


async def delete(
    session: AsyncSession,
    *,
    actor: Principal,
    submission_id: uuid.UUID,
    attachment_id: uuid.UUID,
    expected_version: int,
) -> Submission:
    sub = await submissions.get(session, actor=actor, submission_id=submission_id, lock=True)
    file = await get(session, actor=actor, submission_id=submission_id, attachment_id=attachment_id)
    submission_drafts.require_editable(actor, sub.org_unit.path, sub.status, sub.request.status)
    check_version(sub, expected_version)
    await session.delete(file)
    sub.updated_by = actor.user_id
    sub.updated_at = datetime.now(UTC)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="detach",
        entity_type="submission",
        entity_id=sub.id,
        before={"attachment_id": str(file.id), "filename": file.filename, "sha256": file.sha256},
    )
    return sub


# --- files of registered documents -------------------------------------------------------


async def attach_to_document(
    session: AsyncSession,
    *,
    actor: Principal,
    document_id: uuid.UUID,
    expected_version: int,
    filename: str | None,
    data: bytes,
) -> tuple[Document, DocumentAttachment]:
    doc = await documents.get(session, document_id)
    await documents.require_registrar(session, actor, doc.issuer_id)
    check_version(doc, expected_version)
    doc.updated_at = datetime.now(UTC)
    file = await _store(
        session,
        actor,
        DocumentAttachment(document_id=doc.id, filename=filename or ""),
        DocumentAttachment.document_id == doc.id,
        "văn bản",
        ("document", doc.id),
        data,
    )
    return doc, file


async def document_file(
    session: AsyncSession, *, document_id: uuid.UUID, attachment_id: uuid.UUID
) -> DocumentAttachment:
    file = await session.scalar(
        select(DocumentAttachment).where(
            DocumentAttachment.id == attachment_id, DocumentAttachment.document_id == document_id
        )
    )
    if file is None:
        raise NotFound(f"Văn bản không có tệp {attachment_id}.")
    return file


async def document_files(session: AsyncSession, document_id: uuid.UUID) -> list[DocumentAttachment]:
    stmt = (
        select(DocumentAttachment)
        .where(DocumentAttachment.document_id == document_id)
        .options(defer(DocumentAttachment.data))
        .order_by(DocumentAttachment.created_at, DocumentAttachment.id)
    )
    return list(await session.scalars(stmt))
