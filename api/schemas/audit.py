"""Audit trail responses."""

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from api.schemas.common import PageMeta, Schema


class AuditEventRead(Schema):
    id: uuid.UUID
    at: datetime
    actor_id: uuid.UUID | None
    actor_name: str | None
    action: str
    entity_type: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None


class AuditEventPage(BaseModel):
    items: list[AuditEventRead]
    page: PageMeta
