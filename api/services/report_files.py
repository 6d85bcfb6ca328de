"""A unit's report in its Decree 30 layout, read from the database for its DOCX and PDF."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.access import Principal
from api.models import OrgUnit, ReportRequest, Submission
from api.services import compilation, report_layout, submissions
from api.services.report_layout import ReportLayout


async def submission_layout(
    session: AsyncSession, *, actor: Principal, sub: Submission
) -> ReportLayout:
    """The unit's report under its own name, its parent above it as the compiled report
    writes a requester's."""
    read = await submissions.read_model(session, actor, sub)
    above = await compilation.ancestors(session, sub.org_unit)
    parent = above[1] if len(above) > 1 else None
    province = next((u for u in above if u.type == "province"), above[-1])
    issuer_parent = None
    if parent is not None:
        issuer_parent = (
            parent.name
            if parent.type != "province"
            else f"UBND {province.name[0].lower()}{province.name[1:]}"
        )
    requester = await session.scalar(
        select(OrgUnit.name)
        .join(ReportRequest, ReportRequest.requester_id == OrgUnit.id)
        .where(ReportRequest.id == sub.request_id)
    )
    return report_layout.of_submission(
        read,
        issuer=sub.org_unit.name,
        issuer_parent=issuer_parent,
        place=compilation.short_place(province),
        send_to=requester,
    )
