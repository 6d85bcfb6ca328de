"""PAdES signatures on a report's PDF (ETSI EN 319 142), with pyHanko: the interrupted flow
for a key that never leaves a USB token (prepare the field and the signed attributes here,
sign their digest on the person's machine, finish here), a server-side seal (a PKCS#12 file
or a PKCS#11 token), the long-term data (B-LT) and archive timestamp (B-LTA), and the
verification of any signed PDF against the configured trust store, with the level reached."""

import hashlib
import io
import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from asn1crypto import cms, crl, pem, x509
from cryptography import x509 as cx509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from PIL import Image
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument, TimestampDSSContentSettings
from pyhanko.sign.validation import async_validate_pdf_signature, async_validate_pdf_timestamp
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from api.errors import InvalidInput
from api.services import signature_stamp

FIELD = "ChuKy"
DIGEST = "sha256"
RESERVED = 24_576  # hex bytes for the CMS: a 4096-bit key, a chain of four, a timestamp
Verdict = Literal["valid", "altered", "untrusted", "expired", "revocation_unknown"]
# What the file carries for the signature (ETSI EN 319 142-1): B-B the signature; B-T with a
# timestamp; B-LT with the chain's revocation data in the document security store; B-LTA
# with an intact document timestamp over all that.
Level = Literal["B-B", "B-T", "B-LT", "B-LTA"]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prepared:
    """What a signing session keeps between the two calls."""

    pdf: bytes  # with the field and a hole for the signature
    signed_attrs: bytes  # DER of the CMS signed attributes the key must sign
    document_digest: bytes
    region: tuple[int, int]
    chain: list[bytes]  # DER, the signer's certificate first

    @property
    def to_sign_digest(self) -> bytes:
        """What the token signs (it hashes nothing itself): SHA-256 of the signed attributes."""
        return hashlib.sha256(self.signed_attrs).digest()


@dataclass(frozen=True)
class Verification:
    result: Verdict
    detail: str
    signer_subject: str | None = None
    signer_issuer: str | None = None
    signer_serial: str | None = None
    signing_time: datetime | None = None
    level: Level = "B-B"


def load_chain(items: list[bytes]) -> list[x509.Certificate]:
    """Certificates sent as PEM or DER, the signer's first."""
    certs: list[x509.Certificate] = []
    for n, raw in enumerate(items):
        try:
            if pem.detect(raw):
                for _, _, der in pem.unarmor(raw, multiple=True):
                    certs.append(x509.Certificate.load(der))
            else:
                certs.append(x509.Certificate.load(raw))
            certs[-1].native  # noqa: B018 (parses it all: a bad certificate fails here)
        except Exception as exc:
            raise InvalidInput(
                f"Chứng thư số thứ {n + 1} không đọc được (cần PEM hoặc DER).",
                errors=[{"in": "body", "field": f"certificates[{n}]", "message": str(exc)[:200]}],
            ) from exc
    if not certs:
        raise InvalidInput(
            "Cần chứng thư số của người ký.",
            errors=[{"in": "body", "field": "certificates", "message": "Trống"}],
        )
    return certs


def _pdf_signer(
    signer: signers.Signer,
    *,
    page: int,
    box: tuple[int, int, int, int],
    name: str,
    unit: str,
    reason: str,
    tsa_url: str | None,
    image: Image.Image | None,
) -> signers.PdfSigner:
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD,
        md_algorithm=DIGEST,
        subfilter=fields.SigSeedSubFilter.PADES,
        name=name,
        reason=reason,
        location=unit,
    )
    return signers.PdfSigner(
        meta,
        signer=signer,
        timestamper=timestamps.HTTPTimeStamper(tsa_url) if tsa_url else None,
        stamp_style=signature_stamp.style(name, unit, box=box, image=image),
        new_field_spec=fields.SigFieldSpec(FIELD, on_page=page, box=box),
    )


