"""Keys that never leave a PKCS#11 token (SoftHSM2 here): a unit's seal signed on the server
with a key in an HSM, and a signer's token signing the digest of an interrupted session."""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from api import signing_ca
from api.services import seals
from api.settings import get_settings
from api.signing_client import TokenError, open_pkcs11_token
from tests.conftest import Login, assert_problem
from tests.reporting import REQUESTS, seed_request
from tests.softhsm import SoftHsm, softhsm

SEAL_TOKEN = "Con dau BN-SYT"
SEAL_PIN = "246810"
SIGNER_TOKEN = "syt.pgd"
SIGNER_PIN = "135790"
EC_TOKEN = "syt.pgd EC"


@dataclass
class Hsm:
    softhsm: SoftHsm
    seals: Path
    trust: Path


@pytest.fixture(scope="module")
def hsm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hsm]:
    """Two SoftHSM2 tokens holding keys the test CA issued (the CA's root and CRL in the trust
    store): the Sở's seal, and the Phó Giám đốc's own token."""
    hsm = softhsm(tmp_path_factory.mktemp("softhsm"))
    ca = signing_ca.make_root()
    seal = signing_ca.issue(ca, "Sở Y tế tỉnh Bắc Ninh", "Sở Y tế")
    hsm.add_token(SEAL_TOKEN, SEAL_PIN, seal, [ca.cert], key="seal")
    person = signing_ca.issue(ca, "Nguyễn Văn Hùng", "Sở Y tế")
    hsm.add_token(SIGNER_TOKEN, SIGNER_PIN, person, [ca.cert], key="Nguyen Van Hung")
    on_curve = signing_ca.issue(
        ca, "Nguyễn Văn Hùng", "Sở Y tế", key=ec.generate_private_key(ec.SECP256R1())
    )
    hsm.add_token(EC_TOKEN, SIGNER_PIN, on_curve, [ca.cert], key="Nguyen Van Hung EC")
    trust = tmp_path_factory.mktemp("trust")
    (trust / "root.pem").write_bytes(signing_ca.pem(ca.cert))
    (trust / "root.crl").write_bytes(signing_ca.crl(ca))
    folder = tmp_path_factory.mktemp("seals")
    settings = get_settings()
    before = settings.signing_trust_dir, settings.signing_seal_dir, settings.signing_pkcs11_module
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOFTHSM2_CONF", str(hsm.conf))  # read when this process loads the module
        settings.signing_trust_dir = trust
        settings.signing_seal_dir = folder
        settings.signing_pkcs11_module = hsm.module
        try:
            yield Hsm(hsm, folder, trust)
        finally:
            (
                settings.signing_trust_dir,
                settings.signing_seal_dir,
                settings.signing_pkcs11_module,
            ) = before


def _configure_seal(hsm: Hsm, pin: str, mode: int = 0o600) -> None:
    (hsm.seals / "BN-SYT.pkcs11").write_text("pkcs11:token=Con%20dau%20BN-SYT;object=seal\n")
    pin_file = hsm.seals / "BN-SYT.pin"
    pin_file.write_text(pin + "\n")
    os.chmod(pin_file, mode)


def test_a_pkcs11_uri_names_the_token_and_the_key() -> None:
    attrs = seals.parse_pkcs11_uri(
        "pkcs11:token=Con%20dau%20BN-SYT;object=seal;id=%01%a0?module-path=/opt/hsm/lib.so"
    )
    assert attrs == {
        "token": "Con dau BN-SYT",
        "object": "seal",
        "id": b"\x01\xa0",
        "module-path": "/opt/hsm/lib.so",
    }
    with pytest.raises(ValueError, match="pkcs11:"):
        seals.parse_pkcs11_uri("token=x")


async def test_the_compilation_is_sealed_with_a_key_in_the_hsm(
    client: httpx.AsyncClient, login: Login, hsm: Hsm
) -> None:
    request = await seed_request(client, await login("syt.thamdinh"))
    url = f"{REQUESTS}/{request['id']}/compilation"
    signer = await login("syt.pgd")

    # A wrong PIN: said so, and nothing is drawn or signed.
    _configure_seal(hsm, "000000")
    problem = assert_problem(await client.post(f"{url}/seal", headers=signer), 409)
    assert "Sai mã PIN" in problem["detail"] and "000000" not in problem["detail"]
    assert (await client.get(f"{url}/documents", headers=signer)).json()["items"] == []
    # A module that is not there, a token that is not there: said so.
    _configure_seal(hsm, SEAL_PIN)
    uri = hsm.seals / "BN-SYT.pkcs11"
    uri.write_text("pkcs11:token=Con%20dau%20BN-SYT;object=seal?module-path=/nonexistent.so")
    problem = assert_problem(await client.post(f"{url}/seal", headers=signer), 409)
    assert "/nonexistent.so" in problem["detail"]
    uri.write_text("pkcs11:token=Khong%20co;object=seal")
    problem = assert_problem(await client.post(f"{url}/seal", headers=signer), 409)
    assert "Không thấy token “Khong co”" in problem["detail"]
    # A PIN file others may read is refused before the token is tried.
    _configure_seal(hsm, SEAL_PIN, mode=0o644)
    problem = assert_problem(await client.post(f"{url}/seal", headers=signer), 409)
    assert "chmod 600" in problem["detail"]

    _configure_seal(hsm, SEAL_PIN)
    r = await client.post(f"{url}/seal", headers=signer)
    assert r.status_code == 200, r.text
    [sig] = r.json()["signatures"]
    assert sig["verification"] == "valid", sig
    assert "Sở Y tế tỉnh Bắc Ninh" in sig["certificate_subject"] and sig["signer_mode"] is None
    reviewer = await login("syt.thamdinh")
    pdf = (await client.get(r.json()["download_url"], headers=reviewer)).content
    r = await client.post(
        "/api/v1/signatures/verify",
        files={"file": ("bc.pdf", pdf, "application/pdf")},
        headers=reviewer,
    )
    [checked] = r.json()["signatures"]
    # No TSA here: the CA's CRL is in the file, but without a timestamp it stays B-B.
    assert (checked["result"], checked["level"]) == ("valid", "B-B")


@pytest.mark.parametrize("label", [SIGNER_TOKEN, EC_TOKEN], ids=["RSA", "ECDSA"])
async def test_a_signers_token_signs_the_digest_of_a_session(
    client: httpx.AsyncClient, login: Login, hsm: Hsm, label: str
) -> None:
    """CKM_RSA_PKCS over the DigestInfo for an RSA key, CKM_ECDSA (r‖s made DER) for an EC key:
    either way the server embeds a signature that verifies."""
    from tests.test_signing import _name_the_signer, _sign_compilation

    request = await seed_request(client, await login("syt.thamdinh"))
    await _name_the_signer(client, login, request["id"])
    wrong = open_pkcs11_token(
        hsm.softhsm.module, token_label=SIGNER_TOKEN, key_label=None, pin="999999"
    )
    with pytest.raises(TokenError, match="sai mã PIN"), wrong:
        pass
    with open_pkcs11_token(
        hsm.softhsm.module, token_label=label, key_label=None, pin=SIGNER_PIN
    ) as token:
        assert len(token.certificates) == 2  # the signer's, then the CA's, read from the token
        signed = await _sign_compilation(client, login, request["id"], token)
    [sig] = signed["signatures"]
    assert sig["verification"] == "valid" and "Nguyễn Văn Hùng" in sig["certificate_subject"]
