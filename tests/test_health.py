import httpx


async def test_health_answers(client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-request-id"]
    name, duration = r.headers["server-timing"].split(";dur=")
    assert name == "app" and float(duration) >= 0


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


async def test_an_exhausted_connection_pool_is_a_503_problem() -> None:
    """Every pooled connection busy past the pool timeout: the caller is told to retry."""
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    from api.main import create_app

    app = create_app()

    async def busy() -> None:
        raise PoolTimeout("QueuePool limit of size 10 overflow 10 reached")

    app.add_api_route("/api/v1/_busy", busy)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        r = await client.get("/api/v1/_busy")
    assert r.status_code == 503 and r.headers["retry-after"] == "2"
    assert r.headers["content-type"].startswith("application/problem+json")