async def prepare(
    pdf: bytes,
    chain: list[x509.Certificate],
    *,
    page: int,
    box: tuple[int, int, int, int],
    name: str,
    unit: str,
    reason: str,
    image: Image.Image | None = None,
) -> Prepared:
    registry = SimpleCertificateStore.from_certs(chain)  # type: ignore[no-untyped-call]
    external = signers.ExternalSigner(chain[0], registry, signature_value=bytes(512))
    pdf_signer = _pdf_signer(
        external,
        page=page,
        box=box,
        name=name,
        unit=unit,
        reason=reason,
        tsa_url=None,
        image=image,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    digest, _tbs, output = await pdf_signer.async_digest_doc_for_signing(
        writer, bytes_reserved=RESERVED
    )
    attrs = await external.signed_attrs(digest.document_digest, DIGEST, use_pades=True)
    return Prepared(
        pdf=output.getvalue(),  # type: ignore[attr-defined]
        signed_attrs=attrs.dump(),
        document_digest=digest.document_digest,
        region=(digest.reserved_region_start, digest.reserved_region_end),
        chain=[c.dump() for c in chain],
    )


def _check_signature(cert: x509.Certificate, signature: bytes, data: bytes) -> None:
    """The token's signature must be the signer's over these attributes: else we would embed
    a signature that no one can verify."""
    public = cx509.load_der_x509_certificate(cert.dump()).public_key()
    try:
        if isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        else:
            raise InvalidSignature
    except InvalidSignature as exc:
        raise InvalidInput(
            "Chữ ký không khớp với chứng thư số và dữ liệu cần ký của phiên này.",
            errors=[{"in": "body", "field": "signature", "message": "Chữ ký không hợp lệ"}],
        ) from exc


async def finish(prepared: Prepared, signature: bytes, *, tsa_url: str | None = None) -> bytes:
    """Embed the token's signature (PAdES B-B; B-T when a TSA is configured)."""
    chain = [x509.Certificate.load(d) for d in prepared.chain]
    _check_signature(chain[0], signature, prepared.signed_attrs)
    registry = SimpleCertificateStore.from_certs(chain)  # type: ignore[no-untyped-call]
    external = signers.ExternalSigner(chain[0], registry, signature_value=signature)
    signed_cms = await external.async_sign_prescribed_attributes(
        DIGEST,
        signed_attrs=cms.CMSAttributes.load(prepared.signed_attrs),
        timestamper=timestamps.HTTPTimeStamper(tsa_url) if tsa_url else None,
    )
    output = io.BytesIO(prepared.pdf)
    await PdfTBSDocument.async_finish_signing(
        output, PreparedByteRangeDigest(prepared.document_digest, *prepared.region), signed_cms
    )
    return output.getvalue()


def p12_signer(p12: bytes, password: bytes | None) -> signers.Signer:
    """The organisation's key and certificate from a PKCS#12 file."""
    signer: signers.Signer | None = signers.SimpleSigner.load_pkcs12_data(
        p12, other_certs=[], passphrase=password
    )
    if signer is None:
        raise InvalidInput("Không mở được tệp PKCS#12 của đơn vị (sai mật khẩu?).")
    return signer


async def seal(
    pdf: bytes,
    signer: signers.Signer,
    *,
    page: int,
    box: tuple[int, int, int, int],
    name: str,
    unit: str,
    reason: str,
    tsa_url: str | None = None,
    image: Image.Image | None = None,
) -> bytes:
    """Sign on the server with an organisation's key (a unit's seal): a PKCS#12 file's, or one
    that stays in a PKCS#11 token (pyHanko's PKCS11Signer)."""
    pdf_signer = _pdf_signer(
        signer,
        page=page,
        box=box,
        name=name,
        unit=unit,
        reason=reason,
        tsa_url=tsa_url,
        image=image,
    )
    out = await pdf_signer.async_sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)))
    data: bytes = out.getvalue()
    return data


# --- verification --------------------------------------------------------------------------


@dataclass(frozen=True)
class TrustStore:
    roots: list[x509.Certificate]
    crls: list[crl.CertificateList]


