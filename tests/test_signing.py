"""Signed reports: the interrupted PAdES flow (the digest signed outside the server, as a USB
token does), who may sign, frozen versions, and verification: valid, altered, untrusted,
expired, revocation unknown."""

import contextlib
import datetime as dt
import io
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api import signing_ca
from api.errors import InvalidInput
from api.models import AuditEvent
from api.services import pades, report_pdf
from api.services.report_layout import Appendix, ReportLayout
from api.settings import get_settings
from api.signing_client import Pkcs11Token, Token, open_token, sign_session
from tests.conftest import Login, assert_problem
from tests.reporting import REQUESTS, SUBMISSIONS, seed_request, submission_of

PASSWORD = "healthplan"


@dataclass
class Pki:
    ca: signing_ca.Issued
    trust: Path
    tokens: dict[str, Token]


def _token(holder: signing_ca.Issued, ca: signing_ca.Issued) -> Token:
    return open_token(signing_ca.p12(holder, ca, PASSWORD.encode()), PASSWORD)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pki]:
    """A test CA in the trust store (with its CRL: revocation is checked, no network), the
    demo signers' tokens, and three bad ones: another CA's, an expired, and one the CA never
    published a CRL for (revocation unknown)."""
    trust = tmp_path_factory.mktemp("trust")
    ca = signing_ca.make_root()
    other = signing_ca.make_root("Another CA")
    quiet = signing_ca.make_root("CA without CRL")
    revoked = signing_ca.issue(ca, "Nguyễn Văn Hùng", "Sở Y tế")
    (trust / "root.pem").write_bytes(signing_ca.pem(ca.cert))
    (trust / "root.crl").write_bytes(signing_ca.crl(ca, [revoked.cert]))
    (trust / "quiet.pem").write_bytes(signing_ca.pem(quiet.cert))
    now = dt.datetime.now(dt.UTC)
    tokens = {
        "syt.pgd": _token(signing_ca.issue(ca, "Nguyễn Văn Hùng", "Sở Y tế"), ca),
        "sonhai.pct": _token(signing_ca.issue(ca, "Nguyễn Văn Hải", "UBND xã Sơn Hải"), ca),
        "foreign": _token(signing_ca.issue(other, "Nguyễn Văn Hùng", "Sở Y tế"), other),
        "expired": _token(
            signing_ca.issue(
                ca,
                "Nguyễn Văn Hùng",
                "Sở Y tế",
                not_before=now - dt.timedelta(days=400),
                not_after=now - dt.timedelta(days=1),
            ),
            ca,
        ),
        "quiet": _token(signing_ca.issue(quiet, "Nguyễn Văn Hùng", "Sở Y tế"), quiet),
        "revoked": _token(revoked, ca),
    }
    settings = get_settings()
    before = settings.signing_trust_dir
    settings.signing_trust_dir = trust
    yield Pki(ca, trust, tokens)
    settings.signing_trust_dir = before


async def _name_the_signer(client: httpx.AsyncClient, login: Login, request_id: str) -> None:
    """The Sở's officer writes the signer's name in the compiled report's signer block."""
    manager = await login("syt.kehoach")
    url = f"{REQUESTS}/{request_id}/compilation"
    version = (await client.get(url, headers=manager)).headers["ETag"]
    r = await client.patch(
        url,
        json={"signer_name": "Nguyễn Văn Hùng"},
        headers={**manager, "If-Match": version},
    )
    assert r.status_code == 200, r.text


def _inside_a_stream(pdf: bytes) -> int:
    """An offset in the middle of the first long stream (compressed page content): a change
    there leaves the file readable, only its bytes differ from what was signed."""
    at = 0
    while True:
        start = pdf.index(b"stream\n", at) + len(b"stream\n")
        end = pdf.index(b"endstream", start)
        if end - start > 400:
            return start + (end - start) // 2
        at = end


async def _sign_compilation(
    client: httpx.AsyncClient,
    login: Login,
    request_id: str,
    token: Token | Pkcs11Token,
    who: str = "syt.pgd",
) -> dict[str, Any]:
    return await _sign(client, await login(who), f"{REQUESTS}/{request_id}/compilation", token)


