"""The demo's signing cycle against a live server, no hardware: the demo CA (as `healthplan
demo` makes it) in the trust store, the Sở's officer names the signer, the Phó Giám đốc signs
the compiled report with `healthplan sign` (a PKCS#12 file playing the USB token, then the
same key in a SoftHSM2 token through PKCS#11), and the reviewer finds the signed PDF valid."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.signing_ca import DEMO_SIGNERS, write_demo_ca
from tests.conftest import BASE_URL, ROOT, running_server

CLI_SIGN = (sys.executable, "-m", "api.cli", "sign")
SIGN_URL = os.environ.get("SIGN_DATABASE_URL", BASE_URL + "_sign")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[Path]]]:
    data = tmp_path_factory.mktemp("data")
    tokens = write_demo_ca(data / "signing", data / "signing" / "trust")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SIGNING_TRUST_DIR", str(data / "signing" / "trust"))
        with running_server(SIGN_URL) as base:
            yield base, tokens


def _login(base: str, username: str) -> dict[str, str]:
    r = httpx.post(
        f"{base}/api/v1/auth/token", data={"username": username, "password": "healthplan"}
    )
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_demo_ca_is_made_once(tmp_path: Path) -> None:
    first = write_demo_ca(tmp_path / "s", tmp_path / "t")
    assert [p.name for p in first] == [f for *_, f in DEMO_SIGNERS]
    before = {p: p.read_bytes() for p in [*first, *sorted((tmp_path / "t").iterdir())]}
    again = write_demo_ca(tmp_path / "s", tmp_path / "t")
    assert again == first and all(p.read_bytes() == b for p, b in before.items())
    assert sorted(p.suffix for p in (tmp_path / "t").iterdir()) == [".crl", ".pem"]


def test_sign_with_the_demo_token(demo: tuple[str, list[Path]]) -> None:
    base, tokens = demo
    manager = _login(base, "syt.kehoach")
    r = httpx.get(f"{base}/api/v1/report-requests", headers=manager)
    request_id = next(i["id"] for i in r.json()["items"] if "2429" in (i["reference"] or ""))
    url = f"{base}/api/v1/report-requests/{request_id}/compilation"
    etag = httpx.get(url, headers=manager).headers["ETag"]
    r = httpx.patch(
        url, json={"signer_name": "Nguyễn Văn Hùng"}, headers={**manager, "If-Match": etag}
    )
    assert r.status_code == 200, r.text

    signer = _login(base, "syt.pgd")["Authorization"].removeprefix("Bearer ")
    p12 = next(p for p in tokens if p.name == "syt.pgd.p12")
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "sign", "--p12", str(p12), "--compilation", request_id],
        cwd=ROOT,
        text=True,
        capture_output=True,
        env={
            **os.environ,
            "HEALTHPLAN_SERVER": base,
            "HEALTHPLAN_TOKEN": signer,
            "HEALTHPLAN_P12_PASSWORD": "healthplan",
            "COLUMNS": "200",
        },
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "valid" in done.stderr and "Nguyễn Văn Hùng" in done.stderr

    reviewer = _login(base, "syt.thamdinh")
    [version] = httpx.get(f"{url}/documents", headers=reviewer).json()["items"]
    assert version["signed"] and version["signatures"][0]["verification"] == "valid"
    pdf = httpx.get(f"{base}{version['download_url']}", headers=reviewer)
    r = httpx.post(
        f"{base}/api/v1/signatures/verify",
        files={"file": ("bc.pdf", pdf.content, "application/pdf")},
        headers=reviewer,
    )
    assert [s["result"] for s in r.json()["signatures"]] == ["valid"]

    # A wrong password for the token: a clear failure, nothing signed.
    bad = subprocess.run(
        [sys.executable, "-m", "api.cli", "sign", "--p12", str(p12), "--compilation", request_id],
        cwd=ROOT,
        text=True,
        capture_output=True,
        env={
            **os.environ,
            "HEALTHPLAN_SERVER": base,
            "HEALTHPLAN_TOKEN": signer,
            "HEALTHPLAN_P12_PASSWORD": "sai",
        },
        timeout=120,
    )
    assert bad.returncode == 2 and "PKCS#12" in bad.stderr, bad.stderr
    assert len(httpx.get(f"{url}/documents", headers=reviewer).json()["items"]) == 1


def test_sign_with_a_pkcs11_token(demo: tuple[str, list[Path]], tmp_path: Path) -> None:
    """The Phó Giám đốc's key and certificate, as the demo CA issued them, imported into a
    (SoftHSM2) token: `healthplan sign --pkcs11-module …` reads the chain from the token and
    signs the session's digest on it. A wrong PIN fails before anything is asked of the
    server."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    from api.signing_ca import Issued
    from tests.softhsm import softhsm

    base, tokens = demo
    hsm = softhsm(tmp_path / "hsm")
    p12 = next(p for p in tokens if p.name == "syt.pgd.p12")
    key, cert, chain = pkcs12.load_key_and_certificates(p12.read_bytes(), b"healthplan")
    assert key is not None and cert is not None
    hsm.add_token("VGCA syt.pgd", "135790", Issued(key, cert), chain, key="Nguyen Van Hung")

    manager = _login(base, "syt.kehoach")
    r = httpx.get(f"{base}/api/v1/report-requests", headers=manager)
    request_id = next(i["id"] for i in r.json()["items"] if "2429" in (i["reference"] or ""))
    url = f"{base}/api/v1/report-requests/{request_id}/compilation"
    etag = httpx.get(url, headers=manager).headers["ETag"]
    r = httpx.patch(
        url,
        json={"signer_name": "Nguyễn Văn Hùng", "title": "Báo cáo tổng hợp (ký bằng token)"},
        headers={**manager, "If-Match": etag},
    )
    assert r.status_code == 200, r.text
    reviewer = _login(base, "syt.thamdinh")
    before = httpx.get(f"{url}/documents", headers=reviewer).json()["items"]

    def sign(pin: str) -> subprocess.CompletedProcess[str]:
        pin_file = tmp_path / "pin"
        pin_file.write_text(pin + "\n")
        token = ("--pkcs11-module", hsm.module, "--token-label", "VGCA syt.pgd")
        return subprocess.run(
            [*CLI_SIGN, "--compilation", request_id, *token, "--pin-file", str(pin_file)],
            cwd=ROOT,
            text=True,
            capture_output=True,
            env={
                **hsm.env(),
                "HEALTHPLAN_SERVER": base,
                "HEALTHPLAN_TOKEN": _login(base, "syt.pgd")["Authorization"][len("Bearer ") :],
                "COLUMNS": "200",
            },
            timeout=120,
        )

    bad = sign("000000")
    assert bad.returncode == 2 and "sai mã PIN" in bad.stderr, bad.stdout + bad.stderr
    assert httpx.get(f"{url}/documents", headers=reviewer).json()["items"] == before

    done = sign("135790")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "valid" in done.stderr and "Nguyễn Văn Hùng" in done.stderr
    latest = httpx.get(f"{url}/documents", headers=reviewer).json()["items"][-1]
    assert latest["signed"] and latest["signatures"][0]["verification"] == "valid"
    pdf = httpx.get(f"{base}{latest['download_url']}", headers=reviewer)
    r = httpx.post(
        f"{base}/api/v1/signatures/verify",
        files={"file": ("bc.pdf", pdf.content, "application/pdf")},
        headers=reviewer,
    )
    assert [s["result"] for s in r.json()["signatures"]] == ["valid"]