def load_trust_store(folder: Path | None) -> TrustStore:
    """Every PEM/DER certificate (*.pem, *.crt, *.cer, *.der) and CRL (*.crl) in the folder."""
    roots: list[x509.Certificate] = []
    crls: list[crl.CertificateList] = []
    if folder is None or not folder.is_dir():
        return TrustStore(roots, crls)
    for path in sorted(folder.iterdir()):
        suffix = path.suffix.lower()
        if suffix not in {".pem", ".crt", ".cer", ".der", ".crl"}:
            continue
        raw = path.read_bytes()
        ders = [d for _, _, d in pem.unarmor(raw, multiple=True)] if pem.detect(raw) else [raw]
        for der in ders:
            if suffix == ".crl":
                crls.append(crl.CertificateList.load(der))
            else:
                roots.append(x509.Certificate.load(der))
    return TrustStore(roots, crls)


async def add_revocation_data(pdf: bytes, trust: TrustStore, *, fetch: bool) -> bytes:
    """Embed the chain and its revocation data (CRLs, OCSP answers) in the document security
    store, so the signature can be checked long after (with a timestamp: PAdES B-LT). When
    no revocation data can be had, the file is returned as it was."""
    from pyhanko.sign.validation.dss import async_add_validation_info

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        sig = reader.embedded_regular_signatures[-1]
        context = ValidationContext(
            trust_roots=trust.roots,
            crls=trust.crls,
            allow_fetching=fetch,
            revocation_mode="require",
        )
        out = await async_add_validation_info(sig, context)
    except Exception:  # no revocation data, an unknown chain: the file stays B-B / B-T
        return pdf
    data: bytes = out.getvalue()
    return data


async def add_archive_timestamp(
    pdf: bytes, trust: TrustStore, *, tsa_url: str, fetch: bool
) -> bytes:
    """PAdES B-LTA: a document timestamp over the whole B-LT file. The document security store
    first gets the validation data of the TSA's own chain, so the timestamp covers it too and
    can be renewed before the TSA's certificate expires. When the TSA does not answer, the
    file stays B-LT (said so in the log, and by the level its verification reports)."""
    stamper = signers.PdfTimeStamper(timestamps.HTTPTimeStamper(tsa_url))
    context = ValidationContext(
        trust_roots=trust.roots, crls=trust.crls, allow_fetching=fetch, revocation_mode="soft-fail"
    )
    dss = TimestampDSSContentSettings(update_before_ts=True, include_vri=False)
    for vc in (context, None):  # without the TSA's chain in the DSS when it does not validate
        try:
            out = await stamper.async_timestamp_pdf(
                IncrementalPdfFileWriter(io.BytesIO(pdf)),
                DIGEST,
                validation_context=vc,
                dss_settings=dss,
            )
        except Exception as exc:
            log.warning("document timestamp (PAdES B-LTA) failed: %s", exc, exc_info=vc is None)
            continue
        data: bytes = out.getvalue()
        return data
    return pdf


def _name(name: x509.Name) -> str:
    return str(name.human_friendly)


def _context(trust: TrustStore, *, fetch: bool, mode: str) -> ValidationContext:
    return ValidationContext(
        trust_roots=trust.roots, crls=trust.crls, allow_fetching=fetch, revocation_mode=mode
    )