async def _sign(
    client: httpx.AsyncClient, signer: dict[str, str], report_url: str, token: Token | Pkcs11Token
) -> dict[str, Any]:
    """The interrupted flow on a report (its compilation's or a unit's URL): a session for the
    token's chain, the digest signed by the token, the signed version."""
    r = await client.post(
        f"{report_url}/signing-sessions",
        json={"certificates": token.certificates},
        headers=signer,
    )
    assert r.status_code == 201, r.text
    started = r.json()
    # The token signs the digest on the signer's machine; only the signature comes back.
    r = await client.post(
        started["complete_url"], json=sign_session(token, started), headers=signer
    )
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_compilation_signed_through_the_interrupted_flow_is_valid(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, pki: Pki
) -> None:
    request = await seed_request(client, await login("syt.thamdinh"))
    await _name_the_signer(client, login, request["id"])
    signed = await _sign_compilation(client, login, request["id"], pki.tokens["syt.pgd"])
    assert signed["version"] == 1 and signed["signed"]
    [sig] = signed["signatures"]
    assert sig["verification"] == "valid", sig
    assert sig["signer_mode"] == "KT" and "Nguyễn Văn Hùng" in sig["certificate_subject"]
    assert sig["level"] == "B-B"  # no TSA: the CRL travels in the file, but no timestamp

    # The reviewer sees it signed and valid, and downloads the signed PDF.
    reviewer = await login("syt.thamdinh")
    r = await client.get(f"{REQUESTS}/{request['id']}/compilation/documents", headers=reviewer)
    assert [(d["version"], d["signed"]) for d in r.json()["items"]] == [(1, True)]
    r = await client.get(signed["download_url"], headers=reviewer)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert 'filename="bao-cao-tong-hop-v1-da-ky.pdf"' in r.headers["content-disposition"]
    pdf = r.content
    text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "38,46 %" in text and "864/864" in text and "Nguyễn Văn Hùng" in text
    # The PAdES signature is the PDF's own: anyone's verifier finds it.
    r = await client.post(
        "/api/v1/signatures/verify",
        files={"file": ("bc.pdf", pdf, "application/pdf")},
        headers=reviewer,
    )
    assert r.status_code == 200, r.text
    assert [s["result"] for s in r.json()["signatures"]] == ["valid"]
    assert r.json()["signatures"][0]["signer_subject"].find("Nguyễn Văn Hùng") >= 0
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    sig_dict = root["/AcroForm"]["/Fields"][0].get_object()
    assert sig_dict["/V"]["/SubFilter"] == "/ETSI.CAdES.detached"
    # The chain and the CA's CRL travel in the file (document security store).
    assert len(root["/DSS"]["/CRLs"]) == 1 and len(root["/DSS"]["/Certs"]) >= 2

    events = (await session.scalars(select(AuditEvent).where(AuditEvent.action == "sign"))).all()
    assert any(e.entity_id == signed["id"] for e in events)

    # Nobody else reads it: a commune's reporter gets 404.
    other = await login("lucngan.baocao")
    assert (await client.get(signed["download_url"], headers=other)).status_code == 404


async def test_one_byte_changed_after_signing_is_altered(
    client: httpx.AsyncClient, login: Login, pki: Pki
) -> None:
    request = await seed_request(client, await login("syt.thamdinh"))
    await _name_the_signer(client, login, request["id"])
    signed = await _sign_compilation(client, login, request["id"], pki.tokens["syt.pgd"])
    reviewer = await login("syt.thamdinh")
    pdf = bytearray((await client.get(signed["download_url"], headers=reviewer)).content)
    pdf[_inside_a_stream(bytes(pdf))] ^= 0x01
    r = await client.post(
        "/api/v1/signatures/verify",
        files={"file": ("bc.pdf", bytes(pdf), "application/pdf")},
        headers=reviewer,
    )
    assert r.status_code == 200, r.text
    assert [s["result"] for s in r.json()["signatures"]] == ["altered"]


@pytest.mark.parametrize(
    ("token", "verdict"),
    [
        ("foreign", "untrusted"),
        ("expired", "expired"),
        ("quiet", "revocation_unknown"),
        ("revoked", "untrusted"),
    ],
)
async def test_bad_certificates_are_named(
    client: httpx.AsyncClient, login: Login, pki: Pki, token: str, verdict: str
) -> None:
    request = await seed_request(client, await login("syt.thamdinh"))
    await _name_the_signer(client, login, request["id"])
    signed = await _sign_compilation(client, login, request["id"], pki.tokens[token])
    assert [s["verification"] for s in signed["signatures"]] == [verdict]
    if token == "revoked":
        assert "thu hồi" in signed["signatures"][0]["verification_detail"]


