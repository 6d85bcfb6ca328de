"""Org unit requests and responses."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

# Re-exported: routers take the unit type as a parameter without importing the models.
from api.models import OrgUnitType as OrgUnitType
from api.schemas.common import WHOLE_PAGE, Code, OptionalText, PageMeta, Schema, ShortText


class OrgUnitCreate(Schema):
    code: Code
    name: ShortText
    short_name: Annotated[OptionalText, Field(max_length=120)] | None = None
    type: OrgUnitType
    parent_id: uuid.UUID | None = None
    active: bool = True


class OrgUnitUpdate(Schema):
    """Partial update; the parent changes only through the move action."""

    code: Code | None = None
    name: ShortText | None = None
    short_name: Annotated[OptionalText, Field(max_length=120)] | None = None
    type: OrgUnitType | None = None
    active: bool | None = None


class OrgUnitMove(Schema):
    parent_id: uuid.UUID | None = Field(description="Đơn vị cha mới; null để thành gốc")


class OrgUnitRead(Schema):
    id: uuid.UUID
    code: str
    name: str
    short_name: str | None
    type: OrgUnitType
    parent_id: uuid.UUID | None
    path: str
    level: int
    active: bool
    version: int
    created_at: datetime
    updated_at: datetime


class OrgUnitPage(BaseModel):
    items: list[OrgUnitRead]
    page: PageMeta


class OrgUnitNode(BaseModel):
    id: uuid.UUID
    code: str
    name: str
    type: OrgUnitType
    level: int
    active: bool
    children: list["OrgUnitNode"] = []


class OrgUnitTree(BaseModel):
    """The roots of the tree drawn, each with its children, in one page."""

    model_config = WHOLE_PAGE

    items: list[OrgUnitNode]
    page: PageMeta = Field(default_factory=PageMeta.whole)
