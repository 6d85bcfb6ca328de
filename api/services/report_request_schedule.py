"""A report request's scheduled work: reminders before and after the due date, and the next
recurring request."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from api.db import unit_of_work
from api.models import ReportRequest, Role, Submission
from api.periods import parse
from api.queue import tasks
from api.services import audit, notifications
from api.services.deadlines import TZ
from api.services.report_requests import (
    ENTITY,
    holders_of,
    open_submissions,
    reference,
    snapshot,
    whole,
)

REMINDER_DAYS = (7, 3, 1)


async def send_reminders(session: AsyncSession, *, today: date | None = None) -> int:
    """7, 3 and 1 days before the due date, and once when overdue: tell the reporters of
    every unit that has not filed yet. Each stage is sent once per request."""
    today = today or datetime.now(TZ).date()
    sent = 0
    open_requests = await session.scalars(
        select(ReportRequest)
        .where(ReportRequest.status == "open", ReportRequest.due_date <= today + timedelta(days=7))
        .with_for_update(skip_locked=True)
    )
    for request in list(open_requests):
        days = (request.due_date - today).days
        # The most urgent stage reached: 6 days left is the 7-day notice, 2 days the 3-day one.
        reached = [d for d in REMINDER_DAYS if days <= d]
        stage = "overdue" if days < 0 else (str(min(reached)) if reached else None)
        done = set(request.reminders_sent or [])
        if stage is None or stage in done:
            continue
        # A later stage makes earlier ones moot (a request opened 2 days before its due date
        # gets the 3-day notice, not three at once).
        request.reminders_sent = [*done, stage, *[str(d) for d in REMINDER_DAYS if days <= d]]
        pending = await session.scalars(
            select(Submission).where(
                Submission.request_id == request.id,
                Submission.status.in_(("draft", "returned")),
            )
        )
        ref = reference(request) or request.title
        for sub in pending:
            if not sub.org_unit.active:
                continue
            if stage == "overdue":
                title = f"Quá hạn nộp báo cáo: {ref}"
                body = (
                    f"{sub.org_unit.name} chưa nộp báo cáo; "
                    f"hạn nộp {request.due_date:%d/%m/%Y} đã qua."
                )
            else:
                title = f"Còn {days} ngày đến hạn nộp báo cáo: {ref}"
                body = f"Hạn nộp {request.due_date:%d/%m/%Y}. {request.title}"
            await notifications.notify(
                session,
                user_ids=await holders_of(session, Role.reporter, sub.org_unit),
                kind="overdue" if stage == "overdue" else "due_soon",
                title=title,
                body=body,
                link=f"/submissions/{sub.id}",
                entity=("submission", sub.id),
            )
            sent += 1
    await session.flush()
    return sent


@tasks.periodic(cron="5 * * * *")
@tasks.task(name="reports.send_reminders", queue="housekeeping")
async def send_reminders_job(timestamp: int) -> None:
    async with unit_of_work() as session:
        await send_reminders(session)


def next_period(code: str, recurrence: str) -> str:
    """The period after `code` of the recurrence's type: 2026Q2 -> 2026Q3, 2026 -> 2027."""
    period = parse(code)
    start = period.end + timedelta(days=1)
    y, m = start.year, start.month
    return {
        "monthly": f"{y}{m:02d}",
        "quarterly": f"{y}Q{(m - 1) // 3 + 1}",
        "six_monthly": f"{y}S{1 if m <= 6 else 2}",
        "yearly": f"{y}",
    }[recurrence]


async def create_recurring(session: AsyncSession, *, today: date | None = None) -> int:
    """For each recurring request whose period has ended, open the next one (same units,
    outline, tasks, indicators), due `due_days_after_period` after that period ends."""
    today = today or datetime.now(TZ).date()
    successor = aliased(ReportRequest)
    due = await session.scalars(
        whole(select(ReportRequest))
        .where(
            ReportRequest.recurrence.is_not(None),
            ReportRequest.status != "draft",
            ReportRequest.period_end < today,
            ~exists(select(1).where(successor.recurred_from_id == ReportRequest.id)),
        )
        .with_for_update(skip_locked=True)
    )
    created = 0
    for previous in list(due):
        assert previous.recurrence is not None
        code = next_period(previous.period, previous.recurrence)
        period = parse(code, cutoff=previous.cutoff)
        request = ReportRequest(
            requester_id=previous.requester_id,
            document_id=None,
            plan_id=previous.plan_id,
            title=previous.title,
            kind=previous.kind,
            period=period.code,
            period_start=period.start,
            period_end=period.end,
            cutoff=previous.cutoff,
            due_date=period.end + timedelta(days=previous.due_days_after_period or 0),
            status="open",
            outline=list(previous.outline),
            task_ids=list(previous.task_ids),
            include_child_plans=previous.include_child_plans,
            signed_reports=previous.signed_reports,
            indicator_ids=list(previous.indicator_ids),
            recurrence=previous.recurrence,
            due_days_after_period=previous.due_days_after_period,
            recurred_from_id=previous.id,
            opened_at=datetime.now(UTC),
            reminders_sent=[],
        )
        request.requester = previous.requester
        request.units = [u for u in previous.units if u.active]
        session.add(request)
        await session.flush()
        await open_submissions(session, None, request, list(request.units))
        await audit.record(
            session,
            actor=None,
            action="recur",
            entity_type=ENTITY,
            entity_id=request.id,
            after=snapshot(request),
        )
        created += 1
    return created


@tasks.periodic(cron="30 0 * * *")
@tasks.task(name="reports.create_recurring", queue="housekeeping")
async def create_recurring_job(timestamp: int) -> None:
    async with unit_of_work() as session:
        await create_recurring(session)
