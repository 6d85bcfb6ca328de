"""Demo: the cascade of seeds 000–003 as plans, and plans 242/KH-UBND and Bắc Kạn's.

72-NQ/TW (Bộ Chính trị) → 282/NQ-CP (Chính phủ) → 05-CTr/TU (Tỉnh ủy Bắc Ninh) → 142/KH-UBND
→ Sơn Hải's 81/KH-UBND; and in Thái Nguyên 282/NQ-CP → 03-CTr/TU → Quyết định 2041/QĐ-UBND →
the draft plan of Bắc Kạn ward (seed 002). Plan 242/KH-UBND (seed 003) implements the national
strategy of Quyết định 89/QĐ-TTg. Task groups keep the seeds' numbering; the bodies of "Tổ chức
thực hiện" become a group of their own, each body's responsibilities its tasks, led by it.
Dates not in the seeds are left empty (a year is kept where the reference needs one).
"""

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.demo.seed_plans import (
    BAC_KAN_BODIES,
    BAC_KAN_GROUPS,
    BAC_KAN_OBJECTIVES,
    PLAN_242_BODIES,
    PLAN_242_GROUPS,
    PLAN_242_OBJECTIVES,
    PLAN_242_SECTIONS,
)
from api.models import Assignment, Document, OrgUnit, Plan, Task
from api.text import fold

# 242's bodies (by their number in "Tổ chức thực hiện") -> unit code; None: named vaguely.
BODIES_242 = {
    1: "BN-SYT", 2: "BN-SKHDT", 3: "BN-STC", 4: "BN-STTTT", 5: "BN-SNV", 6: "BN-SGDDT",
    7: "BN-SLDTBXH", 8: "BN-STNMT", 9: "BN-SVHTTDL", 10: "BN-BHXH", 11: "BN-BQLATTP",
    12: "BN-BCHQS", 13: "BN-CA", 14: None, 15: "BN-MTTQ", 16: None,
}  # fmt: skip
BODIES_BAC_KAN = {
    1: ("TN-BACKAN-VHXH", ()), 2: ("TN-BACKAN-TYT", ()),
    3: ("TN-BACKAN-MTTQ", ("TN-BACKAN-HPN", "TN-BACKAN-HNCT")), 4: ("TN-BACKAN-BHXH", ()),
    5: ("TN-BACKAN-KTHTDT", ()), 6: ("TN-BACKAN-DVTH", ()), 7: ("TN-BACKAN-TH", ()),
    8: ("TN-BACKAN-TDP", ()),
}  # fmt: skip


async def _doc(
    session: AsyncSession,
    codes: dict[str, uuid.UUID],
    issuer: str,
    doc_type: str,
    number: str | None,
    symbol: str,
    title: str,
    *,
    issued_on: date | None = None,
    year: int | None = None,
    party: bool = False,
    basis: tuple[Document, ...] = (),
) -> Document:
    found = await session.scalar(
        select(Document).where(
            Document.issuer_id == codes[issuer],
            Document.symbol == symbol,
            Document.number == number if number else Document.title == title,
        )
    )
    if found is not None:
        return found
    doc = Document(
        type=doc_type,
        number=number,
        symbol=symbol,
        party_style=party,
        issuer_id=codes[issuer],
        issued_on=issued_on,
        year=issued_on.year if issued_on else year,
        title=title,
        recipients=[],
        legal_basis=list(basis),
        search_text=fold(f"{title} | {number or ''}/{symbol}"),
    )
    session.add(doc)
    await session.flush()
    return doc


async def _plan(
    session: AsyncSession,
    owner: uuid.UUID,
    doc: Document,
    *,
    parents: tuple[Plan, ...] = (),
    status: str = "issued",
    **fields: object,
) -> Plan:
    found = await session.scalar(select(Plan).where(Plan.document_id == doc.id))
    if found is not None:
        return found
    plan = Plan(
        owner_id=owner,
        document_id=doc.id,
        title=str(fields.pop("title", doc.title)),
        status=status,
        sections=fields.pop("sections", []),
        objectives=fields.pop("objectives", []),
        parents=list(parents),
        **fields,
    )
    session.add(plan)
    await session.flush()
    return plan


