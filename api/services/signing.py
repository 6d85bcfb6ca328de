"""Signing a report: its PDF versions (frozen once signed), who may sign (a signer grant for
the issuing unit in the mode the signer block writes), the sessions of the interrupted flow,
signatures and their verification, every signing audited."""

import base64
import hashlib
import json
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from asn1crypto import pem as asn1_pem
from PIL import Image
from pyhanko.sign.signers import Signer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.access import Principal
from api.errors import Conflict, Forbidden, InvalidInput, NotFound
from api.models import (
    OrgUnit,
    Role,
    RoleAssignment,
    SignableDocument,
    Signature,
    SigningSession,
    Submission,
    User,
)
from api.schemas.signing import SignableDocumentRead, SignatureRead, SigningSessionRead
from api.services import (
    audit,
    compilation,
    pades,
    report_files,
    report_pdf,
    report_requests,
    seals,
    signature_image,
)
from api.services import submissions as submissions_service
from api.services.report_layout import ReportLayout, of_compilation
from api.settings import get_settings
from api.text import fold

MODE_VI = {"KT": "ký thay", "TL": "thừa lệnh", "TM": "thay mặt", "": "ký trực tiếp"}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _content_sha(layout: ReportLayout) -> str:
    return _sha(
        json.dumps(asdict(layout), ensure_ascii=False, default=str, sort_keys=True).encode()
    )


# --- the subject: a compiled report or a unit's report ------------------------------------


@dataclass(frozen=True)
class Subject:
    """What is signed: a request's compiled report or a unit's report, with the unit that
    issues it and the layout its PDF is drawn from."""

    type: Literal["compilation", "submission"]
    id: uuid.UUID
    issuer: OrgUnit
    layout: ReportLayout


async def compilation_subject(
    session: AsyncSession, *, actor: Principal, request_id: uuid.UUID
) -> Subject:
    """A request's compiled report, for the requesting side only."""
    request = await report_requests.get(session, actor=actor, request_id=request_id)
    report_requests.require_requester_side(actor, request)
    compiled = await compilation.compile_request(
        session, actor=actor, request=request, include="submitted"
    )
    return Subject("compilation", request.id, request.requester, of_compilation(compiled))


async def submission_subject(
    session: AsyncSession, *, actor: Principal, submission_id: uuid.UUID
) -> Subject:
    sub = await submissions_service.get(session, actor=actor, submission_id=submission_id)
    layout = await report_files.submission_layout(session, actor=actor, sub=sub)
    return Subject("submission", sub.id, sub.org_unit, layout)


async def versions(
    session: AsyncSession, subject_type: str, subject_id: uuid.UUID
) -> list[SignableDocument]:
    rows = await session.scalars(
        select(SignableDocument)
        .where(
            SignableDocument.subject_type == subject_type,
            SignableDocument.subject_id == subject_id,
        )
        .order_by(SignableDocument.version)
    )
    return list(rows)


async def current_version(
    session: AsyncSession,
    *,
    actor: Principal,
    subject_type: str,
    subject_id: uuid.UUID,
    issuer: OrgUnit,
    layout: ReportLayout,
) -> SignableDocument:
    """The version that holds this content: the latest if nothing changed since it was drawn,
    else a new one. A signed version is never redrawn: an edit after signing is version n+1,
    unsigned, and the signed one stays as it was."""
    content = _content_sha(layout)
    existing = await versions(session, subject_type, subject_id)
    latest = existing[-1] if existing else None
    if latest is not None and latest.content_sha256 == content:
        return latest
    pdf = report_pdf.render(layout)
    doc = SignableDocument(
        id=uuid.uuid4(),
        subject_type=subject_type,
        subject_id=subject_id,
        version=(latest.version + 1) if latest else 1,
        issuer_unit_id=issuer.id,
        content_sha256=content,
        signer_mode=layout.signer_mode,
        signer_name=layout.signer_name,
        pdf=pdf,
        sha256=_sha(pdf),
        created_by=actor.user_id,
        created_at=datetime.now(UTC),
    )
    session.add(doc)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="render",
        entity_type="signable_document",
        entity_id=doc.id,
        after={
            "subject": f"{subject_type}/{subject_id}",
            "version": doc.version,
            "sha256": doc.sha256,
        },
    )
    return doc


# --- who signs ----------------------------------------------------------------------------


