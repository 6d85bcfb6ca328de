# ruff: noqa: E501  (the seed's task titles are kept whole, one per line)
"""Demo plans: 142/KH-UBND of the province and Sơn Hải's 81/KH-UBND with its 21-task matrix.

Seed 001's "Phụ lục 2" belongs to Sơn Hải's own plan 81/KH-UBND (01/12/2025), which implements
the province's 142/KH-UBND (21/11/2025). 142 is owned by UBND tỉnh (its issuer: the province's
plan, kept by its plan managers), 81 by Xã Sơn Hải. Vague bodies ("các ban ngành", "Các cơ
quan liên quan") stay in the assignment note rather than becoming invented units.
"""

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import Assignment, Document, OrgUnit, Plan, Task
from api.text import fold

SCHOOLS = ("BN-SONHAI-MN", "BN-SONHAI-TH", "BN-SONHAI-THCS")
VILLAGES = ("BN-SONHAI-T1", "BN-SONHAI-T2", "BN-SONHAI-T3")
UBND, TYT, CA, MTTQ = "BN-SONHAI-UBND", "BN-SONHAI-TYT", "BN-SONHAI-CA", "BN-SONHAI-MTTQ"
HPN, HNCT, BHXH, TTYT = "BN-SONHAI-HPN", "BN-SONHAI-HNCT", "BN-BHXH", "BN-TTYT-LN"