class _Tree:
    """Adds a plan's task rows in order, with their parents and assignments."""

    def __init__(self, session: AsyncSession, plan: Plan, codes: dict[str, uuid.UUID]) -> None:
        self.session, self.plan, self.codes, self.position = session, plan, codes, 0
        self.assignments: list[Assignment] = []

    def task(
        self,
        number: str,
        title: str,
        parent: Task | None = None,
        *,
        lead: str | None = None,
        coordinating: tuple[str, ...] = (),
        note: str | None = None,
    ) -> Task:
        task = Task(
            id=uuid.uuid4(),
            plan_id=self.plan.id,
            parent_id=parent.id if parent else None,
            number=number,
            title=title,
            note=note,
            position=self.position,
        )
        self.position += 1
        self.session.add(task)
        if lead:
            self.assignments.append(
                Assignment(task_id=task.id, org_unit_id=self.codes[lead], role="lead")
            )
        self.assignments += [
            Assignment(task_id=task.id, org_unit_id=self.codes[code], role="coordinating")
            for code in coordinating
        ]
        return task

    async def done(self) -> None:
        """Tasks first (assignments refer to them), in the order they were added."""
        await self.session.flush()
        self.session.add_all(self.assignments)
        await self.session.flush()


async def load_plan_chain(session: AsyncSession, plan142: Plan) -> int:
    codes = {c: i for c, i in await session.execute(select(OrgUnit.code, OrgUnit.id))}
    if await session.scalar(
        select(Document.id).where(Document.symbol == "NQ/TW", Document.number == "72")
    ):
        return 0
    nq72 = await _doc(
        session, codes, "TW-BCT", "NQ", "72", "NQ/TW",
        "Về một số giải pháp đột phá, tăng cường bảo vệ, chăm sóc và nâng cao sức khỏe Nhân dân",
        issued_on=date(2025, 9, 9), party=True,
    )  # fmt: skip
    nq282 = await _doc(
        session, codes, "TW-CP", "NQ", "282", "NQ-CP",
        "Chương trình hành động của Chính phủ thực hiện Nghị quyết số 72-NQ/TW",
        issued_on=date(2025, 9, 15), basis=(nq72,),
    )  # fmt: skip
    ctr05 = await _doc(
        session, codes, "BN-TU", "CTr", "05", "CTr/TU",
        "Chương trình hành động của Ban Thường vụ Tỉnh ủy về một số giải pháp đột phá, tăng "
        "cường bảo vệ, chăm sóc và nâng cao sức khỏe Nhân dân",
        year=2025, party=True, basis=(nq72,),
    )  # fmt: skip
    ctr03 = await _doc(
        session, codes, "TN-TU", "CTr", "03", "CTr/TU",
        "Chương trình hành động của Ban Thường vụ Tỉnh ủy Thái Nguyên thực hiện Nghị quyết số "
        "72-NQ/TW",
        year=2025, party=True, basis=(nq72,),
    )  # fmt: skip
    qd2041 = await _doc(
        session, codes, "TN-UBND", "QĐ", "2041", "QĐ-UBND",
        "Ban hành Kế hoạch thực hiện Nghị quyết số 282/NQ-CP của Chính phủ và Chương trình hành "
        "động số 03-CTr/TU của Ban Thường vụ Tỉnh ủy",
        issued_on=date(2025, 11, 30), basis=(nq282, ctr03),
    )  # fmt: skip
    qd89 = await _doc(
        session, codes, "TW-CP", "QĐ", "89", "QĐ-TTg",
        "Phê duyệt Chiến lược quốc gia bảo vệ, chăm sóc và nâng cao sức khỏe nhân dân giai đoạn "
        "đến năm 2030, tầm nhìn đến năm 2045",
        issued_on=date(2024, 1, 23),
    )  # fmt: skip
    kh242 = await _doc(
        session, codes, "BN-UBND", "KH", "242", "KH-UBND",
        "Kế hoạch thực hiện Chiến lược quốc gia bảo vệ, chăm sóc và nâng cao sức khỏe nhân dân "
        "giai đoạn đến năm 2030, tầm nhìn đến năm 2045 trên địa bàn tỉnh Bắc Ninh",
        issued_on=date(2024, 7, 31), basis=(qd89,),
    )  # fmt: skip
    bac_kan_doc = await _doc(
        session, codes, "TN-BACKAN-UBND", "KH", None, "KH-UBND",
        "Kế hoạch thực hiện Nghị quyết số 282/NQ-CP của Chính phủ và Chương trình hành động số "
        "03-CTr/TU của Ban Thường vụ Tỉnh ủy về một số giải pháp đột phá, tăng cường bảo vệ, "
        "chăm sóc và nâng cao sức khỏe Nhân dân trên địa bàn phường Bắc Kạn",
        year=2026, basis=(nq282, ctr03, qd2041),
    )  # fmt: skip

    p72 = await _plan(session, codes["TW-BCT"], nq72)
    p282 = await _plan(session, codes["TW-CP"], nq282, parents=(p72,))
    p05 = await _plan(session, codes["BN-TU"], ctr05, parents=(p282,))
    p03 = await _plan(session, codes["TN-TU"], ctr03, parents=(p282,))
    p2041 = await _plan(session, codes["TN-UBND"], qd2041, parents=(p282, p03))
    plan142.parents = [p05]

    p242 = await _plan(
        session,
        codes["BN-UBND"],
        kh242,
        period_start=2024,
        period_end=2030,
        vision_year=2045,
        sections=PLAN_242_SECTIONS,
        objectives=PLAN_242_OBJECTIVES,
    )
    tree = _Tree(session, p242, codes)
    solutions = tree.task("III", "Nhiệm vụ, giải pháp")
    for number, title, tasks in PLAN_242_GROUPS:
        group = tree.task(number, title, solutions)
        for n, text in enumerate(tasks, start=1):
            # Sở Y tế "chủ trì ... tổ chức triển khai Kế hoạch" (Tổ chức thực hiện, điểm 1).
            tree.task(f"{number}.{n}", text, group, lead="BN-SYT")
    organisation = tree.task("IV", "Tổ chức thực hiện")
    for place, body, duties in PLAN_242_BODIES:
        code = BODIES_242[place]
        group = tree.task(f"IV.{place}", body, organisation)
        for n, text in enumerate(duties or [body], start=1):
            coordinating: tuple[str, ...] = (
                ("BN-SYT",) if code != "BN-SYT" and "phối hợp với Sở Y tế" in text else ()
            )
            tree.task(
                f"IV.{place}.{n}",
                text,
                group,
                lead=code,
                coordinating=coordinating,
                note=None if code else f"Theo văn bản: {body}",
            )

    await tree.done()

    bac_kan = await _plan(
        session,
        codes["TN-BACKAN"],
        bac_kan_doc,
        parents=(p2041,),
        status="draft",
        period_start=2026,
        period_end=2030,
        vision_year=2045,
        objectives=BAC_KAN_OBJECTIVES,
    )
    tree = _Tree(session, bac_kan, codes)
    solutions = tree.task("III", "Nhiệm vụ, giải pháp")
    for number, title, tasks in BAC_KAN_GROUPS:
        group = tree.task(number, title, solutions)
        for n, text in enumerate(tasks, start=1):
            tree.task(f"{number}.{n}", text, group)
    organisation = tree.task("IV", "Tổ chức thực hiện")
    for place, body, duties in BAC_KAN_BODIES:
        lead, coordinating = BODIES_BAC_KAN[place]
        group = tree.task(f"IV.{place}", body, organisation)
        for n, text in enumerate(duties or [body], start=1):
            tree.task(f"IV.{place}.{n}", text, group, lead=lead, coordinating=coordinating)
    await tree.done()
    return 7
