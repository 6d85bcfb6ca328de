"""Logging in (password check with throttling), token issue, refresh rotation, revocation,
and changing one's own password.

Throttling (docs/security.md), over the failures inside `login_window_seconds`:
- a (username, address) pair with `login_max_failures` failures is locked (429): the guesser
  is stopped, the person elsewhere is not;
- an address with `login_max_failures_per_client` failures, whatever the usernames, is
  locked: one machine cannot spray a password over every account;
- the username alone never locks: once it has `login_max_failures` failures from anywhere,
  each attempt on it waits 0.25 s, doubling with each further failure, up to
  `login_slowdown_max_seconds`, the right password included (waiting only for the wrong ones
  would tell a guesser when they are right).
"""

import asyncio
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.access import Principal
from api.errors import Forbidden, InvalidInput, TooManyRequests, Unauthorized
from api.models import ApiToken, LoginFailure, RefreshFamily, RefreshToken, User
from api.schemas.user import TokenPair, fold_username
from api.security import (
    create_jwt,
    decode_jwt,
    hash_password,
    password_problems,
    token_lifetime,
    verify_password,
)
from api.services import audit
from api.settings import Settings

SLOWDOWN_START_SECONDS = 0.25
WRONG = "Sai tên đăng nhập hoặc mật khẩu."


async def _pause(seconds: float) -> None:
    await asyncio.sleep(seconds)


@dataclass(frozen=True)
class _Failures:
    pair: int
    client: int
    username: int
    pair_since: datetime | None
    client_since: datetime | None


async def _recent_failures(
    session: AsyncSession, settings: Settings, *, username: str, client: str
) -> _Failures:
    """The three counts in one statement (both indexes, OR-ed)."""
    since = datetime.now(UTC) - timedelta(seconds=settings.login_window_seconds)
    same_pair = and_(LoginFailure.username == username, LoginFailure.client == client)
    same_client = LoginFailure.client == client
    row = (
        await session.execute(
            select(
                func.count().filter(same_pair),
                func.count().filter(same_client),
                func.count().filter(LoginFailure.username == username),
                func.min(LoginFailure.at).filter(same_pair),
                func.min(LoginFailure.at).filter(same_client),
            ).where(
                LoginFailure.at >= since,
                or_(LoginFailure.username == username, same_client),
            )
        )
    ).one()
    return _Failures(*row)


