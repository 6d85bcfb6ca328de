"""Signed reports: the versions of a compiled report or a unit's report, signing sessions
for a key on a USB token, the signatures, and the verification of any signed PDF."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, Response, UploadFile, status

from api.deps import CurrentPrincipal, DbSession, WritingPrincipal
from api.errors import InvalidInput
from api.schemas.common import problem_responses
from api.schemas.signing import (
    SignableDocumentPage,
    SignableDocumentRead,
    SigningSessionComplete,
    SigningSessionCreate,
    SigningSessionRead,
    VerificationRead,
    VerifyResult,
)
from api.services import report_requests, signing, submissions
from api.settings import get_settings

router = APIRouter(tags=["signing"])
PREFIX = "/api/v1"
READ_ERRORS = problem_responses(401, 404, 422)
SIGN_ERRORS = problem_responses(401, 403, 404, 409, 422)
PDF: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}
}


@router.get(
    "/report-requests/{request_id}/compilation/documents",
    response_model=SignableDocumentPage,
    responses=READ_ERRORS,
)
async def list_compilation_documents(
    request_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> SignableDocumentPage:
    """Every PDF version of the compiled report, oldest first, with its signatures."""
    request = await report_requests.get(session, actor=principal, request_id=request_id)
    report_requests.require_requester_side(principal, request)
    docs = await signing.versions(session, "compilation", request_id)
    return SignableDocumentPage(items=[signing.document_read(d) for d in docs])


@router.post(
    "/report-requests/{request_id}/compilation/signing-sessions",
    response_model=SigningSessionRead,
    status_code=status.HTTP_201_CREATED,
    responses=SIGN_ERRORS,
)
async def start_compilation_signing(
    request_id: uuid.UUID,
    body: SigningSessionCreate,
    principal: WritingPrincipal,
    session: DbSession,
) -> SigningSessionRead:
    """Prepare the compiled report's PDF with its signature field and return the digest the
    signer's token must sign. Only a signer of the requesting unit, named on the signer block,
    in a mode their grant allows (403 otherwise)."""
    subject = await signing.compilation_subject(session, actor=principal, request_id=request_id)
    row, doc = await signing.start_session(
        session, actor=principal, subject=subject, certificates=body.certificates
    )
    return signing.session_read(row, doc)


@router.post(
    "/report-requests/{request_id}/compilation/seal",
    response_model=SignableDocumentRead,
    responses=SIGN_ERRORS,
)
async def seal_compilation(
    request_id: uuid.UUID, principal: WritingPrincipal, session: DbSession
) -> SignableDocumentRead:
    """Sign the compiled report's current version on the server with the requesting unit's
    seal (its organisation key, configured by the operator), by a signer of that unit."""
    subject = await signing.compilation_subject(session, actor=principal, request_id=request_id)
    sig = await signing.seal(session, actor=principal, subject=subject)
    return await _signed(session, sig.document_id)


async def _signed(session: DbSession, document_id: uuid.UUID) -> SignableDocumentRead:
    return signing.document_read(await signing.fresh_document(session, document_id))


@router.get(
    "/submissions/{submission_id}/documents",
    response_model=SignableDocumentPage,
    responses=READ_ERRORS,
)
async def list_submission_documents(
    submission_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> SignableDocumentPage:
    """Every PDF version of a unit's report, oldest first, with its signatures."""
    # Only whether the caller may see the report: no layout is drawn to list its versions.
    sub = await submissions.get(session, actor=principal, submission_id=submission_id)
    docs = await signing.versions(session, "submission", sub.id)
    return SignableDocumentPage(items=[signing.document_read(d) for d in docs])


@router.post(
    "/submissions/{submission_id}/signing-sessions",
    response_model=SigningSessionRead,
    status_code=status.HTTP_201_CREATED,
    responses=SIGN_ERRORS,
)
async def start_submission_signing(
    submission_id: uuid.UUID,
    body: SigningSessionCreate,
    principal: WritingPrincipal,
    session: DbSession,
) -> SigningSessionRead:
    """Prepare a unit's report for its signer (a signer of the unit, named on the signer
    block); returns the digest the token must sign."""
    subject = await signing.submission_subject(
        session, actor=principal, submission_id=submission_id
    )
    row, doc = await signing.start_session(
        session, actor=principal, subject=subject, certificates=body.certificates
    )
    return signing.session_read(row, doc)


