"""The ASGI application: routers under /api/v1, problem handlers, middleware, the SPA."""

import gc
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware

from api.db import dispose_engine, warm_pool
from api.errors import install_problem_handlers
from api.middleware import (
    AdmissionMiddleware,
    BodyLimitMiddleware,
    ControlCharacterMiddleware,
    IntegrationLaneMiddleware,
    SecurityHeadersMiddleware,
)
from api.observability import RequestIdMiddleware, configure_logging
from api.routers import (
    analytics,
    audit,
    auth,
    data_values,
    dhis2,
    documents,
    fhir,
    health,
    imports,
    indicators,
    notifications,
    org_units,
    plans,
    reports,
    signing,
    users,
)
from api.schemas.common import problem_responses
from api.settings import Settings, get_settings, jwt_secret_problem
from api.spa import mount_spa

API_PREFIX = "/api/v1"

# The contract lists the routers in the domain's order...
DOCUMENTED = (
    health.router,
    auth.router,
    org_units.router,
    documents.router,
    plans.units_router,
    plans.router,
    users.router,
    audit.router,
    imports.router,
    notifications.router,
    indicators.router,
    data_values.router,
    analytics.router,
    dhis2.router,
    fhir.router,
    reports.router,
    reports.submissions_router,
    signing.router,
)
# ...and a request is matched against the most requested first: FastAPI tries each route of
# each router in turn (about 4 µs a route), and with the submissions last an autosave spent
# 0.5 ms finding its route. No two routers have paths that one request could match.
MATCHED_FIRST = (
    reports.submissions_router,
    data_values.router,
    reports.router,
    dhis2.router,
    imports.router,
)


class HealthplanAPI(FastAPI):
    """FastAPI with the contract's paths in `DOCUMENTED` order, whatever the matching order."""

    def openapi(self) -> dict[str, Any]:
        cached = self.openapi_schema
        spec = super().openapi()
        if spec is not cached:  # made anew: put its paths in order, once
            rank: dict[str, int] = {}
            for router in DOCUMENTED:
                for route in router.routes:
                    rank.setdefault(API_PREFIX + getattr(route, "path", ""), len(rank))
            order = sorted(spec["paths"].items(), key=lambda p: rank.get(p[0], len(rank)))
            spec["paths"] = dict(order)
        return spec


def operation_id(route: APIRoute) -> str:
    """Stable operation ids: the endpoint function's name (unique across the app)."""
    return route.name


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    problem = jwt_secret_problem(settings)
    if problem:  # `healthplan serve` said so already; this is for uvicorn started by hand
        logging.getLogger("healthplan").error(problem)
        raise RuntimeError(problem)
    # Everything loaded at start-up (modules, the app, its schemas) lives as long as the
    # process: keep it out of the collector's full passes, which otherwise walk ~150 k
    # objects every few requests and showed up as 50–120 ms pauses in the read benchmark.
    gc.collect()
    gc.freeze()
    gc.set_threshold(*settings.gc_thresholds)
    await warm_pool(settings.db_pool_warm)
    yield
    await dispose_engine()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_json)
    app = HealthplanAPI(
        title="healthplan",
        version="0.1.0",
        summary="Kế hoạch, phân công nhiệm vụ, yêu cầu báo cáo, báo cáo và chỉ số y tế.",
        description=(
            "Plans, task-assignment matrices, report requests, submissions and indicator "
            "data for Vietnamese public-health governance. Errors are RFC 9457 "
            "application/problem+json. Mutable resources carry an ETag; send it back in "
            "If-Match to change them."
        ),
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        generate_unique_id_function=operation_id,
        lifespan=lifespan,
        # Any operation may meet a malformed body (400), invalid parameters (422) or a database
        # that is down (503); each route documents its other problems.
        responses=problem_responses(400, 422, 503),
    )
    install_problem_handlers(app)
    for router in MATCHED_FIRST + tuple(r for r in DOCUMENTED if r not in MATCHED_FIRST):
        app.include_router(router, prefix=API_PREFIX)

    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=[
                "Authorization",
                "Content-Type",
                "If-Match",
                "Idempotency-Key",
                "X-Request-ID",
            ],
            expose_headers=["ETag", "Location", "X-Request-ID"],
        )
    app.add_middleware(
        BodyLimitMiddleware,
        limit=settings.max_body_bytes,
        large_limit=settings.import_max_bytes,
        large_paths=(f"{API_PREFIX}/imports", f"{API_PREFIX}/dataValueSets"),
        path_limits=(
            (
                re.compile(
                    rf"^{API_PREFIX}/(submissions/[^/]+/(attachments|legacy-docx)"
                    rf"|documents/[^/]+/attachments|signatures/verify)$"
                ),
                settings.attachment_max_bytes,
            ),
        ),
    )
    # JSON over a slow link (issue 20): a report's 10 KB read is 2 KB gzipped. Files that are
    # already compressed (DOCX, XLSX, PDF, images) are left alone; the SPA's assets come
    # precompressed from the build (api/spa.py).
    app.add_middleware(
        GZipMiddleware,
        minimum_size=1024,
        compresslevel=5,
        exclude_content_types=(
            *DEFAULT_EXCLUDED_CONTENT_TYPES,
            "application/pdf",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    )
    app.add_middleware(AdmissionMiddleware, limit=settings.api_concurrency)
    app.add_middleware(IntegrationLaneMiddleware, pause=settings.integration_pause)
    app.add_middleware(ControlCharacterMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestIdMiddleware)
    mount_spa(app, settings.spa_dir)
    return app


app = create_app()