async def verify(pdf: bytes, trust: TrustStore, *, fetch: bool = False) -> list[Verification]:
    """Each signature of the PDF: intact or altered, its chain against the trust store, the
    certificate's validity at signing time, and revocation — checked against the CRLs in the
    trust store (or fetched, when allowed); otherwise said to be unknown. With each, the PAdES
    level the file reaches for it; a document timestamp that is no longer intact means the
    file was changed after it: altered."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_regular_signatures)
        stamps = list(reader.embedded_timestamp_signatures)
    except Exception as exc:
        raise InvalidInput(
            "Không đọc được tệp PDF.",
            errors=[{"in": "body", "field": "file", "message": str(exc)[:200]}],
        ) from exc
    intact: list[tuple[int, bool]] = []  # (revision, intact) of each document timestamp
    for stamp in stamps:
        try:
            status = await async_validate_pdf_timestamp(
                stamp, _context(trust, fetch=fetch, mode="soft-fail")
            )
            ok = bool(status.intact and status.valid)
        except Exception:
            ok = False
        intact.append((stamp.signed_revision, ok))
    try:
        dss = reader.root["/DSS"]
    except KeyError:
        dss = {}
    revocation_data = any(key in dss and len(dss[key]) > 0 for key in ("/CRLs", "/OCSPs"))
    results: list[Verification] = []
    for sig in embedded:
        after = [ok for revision, ok in intact if revision > sig.signed_revision]
        checked = await _verify_one(sig, trust, fetch=fetch)
        if not all(after):
            checked = Verification(
                "altered",
                "Dấu thời gian lưu trữ (PAdES B-LTA) không còn nguyên vẹn: tệp đã bị thay đổi "
                "sau khi ký.",
                checked.signer_subject,
                checked.signer_issuer,
                checked.signer_serial,
                checked.signing_time,
            )
        level = _level(sig, archived=any(after), revocation_data=revocation_data)
        results.append(replace(checked, level=level))
    return results


def _level(sig: Any, *, archived: bool, revocation_data: bool) -> Level:
    unsigned = sig.signer_info["unsigned_attrs"].native or []
    timestamped = any(a["type"] == "signature_time_stamp_token" for a in unsigned)
    if not (timestamped or archived):
        return "B-B"
    if not revocation_data:
        return "B-T"
    return "B-LTA" if archived else "B-LT"


async def _verify_one(sig: object, trust: TrustStore, *, fetch: bool) -> Verification:
    from pyhanko.sign.validation.status import PdfSignatureStatus

    cert = sig.signer_cert  # type: ignore[attr-defined]
    who: dict[str, Any] = {
        "signer_subject": _name(cert.subject),
        "signer_issuer": _name(cert.issuer),
        "signer_serial": format(cert.serial_number, "X"),
    }
    signing_time = sig.self_reported_timestamp  # type: ignore[attr-defined]

    async def run(mode: str) -> PdfSignatureStatus:
        context = _context(trust, fetch=fetch, mode=mode)
        status: PdfSignatureStatus = await async_validate_pdf_signature(sig, context)  # type: ignore[arg-type]
        return status

    try:
        status = await run("require")
    except Exception as exc:  # a damaged signature dictionary or CMS is an altered file
        return Verification("altered", f"Không kiểm tra được chữ ký: {exc}"[:500], **who)
    when = status.signer_reported_dt or signing_time
    if not (status.intact and status.valid) or not status.docmdp_ok:
        return Verification("altered", "Tệp đã bị thay đổi sau khi ký.", signing_time=when, **who)
    if status.coverage is None or status.coverage.name not in ("ENTIRE_FILE", "ENTIRE_REVISION"):
        return Verification("altered", "Chữ ký không phủ toàn bộ tệp.", signing_time=when, **who)
    level = status.modification_level
    if (
        status.coverage.name == "ENTIRE_REVISION"
        and level is not None
        and level.name not in ("NONE", "LTA_UPDATES")
    ):
        return Verification(
            "altered", "Tệp có nội dung được thêm sau khi ký.", signing_time=when, **who
        )
    if status.trusted:
        return Verification("valid", "Chữ ký hợp lệ, tệp còn nguyên vẹn.", signing_time=when, **who)
    at = when or datetime.now(UTC)
    native = cert["tbs_certificate"]["validity"].native
    if not native["not_before"] <= at <= native["not_after"]:
        return Verification(
            "expired",
            "Chứng thư số đã hết hạn (hoặc chưa có hiệu lực) vào thời điểm ký.",
            signing_time=when,
            **who,
        )
    indic = status.trust_problem_indic
    if indic is not None and "REVOKED" in str(indic):
        return Verification(
            "untrusted", "Chứng thư số đã bị thu hồi trước khi ký.", signing_time=when, **who
        )
    soft = await run("soft-fail")
    if soft.trusted:
        return Verification(
            "revocation_unknown",
            "Tệp nguyên vẹn, chứng thư tin cậy; chưa kiểm tra được tình trạng thu hồi "
            "(không có CRL/OCSP).",
            signing_time=when,
            **who,
        )
    return Verification(
        "untrusted",
        "Chứng thư số không chuỗi về một gốc tin cậy đã cấu hình"
        + (f" ({indic})" if indic else "")
        + ".",
        signing_time=when,
        **who,
    )
