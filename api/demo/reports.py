# ruff: noqa: E501  (the seed's document titles are kept whole, one per line)
"""Demo reporting cycle: Sở Y tế's request 2429/SYT-KHTH (14/5/2026) about plan 142/KH-UBND,
answered by Sở Dân tộc và Tôn giáo (seed 000: narrative only) and Xã Sơn Hải (seed 001: its
21 task results, its values and the documents it issued), with Xã Lục Ngạn yet to answer.

Sở Dân tộc và Tôn giáo's report goes through the whole cycle (submitted, returned for a
missing section, resubmitted, accepted); Sơn Hải's is submitted and waits for review. Both are
dated as the seeds date them (late May 2026), so the rates read as they did then.
"""

from datetime import UTC, date, datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.access import principal_for
from api.demo.plans import SON_HAI_MATRIX, ensure_document
from api.demo.report_texts import SDTTG_SECTIONS, SON_HAI_SECTIONS
from api.models import (
    OrgUnit,
    Plan,
    ReportRequest,
    Submission,
    SubmissionRevision,
    Task,
    User,
)
from api.schemas.report_request import DEFAULT_OUTLINE, ReportRequestCreate, UnitSelection
from api.schemas.submission import IssuedDocument, Section, SubmissionUpdate, TaskResultIn, ValueIn
from api.services import deadlines, report_requests, submission_drafts, submission_workflow

PERIOD = "2026-01-01_2026-05-30"
INDICATORS = ["KCB_BHYT", "TCDD", "TCAT", "SDD_NC", "BHYT"]
# Sơn Hải's values (seed 001): visits, full and safe vaccination, underweight, insurance.
SON_HAI_VALUES = [
    ValueIn(indicator="KCB_BHYT", value="908"),
    ValueIn(indicator="TCDD", numerator="50", denominator="130"),
    ValueIn(indicator="TCAT", numerator="864", denominator="864"),
    ValueIn(indicator="SDD_NC", numerator="64", denominator="639"),
    ValueIn(indicator="BHYT", value="98"),
]
# Seed 001, section I: the plans and letters Sơn Hải issued in the period.
SON_HAI_DOCUMENTS = [
    (
        "Kế hoạch số 81/KH-UBND",
        date(2025, 12, 1),
        "Thực hiện Nghị quyết số 72-NQ/TW ngày 09/9/2025 của Bộ Chính trị về một số giải pháp đột phá, tăng cường bảo vệ, chăm sóc và nâng cao sức khỏe Nhân dân",
    ),
    (
        "Kế hoạch số 115/KH-UBND",
        date(2026, 5, 25),
        "Thực hiện Chiến lược quốc gia về bình đẳng giới giai đoạn 2026-2030 trên địa bàn xã Sơn Hải",
    ),
    (
        "Kế hoạch số 120/KH-UBND",
        date(2026, 5, 29),
        "Tuyên truyền bảo hiểm xã hội trên địa bàn xã Sơn Hải giai đoạn 2026 - 2030",
    ),
    (
        "Kế hoạch số 111/KH-UBND",
        date(2026, 5, 19),
        "Hoạt động phòng, chống côn trùng truyền bệnh năm 2026",
    ),
    (
        "Kế hoạch số 112/KH-UBND",
        date(2026, 5, 19),
        "Triển khai thực hiện Chiến lược quốc gia về Người cao tuổi giai đoạn 2026 - 2035, tầm nhìn đến năm 2045 trên địa bàn xã Sơn Hải",
    ),
    (
        "Kế hoạch số 110/KH-UBND",
        date(2026, 5, 19),
        "Triển khai thực hiện Nghị quyết số 72-NQ/TW ngày 09/9/2025 của Bộ Chính trị về một số giải pháp đột phá, tăng cường bảo vệ, chăm sóc và nâng cao sức khỏe Nhân dân",
    ),
    ("Kế hoạch số 106/KH-UBND", date(2026, 5, 18), "Triển khai tháng hành động vì trẻ em năm 2026"),
    (
        "Kế hoạch số 72/KH-UBND",
        date(2026, 4, 6),
        "Phòng, chống tai nạn thương tích trẻ em giai đoạn 2026-2030 trên địa bàn xã Sơn Hải",
    ),
    (
        "Kế hoạch số 84/KH-UBND",
        date(2026, 4, 21),
        "Triển khai “Tháng hành động vì an toàn thực phẩm” năm 2026, trên địa bàn xã Sơn Hải",
    ),
    (
        "Kế hoạch số 47/KH-UBND",
        date(2026, 5, 19),
        "Triển khai khám sàng lọc, khám sức khỏe định kỳ toàn dân trên địa bàn xã Sơn Hải năm 2026",
    ),
    (
        "Công văn số 24/CV-TYT",
        date(2026, 5, 18),
        "Tổ chức khám sàng lọc, khám sức khỏe định kỳ cho học sinh",
    ),
]
SON_HAI_RECIPIENTS = [
    "Sở y tế (b/c)",
    "CT, PCT UBND xã",
    "Phòng VH-XH xã",
    "LĐVP, CVTH",
    "Lưu: VT.",
]
SDTTG_RECIPIENTS = ["Sở Y tế", "Lãnh đạo Sở", "Các phòng CM thuộc Sở", "Lưu: VT, VP."]
RETURN_COMMENT = (
    "Đề nghị bổ sung mục III.2 (khó khăn, vướng mắc) và nêu rõ nguyên nhân trước khi tổng hợp."
)