# (number, title, leads, coordinating, result, note) as in seed 001's Phụ lục 2.
Row = tuple[str, str, tuple[str, ...], tuple[str, ...], str | None, str | None]
SON_HAI_MATRIX: tuple[Row, ...] = (
    (
        "I",
        "Đổi mới mạnh mẽ tư duy và hành động trong lãnh đạo, chỉ đạo tổ chức thực hiện công tác bảo vệ, chăm sóc và nâng cao sức khỏe Nhân dân",
        (),
        (),
        None,
        None,
    ),
    (
        "1",
        "Tuyên truyền, phổ biến kiến thức chăm sóc sức khỏe, phòng chống dịch bệnh, xây dựng lối sống lành mạnh",
        (UBND,),
        (MTTQ, TYT, *SCHOOLS),
        "Thực hiện 30 tin bài tuyên truyền, 170 lượt phát thanh, 01 buổi truyền thông lồng ghép",
        "Phối hợp: MTTQ và các tổ chức chính trị - xã hội",
    ),
    (
        "2",
        "Lồng ghép các chỉ tiêu y tế, dân số, BHYT vào kế hoạch phát triển kinh tế - xã hội địa phương",
        (UBND,),
        (TYT,),
        "Thực hiện lồng ghép trong kế hoạch phát triển KT-XH hằng năm",
        "Phối hợp: các ban ngành",
    ),
    (
        "3",
        "Tổ chức các hoạt động hưởng ứng Ngày Sức khỏe thế giới, Tháng hành động vì trẻ em, các chiến dịch y tế",
        (UBND,),
        (TYT, *SCHOOLS, *VILLAGES),
        "Xây dựng kế hoạch triển khai; tổ chức các hoạt động truyền thông, vệ sinh môi trường, khám sức khỏe",
        None,
    ),
    (
        "4",
        "Triển khai các giải pháp bảo đảm an toàn giao thông, phòng chống tai nạn thương tích, đuối nước trẻ em",
        (UBND,),
        (CA, *SCHOOLS),
        "Tổ chức tuyên truyền tại các trường học, thường xuyên kiểm tra, nhắc nhở",
        None,
    ),
    (
        "5",
        "Thực hiện các hoạt động nâng cao thể lực, tầm vóc, phong trào thể dục thể thao quần chúng",
        (UBND,),
        VILLAGES,
        "Duy trì các câu lạc bộ thể thao và phong trào TDTT",
        None,
    ),
    ("II", "Nâng cao năng lực hệ thống y tế cơ sở, y tế dự phòng", (), (), None, None),
    (
        "6",
        "Thực hiện hiệu quả các chương trình mục tiêu y tế - dân số",
        (TYT,),
        (UBND,),
        "Thực hiện đầy đủ các chương trình theo kế hoạch ngành",
        None,
    ),
    (
        "7",
        "Nâng cao chất lượng công tác tiêm chủng mở rộng",
        (TYT,),
        VILLAGES,
        "Tỷ lệ trẻ < 1 tuổi được tiêm chủng đạt ≥ 97%",
        None,
    ),
    (
        "8",
        "Tăng cường phòng, chống dịch bệnh truyền nhiễm",
        (TYT,),
        (*SCHOOLS, *VILLAGES),
        "Không có dịch bệnh lớn xảy ra trên địa bàn",
        None,
    ),
    (
        "9",
        "Thực hiện quản lý sức khỏe bà mẹ, trẻ em, người cao tuổi",
        (TYT,),
        (HPN, HNCT),
        "Quản lý đầy đủ các đối tượng theo quy định",
        None,
    ),
    (
        "10",
        "Thực hiện chăm sóc sức khỏe ban đầu cho Nhân dân",
        (TYT,),
        (UBND,),
        "Duy trì khám chữa bệnh thường xuyên tại Trạm Y tế",
        None,
    ),
    (
        "11",
        "Tổ chức các đợt khám sức khỏe định kỳ, khám sàng lọc miễn phí",
        (UBND,),
        (TYT, TTYT),
        "Trạm Y tế phối hợp Bệnh viện Đa khoa Lục Ngạn và bệnh viện Ung bướu Bắc Ninh",
        None,
    ),
    (
        "12",
        "Triển khai chăm sóc sức khỏe học đường",
        SCHOOLS,
        (TYT,),
        "Thực hiện khám sức khỏe định kỳ cho học sinh",
        None,
    ),
    ("III", "Nâng cao y đức, chất lượng nguồn nhân lực y tế", (), (), None, None),
    (
        "13",
        "Nâng cao tinh thần trách nhiệm, đạo đức nghề nghiệp của cán bộ y tế",
        (TYT,),
        (UBND,),
        "Hiện tại UBND xã chưa nhận phản ánh, khiếu nại liên quan đến y đức",
        None,
    ),
    (
        "14",
        "Tham gia đào tạo, bồi dưỡng nâng cao trình độ chuyên môn",
        (TYT,),
        (),
        "100% cán bộ tham gia tập huấn chuyên môn",
        "Phối hợp: Trung tâm Y tế khu vực",
    ),
    ("IV", "Đẩy mạnh thực hiện chính sách BHYT", (), (), None, None),
    (
        "15",
        "Tuyên truyền, vận động người dân tham gia BHYT",
        (UBND,),
        (BHXH, TYT, MTTQ),
        "Tỷ lệ bao phủ BHYT đạt 98%",
        "Phối hợp: các tổ chức chính trị - xã hội",
    ),
    (
        "16",
        "Thực hiện chính sách khám chữa bệnh BHYT cho người dân",
        (TYT,),
        (),
        "Đảm bảo quyền lợi cho người tham gia BHYT",
        None,
    ),
    ("V", "Đột phá phát triển khoa học công nghệ, chuyển đổi số y tế", (), (), None, None),
    (
        "17",
        "Thực hiện lập và quản lý hồ sơ sức khỏe điện tử cho người dân",
        (TYT,),
        (CA, *VILLAGES),
        "Đang cập nhật dữ liệu theo lộ trình",
        None,
    ),
    (
        "18",
        "Thực hiện liên thông dữ liệu y tế, BHYT và dân cư",
        (TYT,),
        (BHXH,),
        "Duy trì sử dụng phần mềm chuyên ngành",
        "Phối hợp: cơ sở Chủ (như bản gốc)",
    ),
    ("VI", "Huy động nguồn lực cho phát triển y tế", (), (), None, None),
    (
        "19",
        "Huy động nguồn lực xã hội hóa cho công tác chăm sóc sức khỏe Nhân dân",
        (UBND,),
        (MTTQ,),
        "Huy động nguồn lực hỗ trợ các hoạt động y tế",
        "Phối hợp: các đoàn thể chính trị - xã hội",
    ),
    (
        "20",
        "Tăng cường kiểm tra, giám sát an toàn thực phẩm",
        (UBND,),
        (TYT, CA),
        "Tổ chức kiểm tra theo kế hoạch hằng năm",
        None,
    ),
    (
        "21",
        "Phối hợp triển khai các chương trình, dự án y tế trên địa bàn",
        (UBND,),
        (),
        "Thực hiện theo chỉ đạo cấp trên",
        "Phối hợp: Các cơ quan liên quan",
    ),
)


