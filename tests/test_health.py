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


async def test_an_api_process_tunes_its_garbage_collector_at_start() -> None:
    """Python's default thresholds made a full collection every few seconds under load, each
    stopping the process's every request for 100-200 ms (see Settings.gc_thresholds)."""
    import gc

    from api.main import create_app, lifespan
    from api.settings import get_settings

    before = gc.get_threshold()
    try:
        async with lifespan(create_app()):
            assert gc.get_threshold() == get_settings().gc_thresholds != before
            assert gc.get_freeze_count() > 10_000  # start-up's objects left out of the passes
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


async def test_an_api_process_opens_its_pool_before_it_serves() -> None:
    """Opened as people came, the pool's connections (each a new PostgreSQL backend) were
    made while 200 reporters arrived at once; now the lifespan opens them first
    (Settings.db_pool_warm), and a database it cannot reach does not stop it starting."""
    import gc

    from sqlalchemy.ext.asyncio import create_async_engine

    from api import db
    from api.main import create_app, lifespan
    from api.settings import get_settings

    before = gc.get_threshold()
    await db.dispose_engine()
    try:
        async with lifespan(create_app()):
            pool = db.get_engine().pool
            warm = min(get_settings().db_pool_warm, pool.size())  # type: ignore[attr-defined]
            assert warm > 0 and pool.checkedin() == warm  # type: ignore[attr-defined]
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
    assert db._engine is None  # the lifespan's end closed them
    db._engine = create_async_engine("postgresql+asyncpg://postgres@127.0.0.1:1/none")
    try:
        assert await db.warm_pool(3) == 0
    finally:
        await db.dispose_engine()