async def test_edit_after_signing_makes_a_new_unsigned_version(
    client: httpx.AsyncClient, login: Login, pki: Pki
) -> None:
    request = await seed_request(client, await login("syt.thamdinh"))
    await _name_the_signer(client, login, request["id"])
    first = await _sign_compilation(client, login, request["id"], pki.tokens["syt.pgd"])
    signer = await login("syt.pgd")
    kept = (await client.get(first["download_url"], headers=signer)).content

    # Unchanged, the signed version cannot be signed again.
    r = await client.post(
        f"{REQUESTS}/{request['id']}/compilation/signing-sessions",
        json={"certificates": pki.tokens["syt.pgd"].certificates},
        headers=signer,
    )
    assert_problem(r, 409)

    manager = await login("syt.kehoach")
    url = f"{REQUESTS}/{request['id']}/compilation"
    etag = (await client.get(url, headers=manager)).headers["ETag"]
    r = await client.patch(
        url, json={"title": "Tổng hợp kết quả (sửa)"}, headers={**manager, "If-Match": etag}
    )
    assert r.status_code == 200, r.text
    r = await client.post(
        f"{REQUESTS}/{request['id']}/compilation/signing-sessions",
        json={"certificates": pki.tokens["syt.pgd"].certificates},
        headers=signer,
    )
    assert r.status_code == 201, r.text
    assert r.json()["version"] == 2
    docs = (await client.get(f"{url}/documents", headers=signer)).json()["items"]
    assert [(d["version"], d["signed"]) for d in docs] == [(1, True), (2, False)]
    # The signed version is kept byte for byte.
    assert (await client.get(first["download_url"], headers=signer)).content == kept
    assert docs[0]["signed_sha256"] == first["signed_sha256"]


async def test_a_signer_without_the_grant_is_refused(
    client: httpx.AsyncClient, login: Login, pki: Pki
) -> None:
    request = await seed_request(client, await login("syt.thamdinh"))
    await _name_the_signer(client, login, request["id"])
    body = {"certificates": pki.tokens["syt.pgd"].certificates}
    url = f"{REQUESTS}/{request['id']}/compilation/signing-sessions"
    # A reviewer, a plan manager, even the province's admin: no signer grant for Sở Y tế.
    for who in ("syt.thamdinh", "syt.kehoach", "admin"):
        problem = assert_problem(await client.post(url, json=body, headers=await login(who)), 403)
        assert "quyền ký" in problem["detail"]
    # A signer of Sở Y tế in "KT." only: a "TL." signer block is refused.
    manager = await login("syt.kehoach")
    comp = f"{REQUESTS}/{request['id']}/compilation"
    etag = (await client.get(comp, headers=manager)).headers["ETag"]
    r = await client.patch(comp, json={"signer_mode": "TL"}, headers={**manager, "If-Match": etag})
    assert r.status_code == 200, r.text
    problem = assert_problem(await client.post(url, json=body, headers=await login("syt.pgd")), 403)
    assert "TL." in problem["detail"]
    # The commune's signer has no grant for the Sở either.
    r = await client.post(url, json=body, headers=await login("sonhai.pct"))
    assert r.status_code in (403, 404)


async def test_signer_block_must_name_the_signer(
    client: httpx.AsyncClient, login: Login, pki: Pki
) -> None:
    request = await seed_request(client, await login("syt.thamdinh"))
    r = await client.post(
        f"{REQUESTS}/{request['id']}/compilation/signing-sessions",
        json={"certificates": pki.tokens["syt.pgd"].certificates},
        headers=await login("syt.pgd"),
    )
    assert "Nguyễn Văn Hùng" in assert_problem(r, 409)["detail"]