@router.post(
    "/submissions/{submission_id}/seal",
    response_model=SignableDocumentRead,
    responses=SIGN_ERRORS,
)
async def seal_submission(
    submission_id: uuid.UUID, principal: WritingPrincipal, session: DbSession
) -> SignableDocumentRead:
    """Sign a unit's report on the server with the unit's seal, by a signer of the unit."""
    subject = await signing.submission_subject(
        session, actor=principal, submission_id=submission_id
    )
    sig = await signing.seal(session, actor=principal, subject=subject)
    return await _signed(session, sig.document_id)


@router.get(
    "/signing-sessions/{session_id}", response_model=SigningSessionRead, responses=READ_ERRORS
)
async def get_signing_session(
    session_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> SigningSessionRead:
    """One of the caller's own signing sessions: what to sign, until when."""
    row = await signing.get_session(session, actor=principal, session_id=session_id)
    return signing.session_read(row, await signing.fresh_document(session, row.document_id))


@router.post(
    "/signing-sessions/{session_id}/complete",
    response_model=SignableDocumentRead,
    responses=SIGN_ERRORS,
)
async def complete_signing_session(
    session_id: uuid.UUID,
    body: SigningSessionComplete,
    principal: WritingPrincipal,
    session: DbSession,
) -> SignableDocumentRead:
    """Send the token's signature: the server embeds it as a PAdES signature (B-T with a
    timestamp when a TSA is configured), verifies it and freezes the version."""
    sig = await signing.complete_session(
        session, actor=principal, session_id=session_id, signature=body.signature
    )
    return await _signed(session, sig.document_id)


@router.get(
    "/signable-documents/{document_id}",
    response_model=SignableDocumentRead,
    responses=READ_ERRORS,
)
async def get_signable_document(
    document_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> SignableDocumentRead:
    """One version of a report's PDF and its signatures."""
    return signing.document_read(
        await signing.document_of(session, actor=principal, document_id=document_id)
    )


@router.get(
    "/signable-documents/{document_id}/pdf",
    responses={**PDF, **READ_ERRORS},
    response_class=Response,
)
async def download_signable_document(
    document_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> Response:
    """The version's PDF: the signed file once signed, else the unsigned one."""
    doc = await signing.document_of(session, actor=principal, document_id=document_id)
    data, digest = (doc.signed_pdf, doc.signed_sha256) if doc.signed_pdf else (doc.pdf, doc.sha256)
    suffix = "-da-ky" if doc.signed_pdf else ""
    stem = "bao-cao-tong-hop" if doc.subject_type == "compilation" else "bao-cao"
    name = f"{stem}-v{doc.version}{suffix}.pdf"
    return Response(
        data,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "ETag": f'"{digest}"',
            "Cache-Control": "private, no-store",
        },
    )


@router.post(
    "/signatures/verify",
    response_model=VerifyResult,
    responses=problem_responses(401, 403, 413, 422),
)
async def verify_signed_pdf(
    file: Annotated[UploadFile, File(description="Tệp PDF đã ký")],
    principal: WritingPrincipal,
) -> VerifyResult:
    """Verify every signature of an uploaded PDF: intact or altered after signing, the chain
    against the trust store, validity at signing time, revocation (or said to be unknown)."""
    data = await file.read(get_settings().attachment_max_bytes + 1)
    if not data.startswith(b"%PDF-"):
        raise InvalidInput(
            "Tệp không phải PDF.",
            errors=[{"in": "body", "field": "file", "message": "Không phải PDF"}],
        )
    results = await signing.verify_pdf(data)
    return VerifyResult(
        signed=bool(results),
        signatures=[VerificationRead.model_validate(r, from_attributes=True) for r in results],
    )