async def ensure_document(
    session: AsyncSession,
    codes: dict[str, uuid.UUID],
    issuer: str,
    number: str,
    symbol: str,
    issued_on: date,
    title: str,
    basis: list[Document],
    doc_type: str = "KH",
) -> Document:
    found = await session.scalar(
        select(Document).where(
            Document.issuer_id == codes[issuer],
            Document.number == number,
            Document.year == issued_on.year,
            Document.type == doc_type,
        )
    )
    if found is not None:
        return found
    doc = Document(
        type=doc_type,
        number=number,
        symbol=symbol,
        issuer_id=codes[issuer],
        issued_on=issued_on,
        year=issued_on.year,
        title=title,
        recipients=[],
        legal_basis=basis,
        search_text=fold(f"{title} | {number}/{symbol}"),
    )
    session.add(doc)
    await session.flush()
    return doc


async def load_plans(session: AsyncSession) -> int:
    """Create the demo plans that are missing; return how many were created."""
    codes = {c: i for c, i in await session.execute(select(OrgUnit.code, OrgUnit.id))}
    created = 0
    doc142 = await ensure_document(
        session,
        codes,
        "BN-UBND",
        "142",
        "KH-UBND",
        date(2025, 11, 21),
        "Kế hoạch thực hiện các nhiệm vụ đột phá, tăng cường bảo vệ, chăm sóc và nâng cao "
        "sức khỏe Nhân dân",
        [],
    )
    plan142 = await session.scalar(select(Plan).where(Plan.document_id == doc142.id))
    if plan142 is None:
        plan142 = Plan(
            owner_id=codes["BN-UBND"],
            document_id=doc142.id,
            title=doc142.title,
            status="issued",
            sections=[],
            objectives=[],
            parents=[],
        )
        session.add(plan142)
        created += 1
    doc81 = await ensure_document(
        session,
        codes,
        "BN-SONHAI-UBND",
        "81",
        "KH-UBND",
        date(2025, 12, 1),
        "Kế hoạch thực hiện các nhiệm vụ đột phá, tăng cường bảo vệ, chăm sóc và nâng cao "
        "sức khỏe Nhân dân trên địa bàn xã Sơn Hải",
        [doc142],
    )
    if await session.scalar(select(Plan.id).where(Plan.document_id == doc81.id)):
        await session.flush()
        return created
    plan81 = Plan(
        owner_id=codes["BN-SONHAI"],
        document_id=doc81.id,
        title=doc81.title,
        status="issued",
        sections=[],
        objectives=[],
        parents=[plan142],
    )
    session.add(plan81)
    await session.flush()
    group: Task | None = None
    for position, (number, title, leads, coordinating, result, note) in enumerate(SON_HAI_MATRIX):
        is_group = not number.isdigit()
        task = Task(
            id=uuid.uuid4(),
            plan_id=plan81.id,
            number=number,
            title=title,
            parent_id=None if is_group or group is None else group.id,
            expected_output=result,
            note=note,
            position=position,
        )
        session.add(task)
        await session.flush()
        if is_group:
            group = task
        for code in leads:
            session.add(Assignment(task_id=task.id, org_unit_id=codes[code], role="lead"))
        for code in coordinating:
            session.add(Assignment(task_id=task.id, org_unit_id=codes[code], role="coordinating"))
    await session.flush()
    return created + 1