async def test_a_unit_signs_its_own_report(
    client: httpx.AsyncClient, login: Login, pki: Pki
) -> None:
    reporter = await login("sonhai.baocao")
    request = await seed_request(client, reporter)
    sub = await submission_of(client, reporter, request["id"], "BN-SONHAI")
    signer = await login("sonhai.pct")
    token = pki.tokens["sonhai.pct"]
    r = await client.post(
        f"{SUBMISSIONS}/{sub['id']}/signing-sessions",
        json={"certificates": token.certificates},
        headers=signer,
    )
    assert r.status_code == 201, r.text
    started = r.json()
    r = await client.get(f"/api/v1/signing-sessions/{started['id']}", headers=signer)
    assert r.json()["to_sign_digest"] == started["to_sign_digest"]
    # Only the session's signer completes it.
    r = await client.post(
        started["complete_url"], json=sign_session(token, started), headers=reporter
    )
    assert r.status_code == 404
    # A signature by another key is refused, and the session stays open.
    wrong = sign_session(pki.tokens["syt.pgd"], started)
    assert_problem(await client.post(started["complete_url"], json=wrong, headers=signer), 422)
    r = await client.post(
        started["complete_url"], json=sign_session(token, started), headers=signer
    )
    assert r.status_code == 200, r.text
    assert r.json()["signatures"][0]["verification"] == "valid"
    assert r.json()["signatures"][0]["signer_mode"] == "TM"
    # The Sở's reviewer sees the unit's signed report.
    docs = await client.get(
        f"{SUBMISSIONS}/{sub['id']}/documents", headers=await login("syt.thamdinh")
    )
    assert [d["signed"] for d in docs.json()["items"]] == [True]
    # The Sở's signer cannot sign for the commune.
    r = await client.post(
        f"{SUBMISSIONS}/{sub['id']}/signing-sessions",
        json={"certificates": token.certificates},
        headers=await login("syt.pgd"),
    )
    assert r.status_code in (403, 404)


async def test_verify_endpoint_on_unsigned_and_non_pdf(
    client: httpx.AsyncClient, login: Login
) -> None:
    headers = await login("bn.xem")
    r = await client.post(
        "/api/v1/signatures/verify",
        files={"file": ("a.pdf", report_pdf.render(_layout()), "application/pdf")},
        headers=headers,
    )
    assert r.status_code == 200 and r.json() == {"signed": False, "signatures": []}
    r = await client.post(
        "/api/v1/signatures/verify",
        files={"file": ("a.pdf", b"hello", "text/plain")},
        headers=headers,
    )
    assert_problem(r, 422)


def _layout() -> ReportLayout:
    return ReportLayout(
        issuer_parent=None,
        issuer="Sở Y tế",
        reference="Số: 1/BC-SYT",
        place_and_date="Bắc Ninh, ngày 01 tháng 06 năm 2026",
        title="Báo cáo",
        preamble="Nội dung.",
        sections=[],
        recipients=["Lưu: VT."],
        signer_mode="KT",
        signer_authority="GIÁM ĐỐC",
        signer_position="PHÓ GIÁM ĐỐC",
        signer_name="Nguyễn Văn Hùng",
        appendices=[Appendix(1, "BẢNG", ["STT", "Nội dung"], [["1", "Một"]])],
    )


async def _signed_pdf(pki: Pki, holder: str = "syt.pgd") -> bytes:
    layout = _layout()
    place = report_pdf.signature_place(layout)
    held = pki.tokens[holder]
    prepared = await pades.prepare(
        report_pdf.render(layout),
        pades.load_chain([c.encode() for c in held.certificates]),
        page=place.page,
        box=place.box,
        name="Nguyễn Văn Hùng",
        unit="Sở Y tế",
        reason="Thử",
    )
    return await pades.finish(prepared, held.sign_digest(prepared.to_sign_digest))


async def test_server_side_seal_from_pkcs12(pki: Pki) -> None:
    seal = signing_ca.issue(pki.ca, "Sở Y tế tỉnh Bắc Ninh", "Sở Y tế")
    layout = _layout()
    place = report_pdf.signature_place(layout)
    signed = await pades.seal(
        report_pdf.render(layout),
        pades.p12_signer(signing_ca.p12(seal, pki.ca), signing_ca.DEMO_PASSWORD),
        page=place.page,
        box=place.box,
        name="Sở Y tế",
        unit="Sở Y tế",
        reason="Đóng dấu",
    )
    [checked] = await pades.verify(signed, pades.load_trust_store(pki.trust))
    assert checked.result == "valid"


