"""A unit's seal: the organisation's key the server signs with, as the operator put it in
SIGNING_SEAL_DIR — a PKCS#12 file (`<CODE>.p12`, its password in `<CODE>.password`), or a key
that never leaves a PKCS#11 token or HSM (`<CODE>.pkcs11`: an RFC 7512 PKCS#11 URI naming the
token and the key; `<CODE>.pin`: the token's PIN, readable by the service's user only; the
module is SIGNING_PKCS11_MODULE unless the URI names its own `module-path`)."""

import asyncio
import stat
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, unquote_to_bytes

from pyhanko.sign import signers

from api.errors import Conflict
from api.models import OrgUnit
from api.services import pades
from api.settings import get_settings

# One login per token and process: PKCS#11 logs in an application, not a session, and the
# first session to close would log the other out. Seals are rare; they take turns.
_TOKEN_LOCK = asyncio.Lock()


@dataclass(frozen=True)
class TokenKey:
    """Where a seal's key lives in a PKCS#11 module, and the PIN that opens it."""

    module: str
    token_label: str
    key_label: str | None
    key_id: bytes | None
    pin: str


def parse_pkcs11_uri(text: str) -> dict[str, Any]:
    """The attributes of a PKCS#11 URI (RFC 7512): `pkcs11:token=…;object=…;id=%01?module-path=…`.
    Values are percent-decoded; `id` stays bytes."""
    text = text.strip()
    if not text.startswith("pkcs11:"):
        raise ValueError("không phải URI PKCS#11 (phải bắt đầu bằng “pkcs11:”)")
    path, _, query = text.removeprefix("pkcs11:").partition("?")
    found: dict[str, Any] = {}
    for part in [*path.split(";"), *query.split("&")]:
        if not part:
            continue
        name, sep, value = part.partition("=")
        if not sep or not name:
            raise ValueError(f"thuộc tính “{part}” thiếu “=”")
        found[name] = unquote_to_bytes(value) if name == "id" else unquote(value)
    return found


def _token_key(uri_file: Path, issuer: OrgUnit) -> TokenKey:
    try:
        attrs = parse_pkcs11_uri(uri_file.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise Conflict(f"Cấu hình con dấu số {uri_file.name} của {issuer.name}: {exc}.") from exc
    module = attrs.get("module-path") or get_settings().signing_pkcs11_module
    if not module:
        raise Conflict(
            f"Con dấu số của {issuer.name} nằm trên token PKCS#11 nhưng chưa cấu hình mô-đun "
            "(SIGNING_PKCS11_MODULE)."
        )
    if not attrs.get("token"):
        raise Conflict(f"{uri_file.name} phải ghi nhãn token (pkcs11:token=…).")
    pin_file = uri_file.with_suffix(".pin")
    if not pin_file.is_file():
        raise Conflict(f"Thiếu mã PIN của token con dấu số của {issuer.name} ({pin_file.name}).")
    if pin_file.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise Conflict(
            f"Tệp mã PIN {pin_file.name} để người khác đọc được: chỉ tài khoản chạy dịch vụ "
            f"được đọc (chmod 600 {pin_file.name})."
        )
    try:
        pin = pin_file.read_text(encoding="utf-8").strip()
    except OSError as exc:  # owned by another user, say
        raise Conflict(f"Không đọc được tệp mã PIN {pin_file.name}: {exc.strerror}.") from exc
    return TokenKey(
        module=str(module),
        token_label=attrs["token"],
        key_label=attrs.get("object"),
        key_id=attrs.get("id"),
        pin=pin,
    )


def _open(key: TokenKey, issuer: OrgUnit) -> Any:
    """A logged-in session on the seal's token; every failure said in words."""
    import pkcs11

    try:
        lib = pkcs11.lib(key.module)
    except Exception as exc:  # a missing or broken .so: the operator's to fix
        raise Conflict(f"Không nạp được mô-đun PKCS#11 {key.module}: {exc}") from exc
    try:
        token = lib.get_token(token_label=key.token_label)
        return token.open(user_pin=key.pin)
    except pkcs11.NoSuchToken as exc:
        raise Conflict(
            f"Không thấy token “{key.token_label}” (con dấu số của {issuer.name}) trong "
            f"{key.module}."
        ) from exc
    except (pkcs11.PinIncorrect, pkcs11.PinInvalid, pkcs11.PinLenRange) as exc:
        raise Conflict(
            f"Sai mã PIN của token “{key.token_label}” (con dấu số của {issuer.name}): "
            "kiểm tra tệp .pin. Chưa ký gì."
        ) from exc
    except pkcs11.PinLocked as exc:
        raise Conflict(f"Token “{key.token_label}” đã bị khóa PIN.") from exc
    except pkcs11.PKCS11Error as exc:
        raise Conflict(
            f"Lỗi PKCS#11 khi mở token “{key.token_label}”: {type(exc).__name__} {exc}"
        ) from exc


@asynccontextmanager
async def _token_signer(key: TokenKey, issuer: OrgUnit) -> AsyncIterator[signers.Signer]:
    from pkcs11 import PKCS11Error
    from pyhanko.sign.pkcs11 import PKCS11Signer

    async with _TOKEN_LOCK:
        session = await asyncio.to_thread(_open, key, issuer)
        try:
            signer = PKCS11Signer(
                session,
                key_label=key.key_label,
                key_id=key.key_id,
                other_certs_to_pull=None,  # the token's CA certificates make the chain
            )
            try:
                await signer.ensure_objects_loaded()  # type: ignore[no-untyped-call]
            except PKCS11Error as exc:
                raise Conflict(
                    f"Token “{key.token_label}” không có đúng một khóa và chứng thư số "
                    f"{key.key_label or (key.key_id or b'').hex()}: {exc}"
                ) from exc
            yield signer
        finally:
            await asyncio.to_thread(session.close)


@asynccontextmanager
async def seal_signer(issuer: OrgUnit) -> AsyncIterator[signers.Signer]:
    """The unit's seal as a pyHanko signer, opened for one signing (a PKCS#11 URI first, then
    a PKCS#12 file); 409 when the unit has none or it cannot be opened."""
    key = get_settings().seal_key(issuer.code)
    if key is None:
        raise Conflict(f"Chưa cấu hình con dấu số (khóa của tổ chức) cho {issuer.name}.")
    if key.suffix == ".pkcs11":
        async with _token_signer(_token_key(key, issuer), issuer) as signer:
            yield signer
        return
    secret = key.with_suffix(".password")
    yield pades.p12_signer(
        key.read_bytes(), secret.read_bytes().strip() if secret.is_file() else None
    )
