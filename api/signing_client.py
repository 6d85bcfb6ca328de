"""`healthplan sign`: the signer's side of a signing session, with the signer's USB token
through its PKCS#11 module (the key never leaves the token), or a PKCS#12 file playing the
token (demo and tests). It sends the certificate chain, gets back the digest of the signed
attributes, has the key sign that digest, and sends the signature: the key never goes to the
server."""

import base64
import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Protocol

import httpx
import typer
from asn1crypto import algos, core
from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, utils
from cryptography.hazmat.primitives.serialization import pkcs12

from api.client_cli import _client, _fail, _unreachable, console


class SigningKey(Protocol):
    @property
    def certificates(self) -> list[str]: ...  # PEM, the signer's first

    def sign_digest(self, digest: bytes) -> bytes: ...


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


class TokenError(ValueError):
    """The token could not be used (no such module, token or key; a wrong PIN): said in words."""


@dataclass(frozen=True)
class Pkcs11Token:
    """A key in a PKCS#11 token (an official's USB token, an HSM): the certificates are read
    from the token, the digest is signed on it. The private key never leaves it."""

    key: Any  # pkcs11.PrivateKey, of an open, logged-in session
    certificates: list[str]

    def sign_digest(self, digest: bytes) -> bytes:
        """RSA: CKM_RSA_PKCS over the SHA-256 DigestInfo (what CKM_SHA256_RSA_PKCS would sign
        after hashing; here the digest is all the client has). EC: CKM_ECDSA over the digest,
        its r‖s turned into the DER that CMS carries."""
        from pkcs11 import KeyType, Mechanism
        from pkcs11.util.ec import encode_ecdsa_signature

        if self.key.key_type == KeyType.RSA:
            info = algos.DigestInfo(
                {
                    "digest_algorithm": {"algorithm": "sha256", "parameters": core.Null()},
                    "digest": digest,
                }
            )
            signature: bytes = self.key.sign(info.dump(), mechanism=Mechanism.RSA_PKCS)
            return signature
        if self.key.key_type == KeyType.EC:
            raw = self.key.sign(digest, mechanism=Mechanism.ECDSA)
            return bytes(encode_ecdsa_signature(raw))
        raise TokenError(f"khóa loại {self.key.key_type!s} không ký được (cần RSA hoặc EC)")


def _pem(der: bytes) -> str:
    return str(asn1_pem.armor("CERTIFICATE", asn1_x509.Certificate.load(der).dump()).decode())


@contextlib.contextmanager
def open_pkcs11_token(
    module: str, *, token_label: str, key_label: str | None, pin: str
) -> Iterator[Pkcs11Token]:
    """Log in to the token, find the private key (by label, or the token's only one) and its
    certificate (same CKA_ID, else same label), the token's other certificates after it."""
    import pkcs11
    from pkcs11 import Attribute, ObjectClass

    try:
        lib = pkcs11.lib(module)
    except Exception as exc:
        raise TokenError(f"không nạp được mô-đun PKCS#11 {module}: {exc}") from exc
    try:
        token = lib.get_token(token_label=token_label)
    except pkcs11.NoSuchToken as exc:
        raise TokenError(f"không thấy token “{token_label}” (đã cắm token chưa?)") from exc
    try:
        session = token.open(user_pin=pin)
    except (pkcs11.PinIncorrect, pkcs11.PinInvalid, pkcs11.PinLenRange) as exc:
        raise TokenError(f"sai mã PIN của token “{token_label}”") from exc
    except pkcs11.PinLocked as exc:
        raise TokenError(f"token “{token_label}” đã bị khóa PIN") from exc
    try:
        try:
            key = session.get_key(object_class=ObjectClass.PRIVATE_KEY, label=key_label)
        except (pkcs11.NoSuchKey, pkcs11.MultipleObjectsReturned) as exc:
            which = f"nhãn “{key_label}”" if key_label else "duy nhất (ghi --key-label)"
            raise TokenError(f"token “{token_label}” không có đúng một khóa {which}") from exc
        found = [
            (c[Attribute.ID], c[Attribute.LABEL], bytes(c[Attribute.VALUE]))
            for c in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE})
        ]
        own = [v for i, _, v in found if key.id and i == key.id] or [
            v for _, label, v in found if label == key.label
        ]
        if not own:
            raise TokenError(f"token “{token_label}” không có chứng thư số của khóa {key.label}")
        others = [v for _, _, v in found if v != own[0]]
        yield Pkcs11Token(key, [_pem(d) for d in [own[0], *others]])
    finally:
        session.close()