async def require_signer(
    session: AsyncSession, *, actor: Principal, issuer: OrgUnit, layout: ReportLayout
) -> None:
    """The caller holds a signer grant for the issuing unit allowing the signer block's mode,
    and is the person the signer block names."""
    await _require_grant(session, actor=actor, issuer=issuer, mode=layout.signer_mode or "")
    user = await session.get(User, actor.user_id)
    assert user is not None
    if not layout.signer_name or fold(layout.signer_name) != fold(user.full_name):
        raise Conflict(
            f"Khối chữ ký của văn bản ghi người ký là “{layout.signer_name or '(trống)'}”, "
            f"không phải {user.full_name}: sửa tên người ký trước khi ký."
        )


async def _require_grant(
    session: AsyncSession, *, actor: Principal, issuer: OrgUnit, mode: str | None
) -> None:
    """A signer grant reaching the issuing unit, allowing `mode` (None: any grant will do)."""
    grants = (
        await session.execute(
            select(RoleAssignment.signing_modes, RoleAssignment.include_subtree, OrgUnit.path)
            .join(OrgUnit, OrgUnit.id == RoleAssignment.org_unit_id)
            .where(RoleAssignment.user_id == actor.user_id, RoleAssignment.role == Role.signer)
        )
    ).all()
    covering = [
        modes
        for modes, subtree, path in grants
        if issuer.path == path or (subtree and issuer.path.startswith(path))
    ]
    if not covering:
        raise Forbidden(f"Bạn không được giao quyền ký văn bản của {issuer.name}.")
    if mode is not None and not any(modes is None or mode in modes for modes in covering):
        raise Forbidden(
            f"Quyền ký của bạn cho {issuer.name} không gồm hình thức "
            f"{mode + '. ' if mode else ''}({MODE_VI.get(mode, mode)})."
        )


# --- the interrupted flow ------------------------------------------------------------------


def _pem_chain(chain: list[Any]) -> str:
    return "".join(asn1_pem.armor("CERTIFICATE", c.dump()).decode() for c in chain)


async def start_session(
    session: AsyncSession,
    *,
    actor: Principal,
    subject: Subject,
    certificates: list[str],
) -> tuple[SigningSession, SignableDocument]:
    issuer, layout = subject.issuer, subject.layout
    actor.require_write()
    await require_signer(session, actor=actor, issuer=issuer, layout=layout)
    chain = pades.load_chain([_decode_cert(c) for c in certificates])
    image = signature_image.of_signer(actor.user.username)  # a broken one: 409, nothing made
    doc = await current_version(
        session,
        actor=actor,
        subject_type=subject.type,
        subject_id=subject.id,
        issuer=issuer,
        layout=layout,
    )
    if doc.signed_at is not None:
        raise Conflict(
            f"Phiên bản {doc.version} của văn bản này đã được ký; sửa văn bản sẽ tạo phiên bản "
            "mới để ký lại."
        )
    place = report_pdf.signature_place(layout)
    prepared = await pades.prepare(
        doc.pdf,
        chain,
        page=place.page,
        box=place.box,
        name=layout.signer_name or "",
        unit=issuer.name,
        reason=f"Ký {layout.kind.lower()}: {layout.title}"[:200],
        image=image,
    )
    now = datetime.now(UTC)
    row = SigningSession(
        id=uuid.uuid4(),
        document_id=doc.id,
        user_id=actor.user_id,
        signer_mode=layout.signer_mode,
        prepared_pdf=prepared.pdf,
        signed_attrs=prepared.signed_attrs,
        document_digest=prepared.document_digest,
        region_start=prepared.region[0],
        region_end=prepared.region[1],
        chain_pem=_pem_chain(chain),
        created_at=now,
        expires_at=now + timedelta(minutes=get_settings().signing_session_minutes),
    )
    session.add(row)
    await session.flush()
    return row, doc


def _decode_cert(text: str) -> bytes:
    if "-----BEGIN" in text:
        return text.encode()
    try:
        return base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise InvalidInput(
            "Chứng thư số phải là PEM hoặc DER mã hóa base64.",
            errors=[{"in": "body", "field": "certificates", "message": "Không phải base64"}],
        ) from exc


def to_sign(row: SigningSession) -> bytes:
    return hashlib.sha256(row.signed_attrs).digest()


