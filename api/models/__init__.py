"""All ORM models, imported here so Alembic and the app see one metadata."""

from api.models.audit import AuditEvent
from api.models.base import Base
from api.models.data_value import DataValue, DataValueHistory
from api.models.document import Document, DocumentAttachment, document_legal_basis
from api.models.import_job import ImportChunk, ImportJob
from api.models.indicator import DEFAULT_OPTION, Indicator, Target
from api.models.notification import EmailMessage, Notification
from api.models.org_unit import OrgUnit, OrgUnitType
from api.models.plan import PLAN_STATUSES, Assignment, Plan, PlanAmendment, Task, plan_parent
from api.models.report_request import (
    REQUEST_KINDS,
    REQUEST_STATUSES,
    CompiledReport,
    ReportRequest,
    report_request_unit,
)
from api.models.signing import SignableDocument, Signature, SigningSession
from api.models.submission import (
    SUBMISSION_STATUSES,
    Submission,
    SubmissionAttachment,
    SubmissionRevision,
)
from api.models.user import (
    ApiToken,
    LoginFailure,
    RefreshFamily,
    RefreshToken,
    Role,
    RoleAssignment,
    TokenScope,
    User,
)

__all__ = [
    "DEFAULT_OPTION",
    "PLAN_STATUSES",
    "REQUEST_KINDS",
    "REQUEST_STATUSES",
    "SUBMISSION_STATUSES",
    "ApiToken",
    "Assignment",
    "AuditEvent",
    "Base",
    "CompiledReport",
    "DataValue",
    "DataValueHistory",
    "Document",
    "DocumentAttachment",
    "EmailMessage",
    "ImportChunk",
    "ImportJob",
    "Indicator",
    "LoginFailure",
    "Notification",
    "OrgUnit",
    "OrgUnitType",
    "Plan",
    "PlanAmendment",
    "RefreshFamily",
    "RefreshToken",
    "ReportRequest",
    "Role",
    "RoleAssignment",
    "SignableDocument",
    "Signature",
    "SigningSession",
    "Submission",
    "SubmissionAttachment",
    "SubmissionRevision",
    "Target",
    "Task",
    "TokenScope",
    "User",
    "document_legal_basis",
    "plan_parent",
    "report_request_unit",
]