def sections(texts: dict[str, str]) -> list[Section]:
    headings = {s.key: s.heading for s in DEFAULT_OUTLINE}
    return [Section(key=k, heading=headings[k], body=v) for k, v in texts.items() if k in headings]


async def _actor(session: AsyncSession, username: str):  # type: ignore[no-untyped-def]
    user = await session.scalar(select(User).where(User.username == username))
    assert user is not None
    return await principal_for(session, user.id)


async def _backdate(session: AsyncSession, sub: Submission, at: datetime) -> None:
    """Date the filing as the seed dates it, so timeliness reads as it did then."""
    due = sub.request.due_date
    await session.execute(
        update(Submission)
        .where(Submission.id == sub.id)
        .values(first_submitted_at=at, submitted_at=at, late=deadlines.is_late(at, due))
        .execution_options(synchronize_session=False)
    )
    await session.execute(
        update(SubmissionRevision)
        .where(SubmissionRevision.submission_id == sub.id, SubmissionRevision.action == "submit")
        .values(created_at=at)
        .execution_options(synchronize_session=False)
    )


async def load_reports(session: AsyncSession) -> int:
    """Create the demo request and its answers if missing; return how many requests made."""
    codes = {c: i for c, i in await session.execute(select(OrgUnit.code, OrgUnit.id))}
    letter = await ensure_document(
        session,
        codes,
        "BN-SYT",
        "2429",
        "SYT-KHTH",
        date(2026, 5, 14),
        "V/v đề nghị báo cáo kết quả thực hiện Kế hoạch số 142/KH-UBND ngày 21/11/2025 của "
        "UBND tỉnh",
        [],
        doc_type="CV",
    )
    if await session.scalar(select(ReportRequest.id).where(ReportRequest.document_id == letter.id)):
        return 0
    plan142 = await session.scalar(
        select(Plan).where(
            Plan.title.startswith("Kế hoạch thực hiện các nhiệm vụ đột phá"),
            Plan.owner_id == codes["BN-UBND"],
        )
    )
    assert plan142 is not None
    manager = await _actor(session, "syt.kehoach")
    request = await report_requests.create(
        session,
        actor=manager,
        data=ReportRequestCreate(
            requester_id=codes["BN-SYT"],
            document_id=letter.id,
            plan_id=plan142.id,
            title="Báo cáo kết quả thực hiện Kế hoạch số 142/KH-UBND ngày 21/11/2025 của UBND "
            "tỉnh về triển khai Chương trình hành động số 05-CTr/TU",
            kind="thematic",
            period=PERIOD,
            due_date=date(2026, 6, 5),
            indicators=INDICATORS,
            units=UnitSelection(
                unit_ids=[codes["BN-SONHAI"], codes["BN-SDTTG"], codes["BN-LUCNGAN"]]
            ),
        ),
    )
    request = await report_requests.open_request(
        session, actor=manager, request_id=request.id, expected_version=request.version
    )
    reviewer = await _actor(session, "syt.thamdinh")
    subs = {
        s.org_unit_id: s
        for s in await session.scalars(
            select(Submission).where(Submission.request_id == request.id)
        )
    }

    # Sở Dân tộc và Tôn giáo: narrative only; returned once for its missing difficulties.
    sdttg = await _actor(session, "sdttg.baocao")
    sub = subs[codes["BN-SDTTG"]]
    first = {k: v for k, v in SDTTG_SECTIONS.items() if k != "III.2"}
    saved = await submission_drafts.save(
        session,
        actor=sdttg,
        submission_id=sub.id,
        expected_version=sub.version,
        data=SubmissionUpdate(
            doc_symbol="BC-SDTTG",
            place="Bắc Ninh",
            title=request.title,
            sections=sections(first),
            signer_mode="KT",
            signer_authority="GIÁM ĐỐC",
            signer_position="PHÓ GIÁM ĐỐC",
            signer_name="Đào Thu Hà",
            recipients=SDTTG_RECIPIENTS,
        ),
    )
    sub = (
        await submission_workflow.submit(
            session, actor=sdttg, submission_id=saved.id, expected_version=saved.version
        )
    ).sub
    await _backdate(session, sub, datetime(2026, 5, 27, 2, 30, tzinfo=UTC))
    sub = (
        await submission_workflow.return_submission(
            session,
            actor=reviewer,
            submission_id=sub.id,
            expected_version=sub.version,
            comment=RETURN_COMMENT,
        )
    ).sub
    saved = await submission_drafts.save(
        session,
        actor=sdttg,
        submission_id=sub.id,
        expected_version=sub.version,
        data=SubmissionUpdate(sections=sections({"III.2": SDTTG_SECTIONS["III.2"]})),
    )
    sub = (
        await submission_workflow.submit(
            session, actor=sdttg, submission_id=saved.id, expected_version=saved.version
        )
    ).sub
    sub = (
        await submission_workflow.accept(
            session,
            actor=reviewer,
            submission_id=sub.id,
            expected_version=sub.version,
            comment=None,
        )
    ).sub

    # Xã Sơn Hải: the full report, submitted, waiting for review.
    sonhai = await _actor(session, "sonhai.baocao")
    sub = subs[codes["BN-SONHAI"]]
    plan81 = await session.scalar(
        select(Plan).where(Plan.owner_id == codes["BN-SONHAI"], Plan.status == "issued")
    )
    assert plan81 is not None
    tasks = {
        t.number: t.id for t in await session.scalars(select(Task).where(Task.plan_id == plan81.id))
    }
    results = [
        TaskResultIn(
            task_id=tasks[number],
            status="done" if result else "in_progress",
            result=result or "",
            outputs=[],
            note=note if note and not note.startswith("Phối hợp") else "",
        )
        for number, _, leads, _, result, note in SON_HAI_MATRIX
        if leads
    ]
    saved = await submission_drafts.save(
        session,
        actor=sonhai,
        submission_id=sub.id,
        expected_version=sub.version,
        data=SubmissionUpdate(
            doc_symbol="BC-UBND",
            place="Sơn Hải",
            title=request.title + " trên địa bàn xã Sơn Hải",
            sections=sections(SON_HAI_SECTIONS),
            task_results=results,
            values=SON_HAI_VALUES,
            issued_documents=[
                IssuedDocument(reference=ref, issued_on=on, title=title, issuer="UBND xã Sơn Hải")
                for ref, on, title in SON_HAI_DOCUMENTS
            ],
            signer_mode="TM",
            signer_authority="ỦY BAN NHÂN DÂN",
            signer_position="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
            signer_name="Nguyễn Văn Hải",
            recipients=SON_HAI_RECIPIENTS,
        ),
    )
    sub = (
        await submission_workflow.submit(
            session, actor=sonhai, submission_id=saved.id, expected_version=saved.version
        )
    ).sub
    await _backdate(session, sub, datetime(2026, 6, 1, 8, 15, tzinfo=UTC))
    await session.flush()
    return 1
