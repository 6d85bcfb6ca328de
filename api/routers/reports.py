"""Report requests and submissions: the request, each unit's answer, the review, the status
and the compiled report."""

import uuid
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, File, Query, Response, UploadFile, status

from api import responses
from api.deps import CurrentPrincipal, DbSession, IfMatch, WritingPrincipal, etag
from api.schemas.common import PageMeta, StoredFileRead, problem_responses
from api.schemas.report import Compilation, CompilationUpdate
from api.schemas.report_request import (
    ReportRequestCreate,
    ReportRequestPage,
    ReportRequestRead,
    ReportRequestUpdate,
    RequestStatus,
)
from api.schemas.submission import (
    BulkAcceptIn,
    BulkAcceptOut,
    Diff,
    LegacyImportResult,
    ReturnIn,
    ReviewIn,
    Revision,
    RevisionPage,
    SubmissionPage,
    SubmissionRead,
    SubmissionSaved,
    SubmissionUpdate,
)
from api.services import (
    attachments,
    compilation,
    legacy_submissions,
    report_docx,
    report_files,
    report_layout,
    report_pdf,
    report_request_status,
    report_requests,
    report_xlsx,
    stored_files,
    submission_drafts,
    submission_workflow,
    submissions,
)
from api.tabular import XLSX_TYPE

router = APIRouter(prefix="/report-requests", tags=["reports"])
submissions_router = APIRouter(prefix="/submissions", tags=["reports"])

READ_ERRORS = problem_responses(401, 404, 422)
WRITE_ERRORS = problem_responses(401, 403, 404, 409, 412, 422, 428)
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"


def _download(data: bytes, media_type: str, names: tuple[str, str], extension: str) -> Response:
    """A report file named by its number: an ASCII name for old clients, the Vietnamese one
    (RFC 5987) for the rest."""
    plain, vietnamese = names
    return Response(
        data,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{plain}{extension}"; '
            f"filename*=UTF-8''{quote(vietnamese + extension)}"
        },
    )


async def _request_answer(
    session: DbSession, request_id: uuid.UUID, principal: CurrentPrincipal, response: Response
) -> ReportRequestRead:
    found = await report_requests.get(session, actor=principal, request_id=request_id)
    response.headers["ETag"] = etag(found.version)
    return await report_requests.read_model(session, found, actor=principal)


