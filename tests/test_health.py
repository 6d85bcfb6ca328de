import httpx


async def test_health_answers(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-request-id"]


async def test_ready_reports_database_at_head(client: httpx.AsyncClient) -> None:
    from api.migrations_state import head_revision

    r = await client.get("/api/v1/ready")
    assert r.status_code == 200, r.text
    assert r.json()["migration"] == head_revision()


async def test_request_id_is_echoed_when_well_formed(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/health", headers={"X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    r = await client.get("/api/v1/health", headers={"X-Request-ID": "bad id\n"})
    assert r.headers["x-request-id"] != "bad id\n"
