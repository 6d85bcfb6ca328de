"""Request dependencies as `Annotated` aliases, so routers read like sentences."""

import uuid
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.access import Principal, principal_for
from api.db import get_session
from api.errors import Forbidden, PasswordChangeRequired, PreconditionRequired, Unauthorized
from api.models import ApiToken, Role
from api.security import decode_jwt, split_api_token, token_secret_matches
from api.settings import Settings, get_settings

# scope="function": the transaction commits when the endpoint returns, before the response is
# sent, so a failed commit becomes an error response instead of an acknowledged lost write.
DbSession = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def _settings() -> Settings:
    """get_settings as an async dependency: a plain function would be run in the thread pool,
    a thread hand-off on every authenticated request."""
    return get_settings()


AppSettings = Annotated[Settings, Depends(_settings)]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LAST_USED_STEP = timedelta(minutes=1)
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


async def _from_api_token(session: AsyncSession, token: str) -> Principal:
    parts = split_api_token(token)
    if parts is None:
        raise Unauthorized("API token không hợp lệ.")
    prefix, secret = parts
    api_token = await session.scalar(select(ApiToken).where(ApiToken.prefix == prefix))
    now = datetime.now(UTC)
    if api_token is None or not token_secret_matches(secret, api_token.secret_hash):
        raise Unauthorized("API token không hợp lệ.")
    if api_token.revoked_at is not None:
        raise Unauthorized("API token đã bị thu hồi.")
    if api_token.expires_at is not None and api_token.expires_at <= now:
        raise Unauthorized("API token đã hết hạn.")
    # A plain UPDATE, not an ORM change: last-used must not bump versions or fail reads. To
    # the minute: an integration pulling page after page wrote the token's row on every page.
    if api_token.last_used_at is None or now - api_token.last_used_at >= LAST_USED_STEP:
        await session.execute(
            update(ApiToken).where(ApiToken.id == api_token.id).values(last_used_at=now)
        )
    return await principal_for(
        session, api_token.user_id, scopes=frozenset(api_token.scopes), api_token_id=api_token.id
    )


async def authenticate(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    bearer: Annotated[str | None, Depends(oauth2_scheme)],
) -> Principal:
    if not bearer:
        raise Unauthorized("Cần đăng nhập (Authorization: Bearer ...).")
    if split_api_token(bearer) is not None:
        principal = await _from_api_token(session, bearer)
    else:
        try:
            claims = decode_jwt(settings, bearer, expected_type="access")
            user_id = uuid.UUID(claims["sub"])
            generation = int(claims["gen"])
        except (ValueError, KeyError, TypeError) as exc:
            raise Unauthorized("Token không hợp lệ hoặc đã hết hạn.") from exc
        principal = await principal_for(session, user_id, generation=generation)
    if request.method not in SAFE_METHODS:
        # One place for the scope rule: a read-only API token changes nothing, on any route.
        principal.require_write()
    request.state.principal = principal
    return principal


# The caller even while an administrator-set password awaits replacing: only for changing
# it, reading oneself and logging out.
PendingPrincipal = Annotated[Principal, Depends(authenticate)]


async def get_principal(principal: PendingPrincipal) -> Principal:
    if principal.must_change_password:
        raise PasswordChangeRequired(
            "Mật khẩu của bạn do quản trị viên đặt: hãy đổi mật khẩu (POST /api/v1/auth/password)"
            " trước khi dùng các chức năng khác."
        )
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require_role(*roles: Role) -> Callable[..., Coroutine[Any, Any, Principal]]:
    """The caller holds one of these roles somewhere (admin always qualifies)."""

    async def dependency(principal: CurrentPrincipal) -> Principal:
        if not principal.has_role(*roles, Role.admin):
            names = ", ".join(r.value for r in roles) or "admin"
            raise Forbidden(f"Cần vai trò: {names}.")
        return principal

    return dependency


AdminPrincipal = Annotated[Principal, Depends(require_role(Role.admin))]


# Every non-GET route already refuses read-only tokens in get_principal; the alias says so
# where it matters to a reader.
WritingPrincipal = CurrentPrincipal


def parse_if_match(if_match: str | None) -> int:
    """`If-Match: "3"` (or W/"3") to a version; missing or malformed is refused."""
    if not if_match:
        raise PreconditionRequired("Thiếu header If-Match: gửi lại ETag nhận được khi đọc bản ghi.")
    value = if_match.strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    if not value.isdigit():
        raise PreconditionRequired(f"If-Match không hợp lệ: {if_match!r}.")
    return int(value)


async def get_if_match(
    _: "CurrentPrincipal", if_match: Annotated[str | None, Header()] = None
) -> int:
    # Depends on the caller so that authentication is checked (401) before preconditions (428).
    return parse_if_match(if_match)


IfMatch = Annotated[int, Depends(get_if_match)]


def etag(version: int) -> str:
    return f'"{version}"'
