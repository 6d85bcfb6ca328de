"""Login, tokens (JWT and API tokens), refusal of bad tokens, throttling."""

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from jose import jwt
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import ApiToken
from api.security import create_jwt, decode_jwt
from api.settings import get_settings
from tests.conftest import Login, assert_problem

ME = "/api/v1/auth/me"


async def test_login_issues_tokens_and_me_describes_the_caller(
    client: httpx.AsyncClient,
) -> None:
    r = await client.post(
        "/api/v1/auth/token", data={"username": "sonhai.baocao", "password": "healthplan"}
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer" and body["expires_in"] > 0
    claims = jwt.get_unverified_claims(body["access_token"])
    assert claims["roles"] == ["reporter"] and claims["exp"] > claims["iat"]
    me = await client.get(ME, headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["org_unit_name"] == "Xã Sơn Hải"
    assert me.json()["user"]["roles"][0]["role"] == "reporter"


async def test_login_is_case_insensitive_on_username(client: httpx.AsyncClient) -> None:
    r = await client.post(
        "/api/v1/auth/token", data={"username": "ADMIN", "password": "healthplan"}
    )
    assert r.status_code == 200


async def test_wrong_password_is_a_problem_not_a_hint(client: httpx.AsyncClient) -> None:
    wrong = await client.post("/api/v1/auth/token", data={"username": "admin", "password": "x"})
    unknown = await client.post("/api/v1/auth/token", data={"username": "nobody", "password": "x"})
    assert assert_problem(wrong, 401)["detail"] == assert_problem(unknown, 401)["detail"]


async def test_repeated_failures_are_throttled(client: httpx.AsyncClient) -> None:
    for _ in range(get_settings().login_max_failures):
        r = await client.post("/api/v1/auth/token", data={"username": "bn.xem", "password": "no"})
        assert r.status_code == 401
    r = await client.post(
        "/api/v1/auth/token", data={"username": "bn.xem", "password": "healthplan"}
    )
    assert_problem(r, 429)
    assert int(r.headers["retry-after"]) > 0


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


async def test_expired_tampered_and_unsigned_tokens_are_refused(
    client: httpx.AsyncClient, login: Login
) -> None:
    settings = get_settings()
    good = (await login("sonhai.baocao"))["Authorization"].split()[1]
    claims = jwt.get_unverified_claims(good)

    expired, _ = create_jwt(
        settings,
        user_id=uuid.UUID(claims["sub"]),
        token_type="access",
        generation=claims["gen"],
        now=datetime.now(UTC) - timedelta(hours=5),
    )
    header, _payload, signature = good.split(".")
    admin_claims = {**claims, "roles": ["admin"]}
    tampered = f"{header}.{_b64(admin_claims)}.{signature}"
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
    other_key = jwt.encode(claims, "another-secret", algorithm="HS256")
    hs512 = jwt.encode(claims, settings.jwt_secret.get_secret_value(), algorithm="HS512")

    for token in (expired, tampered, unsigned, other_key, hs512, "garbage", ""):
        r = await client.get(ME, headers={"Authorization": f"Bearer {token}"})
        assert_problem(r, 401)
    assert (await client.get(ME, headers={"Authorization": f"Bearer {good}"})).status_code == 200


def test_a_token_accepted_once_is_still_refused_when_it_expires() -> None:
    """The signature check is remembered per token; expiry and type must not be."""
    settings = get_settings()
    issued = datetime.now(UTC)
    token, expires = create_jwt(
        settings, user_id=uuid.uuid4(), token_type="access", generation=0, now=issued
    )
    assert decode_jwt(settings, token, expected_type="access", now=issued)["typ"] == "access"
    before = expires - timedelta(seconds=1)
    assert decode_jwt(settings, token, expected_type="access", now=before)["sub"]
    for later in (expires, expires + timedelta(days=1)):
        with pytest.raises(ValueError, match="expired"):
            decode_jwt(settings, token, expected_type="access", now=later)
    with pytest.raises(ValueError, match="type"):
        decode_jwt(settings, token, expected_type="refresh", now=issued)
    # A copy each time: a caller changing its claims changes nothing for the next request.
    decode_jwt(settings, token, expected_type="access", now=issued)["sub"] = "someone else"
    assert decode_jwt(settings, token, expected_type="access", now=issued)["sub"] != "someone else"


async def test_refresh_token_renews_but_cannot_act_as_access_token(
    client: httpx.AsyncClient,
) -> None:
    r = await client.post(
        "/api/v1/auth/token", data={"username": "bn.xem", "password": "healthplan"}
    )
    refresh = r.json()["refresh_token"]
    assert_problem(await client.get(ME, headers={"Authorization": f"Bearer {refresh}"}), 401)
    renewed = await client.post("/api/v1/auth/refresh", json={"refresh_token": refresh})
    assert renewed.status_code == 200
    access = renewed.json()["access_token"]
    assert (await client.get(ME, headers={"Authorization": f"Bearer {access}"})).status_code == 200
    assert_problem(await client.post("/api/v1/auth/refresh", json={"refresh_token": access}), 401)


async def test_logout_everywhere_invalidates_earlier_tokens(
    client: httpx.AsyncClient, login: Login
) -> None:
    headers = await login("bn.xem")
    r = await client.post("/api/v1/auth/logout-everywhere", headers=headers)
    assert r.status_code == 204
    assert_problem(await client.get(ME, headers=headers), 401)


async def test_missing_credentials_is_401_problem(client: httpx.AsyncClient) -> None:
    r = await client.get(ME)
    body = assert_problem(r, 401)
    assert r.headers["www-authenticate"] == "Bearer"
    assert "Bearer" in body["detail"]


async def test_api_token_lifecycle(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    admin = await login("admin")
    r = await client.post(
        "/api/v1/auth/api-tokens", headers=admin, json={"name": "Đồng bộ DHIS2", "scopes": ["read"]}
    )
    assert r.status_code == 201, r.text
    created = r.json()
    token = created["token"]
    assert token.startswith(created["prefix"] + ".")
    script = {"Authorization": f"Bearer {token}"}

    me = await client.get(ME, headers=script)
    assert me.status_code == 200
    assert me.json()["via_api_token"] is True and me.json()["scopes"] == ["read"]

    # Read-only: a write is refused even though its user is an admin.
    r = await client.post(
        "/api/v1/org-units",
        headers=script,
        json={"code": "RO-TEST", "name": "Không được tạo", "type": "other"},
    )
    assert_problem(r, 403)

    listed = await client.get("/api/v1/auth/api-tokens", headers=admin)
    row = next(t for t in listed.json()["items"] if t["id"] == created["id"])
    assert "token" not in row and row["last_used_at"] is not None
    # Last use is kept to the minute: a token's row is not written on every page of a pull.
    first_use = await session.scalar(
        select(ApiToken.last_used_at).where(ApiToken.id == created["id"])
    )
    assert (await client.get(ME, headers=script)).status_code == 200
    assert (
        await session.scalar(select(ApiToken.last_used_at).where(ApiToken.id == created["id"]))
        == first_use
    )
    await session.execute(
        update(ApiToken)
        .where(ApiToken.id == created["id"])
        .values(last_used_at=ApiToken.last_used_at - timedelta(minutes=2))
    )
    assert (await client.get(ME, headers=script)).status_code == 200
    session.expire_all()
    assert (
        await session.scalar(select(ApiToken.last_used_at).where(ApiToken.id == created["id"]))
        > first_use
    )

    r = await client.post(f"/api/v1/auth/api-tokens/{created['id']}/revoke", headers=admin)
    assert r.status_code == 200 and r.json()["revoked_at"]
    assert_problem(await client.get(ME, headers=script), 401)


async def test_api_token_secret_must_match_and_expiry_is_bounded(
    client: httpx.AsyncClient, login: Login
) -> None:
    admin = await login("admin")
    r = await client.post(
        "/api/v1/auth/api-tokens", headers=admin, json={"name": "x", "scopes": ["read", "write"]}
    )
    prefix = r.json()["prefix"]
    forged = {"Authorization": f"Bearer {prefix}.not-the-secret"}
    assert_problem(await client.get(ME, headers=forged), 401)
    too_long = (datetime.now(UTC) + timedelta(days=800)).isoformat()
    r = await client.post(
        "/api/v1/auth/api-tokens", headers=admin, json={"name": "x", "expires_at": too_long}
    )
    assert assert_problem(r, 422)["errors"][0]["field"] == "expires_at"


async def test_expired_api_token_is_refused(
    client: httpx.AsyncClient, login: Login, session: object
) -> None:
    from sqlalchemy import update

    from api.models import ApiToken

    admin = await login("admin")
    r = await client.post("/api/v1/auth/api-tokens", headers=admin, json={"name": "soon"})
    token = r.json()
    await session.execute(  # type: ignore[attr-defined]
        update(ApiToken)
        .where(ApiToken.prefix == token["prefix"])
        .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    )
    r = await client.get(ME, headers={"Authorization": f"Bearer {token['token']}"})
    assert "hết hạn" in assert_problem(r, 401)["detail"]
