"""Tokens: lifetimes, refresh rotation with reuse detection, logging out everywhere and
"revoke all my tokens" (issue 18 B; the signing secret is in test_jwt_secret.py)."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jose import jwt
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import AuditEvent, RefreshFamily, User
from api.security import create_jwt, decode_jwt
from api.services import auth
from api.settings import get_settings
from tests.conftest import Login, assert_problem

ME = "/api/v1/auth/me"
REFRESH = "/api/v1/auth/refresh"


# --- lifetimes ------------------------------------------------------------------------


async def _claims_of(login: Login, username: str) -> dict[str, Any]:
    token = (await login(username))["Authorization"].split()[1]
    return dict(jwt.get_unverified_claims(token))


async def test_a_token_living_longer_than_configured_is_refused(
    client: httpx.AsyncClient, login: Login
) -> None:
    """The forged admin token of the issue: properly signed, exp ten years ahead."""
    settings = get_settings()
    claims = await _claims_of(login, "admin")
    now = int(datetime.now(UTC).timestamp())
    key = settings.jwt_secret.get_secret_value()
    decade = jwt.encode({**claims, "iat": now, "exp": now + 10 * 365 * 86400}, key)
    no_iat = jwt.encode({k: v for k, v in claims.items() if k != "iat"} | {"exp": now + 60}, key)
    future_iat = jwt.encode({**claims, "iat": now + 3600, "exp": now + 3600 + 60}, key)
    just_right = jwt.encode(
        {**claims, "iat": now, "exp": now + settings.access_token_minutes * 60}, key
    )
    for token in (decade, no_iat, future_iat):
        assert_problem(await client.get(ME, headers={"Authorization": f"Bearer {token}"}), 401)
    r = await client.get(ME, headers={"Authorization": f"Bearer {just_right}"})
    assert r.status_code == 200, r.text


def test_lifetime_is_checked_per_token_type() -> None:
    settings = get_settings()
    user = uuid.uuid4()
    refresh, _ = create_jwt(settings, user_id=user, token_type="refresh", generation=0)
    assert decode_jwt(settings, refresh, expected_type="refresh")["typ"] == "refresh"
    # A refresh token's week is far beyond an access token's half hour.
    now = int(datetime.now(UTC).timestamp())
    week_access = jwt.encode(
        {"sub": str(user), "typ": "access", "gen": 0, "iat": now, "exp": now + 7 * 86400},
        settings.jwt_secret.get_secret_value(),
    )
    with pytest.raises(ValueError, match="lifetime"):
        decode_jwt(settings, week_access, expected_type="access")


# --- refresh rotation -----------------------------------------------------------------


async def _login(client: httpx.AsyncClient, username: str = "bn.xem") -> dict[str, Any]:
    r = await client.post(
        "/api/v1/auth/token", data={"username": username, "password": "healthplan"}
    )
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def _refresh(client: httpx.AsyncClient, token: str) -> httpx.Response:
    return await client.post(REFRESH, json={"refresh_token": token})


async def test_a_refresh_token_works_once_and_its_reuse_ends_the_family(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    first = (await _login(client))["refresh_token"]
    r = await _refresh(client, first)
    assert r.status_code == 200, r.text
    second = r.json()["refresh_token"]
    assert second != first
    # The issue's reproduction: the same refresh token worked twice.
    reuse = await _refresh(client, first)
    assert_problem(reuse, 401)
    # ...and the reuse revoked the whole family: the successor is dead too.
    assert_problem(await _refresh(client, second), 401)
    events = (
        await session.scalars(select(AuditEvent).where(AuditEvent.action == "refresh_token_reuse"))
    ).all()
    assert events, "the reuse was not audited"


async def test_another_login_is_another_family(client: httpx.AsyncClient) -> None:
    phone = (await _login(client))["refresh_token"]
    laptop = (await _login(client))["refresh_token"]
    assert (await _refresh(client, phone)).status_code == 200
    assert_problem(await _refresh(client, phone), 401)  # phone's family ends
    assert (await _refresh(client, laptop)).status_code == 200  # laptop's does not


def _user_id(token: str) -> uuid.UUID:
    return uuid.UUID(jwt.get_unverified_claims(token)["sub"])


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(picks=st.lists(st.integers(min_value=0, max_value=20), min_size=1, max_size=8))
async def test_refresh_sequences_keep_one_successor_and_reuse_kills_the_family(
    client: httpx.AsyncClient, session: AsyncSession, picks: list[int]
) -> None:
    """Any sequence of uses of the tokens seen so far: a token yields at most one successor;
    once one is reused, no token of its family works again."""
    user = await session.scalar(select(User).where(User.username == "bn.xem"))
    assert user is not None
    pair = await auth.issue_tokens(session, get_settings(), user)
    tokens = [pair.refresh_token]
    used: set[str] = set()
    dead = False
    for pick in picks:
        token = tokens[pick % len(tokens)]
        r = await _refresh(client, token)
        if dead or token in used:
            assert_problem(r, 401)
            dead = True
        else:
            assert r.status_code == 200, r.text
            used.add(token)
            tokens.append(r.json()["refresh_token"])
    if dead:
        for token in tokens:
            assert_problem(await _refresh(client, token), 401)


# --- logging out, revoking everything -------------------------------------------------


async def _api_token(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    r = await client.post(
        "/api/v1/auth/api-tokens", headers=headers, json={"name": "script", "scopes": ["read"]}
    )
    assert r.status_code == 201, r.text
    token: str = r.json()["token"]
    return token


async def test_logout_everywhere_ends_sessions_but_not_api_tokens(
    client: httpx.AsyncClient,
) -> None:
    pair = await _login(client, "syt.thamdinh")
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    script = {"Authorization": f"Bearer {await _api_token(client, headers)}"}
    assert (await client.post("/api/v1/auth/logout-everywhere", headers=headers)).status_code == 204
    assert_problem(await client.get(ME, headers=headers), 401)
    assert_problem(await _refresh(client, pair["refresh_token"]), 401)
    assert (await client.get(ME, headers=script)).status_code == 200


async def test_revoke_all_ends_sessions_and_api_tokens_and_is_audited(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    pair = await _login(client, "syt.thamdinh")
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    script = {"Authorization": f"Bearer {await _api_token(client, headers)}"}
    other = await _login(client, "syt.thamdinh")
    r = await client.post("/api/v1/auth/revoke-all", headers=headers)
    assert r.status_code == 204, r.text
    for h in (headers, script, {"Authorization": f"Bearer {other['access_token']}"}):
        assert_problem(await client.get(ME, headers=h), 401)
    for refresh in (pair["refresh_token"], other["refresh_token"]):
        assert_problem(await _refresh(client, refresh), 401)
    event = await session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "revoke_all_tokens",
            AuditEvent.entity_id == str(_user_id(pair["access_token"])),
        )
    )
    assert event is not None and event.after is not None
    assert event.after["api_tokens_revoked"] == 1 and event.after["sessions_revoked"] >= 2
    # A new login works again.
    assert (await _login(client, "syt.thamdinh"))["access_token"]


async def test_refresh_after_a_password_change_is_refused(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    pair = await _login(client, "bn.xem")
    user = await session.scalar(select(User).where(User.username == "bn.xem"))
    assert user is not None
    user.token_generation += 1
    await session.flush()
    assert_problem(await _refresh(client, pair["refresh_token"]), 401)


async def test_expired_or_unknown_refresh_tokens_are_refused(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    settings = get_settings()
    user = await session.scalar(select(User).where(User.username == "bn.xem"))
    assert user is not None
    old = datetime.now(UTC) - timedelta(days=settings.refresh_token_days, seconds=1)
    expired = (await auth.issue_tokens(session, settings, user, now=old)).refresh_token
    # Well signed, right type and lifetime, but never issued (no row): refused.
    stray, _ = create_jwt(
        settings, user_id=user.id, token_type="refresh", generation=user.token_generation
    )
    assert_problem(await _refresh(client, stray), 401)
    assert_problem(await _refresh(client, expired), 401)


async def test_families_whose_tokens_all_expired_are_purged(session: AsyncSession) -> None:
    settings = get_settings()
    user = await session.scalar(select(User).where(User.username == "bn.xem"))
    assert user is not None
    long_ago = datetime.now(UTC) - timedelta(days=settings.refresh_token_days + 2)
    stale = await auth.issue_tokens(session, settings, user, now=long_ago)
    live = await auth.issue_tokens(session, settings, user)

    def family(pair: Any) -> uuid.UUID:
        return uuid.UUID(jwt.get_unverified_claims(pair.refresh_token)["fam"])

    assert await auth.purge_refresh_families(session) >= 1
    remaining = set(await session.scalars(select(RefreshFamily.id)))
    assert family(live) in remaining and family(stale) not in remaining
