"""The image in a visible signature block: a signer's handwritten signature
(SIGNING_IMAGE_DIR/<username>.png) or a unit's seal (SIGNING_SEAL_DIR/<CODE>.png) is drawn in
the signature's appearance, the signature still verifies; none configured, none drawn; a file
that is not a readable PNG, or a huge one, is refused with its name and nothing is stored."""

import io
import random
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from api import signing_ca
from api.errors import Conflict
from api.services import pades, signature_image
from api.settings import get_settings
from tests import test_signing
from tests.conftest import Login, assert_problem
from tests.reporting import REQUESTS, SUBMISSIONS, seed_request, submission_of
from tests.test_signing import Pki, _name_the_signer, _sign_compilation, _signed_pdf

pki = test_signing.pki  # the fixture: a test CA in the trust store, the signers' tokens


def _signature_png(path: Path, size: tuple[int, int] = (300, 100)) -> Path:
    """A blue stroke on a transparent background, as a scanned signature is kept."""
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    w, h = size
    ImageDraw.Draw(image).line(
        [(10, h * 0.7), (w * 0.3, h * 0.2), (w * 0.5, h * 0.8), (w * 0.9, h * 0.3)],
        fill=(20, 40, 160, 255),
        width=6,
    )
    image.save(path, "PNG")
    return path


def _seal_png(path: Path) -> Path:
    image = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse([5, 5, 195, 195], outline=(200, 0, 0, 255), width=8)
    draw.ellipse([40, 40, 160, 160], outline=(200, 0, 0, 255), width=4)
    image.save(path, "PNG")
    return path


def _images(xobject: Any) -> list[tuple[int, int]]:
    """The sizes of the image XObjects an appearance stream draws, through its forms."""
    found: list[tuple[int, int]] = []
    for ref in xobject.get("/Resources", {}).get("/XObject", {}).values():
        inner = ref.get_object()
        if inner["/Subtype"] == "/Image":
            found.append((int(inner["/Width"]), int(inner["/Height"])))
        elif inner["/Subtype"] == "/Form":
            found += _images(inner)
    return found


def _appearance_images(pdf: bytes) -> list[tuple[int, int]]:
    field = PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/AcroForm"]["/Fields"][0].get_object()
    widget = field if "/AP" in field else field["/Kids"][0].get_object()
    return _images(widget["/AP"]["/N"].get_object())


async def test_a_signers_image_is_drawn_and_the_signature_verifies(
    client: httpx.AsyncClient, login: Login, pki: Pki, tmp_path: Path
) -> None:
    request = await seed_request(client, await login("syt.thamdinh"))
    await _name_the_signer(client, login, request["id"])
    _signature_png(tmp_path / "syt.pgd.png")
    settings = get_settings()
    settings.signing_image_dir = tmp_path
    try:
        signed = await _sign_compilation(client, login, request["id"], pki.tokens["syt.pgd"])
    finally:
        settings.signing_image_dir = None
    [sig] = signed["signatures"]
    assert sig["verification"] == "valid", sig
    pdf = (await client.get(signed["download_url"], headers=await login("syt.thamdinh"))).content
    assert _appearance_images(pdf) == [(300, 100)]
    [checked] = await pades.verify(pdf, pades.load_trust_store(pki.trust))
    assert checked.result == "valid", checked.detail


async def test_without_an_image_for_the_signer_none_is_drawn(
    client: httpx.AsyncClient, login: Login, pki: Pki, tmp_path: Path
) -> None:
    assert _appearance_images(await _signed_pdf(pki)) == []  # no SIGNING_IMAGE_DIR
    request = await seed_request(client, await login("syt.thamdinh"))
    await _name_the_signer(client, login, request["id"])
    _signature_png(tmp_path / "someone.else.png")
    settings = get_settings()
    settings.signing_image_dir = tmp_path
    try:
        signed = await _sign_compilation(client, login, request["id"], pki.tokens["syt.pgd"])
    finally:
        settings.signing_image_dir = None
    pdf = (await client.get(signed["download_url"], headers=await login("syt.thamdinh"))).content
    assert _appearance_images(pdf) == []
    assert signed["signatures"][0]["verification"] == "valid"


