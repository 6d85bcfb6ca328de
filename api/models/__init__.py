"""All ORM models, imported here so Alembic and the app see one metadata."""

from api.models.audit import AuditEvent
from api.models.base import Base
from api.models.import_job import ImportChunk, ImportJob
from api.models.indicator import (
    DEFAULT_OPTION,
    DataValue,
    DataValueHistory,
    Indicator,
    Target,
)
from api.models.notification import EmailMessage, Notification
from api.models.org_unit import OrgUnit, OrgUnitType
from api.models.user import ApiToken, LoginFailure, Role, RoleAssignment, TokenScope, User

__all__ = [
    "DEFAULT_OPTION",
    "ApiToken",
    "AuditEvent",
    "Base",
    "DataValue",
    "DataValueHistory",
    "EmailMessage",
    "ImportChunk",
    "ImportJob",
    "Indicator",
    "LoginFailure",
    "Notification",
    "OrgUnit",
    "OrgUnitType",
    "Role",
    "RoleAssignment",
    "Target",
    "TokenScope",
    "User",
]
