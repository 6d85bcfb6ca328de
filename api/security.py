"""Credentials: Argon2 password hashes, signed JWTs, and API token secrets."""

import functools
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Any, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from jose import JWTError, jwt

from api.settings import Settings

_hasher = PasswordHasher()
# Verified against when the username is unknown, so timing does not reveal which names exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

TokenType = Literal["access", "refresh"]
# How far ahead of this server's clock a token's issue time may be (another worker's clock).
CLOCK_SKEW_SECONDS = 60
API_TOKEN_PREFIX = "hp_"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def password_problems(password: str, *, username: str) -> list[str]:
    """The password policy, as messages a person can act on (empty when acceptable)."""
    problems = []
    if len(password) < 10:
        problems.append("Mật khẩu phải có ít nhất 10 ký tự.")
    if password.casefold() == username.casefold():
        problems.append("Mật khẩu không được trùng tên đăng nhập.")
    classes = sum(
        any(test(ch) for ch in password)
        for test in (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum())
    )
    if classes < 2:
        problems.append("Mật khẩu cần ít nhất hai loại ký tự (chữ thường, chữ hoa, số, ký hiệu).")
    return problems


def create_jwt(
    settings: Settings,
    *,
    user_id: uuid.UUID,
    token_type: TokenType,
    generation: int,
    claims: dict[str, Any] | None = None,
    now: datetime | None = None,
    jti: str | None = None,
) -> tuple[str, datetime]:
    now = now or datetime.now(UTC)
    expires = now + token_lifetime(settings, token_type)
    payload: dict[str, Any] = {
        **(claims or {}),
        "sub": str(user_id),
        "typ": token_type,
        "gen": generation,
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
        "jti": jti or uuid.uuid4().hex,
    }
    token = jwt.encode(
        payload, settings.jwt_secret.get_secret_value(), algorithm=settings.jwt_algorithm
    )
    return token, expires


def decode_jwt(
    settings: Settings, token: str, *, expected_type: TokenType, now: datetime | None = None
) -> dict[str, Any]:
    """Verify signature, pinned algorithm, expiry, type and lifetime; raise ValueError
    otherwise.

    A token must say when it was issued, not in the future, and live no longer than its
    type's configured lifetime: one signed for ten years is refused even with the right key.

    The signature check, a pure function of the token and the key and the dearest part of
    authenticating a request, is remembered per token; expiry is checked on every call."""
    payload = _verified(token, settings.jwt_secret.get_secret_value(), settings.jwt_algorithm)
    moment = (now or datetime.now(UTC)).timestamp()
    if payload["exp"] <= moment:
        raise ValueError("Signature has expired.")
    if payload.get("typ") != expected_type:
        raise ValueError("wrong token type")
    issued = payload.get("iat")
    if not isinstance(issued, int) or issued > moment + CLOCK_SKEW_SECONDS:
        raise ValueError("iat must be an integer, not in the future")
    if payload["exp"] - issued > token_lifetime(settings, expected_type).total_seconds():
        raise ValueError("token lifetime exceeds the configured one")
    return dict(payload)


def token_lifetime(settings: Settings, token_type: TokenType) -> timedelta:
    if token_type == "access":
        return timedelta(minutes=settings.access_token_minutes)
    return timedelta(days=settings.refresh_token_days)


@functools.lru_cache(maxsize=4096)
def _verified(token: str, secret: str, algorithm: str) -> Mapping[str, Any]:
    """A token's claims once its header, signature and required claims check out (expiry
    left to the caller); a token that fails is not remembered and fails again each time."""
    try:
        header = jwt.get_unverified_header(token)
    except JWTError as exc:
        raise ValueError("malformed token") from exc
    if header.get("alg") != algorithm:
        raise ValueError("unexpected algorithm")
    try:
        payload = jwt.decode(
            token,
            secret,
            algorithms=[algorithm],
            options={
                "require_exp": True,
                "require_sub": True,
                "require_iat": True,
                "verify_exp": False,
            },
        )
    except JWTError as exc:
        raise ValueError(str(exc)) from exc
    if not isinstance(payload.get("exp"), int):
        raise ValueError("exp must be an integer")
    return MappingProxyType(payload)


def new_api_token() -> tuple[str, str, str]:
    """Return (full token shown once, public prefix, SHA-256 of the secret part)."""
    prefix = API_TOKEN_PREFIX + secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return f"{prefix}.{secret}", prefix, hash_token_secret(secret)


def split_api_token(token: str) -> tuple[str, str] | None:
    if not token.startswith(API_TOKEN_PREFIX) or "." not in token:
        return None
    prefix, _, secret = token.partition(".")
    return prefix, secret


def hash_token_secret(secret: str) -> str:
    # The secret has 256 bits of entropy, so a fast hash is the right tool here.
    return hashlib.sha256(secret.encode()).hexdigest()


def token_secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_token_secret(secret), stored_hash)
