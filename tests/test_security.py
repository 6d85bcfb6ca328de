"""Security basics at the edge: CORS only for configured origins, headers on every answer,
secrets kept out of the logs."""

import logging

import httpx
import pytest

from api.main import create_app
from api.settings import get_settings

DASHBOARD = "https://dashboard.syt.bacninh.gov.vn"


@pytest.fixture
def cors_app() -> object:
    settings = get_settings().model_copy(update={"cors_origins": [DASHBOARD]})
    return create_app(settings)


async def test_cors_answers_the_configured_origin_only(cors_app: object) -> None:
    transport = httpx.ASGITransport(app=cors_app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        preflight = {
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "authorization, if-match, content-type",
        }
        r = await client.options(
            "/api/v1/submissions/x", headers={"Origin": DASHBOARD, **preflight}
        )
        assert r.status_code == 200
        assert r.headers["access-control-allow-origin"] == DASHBOARD
        assert "if-match" in r.headers["access-control-allow-headers"].lower()
        r = await client.options(
            "/api/v1/submissions/x", headers={"Origin": "https://evil.example", **preflight}
        )
        assert "access-control-allow-origin" not in r.headers
        r = await client.get("/api/v1/health", headers={"Origin": DASHBOARD})
        assert r.headers["access-control-allow-origin"] == DASHBOARD
        assert "etag" in r.headers["access-control-expose-headers"].lower()
        r = await client.get("/api/v1/health", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in r.headers


async def test_without_configured_origins_no_cors_at_all(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/health", headers={"Origin": DASHBOARD})
    assert "access-control-allow-origin" not in r.headers


async def test_security_headers_on_api_answers_and_problems(client: httpx.AsyncClient) -> None:
    for r in (await client.get("/api/v1/health"), await client.get("/api/v1/plans")):
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert r.headers["cache-control"] == "no-store"
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


async def test_passwords_and_tokens_never_reach_the_logs(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "Mat-khau-bi-mat-2026"
    with caplog.at_level(logging.DEBUG):
        r = await client.post(
            "/api/v1/auth/token", data={"username": "sonhai.baocao", "password": secret}
        )
        assert r.status_code == 401
        ok = await client.post(
            "/api/v1/auth/token", data={"username": "sonhai.baocao", "password": "healthplan"}
        )
        token = ok.json()["access_token"]
        await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
        await client.get("/api/v1/auth/me", headers={"Authorization": "Bearer not-a-token"})
    logged = "\n".join(r.getMessage() + " " + str(r.__dict__) for r in caplog.records)
    assert secret not in logged and token not in logged
