"""Liveness and readiness probes."""

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from api.deps import DbSession
from api.errors import ServiceUnavailable
from api.migrations_state import head_revision
from api.schemas.common import problem_responses

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str


class Ready(BaseModel):
    status: str
    database: str
    migration: str


@router.get("/health", response_model=Health)
async def health() -> Health:
    """Liveness: the process answers."""
    return Health(status="ok")


@router.get("/ready", response_model=Ready, responses=problem_responses(503))
async def ready(session: DbSession) -> Ready:
    """Readiness: the database answers and its schema is at the latest migration."""
    current = await session.scalar(text("SELECT version_num FROM alembic_version"))
    head = head_revision()
    if current != head:
        raise ServiceUnavailable(
            f"Cơ sở dữ liệu ở phiên bản {current}, cần {head}: chạy 'healthplan migrate'."
        )
    return Ready(status="ready", database="ok", migration=str(current))