def sign_session(token: SigningKey, session: dict[str, Any]) -> dict[str, str]:
    """The body for the session's complete_url."""
    digest = base64.b64decode(session["to_sign_digest"])
    return {"signature": base64.b64encode(token.sign_digest(digest)).decode()}


def _pin(pin_file: Path | None) -> str:
    if pin_file is not None:
        return pin_file.read_text(encoding="utf-8").strip()
    return str(typer.prompt("Mã PIN của token", hide_input=True))


@contextlib.contextmanager
def _signing_key(
    p12: Path | None,
    password: str,
    pkcs11_module: str | None,
    token_label: str | None,
    key_label: str | None,
    pin_file: Path | None,
) -> Iterator[SigningKey]:
    if (p12 is None) == (pkcs11_module is None):
        raise typer.BadParameter("give one of --pkcs11-module (a token) or --p12 (a file)")
    if p12 is not None:
        try:
            held = open_token(p12.read_bytes(), password or None)
        except ValueError as exc:
            console.print(f"[red]Không mở được tệp PKCS#12 {p12}[/red] (sai mật khẩu?): {exc}")
            raise typer.Exit(2) from exc
        yield held
        return
    assert pkcs11_module is not None
    if not token_label:
        raise typer.BadParameter("--token-label is needed with --pkcs11-module")
    try:
        with open_pkcs11_token(
            pkcs11_module, token_label=token_label, key_label=key_label, pin=_pin(pin_file)
        ) as on_token:
            yield on_token
    except TokenError as exc:
        console.print(f"[red]Không dùng được token PKCS#11[/red]: {exc}. Chưa ký gì.")
        raise typer.Exit(2) from exc


def sign_command(
    compilation: Annotated[
        str | None, typer.Option(help="Sign the compiled report of this report request (id)")
    ] = None,
    submission: Annotated[str | None, typer.Option(help="Sign this unit's report (id)")] = None,
    pkcs11_module: Annotated[
        str | None,
        typer.Option(
            envvar="HEALTHPLAN_PKCS11_MODULE",
            help="The token's PKCS#11 module (.so / .dll from its vendor)",
        ),
    ] = None,
    token_label: Annotated[str | None, typer.Option(help="The token's label")] = None,
    key_label: Annotated[
        str | None, typer.Option(help="The signing key's label (default: the token's only key)")
    ] = None,
    pin_file: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="A file holding the PIN (else asked)"),
    ] = None,
    p12: Annotated[
        Path | None,
        typer.Option(exists=True, dir_okay=False, help="PKCS#12 file (.p12) playing the token"),
    ] = None,
    password: Annotated[str, typer.Option(envvar="HEALTHPLAN_P12_PASSWORD")] = "",
    server: Annotated[str, typer.Option(envvar="HEALTHPLAN_SERVER")] = "http://127.0.0.1:8000",
    token: Annotated[
        str, typer.Option(envvar="HEALTHPLAN_TOKEN", help="The signer's access or API token")
    ] = "",
) -> None:
    """Sign a report as its signer with a PKCS#11 token (the key stays on it), or with a
    PKCS#12 file playing the token."""
    if (compilation is None) == (submission is None):
        raise typer.BadParameter("give one of --compilation or --submission")
    if not token:
        raise typer.BadParameter("a token is needed (--token or HEALTHPLAN_TOKEN)")
    url = (
        f"/api/v1/report-requests/{compilation}/compilation/signing-sessions"
        if compilation
        else f"/api/v1/submissions/{submission}/signing-sessions"
    )
    # The key is opened (PIN checked) before the server is asked for anything.
    with _signing_key(p12, password, pkcs11_module, token_label, key_label, pin_file) as held:
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