def _locked(detail: str, oldest: datetime | None, settings: Settings) -> TooManyRequests:
    # Free again when the oldest counted failure leaves the window.
    now = datetime.now(UTC)
    retry = settings.login_window_seconds
    if oldest is not None:
        retry = int(
            (oldest + timedelta(seconds=settings.login_window_seconds) - now).total_seconds()
        )
    retry = max(1, retry + 1)
    minutes = max(1, -(-retry // 60))
    return TooManyRequests(
        f"{detail}; vui lòng thử lại sau {minutes} phút.", headers={"Retry-After": str(retry)}
    )


async def _attempt(
    session: AsyncSession, settings: Settings, *, username: str, client: str
) -> _Failures:
    """Take this (username, address)'s turn, then refuse if it or the address is locked.

    Attempts of one pair go one at a time until each has recorded its outcome (a
    transaction-scoped advisory lock): sent all at once, they would otherwise all pass the
    count before any failure is recorded, and parallelism would buy more guesses."""
    await session.execute(
        select(func.pg_advisory_xact_lock(func.hashtextextended(f"login:{username}|{client}", 0)))
    )
    failures = await _recent_failures(session, settings, username=username, client=client)
    if failures.pair >= settings.login_max_failures:
        raise _locked("Đăng nhập sai quá nhiều lần từ địa chỉ này", failures.pair_since, settings)
    if failures.client >= settings.login_max_failures_per_client:
        raise _locked("Quá nhiều lần đăng nhập sai từ địa chỉ này", failures.client_since, settings)
    return failures


def slowdown(settings: Settings, username_failures: int) -> float:
    """Seconds each attempt on a username waits, given its failures from all addresses."""
    beyond = username_failures - settings.login_max_failures
    if beyond < 0:
        return 0.0
    grown = SLOWDOWN_START_SECONDS * float(2 ** min(beyond, 16))
    return min(settings.login_slowdown_max_seconds, grown)


async def login(
    session: AsyncSession, settings: Settings, *, username: str, password: str, client: str
) -> User:
    """Return the user or raise; failures are recorded (committed even though we raise)."""
    username = fold_username(username)
    if not username or len(username) > 100 or any(ord(c) < 32 for c in username):
        # Not a name any account can have: answer as for a wrong password.
        raise Unauthorized(WRONG)
    client = client[:100]
    failures = await _attempt(session, settings, username=username, client=client)
    delay = slowdown(settings, failures.username)
    if delay:
        # Nothing is written yet: end the read (and give up the pair's turn) so the
        # connection goes back to the pool while this attempt waits; then take it again.
        await session.commit()
        await _pause(delay)
        await _attempt(session, settings, username=username, client=client)
    user = await session.scalar(select(User).where(func.lower(User.username) == username))
    # An unknown name is checked against a dummy hash: it takes as long as a wrong password.
    # In a thread: Argon2 takes a fifth of a second of CPU the event loop need not wait for.
    matches = await asyncio.to_thread(
        verify_password, password, user.password_hash if user else None
    )
    if user is None or not matches or not user.active:
        session.add(LoginFailure(username=username[:100], client=client))
        await session.flush()
        raise Unauthorized(WRONG, commit=True)
    # Only this address's record: a person logging in must not wipe a guesser's elsewhere.
    await session.execute(
        delete(LoginFailure).where(LoginFailure.username == username, LoginFailure.client == client)
    )
    user.last_login_at = datetime.now(UTC)
    return user


async def issue_tokens(
    session: AsyncSession,
    settings: Settings,
    user: User,
    *,
    family: RefreshFamily | None = None,
    now: datetime | None = None,
) -> TokenPair:
    """An access token and a refresh token; the refresh token starts a new family (a login)
    unless it is the next of `family` (a refresh)."""
    pair, _ = await _issue(session, settings, user, family=family, now=now or datetime.now(UTC))
    return pair


async def _issue(
    session: AsyncSession,
    settings: Settings,
    user: User,
    *,
    family: RefreshFamily | None,
    now: datetime,
) -> tuple[TokenPair, RefreshToken]:
    if family is None:
        family = RefreshFamily(id=uuid.uuid4(), user_id=user.id, created_at=now)
        session.add(family)
    row = RefreshToken(
        id=uuid.uuid4(),
        family_id=family.id,
        issued_at=now,
        expires_at=now + token_lifetime(settings, "refresh"),
    )
    session.add(row)
    roles = sorted({r.role for r in user.roles})
    claims = {"roles": roles, "unit": str(user.org_unit_id), "name": user.full_name}
    access, _ = create_jwt(
        settings,
        user_id=user.id,
        token_type="access",
        generation=user.token_generation,
        claims=claims,
        now=now,
    )
    refresh, _ = create_jwt(
        settings,
        user_id=user.id,
        token_type="refresh",
        generation=user.token_generation,
        claims={"fam": str(family.id)},
        now=now,
        jti=row.id.hex,
    )
    await session.flush()
    pair = TokenPair(
        access_token=access,
        expires_in=settings.access_token_minutes * 60,
        refresh_token=refresh,
        password_change_required=user.must_change_password,
    )
    return pair, row


async def refresh(session: AsyncSession, settings: Settings, *, refresh_token: str) -> TokenPair:
    """Exchange a refresh token for the next of its family. One already exchanged revokes the
    family (someone else holds a copy): that reuse is audited and answered 401."""
    try:
        claims = decode_jwt(settings, refresh_token, expected_type="refresh")
        user_id = uuid.UUID(claims["sub"])
        token_id = uuid.UUID(claims["jti"])
        family_id = uuid.UUID(claims["fam"])
    except (ValueError, KeyError, TypeError) as exc:
        raise Unauthorized("Refresh token không hợp lệ hoặc đã hết hạn.") from exc
    gone = Unauthorized("Refresh token không còn hiệu lực; vui lòng đăng nhập lại.")
    # The family's row is the lock: its uses (and its revocation) happen one at a time, so
    # no successor can be issued past a revocation.
    family = await session.scalar(
        select(RefreshFamily)
        .where(RefreshFamily.id == family_id, RefreshFamily.user_id == user_id)
        .with_for_update()
    )
    if family is None or family.revoked_at is not None:
        raise gone
    token = await session.get(RefreshToken, token_id)
    if token is None or token.family_id != family.id:
        raise gone
    now = datetime.now(UTC)
    if token.used_at is not None:
        family.revoked_at, family.revoked_reason = now, "reuse"
        await session.flush()
        await audit.record(
            session,
            actor=None,
            action="refresh_token_reuse",
            entity_type="user",
            entity_id=user_id,
            after={"family_id": str(family.id), "token_id": str(token.id)},
        )
        raise Unauthorized(
            "Refresh token đã được dùng; mọi phiên của lần đăng nhập này đã bị thu hồi. "
            "Vui lòng đăng nhập lại.",
            commit=True,
        )
    user = await session.get(User, user_id)
    if user is None or not user.active or claims.get("gen") != user.token_generation:
        raise gone
    pair, successor = await _issue(session, settings, user, family=family, now=now)
    token.used_at, token.replaced_by = now, successor.id
    return pair


async def _revoke_sessions(session: AsyncSession, user_id: uuid.UUID, reason: str) -> int:
    """End every session of a user: access tokens through the generation, refresh families
    explicitly."""
    await session.execute(
        update(User).where(User.id == user_id).values(token_generation=User.token_generation + 1)
    )
    result = await session.execute(
        update(RefreshFamily)
        .where(RefreshFamily.user_id == user_id, RefreshFamily.revoked_at.is_(None))
        .values(revoked_at=func.now(), revoked_reason=reason)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def logout_everywhere(session: AsyncSession, *, actor: Principal) -> None:
    """Every access and refresh token of the caller stops working; API tokens do not."""
    ended = await _revoke_sessions(session, actor.user_id, "logout_everywhere")
    await audit.record(
        session,
        actor=actor,
        action="logout_everywhere",
        entity_type="user",
        entity_id=actor.user_id,
        after={"sessions_revoked": ended},
    )


async def revoke_all(session: AsyncSession, *, actor: Principal) -> None:
    """Every session and every API token of the caller stops working."""
    ended = await _revoke_sessions(session, actor.user_id, "revoke_all")
    result = await session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == actor.user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=func.now())
        .returning(ApiToken.prefix)
    )
    prefixes = sorted(result.scalars())
    await audit.record(
        session,
        actor=actor,
        action="revoke_all_tokens",
        entity_type="user",
        entity_id=actor.user_id,
        after={
            "sessions_revoked": ended,
            "api_tokens_revoked": len(prefixes),
            "api_token_prefixes": prefixes,
        },
    )


async def purge_refresh_families(
    session: AsyncSession, *, older_than: timedelta = timedelta(days=1)
) -> int:
    """Delete the families none of whose tokens could still be used (with their tokens)."""
    cutoff = datetime.now(UTC) - older_than
    live = exists().where(
        RefreshToken.family_id == RefreshFamily.id, RefreshToken.expires_at > cutoff
    )
    result = await session.execute(delete(RefreshFamily).where(~live))
    return int(getattr(result, "rowcount", 0) or 0)


async def change_password(
    session: AsyncSession,
    settings: Settings,
    *,
    actor: Principal,
    current_password: str,
    new_password: str,
    client: str,
) -> User:
    """The caller replaces their own password, proving the current one (wrong guesses count as
    failed logins of this username and address). Ends every session and lifts a one-time
    password's lock; the caller then gets a fresh pair."""
    if actor.api_token_id is not None:
        raise Forbidden("Không dùng API token để đổi mật khẩu; hãy đăng nhập.")
    user = await session.get(User, actor.user_id)
    if user is None:
        raise Unauthorized("Token không còn hiệu lực; vui lòng đăng nhập lại.")
    client = client[:100]
    await _attempt(session, settings, username=user.username, client=client)
    matches = await asyncio.to_thread(verify_password, current_password, user.password_hash)
    if not matches:
        session.add(LoginFailure(username=user.username[:100], client=client))
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
    user.password_hash = await asyncio.to_thread(hash_password, new_password)
    user.must_change_password = False
    await session.flush()
    await _revoke_sessions(session, user.id, "change_password")
    await session.refresh(user, ["token_generation"])
    await audit.record(
        session, actor=actor, action="change_password", entity_type="user", entity_id=user.id
    )
    return user
