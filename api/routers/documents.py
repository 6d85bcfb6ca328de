"""Documents: register, read, list; parse a Vietnamese reference."""

import uuid
from typing import Annotated

from fastapi import APIRouter, File, Query, Response, UploadFile, status

from api import responses
from api.deps import CurrentPrincipal, DbSession, IfMatch, WritingPrincipal, etag
from api.errors import InvalidInput
from api.schemas.common import PageMeta, StoredFilePage, StoredFileRead, problem_responses
from api.schemas.document import DocumentCreate, DocumentPage, DocumentRead, ReferenceParsed
from api.services import attachments, documents, stored_files

router = APIRouter(prefix="/documents", tags=["documents"])

READ_ERRORS = problem_responses(401, 404, 422)
WRITE_ERRORS = problem_responses(401, 403, 404, 409, 422)


@router.get("", response_model=DocumentPage, responses=READ_ERRORS)
async def list_documents(
    _: CurrentPrincipal,
    session: DbSession,
    issuer_id: uuid.UUID | None = None,
    type: Annotated[str | None, Query(max_length=8)] = None,
    q: Annotated[str | None, Query(max_length=200, description="Tìm theo trích yếu, số")] = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> DocumentPage:
    """List registered documents, filtered and keyset-paged."""
    rows, next_cursor = await documents.list_documents(
        session, issuer_id=issuer_id, type=type, q=q, cursor=cursor, limit=limit
    )
    return DocumentPage(
        items=[documents.read_model(r) for r in rows], page=PageMeta(next_cursor=next_cursor)
    )


@router.get("/parse-reference", response_model=ReferenceParsed, responses=READ_ERRORS)
async def parse_document_reference(
    _: CurrentPrincipal, text: Annotated[str, Query(min_length=1, max_length=300)]
) -> ReferenceParsed:
    """Read "Kế hoạch số 142/KH-UBND ngày 21/11/2025" into its parts."""
    try:
        ref = documents.parse_reference(text)
    except ValueError as exc:
        raise InvalidInput(
            str(exc),
            errors=[{"in": "query", "field": "text", "message": str(exc), "code": "unreadable"}],
        ) from exc
    return ReferenceParsed(
        type=ref.type,
        type_name=documents.DOCUMENT_TYPES[ref.type],
        number=ref.number,
        symbol=ref.symbol,
        issued_on=ref.issued_on,
        party_style=ref.party_style,
        draft=ref.number is None,
        formatted=documents.format_reference(ref),
    )


@router.get("/{document_id}", response_model=DocumentRead, responses=READ_ERRORS)
async def get_document(
    document_id: uuid.UUID, _: CurrentPrincipal, session: DbSession, response: Response
) -> DocumentRead:
    """One registered document."""
    doc = await documents.get(session, document_id)
    response.headers["ETag"] = etag(doc.version)
    return documents.read_model(doc)


@router.post(
    "", response_model=DocumentRead, status_code=status.HTTP_201_CREATED, responses=WRITE_ERRORS
)
async def create_document(
    body: DocumentCreate, principal: WritingPrincipal, session: DbSession, response: Response
) -> DocumentRead:
    """Register a document issued by a unit the caller manages plans for."""
    doc = await documents.create(session, actor=principal, data=body)
    response.headers["ETag"] = etag(doc.version)
    response.headers["Location"] = f"/api/v1/documents/{doc.id}"
    return documents.read_model(doc)


@router.get("/{document_id}/attachments", response_model=StoredFilePage, responses=READ_ERRORS)
async def list_document_attachments(
    document_id: uuid.UUID, _: CurrentPrincipal, session: DbSession
) -> StoredFilePage:
    """The files of a document (the signed scan, appendices), in one page."""
    await documents.get(session, document_id)
    return StoredFilePage(
        items=[
            stored_files.file_read(f, _file_url(document_id, f.id))
            for f in await attachments.document_files(session, document_id)
        ]
    )


def _file_url(document_id: uuid.UUID, file_id: uuid.UUID) -> str:
    return f"/api/v1/documents/{document_id}/attachments/{file_id}"


@router.post(
    "/{document_id}/attachments",
    response_model=StoredFileRead,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403, 404, 412, 413, 422, 428, 507),
)
async def upload_document_attachment(
    document_id: uuid.UUID,
    file: Annotated[UploadFile, File(description="PDF, Word, Excel, OpenDocument, JPEG, PNG")],
    version: IfMatch,
    principal: WritingPrincipal,
    session: DbSession,
    response: Response,
) -> StoredFileRead:
    """Attach a file to a registered document (its issuer's plan managers); checked by its
    content, at most 20 MB; the document's version moves on."""
    doc, stored = await attachments.attach_to_document(
        session,
        actor=principal,
        document_id=document_id,
        expected_version=version,
        filename=file.filename,
        data=await file.read(),
    )
    url = _file_url(document_id, stored.id)
    response.headers["ETag"] = etag(doc.version)
    response.headers["Location"] = url
    return stored_files.file_read(stored, url)


@router.get(
    "/{document_id}/attachments/{attachment_id}",
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
async def download_document_attachment(
    document_id: uuid.UUID, attachment_id: uuid.UUID, _: CurrentPrincipal, session: DbSession
) -> Response:
    """A document's file, always as a download."""
    stored = await attachments.document_file(
        session, document_id=document_id, attachment_id=attachment_id
    )
    return responses.download(stored_files.as_download(stored))
