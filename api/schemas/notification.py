"""Notification responses."""

import uuid
from datetime import datetime

from pydantic import BaseModel

from api.schemas.common import PageMeta, Schema


class NotificationRead(Schema):
    id: uuid.UUID
    kind: str
    title: str
    body: str
    link: str | None
    entity_type: str | None
    entity_id: str | None
    read_at: datetime | None
    created_at: datetime


class NotificationPage(BaseModel):
    items: list[NotificationRead]
    page: PageMeta
    unread: int


class UnreadCount(BaseModel):
    unread: int