@router.get("", response_model=ReportRequestPage, responses=READ_ERRORS)
async def list_report_requests(
    principal: CurrentPrincipal,
    session: DbSession,
    status: Literal["draft", "open", "closed"] | None = None,
    plan_id: uuid.UUID | None = None,
    requester_id: uuid.UUID | None = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ReportRequestPage:
    """Requests the caller sent (drafts too) or that are addressed to their units; latest due
    date first."""
    rows, next_cursor = await report_requests.list_requests(
        session,
        actor=principal,
        status=status,
        plan_id=plan_id,
        requester_id=requester_id,
        cursor=cursor,
        limit=limit,
    )
    return ReportRequestPage(
        items=[await report_requests.read_model(session, r, actor=principal) for r in rows],
        page=PageMeta(next_cursor=next_cursor),
    )


@router.post(
    "",
    response_model=ReportRequestRead,
    status_code=status.HTTP_201_CREATED,
    responses=WRITE_ERRORS,
)
async def create_report_request(
    body: ReportRequestCreate, principal: WritingPrincipal, session: DbSession, response: Response
) -> ReportRequestRead:
    """A draft request: which plan, period, due date, who answers and what they report."""
    created = await report_requests.create(session, actor=principal, data=body)
    response.headers["Location"] = f"/api/v1/report-requests/{created.id}"
    response.headers["ETag"] = etag(created.version)
    return await report_requests.read_model(session, created, actor=principal)


@router.get("/{request_id}", response_model=ReportRequestRead, responses=READ_ERRORS)
async def get_report_request(
    request_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, response: Response
) -> ReportRequestRead:
    """One request, with its ETag."""
    return await _request_answer(session, request_id, principal, response)


@router.patch("/{request_id}", response_model=ReportRequestRead, responses=WRITE_ERRORS)
async def update_report_request(
    request_id: uuid.UUID,
    body: ReportRequestUpdate,
    version: IfMatch,
    principal: WritingPrincipal,
    session: DbSession,
    response: Response,
) -> ReportRequestRead:
    """Edit a draft request; once open, only the due date, title, letter and added units."""
    await report_requests.update_request(
        session, actor=principal, request_id=request_id, expected_version=version, data=body
    )
    return await _request_answer(session, request_id, principal, response)


@router.post("/{request_id}/open", response_model=ReportRequestRead, responses=WRITE_ERRORS)
async def open_report_request(
    request_id: uuid.UUID,
    version: IfMatch,
    principal: WritingPrincipal,
    session: DbSession,
    response: Response,
) -> ReportRequestRead:
    """Send the request: each required unit gets a draft report and its reporters a notice."""
    await report_requests.open_request(
        session, actor=principal, request_id=request_id, expected_version=version
    )
    return await _request_answer(session, request_id, principal, response)


@router.post("/{request_id}/close", response_model=ReportRequestRead, responses=WRITE_ERRORS)
async def close_report_request(
    request_id: uuid.UUID,
    version: IfMatch,
    principal: WritingPrincipal,
    session: DbSession,
    response: Response,
) -> ReportRequestRead:
    """Close the request: no more saving or submitting."""
    await report_requests.close_request(
        session, actor=principal, request_id=request_id, expected_version=version
    )
    return await _request_answer(session, request_id, principal, response)


@router.get("/{request_id}/status", response_model=RequestStatus, responses=READ_ERRORS)
async def get_report_request_status(
    request_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> RequestStatus:
    """Each required unit's state, and completeness and timeliness (never above 100 %)."""
    found = await report_requests.get(
        session, actor=principal, request_id=request_id, read_whole=False
    )
    report_requests.require_requester_side(principal, found)
    return await report_request_status.status(session, actor=principal, request=found)


@router.post(
    "/{request_id}/accept",
    response_model=BulkAcceptOut,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def bulk_accept_submissions(
    request_id: uuid.UUID, body: BulkAcceptIn, principal: WritingPrincipal, session: DbSession
) -> BulkAcceptOut:
    """Accept many submitted reports at once: all of them, or none (409 lists why)."""
    await report_requests.get(session, actor=principal, request_id=request_id)
    accepted = await submission_workflow.bulk_accept(
        session,
        actor=principal,
        request_id=request_id,
        submission_ids=body.submission_ids,
        comment=body.comment,
    )
    return BulkAcceptOut(accepted=accepted)


@router.get(
    "/{request_id}/compilation",
    response_model=Compilation,
    responses={
        200: {
            "content": {
                "application/json": {},
                DOCX_TYPE: {"schema": {"type": "string", "format": "binary"}},
                PDF_TYPE: {"schema": {"type": "string", "format": "binary"}},
                XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
            }
        },
        **READ_ERRORS,
    },
)
async def get_report_compilation(
    request_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    response: Response,
    format: Literal["json", "docx", "pdf", "xlsx"] = "json",
    include: Literal["accepted", "submitted"] = "submitted",
) -> Compilation | Response:
    """The compiled report upward: who answered, on time or late, values rolled up against
    targets, each unit's task results and texts. DOCX and PDF/A per Decree 30/2020 (the PDF is
    the unsigned draft: signed versions are under /signable-documents); XLSX appendices.
    `include=submitted` takes accepted and submitted reports; `accepted` only accepted."""
    found = await report_requests.get(session, actor=principal, request_id=request_id)
    compiled = await compilation.compile_request(
        session, actor=principal, request=found, include=include
    )
    if format == "json":
        response.headers["ETag"] = etag(compiled.version)
        return compiled
    layout = report_layout.of_compilation(compiled)
    names = report_layout.file_names(layout, "Báo cáo tổng hợp")
    if format == "docx":
        return _download(report_docx.render(layout), DOCX_TYPE, names, ".docx")
    if format == "pdf":
        return _download(report_pdf.render(layout), PDF_TYPE, names, ".pdf")
    appendix_names = (f"{names[0]}-phu-luc", f"Phụ lục {names[1][:1].lower()}{names[1][1:]}")
    return _download(report_xlsx.to_xlsx(compiled), XLSX_TYPE, appendix_names, ".xlsx")


@router.patch("/{request_id}/compilation", response_model=Compilation, responses=WRITE_ERRORS)
async def update_report_compilation(
    request_id: uuid.UUID,
    body: CompilationUpdate,
    version: IfMatch,
    principal: WritingPrincipal,
    session: DbSession,
    response: Response,
) -> Compilation:
    """Edit the compiled report before signing: its number and date, signer, recipients and
    any section's text (If-Match "0" the first time). The DOCX then carries the edits."""
    found = await report_requests.get(session, actor=principal, request_id=request_id)
    await compilation.update_draft(
        session, actor=principal, request=found, expected_version=version, data=body
    )
    compiled = await compilation.compile_request(
        session, actor=principal, request=found, include="submitted"
    )
    response.headers["ETag"] = etag(compiled.version)
    return compiled


# --- submissions ---------------------------------------------------------------------------


async def _submission_answer(
    session: DbSession, submission_id: uuid.UUID, principal: CurrentPrincipal, response: Response
) -> SubmissionRead:
    sub = await submissions.get(session, actor=principal, submission_id=submission_id)
    response.headers["ETag"] = etag(sub.version)
    return await submissions.read_model(session, principal, sub)


async def _answer(
    session: DbSession,
    principal: CurrentPrincipal,
    moved: submission_workflow.Moved,
    response: Response,
) -> SubmissionRead:
    """The report as a step of its workflow left it (read locked, changed, flushed: no need
    to read it again, nor its values and files)."""
    response.headers["ETag"] = etag(moved.sub.version)
    return await moved.read_model(session, principal)


@submissions_router.get("", response_model=SubmissionPage, responses=READ_ERRORS)
async def list_submissions(
    principal: CurrentPrincipal,
    session: DbSession,
    request_id: uuid.UUID | None = None,
    org_unit_id: uuid.UUID | None = None,
    status: Literal["draft", "submitted", "returned", "accepted"] | None = None,
    overdue: bool | None = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> SubmissionPage:
    """Reports the caller may see: their units' (drafts too), and filed ones they review."""
    rows, next_cursor = await submissions.list_submissions(
        session,
        actor=principal,
        request_id=request_id,
        org_unit_id=org_unit_id,
        status=status,
        overdue=overdue,
        cursor=cursor,
        limit=limit,
    )
    return SubmissionPage.model_validate({"items": rows, "page": {"next_cursor": next_cursor}})


@submissions_router.get("/{submission_id}", response_model=SubmissionRead, responses=READ_ERRORS)
async def get_submission(
    submission_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession, response: Response
) -> SubmissionRead:
    """The whole report: header, sections, the unit's tasks with results, its values."""
    return await _submission_answer(session, submission_id, principal, response)


@submissions_router.get(
    "/{submission_id}/download",
    responses={
        200: {
            "content": {
                DOCX_TYPE: {"schema": {"type": "string", "format": "binary"}},
                PDF_TYPE: {"schema": {"type": "string", "format": "binary"}},
            }
        },
        **READ_ERRORS,
    },
    response_class=Response,
)
async def download_submission(
    submission_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    format: Literal["pdf", "docx"] = "pdf",
) -> Response:
    """The report as the unit sends it, PDF/A or DOCX in the Decree 30/2020 layout (the PDF
    unsigned: signed versions are under /submissions/{id}/documents)."""
    sub = await submissions.get(session, actor=principal, submission_id=submission_id)
    layout = await report_files.submission_layout(session, actor=principal, sub=sub)
    names = report_layout.file_names(layout, "Báo cáo", (sub.org_unit.code, sub.org_unit.name))
    if format == "docx":
        return _download(report_docx.render(layout), DOCX_TYPE, names, ".docx")
    return _download(report_pdf.render(layout), PDF_TYPE, names, ".pdf")


@submissions_router.patch(
    "/{submission_id}", response_model=SubmissionSaved, responses=WRITE_ERRORS
)
async def save_submission(
    submission_id: uuid.UUID,
    body: SubmissionUpdate,
    version: IfMatch,
    principal: WritingPrincipal,
    session: DbSession,
    response: Response,
) -> SubmissionSaved:
    """Autosave a draft (only what changed). A stale If-Match gets 412 and nothing is lost."""
    saved = await submission_drafts.save(
        session, actor=principal, submission_id=submission_id, expected_version=version, data=body
    )
    response.headers["ETag"] = etag(saved.version)
    return saved


@submissions_router.post(
    "/{submission_id}/submit", response_model=SubmissionRead, responses=WRITE_ERRORS
)
async def submit_submission(
    submission_id: uuid.UUID,
    version: IfMatch,
    principal: WritingPrincipal,
    session: DbSession,
    response: Response,
) -> SubmissionRead:
    """File the report: it locks, its values become submitted, late if after the due date."""
    moved = await submission_workflow.submit(
        session, actor=principal, submission_id=submission_id, expected_version=version
    )
    return await _answer(session, principal, moved, response)


@submissions_router.post(
    "/{submission_id}/return", response_model=SubmissionRead, responses=WRITE_ERRORS
)
async def return_submission(
    submission_id: uuid.UUID,
    body: ReturnIn,
    version: IfMatch,
    principal: WritingPrincipal,
    session: DbSession,
    response: Response,
) -> SubmissionRead:
    """Send a filed report back with comments; the unit can edit and submit it again."""
    moved = await submission_workflow.return_submission(
        session,
        actor=principal,
        submission_id=submission_id,
        expected_version=version,
        comment=body.comment,
    )
    return await _answer(session, principal, moved, response)


@submissions_router.post(
    "/{submission_id}/accept", response_model=SubmissionRead, responses=WRITE_ERRORS
)
async def accept_submission(
    submission_id: uuid.UUID,
    body: ReviewIn,
    version: IfMatch,
    principal: WritingPrincipal,
    session: DbSession,
    response: Response,
) -> SubmissionRead:
    """Accept a filed report; its values become accepted."""
    moved = await submission_workflow.accept(
        session,
        actor=principal,
        submission_id=submission_id,
        expected_version=version,
        comment=body.comment,
    )
    return await _answer(session, principal, moved, response)


@submissions_router.get(
    "/{submission_id}/revisions", response_model=RevisionPage, responses=READ_ERRORS
)
async def list_submission_revisions(
    submission_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> RevisionPage:
    """Every filed, returned and accepted version of the report, oldest first, in one page."""
    sub = await submissions.get(session, actor=principal, submission_id=submission_id)
    return RevisionPage(items=await submission_workflow.revisions(session, sub))


@submissions_router.get(
    "/{submission_id}/revisions/{number}", response_model=Revision, responses=READ_ERRORS
)
async def get_submission_revision(
    submission_id: uuid.UUID,
    number: int,
    principal: CurrentPrincipal,
    session: DbSession,
) -> Revision:
    """One revision with the whole report as it was."""
    sub = await submissions.get(session, actor=principal, submission_id=submission_id)
    return await submission_workflow.revision(session, sub, number)


@submissions_router.get("/{submission_id}/diff", response_model=Diff, responses=READ_ERRORS)
async def diff_submission(
    submission_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
    from_: Annotated[int | None, Query(alias="from", ge=1)] = None,
    to: Annotated[int | None, Query(ge=1)] = None,
) -> Diff:
    """What changed between two revisions (default: the latest against the report now)."""
    sub = await submissions.get(session, actor=principal, submission_id=submission_id)
    return await submission_workflow.compare(session, sub, from_, to)


@submissions_router.post(
    "/{submission_id}/attachments",
    response_model=StoredFileRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 409, 412, 413, 422, 428, 507),
)
async def upload_submission_attachment(
    submission_id: uuid.UUID,
    file: Annotated[UploadFile, File(description="PDF, Word, Excel, OpenDocument, JPEG, PNG")],
    version: IfMatch,
    principal: WritingPrincipal,
    session: DbSession,
    response: Response,
) -> StoredFileRead:
    """Attach a file to a draft report (checked by its content, at most 20 MB); the report's
    version moves on, so send the new ETag with the next save."""
    sub, stored = await attachments.upload(
        session,
        actor=principal,
        submission_id=submission_id,
        expected_version=version,
        filename=file.filename,
        data=await file.read(),
    )
    response.headers["ETag"] = etag(sub.version)
    response.headers["Location"] = submissions.attachment_read(stored).url
    return submissions.attachment_read(stored)


@submissions_router.get(
    "/{submission_id}/attachments/{attachment_id}",
    responses={
        200: {
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            }
        },
        **READ_ERRORS,
    },
    response_class=Response,
)
async def download_submission_attachment(
    submission_id: uuid.UUID,
    attachment_id: uuid.UUID,
    principal: CurrentPrincipal,
    session: DbSession,
) -> Response:
    """A file of a report, to whoever may read the report; always as a download."""
    stored = await attachments.get(
        session, actor=principal, submission_id=submission_id, attachment_id=attachment_id
    )
    return responses.download(stored_files.as_download(stored))


@submissions_router.delete(
    "/{submission_id}/attachments/{attachment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=WRITE_ERRORS,
    response_class=Response,
)
async def delete_submission_attachment(
    submission_id: uuid.UUID,
    attachment_id: uuid.UUID,
    version: IfMatch,
    principal: WritingPrincipal,
    session: DbSession,
) -> Response:
    """Remove a file from a draft report (the audit keeps its name and checksum)."""
    sub = await attachments.delete(
        session,
        actor=principal,
        submission_id=submission_id,
        attachment_id=attachment_id,
        expected_version=version,
    )
    return Response(status_code=204, headers={"ETag": etag(sub.version)})


@submissions_router.post(
    "/{submission_id}/legacy-docx",
    response_model=LegacyImportResult,
    responses=problem_responses(401, 403, 404, 409, 412, 413, 422, 428, 507),
)
async def import_legacy_report(
    submission_id: uuid.UUID,
    file: Annotated[UploadFile, File(description="Báo cáo DOCX có bảng phụ lục nhiệm vụ")],
    version: IfMatch,
    principal: WritingPrincipal,
    session: DbSession,
    response: Response,
) -> LegacyImportResult:
    """Fill the draft's task results from a Word report's appendix table (STT, task, lead,
    coordinating, result, note); rows that match no assigned task are listed, not guessed."""
    result = await legacy_submissions.import_docx(
        session,
        actor=principal,
        submission_id=submission_id,
        expected_version=version,
        data=await file.read(),
    )
    response.headers["ETag"] = etag(result.version)
    return result
