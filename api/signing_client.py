"""`healthplan sign`: the signer's side of a signing session, playing the USB token from a
PKCS#12 file (demo and tests; a real token keeps its key and signs the same digest). It
sends the certificate chain, gets back the digest of the signed attributes, signs that
digest with the key, and sends the signature: the key never goes to the server."""

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from cryptography.hazmat.primitives.serialization import pkcs12

from api.client_cli import _client, _fail, _unreachable, console


@dataclass(frozen=True)
class Token:
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    certificates: list[str]  # PEM, the signer's first

    def sign_digest(self, digest: bytes) -> bytes:
        """What a PKCS#11 token does with CKM_RSA_PKCS / CKM_ECDSA: sign a SHA-256 digest it
        is given, hashing nothing itself."""
        prehashed = utils.Prehashed(hashes.SHA256())
        if isinstance(self.key, rsa.RSAPrivateKey):
            return self.key.sign(digest, padding.PKCS1v15(), prehashed)
        return self.key.sign(digest, ec.ECDSA(prehashed))


def open_token(p12: bytes, password: str | None) -> Token:
    key, cert, extra = pkcs12.load_key_and_certificates(
        p12, password.encode() if password else None
    )
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) or cert is None:
        raise ValueError("the PKCS#12 file holds no RSA or EC key with its certificate")
    chain = [cert, *extra]
    return Token(key, [c.public_bytes(serialization.Encoding.PEM).decode("ascii") for c in chain])


def sign_session(token: Token, session: dict[str, Any]) -> dict[str, str]:
    """The body for the session's complete_url."""
    digest = base64.b64decode(session["to_sign_digest"])
    return {"signature": base64.b64encode(token.sign_digest(digest)).decode()}


def sign_command(
    p12: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="PKCS#12 file (.p12)")],
    compilation: Annotated[
        str | None, typer.Option(help="Sign the compiled report of this report request (id)")
    ] = None,
    submission: Annotated[str | None, typer.Option(help="Sign this unit's report (id)")] = None,
    password: Annotated[str, typer.Option(envvar="HEALTHPLAN_P12_PASSWORD")] = "",
    server: Annotated[str, typer.Option(envvar="HEALTHPLAN_SERVER")] = "http://127.0.0.1:8000",
    token: Annotated[
        str, typer.Option(envvar="HEALTHPLAN_TOKEN", help="The signer's access or API token")
    ] = "",
) -> None:
    """Sign a report as its signer, the PKCS#12 file playing the USB token."""
    if (compilation is None) == (submission is None):
        raise typer.BadParameter("give one of --compilation or --submission")
    if not token:
        raise typer.BadParameter("a token is needed (--token or HEALTHPLAN_TOKEN)")
    try:
        held = open_token(p12.read_bytes(), password or None)
    except ValueError as exc:
        console.print(f"[red]Không mở được tệp PKCS#12 {p12}[/red] (sai mật khẩu?): {exc}")
        raise typer.Exit(2) from exc
    url = (
        f"/api/v1/report-requests/{compilation}/compilation/signing-sessions"
        if compilation
        else f"/api/v1/submissions/{submission}/signing-sessions"
    )
    try:
        with _client(server, token) as client:
            r = client.post(url, json={"certificates": held.certificates})
            if r.status_code != 201:
                raise _fail(r)
            started = r.json()
            r = client.post(started["complete_url"], json=sign_session(held, started))
            if r.status_code != 200:
                raise _fail(r)
            signed = r.json()
    except httpx.TransportError as exc:
        raise _unreachable(server, exc) from exc
    last = signed["signatures"][-1]
    console.print(
        f"Đã ký phiên bản {signed['version']}: {last['certificate_subject']} · "
        f"kiểm tra: [bold]{last['verification']}[/bold] · {server.rstrip('/')}"
        f"{signed['download_url']}"
    )