async def test_a_signed_pdf_attached_to_a_report_is_verified_on_receipt(
    client: httpx.AsyncClient, login: Login, pki: Pki
) -> None:
    reporter = await login("lucngan.baocao")
    request = await seed_request(client, reporter)
    sub = await submission_of(client, reporter, request["id"], "BN-LUCNGAN")
    url = f"{SUBMISSIONS}/{sub['id']}/attachments"
    signed = await _signed_pdf(pki)
    r = await client.post(
        url,
        files={"file": ("cong-van-da-ky.pdf", signed, "application/pdf")},
        headers={**reporter, "If-Match": f'"{sub["version"]}"'},
    )
    assert r.status_code == 201, r.text
    [found] = r.json()["signatures"]
    assert found["result"] == "valid" and "Nguyễn Văn Hùng" in found["signer_subject"]
    tampered = bytearray(signed)
    tampered[_inside_a_stream(signed)] ^= 1
    r = await client.post(
        url,
        files={"file": ("sua.pdf", bytes(tampered), "application/pdf")},
        headers={**reporter, "If-Match": r.headers["ETag"]},
    )
    assert [s["result"] for s in r.json()["signatures"]] == ["altered"]
    r = await client.post(
        url,
        files={"file": ("anh.png", b"\x89PNG\r\n\x1a\n" + bytes(32), "image/png")},
        headers={**reporter, "If-Match": r.headers["ETag"]},
    )
    assert r.status_code == 201 and r.json()["signatures"] is None
    # Shown beside the file in the report.
    report = (await client.get(f"{SUBMISSIONS}/{sub['id']}", headers=reporter)).json()
    assert [
        [s["result"] for s in a["signatures"]] if a["signatures"] is not None else None
        for a in report["attachments"]
    ] == [["valid"], ["altered"], None]


async def test_an_admin_grants_signing_in_some_modes(
    client: httpx.AsyncClient, login: Login
) -> None:
    admin = await login("admin")
    r = await client.get("/api/v1/org-units", params={"q": "BN-SYT"}, headers=admin)
    syt = next(u["id"] for u in r.json()["items"] if u["code"] == "BN-SYT")
    body = {
        "username": "syt.gd",
        "full_name": "Trần Văn Giám",
        "org_unit_id": syt,
        "password": "Giam-doc-2026",
        "roles": [
            {"role": "signer", "org_unit_id": syt, "signing_modes": ["KT", "TL", "KT"]},
            {"role": "viewer", "org_unit_id": syt, "signing_modes": ["KT"]},
        ],
    }
    r = await client.post("/api/v1/users", json=body, headers=admin)
    assert r.status_code == 201, r.text
    modes = {g["role"]: g["signing_modes"] for g in r.json()["roles"]}
    assert modes == {"signer": ["KT", "TL"], "viewer": None}


async def test_a_request_for_signed_reports_takes_them_only_signed(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, pki: Pki
) -> None:
    from api.models import ReportRequest, User

    reporter = await login("lucngan.baocao")
    request = await seed_request(client, reporter)
    row = await session.get(ReportRequest, request["id"])
    assert row is not None
    row.signed_reports = True
    await session.flush()
    # The commune's chairman holds a signer grant for it (any mode).
    admin = await login("admin")
    r = await client.get("/api/v1/org-units", params={"q": "BN-LUCNGAN"}, headers=admin)
    unit = next(u["id"] for u in r.json()["items"] if u["code"] == "BN-LUCNGAN")
    r = await client.post(
        "/api/v1/users",
        json={
            "username": "lucngan.ct",
            "full_name": "Nguyễn Văn Hải",
            "org_unit_id": unit,
            "password": "Chu-tich-2026",
            "roles": [{"role": "signer", "org_unit_id": unit}],
        },
        headers=admin,
    )
    assert r.status_code == 201, r.text
    created = await session.get(User, r.json()["id"])
    assert created is not None
    created.must_change_password = False  # as if they had chosen their own
    await session.flush()
    signer = await login("lucngan.ct", "Chu-tich-2026")

    sub = await submission_of(client, reporter, request["id"], "BN-LUCNGAN")
    r = await client.patch(
        f"{SUBMISSIONS}/{sub['id']}",
        json={
            "sections": [{"key": "I", "heading": "Kết quả", "body": "Đã thực hiện."}],
            "signer_mode": "TM",
            "signer_name": "Nguyễn Văn Hải",
        },
        headers={**reporter, "If-Match": f'"{sub["version"]}"'},
    )
    assert r.status_code == 200, r.text
    version = r.json()["version"]
    submit = f"{SUBMISSIONS}/{sub['id']}/submit"
    unsigned = await client.post(submit, headers={**reporter, "If-Match": f'"{version}"'})
    assert "ký" in assert_problem(unsigned, 409)["detail"]

    # A certificate for Nguyễn Văn Hải.
    await _sign(client, signer, f"{SUBMISSIONS}/{sub['id']}", pki.tokens["sonhai.pct"])

    # An edit after signing must be signed again...
    r = await client.patch(
        f"{SUBMISSIONS}/{sub['id']}",
        json={"sections": [{"key": "I", "heading": "Kết quả", "body": "Đã thực hiện xong."}]},
        headers={**reporter, "If-Match": f'"{version}"'},
    )
    assert r.status_code == 200, r.text
    edited = r.json()["version"]
    again = await client.post(submit, headers={**reporter, "If-Match": f'"{edited}"'})
    assert_problem(again, 409)
    # ...and going back to the signed text is the signed version again.
    r = await client.patch(
        f"{SUBMISSIONS}/{sub['id']}",
        json={"sections": [{"key": "I", "heading": "Kết quả", "body": "Đã thực hiện."}]},
        headers={**reporter, "If-Match": f'"{edited}"'},
    )
    back = r.json()["version"]
    r = await client.post(submit, headers={**reporter, "If-Match": f'"{back}"'})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "submitted"


