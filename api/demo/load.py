"""Load the demo data set; safe to run again (existing rows are left as they are)."""

from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from api.demo.org_units import ROOTS, U
from api.models import OrgUnit, Role, RoleAssignment, User
from api.security import hash_password
from api.services.org_units import search_key

# Demo passwords exist only here; the password policy applies to every account made over HTTP.
DEMO_PASSWORD = "healthplan"


class DemoUser(NamedTuple):
    username: str
    full_name: str
    unit: str
    grants: tuple[tuple[Role, str | None, bool], ...]
    position: str | None = None
    # The signing modes of the user's signer grants (docs/signing.md).
    signing_modes: tuple[str, ...] | None = None


DEMO_USERS = (
    DemoUser(
        "admin", "Quản trị hệ thống", "BN-SYT", ((Role.admin, None, True),), "Quản trị hệ thống"
    ),
    DemoUser(
        "bn.quantri",
        "Trần Minh Quân",
        "BN-UBND",
        ((Role.admin, "BN", True),),
        "Quản trị đơn vị tỉnh Bắc Ninh",
    ),
    DemoUser(
        "syt.kehoach",
        "Lê Thị Hoa",
        "BN-SYT",
        (
            (Role.plan_manager, "BN-SYT", False),
            (Role.plan_manager, "BN-UBND", False),
            (Role.viewer, "BN", True),
        ),
        "Chuyên viên phòng Kế hoạch - Tài chính",
    ),
    DemoUser(
        "syt.thamdinh",
        "Phạm Văn Đức",
        "BN-SYT",
        ((Role.reviewer, "BN-SYT", False), (Role.viewer, "BN", True)),
        "Phó trưởng phòng Kế hoạch - Tài chính",
    ),
    DemoUser(
        "sonhai.baocao",
        "Nguyễn Thị Lan",
        "BN-SONHAI",
        ((Role.reporter, "BN-SONHAI", True),),
        "Công chức Văn hóa - Xã hội",
    ),
    DemoUser(
        "sonhai.kehoach",
        "Trần Văn Toàn",
        "BN-SONHAI",
        ((Role.plan_manager, "BN-SONHAI", True), (Role.viewer, "BN-SONHAI", True)),
        "Công chức Văn phòng - Thống kê xã",
    ),
    DemoUser(
        "sdttg.baocao",
        "Hoàng Văn Nam",
        "BN-SDTTG",
        ((Role.reporter, "BN-SDTTG", True),),
        "Chuyên viên Văn phòng Sở",
    ),
    DemoUser(
        "lucngan.baocao",
        "Vũ Thị Mai",
        "BN-LUCNGAN",
        ((Role.reporter, "BN-LUCNGAN", True),),
        "Công chức Văn hóa - Xã hội",
    ),
    DemoUser(
        "backan.kehoach",
        "Đinh Thị Thu",
        "TN-BACKAN",
        ((Role.plan_manager, "TN-BACKAN", True), (Role.reporter, "TN-BACKAN", True)),
        "Phòng Văn hóa - Xã hội phường",
    ),
    DemoUser("bn.xem", "Đỗ Quang Huy", "BN-SYT", ((Role.viewer, "BN", True),), "Cán bộ theo dõi"),
    # The signers (their certificates come from the demo CA: api/signing_ca.py).
    DemoUser(
        "syt.pgd",
        "Nguyễn Văn Hùng",
        "BN-SYT",
        ((Role.signer, "BN-SYT", False), (Role.viewer, "BN", True)),
        "Phó Giám đốc Sở Y tế",
        ("KT",),
    ),
    DemoUser(
        "sonhai.pct",
        "Nguyễn Văn Hải",
        "BN-SONHAI",
        ((Role.signer, "BN-SONHAI", False), (Role.viewer, "BN-SONHAI", True)),
        "Phó Chủ tịch UBND xã Sơn Hải (ký thay mặt UBND)",
        ("TM",),
    ),
)


async def _ensure_unit(session: AsyncSession, spec: U, parent: OrgUnit | None) -> int:
    unit = await session.scalar(select(OrgUnit).where(OrgUnit.code == spec.code))
    created = 0
    if unit is None:
        import uuid

        unit_id = uuid.uuid4()
        unit = OrgUnit(
            id=unit_id,
            code=spec.code,
            name=spec.name,
            short_name=spec.short_name,
            search_name=search_key(spec.name, spec.code, spec.short_name),
            type=spec.type,
            parent_id=parent.id if parent else None,
            path=(parent.path if parent else "/") + unit_id.hex + "/",
            level=parent.level + 1 if parent else 0,
            active=spec.active,
        )
        session.add(unit)
        await session.flush()
        created = 1
    for child in spec.children:
        created += await _ensure_unit(session, child, unit)
    return created


async def load_demo(session: AsyncSession) -> dict[str, int]:
    """Create the demo org units and users that are missing; return what was created."""
    units = 0
    for root in ROOTS:
        units += await _ensure_unit(session, root, None)
    codes = {code: uid for code, uid in await session.execute(select(OrgUnit.code, OrgUnit.id))}
    users = 0
    password_hash = hash_password(DEMO_PASSWORD)
    for spec in DEMO_USERS:
        if await session.scalar(select(User.id).where(User.username == spec.username)):
            continue
        session.add(
            User(
                username=spec.username,
                full_name=spec.full_name,
                position=spec.position,
                org_unit_id=codes[spec.unit],
                password_hash=password_hash,
                roles=[
                    RoleAssignment(
                        role=role.value,
                        org_unit_id=codes[unit] if unit else None,
                        include_subtree=subtree,
                        signing_modes=list(spec.signing_modes)
                        if role is Role.signer and spec.signing_modes
                        else None,
                    )
                    for role, unit, subtree in spec.grants
                ],
            )
        )
        users += 1
    await session.flush()
    from api.access import principal_for
    from api.demo.indicators import load_indicators

    admin = await session.scalar(select(User).where(User.username == "admin"))
    assert admin is not None
    loaded = await load_indicators(session, await principal_for(session, admin.id))
    from api.demo.plans import load_plans

    plans = await load_plans(session)
    from api.demo.plan_chain import load_plan_chain
    from api.models import Document, Plan

    plan142 = await session.scalar(
        select(Plan)
        .join(Document, Document.id == Plan.document_id)
        .where(Document.number == "142", Document.symbol == "KH-UBND")
        .options(selectinload(Plan.parents))
        .execution_options(populate_existing=True)
    )
    assert plan142 is not None
    plans += await load_plan_chain(session, plan142)
    from api.demo.reports import load_reports

    requests = await load_reports(session)
    return {
        "org_units": units,
        "users": users,
        **loaded,
        "plans": plans,
        "report_requests": requests,
    }