async def get_session(
    session: AsyncSession, *, actor: Principal, session_id: uuid.UUID
) -> SigningSession:
    row = await session.get(SigningSession, session_id, with_for_update=True)
    if row is None or row.user_id != actor.user_id:
        raise NotFound(f"Không có phiên ký {session_id}.")
    return row


async def complete_session(
    session: AsyncSession, *, actor: Principal, session_id: uuid.UUID, signature: str
) -> Signature:
    actor.require_write()
    row = await get_session(session, actor=actor, session_id=session_id)
    if row.completed_at is not None:
        raise Conflict("Phiên ký này đã hoàn tất.")
    if row.expires_at <= datetime.now(UTC):
        raise Conflict("Phiên ký đã hết hạn: mở phiên mới rồi ký lại.")
    doc = await session.get(SignableDocument, row.document_id, with_for_update=True)
    assert doc is not None
    if doc.signed_at is not None:
        raise Conflict(f"Phiên bản {doc.version} đã được ký trong một phiên khác.")
    try:
        raw = base64.b64decode(signature, validate=True)
    except ValueError as exc:
        raise InvalidInput(
            "Chữ ký phải mã hóa base64.",
            errors=[{"in": "body", "field": "signature", "message": "Không phải base64"}],
        ) from exc
    settings = get_settings()
    prepared = pades.Prepared(
        pdf=row.prepared_pdf,
        signed_attrs=row.signed_attrs,
        document_digest=row.document_digest,
        region=(row.region_start, row.region_end),
        chain=[d for _, _, d in asn1_pem.unarmor(row.chain_pem.encode(), multiple=True)],
    )
    signed = await pades.finish(prepared, raw, tsa_url=settings.signing_tsa_url)
    row.completed_at = datetime.now(UTC)
    return await _record_signed(session, actor=actor, doc=doc, signed=signed, mode=row.signer_mode)


async def _record_signed(
    session: AsyncSession,
    *,
    actor: Principal | None,
    doc: SignableDocument,
    signed: bytes,
    mode: str | None,
) -> Signature:
    settings = get_settings()
    trust = pades.load_trust_store(settings.trust_dir)
    fetch = settings.signing_fetch_revocation
    long_term = await pades.add_revocation_data(signed, trust, fetch=fetch)
    if long_term != signed and settings.signing_tsa_url:
        # B-LT reached: the archive timestamp makes it B-LTA.
        long_term = await pades.add_archive_timestamp(
            long_term, trust, tsa_url=settings.signing_tsa_url, fetch=fetch
        )
    signed = long_term
    checked = (await verify_pdf(signed))[-1]
    now = datetime.now(UTC)
    doc.signed_pdf, doc.signed_sha256, doc.signed_at = signed, _sha(signed), now
    sig = Signature(
        id=uuid.uuid4(),
        document_id=doc.id,
        signer_user_id=actor.user_id if actor else None,
        signer_mode=mode,
        certificate_subject=checked.signer_subject or "",
        certificate_issuer=checked.signer_issuer or "",
        certificate_serial=checked.signer_serial or "",
        signing_time=checked.signing_time or now,
        verification=checked.result,
        verification_detail=checked.detail,
        level=checked.level,
        checked_at=now,
    )
    session.add(sig)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="sign",
        entity_type="signable_document",
        entity_id=doc.id,
        after={
            "subject": f"{doc.subject_type}/{doc.subject_id}",
            "version": doc.version,
            "signed_sha256": doc.signed_sha256,
            "certificate": sig.certificate_subject,
            "serial": sig.certificate_serial,
            "mode": mode,
            "verification": sig.verification,
            "level": sig.level,
        },
    )
    return sig


async def seal(
    session: AsyncSession,
    *,
    actor: Principal,
    subject: Subject,
) -> Signature:
    """A unit's seal: the current version signed on the server with the organisation's key
    (a PKCS#12 file or a PKCS#11 token under SIGNING_SEAL_DIR: api.services.seals), by a
    signer of the unit. The key is opened before anything is drawn or stored."""
    issuer = subject.issuer
    actor.require_write()
    await _require_grant(session, actor=actor, issuer=issuer, mode=None)
    image = signature_image.of_seal(issuer.code)  # a broken one: 409 before the key is opened
    async with seals.seal_signer(issuer) as key:
        return await _seal_with(session, actor=actor, subject=subject, key=key, image=image)