async def test_a_broken_image_is_refused_by_name_and_nothing_is_stored(
    client: httpx.AsyncClient, login: Login, pki: Pki, tmp_path: Path
) -> None:
    request = await seed_request(client, await login("syt.thamdinh"))
    await _name_the_signer(client, login, request["id"])
    (tmp_path / "syt.pgd.png").write_bytes(b"GIF89a not a png at all")
    settings = get_settings()
    settings.signing_image_dir = tmp_path
    signer = await login("syt.pgd")
    try:
        r = await client.post(
            f"{REQUESTS}/{request['id']}/compilation/signing-sessions",
            json={"certificates": pki.tokens["syt.pgd"].certificates},
            headers=signer,
        )
    finally:
        settings.signing_image_dir = None
    detail = assert_problem(r, 409)["detail"]
    assert "SIGNING_IMAGE_DIR/syt.pgd.png" in detail and "PNG" in detail
    r = await client.get(f"{REQUESTS}/{request['id']}/compilation/documents", headers=signer)
    assert r.json()["items"] == []  # no version drawn, no session opened


async def test_a_units_seal_image_is_drawn_when_it_seals(
    client: httpx.AsyncClient, login: Login, pki: Pki, tmp_path: Path
) -> None:
    reporter = await login("sonhai.baocao")
    request = await seed_request(client, reporter)
    sub = await submission_of(client, reporter, request["id"], "BN-SONHAI")
    seal = signing_ca.issue(pki.ca, "UBND xã Sơn Hải", "UBND xã Sơn Hải")
    (tmp_path / "BN-SONHAI.p12").write_bytes(signing_ca.p12(seal, pki.ca, b"con-dau"))
    (tmp_path / "BN-SONHAI.password").write_text("con-dau\n")
    _seal_png(tmp_path / "BN-SONHAI.png")
    settings = get_settings()
    settings.signing_seal_dir = tmp_path
    signer = await login("sonhai.pct")
    try:
        r = await client.post(f"{SUBMISSIONS}/{sub['id']}/seal", headers=signer)
    finally:
        settings.signing_seal_dir = None
    assert r.status_code == 200, r.text
    [sig] = r.json()["signatures"]
    assert sig["verification"] == "valid", sig
    pdf = (await client.get(r.json()["download_url"], headers=reporter)).content
    assert _appearance_images(pdf) == [(200, 200)]


def _truncated(path: Path) -> None:
    _signature_png(path)
    path.write_bytes(path.read_bytes()[:120])


def _too_wide(path: Path) -> None:
    _signature_png(path, (signature_image.MAX_SIDE_PX + 1, 40))


def _too_heavy(path: Path) -> None:
    noise = Image.frombytes("RGB", (600, 600), random.Random(1).randbytes(600 * 600 * 3))
    noise.save(path, "PNG", compress_level=0)  # 1.08 MB, under the pixel limit


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n"), "hỏng"),
        (_truncated, "hỏng"),
        (lambda p: p.write_text("<svg/>"), "không phải tệp PNG"),
        (_too_wide, f"{signature_image.MAX_SIDE_PX + 1} × 40"),
        (_too_heavy, "byte"),
    ],
)
def test_a_bad_or_huge_image_is_refused_by_name(make: Any, said: str, tmp_path: Path) -> None:
    path = tmp_path / "BN-SYT.png"
    make(path)
    with pytest.raises(Conflict) as refused:
        signature_image.load(path, "ảnh con dấu SIGNING_SEAL_DIR/BN-SYT.png")
    assert "SIGNING_SEAL_DIR/BN-SYT.png" in str(refused.value) and said in str(refused.value)


def test_an_image_name_never_leaves_its_folder(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    _signature_png(tmp_path / "outside.png")
    settings = get_settings().model_copy(update={"signing_image_dir": tmp_path / "images"})
    assert settings.signature_image("../outside") is None
    _signature_png(tmp_path / "images" / "syt.pgd.png")
    assert settings.signature_image("syt.pgd") == tmp_path / "images" / "syt.pgd.png"


def _fonts(xobject: Any) -> list[Any]:
    resources = xobject.get("/Resources", {})
    found = [f.get_object() for f in resources.get("/Font", {}).values()]
    for ref in resources.get("/XObject", {}).values():
        if ref.get_object()["/Subtype"] == "/Form":
            found += _fonts(ref.get_object())
    return found


async def test_the_blocks_text_is_spaced_as_the_font_says(pki: Pki) -> None:
    """PDF reads a font's widths in thousandths of an em; Liberation Serif has 2 048 units to
    the em, and written as they were the letters stood twice as far apart as they are wide."""
    pdf = await _signed_pdf(pki)
    field = PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/AcroForm"]["/Fields"][0].get_object()
    [font] = _fonts(field["/AP"]["/N"].get_object())
    cid_font = font["/DescendantFonts"][0].get_object()
    widths: dict[int, int] = {}
    entries = list(cid_font["/W"])
    for first, run in zip(entries[::2], entries[1::2], strict=True):
        widths.update({int(first) + i: int(w) for i, w in enumerate(run)})
    assert widths[3] == 250  # the space: 512 of 2 048
    assert max(widths.values()) <= 1000 and min(widths.values()) > 0
