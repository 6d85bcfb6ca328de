"""When a report is due and late: days are counted in Vietnam."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from api.models import ReportRequest

# Days are counted in Vietnam: a report due on the 20th may arrive until 23:59:59 there.
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def deadline_of(due: date) -> datetime:
    return datetime.combine(due + timedelta(days=1), time(0), TZ)


def is_late(at: datetime | None, due: date) -> bool:
    return at is not None and at >= deadline_of(due)


# A unit's report in these states (None: none yet) is not filed.
UNFILED = (None, "draft", "returned")


def past_deadline_open(request: ReportRequest, now: datetime) -> bool:
    """The request's part of `is_overdue`, for working it out once over many units."""
    return request.status == "open" and now >= deadline_of(request.due_date)


def is_overdue(request: ReportRequest, submission_status: str | None, now: datetime) -> bool:
    """An open request's unit that has not filed (no report yet, a draft, or returned) once
    the deadline has passed."""
    return submission_status in UNFILED and past_deadline_open(request, now)