async def _seal_with(
    session: AsyncSession,
    *,
    actor: Principal,
    subject: Subject,
    key: Signer,
    image: Image.Image | None,
) -> Signature:
    issuer, layout = subject.issuer, subject.layout
    doc = await current_version(
        session,
        actor=actor,
        subject_type=subject.type,
        subject_id=subject.id,
        issuer=issuer,
        layout=layout,
    )
    await session.refresh(doc, with_for_update=True)
    if doc.signed_at is not None:
        raise Conflict(f"Phiên bản {doc.version} đã được ký.")
    place = report_pdf.signature_place(layout)
    signed = await pades.seal(
        doc.pdf,
        key,
        page=place.page,
        box=place.box,
        name=issuer.name,
        unit=issuer.name,
        reason="Đóng dấu của đơn vị",
        tsa_url=get_settings().signing_tsa_url,
        image=image,
    )
    return await _record_signed(session, actor=actor, doc=doc, signed=signed, mode=None)


# --- verification --------------------------------------------------------------------------


async def verify_pdf(pdf: bytes) -> list[pades.Verification]:
    settings = get_settings()
    return await pades.verify(
        pdf, pades.load_trust_store(settings.trust_dir), fetch=settings.signing_fetch_revocation
    )


async def document_of(
    session: AsyncSession, *, actor: Principal, document_id: uuid.UUID
) -> SignableDocument:
    """A version, to whoever may read its report."""
    doc = await session.get(SignableDocument, document_id)
    if doc is None:
        raise NotFound(f"Không có văn bản {document_id}.")
    try:
        if doc.subject_type == "compilation":
            request = await report_requests.get(session, actor=actor, request_id=doc.subject_id)
            report_requests.require_requester_side(actor, request)
        else:
            await submissions_service.get(session, actor=actor, submission_id=doc.subject_id)
    except Forbidden as exc:
        raise NotFound(f"Không có văn bản {document_id}.") from exc
    return doc


async def require_signed_submission(
    session: AsyncSession, *, actor: Principal, sub: Submission
) -> None:
    """A request that asks for signed reports takes a unit's report only once its signer has
    signed the report as it stands: any edit since makes a version to sign again."""
    layout = await report_files.submission_layout(session, actor=actor, sub=sub)
    content = _content_sha(layout)
    signed = await session.scalar(
        select(SignableDocument.id).where(
            SignableDocument.subject_type == "submission",
            SignableDocument.subject_id == sub.id,
            SignableDocument.content_sha256 == content,
            SignableDocument.signed_at.is_not(None),
        )
    )
    if signed is None:
        raise Conflict(
            "Yêu cầu này đòi báo cáo có chữ ký số: người ký của đơn vị cần ký bản hiện tại của "
            "báo cáo trước khi nộp (mọi sửa đổi sau khi ký phải ký lại)."
        )


# --- as the API answers them ---------------------------------------------------------


async def fresh_document(session: AsyncSession, document_id: uuid.UUID) -> SignableDocument:
    """A document version as the database holds it now (its signatures just written)."""
    doc = await session.get(SignableDocument, document_id, populate_existing=True)
    if doc is None:
        raise NotFound("Không có bản tài liệu này.")
    return doc


def document_read(doc: SignableDocument) -> SignableDocumentRead:
    return SignableDocumentRead(
        id=doc.id,
        subject_type=doc.subject_type,
        subject_id=doc.subject_id,
        version=doc.version,
        sha256=doc.sha256,
        signer_mode=doc.signer_mode,
        signer_name=doc.signer_name,
        created_at=doc.created_at,
        signed=doc.signed_at is not None,
        signed_at=doc.signed_at,
        signed_sha256=doc.signed_sha256,
        signatures=[SignatureRead.model_validate(s) for s in doc.signatures],
        download_url=f"/api/v1/signable-documents/{doc.id}/pdf",
    )


def session_read(row: SigningSession, doc: SignableDocument) -> SigningSessionRead:
    return SigningSessionRead(
        id=row.id,
        document_id=doc.id,
        version=doc.version,
        to_sign_digest=base64.b64encode(to_sign(row)).decode(),
        signed_attributes=base64.b64encode(row.signed_attrs).decode(),
        expires_at=row.expires_at,
        complete_url=f"/api/v1/signing-sessions/{row.id}/complete",
    )
