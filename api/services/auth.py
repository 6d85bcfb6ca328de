"""Logging in: password check with throttling, token issue, refresh, and changing one's own
password."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.access import Principal
from api.errors import Forbidden, InvalidInput, TooManyRequests, Unauthorized
from api.models import LoginFailure, User
from api.schemas.user import TokenPair, fold_username
from api.security import create_jwt, decode_jwt, hash_password, password_problems, verify_password
from api.services import audit
from api.settings import Settings


async def _recent_failures(
    session: AsyncSession, settings: Settings, *, username: str, client: str
) -> int:
    since = datetime.now(UTC) - timedelta(seconds=settings.login_window_seconds)
    count = await session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(
            LoginFailure.at >= since,
            or_(LoginFailure.username == username, LoginFailure.client == client),
        )
    )
    return count or 0


async def _throttle(
    session: AsyncSession, settings: Settings, *, username: str, client: str
) -> None:
    failures = await _recent_failures(session, settings, username=username, client=client)
    if failures >= settings.login_max_failures:
        raise TooManyRequests(
            "Đăng nhập sai quá nhiều lần; vui lòng thử lại sau "
            f"{settings.login_window_seconds // 60} phút.",
            headers={"Retry-After": str(settings.login_window_seconds)},
        )


def issue_tokens(settings: Settings, user: User, *, roles: list[str]) -> TokenPair:
    claims = {"roles": roles, "unit": str(user.org_unit_id), "name": user.full_name}
    access, _ = create_jwt(
        settings,
        user_id=user.id,
        token_type="access",
        generation=user.token_generation,
        claims=claims,
    )
    refresh, _ = create_jwt(
        settings, user_id=user.id, token_type="refresh", generation=user.token_generation
    )
    return TokenPair(
        access_token=access,
        expires_in=settings.access_token_minutes * 60,
        refresh_token=refresh,
        password_change_required=user.must_change_password,
    )


async def login(
    session: AsyncSession, settings: Settings, *, username: str, password: str, client: str
) -> User:
    """Return the user or raise; failures are recorded (committed even though we raise)."""
    username = fold_username(username)
    if not username or len(username) > 100 or any(ord(c) < 32 for c in username):
        # Not a name any account can have: answer as for a wrong password.
        raise Unauthorized("Sai tên đăng nhập hoặc mật khẩu.")
    await _throttle(session, settings, username=username, client=client)
    user = await session.scalar(select(User).where(func.lower(User.username) == username))
    if user is None or not verify_password(password, user.password_hash) or not user.active:
        session.add(LoginFailure(username=username[:100], client=client[:100]))
        await session.flush()
        raise Unauthorized("Sai tên đăng nhập hoặc mật khẩu.", commit=True)
    await session.execute(delete(LoginFailure).where(LoginFailure.username == username))
    user.last_login_at = datetime.now(UTC)
    return user


async def refresh(session: AsyncSession, settings: Settings, *, refresh_token: str) -> User:
    try:
        claims = decode_jwt(settings, refresh_token, expected_type="refresh")
        user_id = uuid.UUID(claims["sub"])
    except (ValueError, KeyError) as exc:
        raise Unauthorized("Refresh token không hợp lệ hoặc đã hết hạn.") from exc
    user = await session.get(User, user_id)
    if user is None or not user.active or claims.get("gen") != user.token_generation:
        raise Unauthorized("Refresh token không còn hiệu lực; vui lòng đăng nhập lại.")
    return user


async def change_password(
    session: AsyncSession,
    settings: Settings,
    *,
    actor: Principal,
    current_password: str,
    new_password: str,
    client: str,
) -> User:
    """The caller replaces their own password, proving the current one (guesses count as
    failed logins). Ends every other session and lifts a one-time password's lock."""
    if actor.api_token_id is not None:
        raise Forbidden("Không dùng API token để đổi mật khẩu; hãy đăng nhập.")
    user = await session.get(User, actor.user_id)
    if user is None:
        raise Unauthorized("Token không còn hiệu lực; vui lòng đăng nhập lại.")
    await _throttle(session, settings, username=user.username, client=client)
    if not verify_password(current_password, user.password_hash):
        session.add(LoginFailure(username=user.username[:100], client=client[:100]))
        await session.flush()
        message = "Mật khẩu hiện tại không đúng."
        raise InvalidInput(
            message,
            errors=[
                {
                    "in": "body",
                    "field": "current_password",
                    "message": message,
                    "code": "wrong_password",
                }
            ],
            commit=True,
        )
    problems = password_problems(new_password, username=user.username)
    if new_password == current_password:
        problems.append("Mật khẩu mới phải khác mật khẩu hiện tại.")
    if problems:
        raise InvalidInput(
            " ".join(problems),
            errors=[
                {"in": "body", "field": "new_password", "message": p, "code": "weak_password"}
                for p in problems
            ],
        )
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    user.token_generation += 1
    await session.flush()
    await audit.record(
        session, actor=actor, action="change_password", entity_type="user", entity_id=user.id
    )
    return user