@contextlib.asynccontextmanager
async def _tsa(pki: Pki) -> AsyncIterator[str]:
    """An RFC 3161 TSA on localhost answering with pyHanko's test responder, its certificate
    issued by the test CA; yields its URL."""
    from aiohttp import web
    from asn1crypto import keys, tsp
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    issued = signing_ca.issue(pki.ca, "TSA thử nghiệm", "healthplan", timestamping=True)
    responder = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(issued.cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=keys.PrivateKeyInfo.load(
            issued.key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
    )

    async def answer(request: web.Request) -> web.Response:
        asked = tsp.TimeStampReq.load(await request.read())
        reply = await responder.async_request_tsa_response(asked)
        return web.Response(body=reply.dump(), content_type="application/timestamp-reply")

    app = web.Application()
    app.router.add_post("/tsa", answer)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/tsa"
    finally:
        await runner.cleanup()


async def test_a_configured_tsa_timestamps_the_signature(pki: Pki) -> None:
    """PAdES B-T: with SIGNING_TSA_URL the signature carries an RFC 3161 timestamp, fetched
    over HTTP (here from a TSA on localhost answering with pyHanko's test responder)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    async with _tsa(pki) as tsa_url:
        layout = _layout()
        place = report_pdf.signature_place(layout)
        held = pki.tokens["syt.pgd"]
        prepared = await pades.prepare(
            report_pdf.render(layout),
            pades.load_chain([c.encode() for c in held.certificates]),
            page=place.page,
            box=place.box,
            name="Nguyễn Văn Hùng",
            unit="Sở Y tế",
            reason="Thử",
        )
        signed = await pades.finish(
            prepared, held.sign_digest(prepared.to_sign_digest), tsa_url=tsa_url
        )
    [sig] = PdfFileReader(io.BytesIO(signed)).embedded_regular_signatures
    unsigned = sig.signer_info["unsigned_attrs"].native or []
    assert [a["type"] for a in unsigned] == ["signature_time_stamp_token"]
    [checked] = await pades.verify(signed, pades.load_trust_store(pki.trust))
    assert (checked.result, checked.level) == ("valid", "B-T")


async def test_with_a_tsa_the_signed_report_is_b_lta(
    client: httpx.AsyncClient, login: Login, pki: Pki
) -> None:
    """With a TSA and revocation data, a signature ends as PAdES B-LTA: signature timestamp,
    the chain and CRLs in the document security store, then a document timestamp over it all
    (the TSA's own chain added to the store first). The verify endpoint says the level; one
    byte changed under the document timestamp only (in the long-term data) is altered."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    request = await seed_request(client, await login("syt.thamdinh"))
    await _name_the_signer(client, login, request["id"])
    settings = get_settings()
    async with _tsa(pki) as tsa_url:
        settings.signing_tsa_url = tsa_url
        try:
            signed = await _sign_compilation(client, login, request["id"], pki.tokens["syt.pgd"])
        finally:
            settings.signing_tsa_url = None
    assert [(s["verification"], s["level"]) for s in signed["signatures"]] == [("valid", "B-LTA")]
    reviewer = await login("syt.thamdinh")
    pdf = (await client.get(signed["download_url"], headers=reviewer)).content
    reader = PdfFileReader(io.BytesIO(pdf))
    [sig] = reader.embedded_regular_signatures
    [stamp] = reader.embedded_timestamp_signatures
    assert stamp.signed_revision > sig.signed_revision
    assert stamp.sig_object["/SubFilter"] == "/ETSI.RFC3161"
    # The TSA's certificate is in the store too (added before the document timestamp).
    tsa_certs = [c for c in reader.root["/DSS"]["/Certs"] if b"TSA" in c.get_object().data]
    assert tsa_certs

    async def verified(data: bytes) -> list[tuple[str, str]]:
        r = await client.post(
            "/api/v1/signatures/verify",
            files={"file": ("bc.pdf", data, "application/pdf")},
            headers=reviewer,
        )
        assert r.status_code == 200, r.text
        return [(s["result"], s["level"]) for s in r.json()["signatures"]]

    assert await verified(pdf) == [("valid", "B-LTA")]
    # A byte the signature does not cover but the document timestamp does: in the CA's CRL
    # that the long-term data added to the store (the signature alone still checks out).
    *_, second, second_len = (int(x) for x in sig.sig_object["/ByteRange"])
    crl = reader.root["/DSS"]["/CRLs"][0].get_object().data
    at = pdf.index(crl, second + second_len) + len(crl) // 2
    tampered = bytearray(pdf)
    tampered[at] ^= 0x01
    [(result, _level)] = await verified(bytes(tampered))
    assert result == "altered"


async def test_a_unit_seals_its_report_on_the_server(
    client: httpx.AsyncClient, login: Login, pki: Pki, tmp_path: Path
) -> None:
    reporter = await login("sonhai.baocao")
    request = await seed_request(client, reporter)
    sub = await submission_of(client, reporter, request["id"], "BN-SONHAI")
    url = f"{SUBMISSIONS}/{sub['id']}/seal"
    signer = await login("sonhai.pct")
    settings = get_settings()
    # No seal configured for the unit: said so.
    assert "con dấu" in assert_problem(await client.post(url, headers=signer), 409)["detail"]
    seal = signing_ca.issue(pki.ca, "UBND xã Sơn Hải", "UBND xã Sơn Hải")
    (tmp_path / "BN-SONHAI.p12").write_bytes(signing_ca.p12(seal, pki.ca, b"con-dau"))
    (tmp_path / "BN-SONHAI.password").write_text("con-dau\n")
    settings.signing_seal_dir = tmp_path
    try:
        # Only a signer of the unit uses its seal.
        assert_problem(await client.post(url, headers=reporter), 403)
        r = await client.post(url, headers=signer)
        assert r.status_code == 200, r.text
        [sig] = r.json()["signatures"]
        assert sig["verification"] == "valid" and sig["signer_mode"] is None
        assert "UBND xã Sơn Hải" in sig["certificate_subject"]
        assert_problem(await client.post(url, headers=signer), 409)  # signed: frozen
    finally:
        settings.signing_seal_dir = None


_SIGNED: dict[str, bytes] = {}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(where=st.floats(min_value=0, max_value=1, exclude_max=True), bit=st.integers(0, 7))
async def test_no_change_to_a_signed_file_verifies_as_valid(
    pki: Pki, where: float, bit: int
) -> None:
    """Signed is frozen: flip any bit the signature covers and the file is never "valid"."""
    if "pdf" not in _SIGNED:
        _SIGNED["pdf"] = await _signed_pdf(pki)
    pdf = bytearray(_SIGNED["pdf"])
    reader = PdfReader(io.BytesIO(bytes(pdf)))
    byte_range = reader.trailer["/Root"]["/AcroForm"]["/Fields"][0].get_object()["/V"]["/ByteRange"]
    start, length, second, second_len = (int(x) for x in byte_range)
    covered = length + second_len
    offset = int(where * covered)
    at = start + offset if offset < length else second + (offset - length)
    pdf[at] ^= 1 << bit
    try:
        results = await pades.verify(bytes(pdf), pades.load_trust_store(pki.trust))
    except InvalidInput:
        return  # not even a readable PDF any more
    assert all(r.result != "valid" for r in results)
