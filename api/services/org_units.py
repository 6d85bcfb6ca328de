"""Org unit tree: create, edit, move without cycles, deactivate, subtree and search."""

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api.access import Principal
from api.errors import Conflict, Forbidden, InvalidInput, NotFound, PreconditionFailed
from api.models import OrgUnit, Role
from api.paging import decode_cursor, encode_cursor
from api.schemas.org_unit import OrgUnitCreate, OrgUnitNode, OrgUnitUpdate
from api.services import audit
from api.text import fold

ENTITY = "org_unit"


def search_key(name: str, code: str, short_name: str | None = None) -> str:
    return " | ".join(fold(part) for part in (name, short_name or "", code) if part)


def check_version(row: Any, expected: int) -> None:
    if row.version != expected:
        raise PreconditionFailed(
            f"Phiên bản hiện tại là {row.version}, bạn gửi If-Match {expected}: "
            "bản ghi đã được sửa sau khi bạn tải; tải lại rồi sửa tiếp.",
            current_version=row.version,
        )


async def get(session: AsyncSession, unit_id: uuid.UUID) -> OrgUnit:
    unit = await session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFound(f"Không có đơn vị {unit_id}.")
    return unit


async def get_by_code(session: AsyncSession, code: str) -> OrgUnit | None:
    return await session.scalar(select(OrgUnit).where(OrgUnit.code == code))


def _require_admin_over(actor: Principal, path: str | None) -> None:
    # A root unit (path None) can be created only by a system-wide admin.
    allowed = (
        any(g.role is Role.admin and g.unit_path is None for g in actor.grants)
        if path is None
        else actor.can(Role.admin, path)
    )
    if not allowed:
        raise Forbidden("Chỉ quản trị viên của đơn vị cấp trên mới được thay đổi đơn vị này.")


async def _ensure_code_free(
    session: AsyncSession, code: str, *, except_id: uuid.UUID | None
) -> None:
    existing = await get_by_code(session, code)
    if existing is not None and existing.id != except_id:
        raise Conflict(
            f"Mã đơn vị '{code}' đã được dùng cho '{existing.name}'.",
            errors=[
                {"in": "body", "field": "code", "message": "Mã đã tồn tại", "code": "duplicate"}
            ],
        )


async def _parent(session: AsyncSession, parent_id: uuid.UUID | None) -> OrgUnit | None:
    if parent_id is None:
        return None
    parent = await session.get(OrgUnit, parent_id)
    if parent is None:
        raise InvalidInput(
            f"Đơn vị cha {parent_id} không tồn tại.",
            errors=[
                {
                    "in": "body",
                    "field": "parent_id",
                    "message": "Không tồn tại",
                    "code": "unknown_parent",
                }
            ],
        )
    return parent


async def create(session: AsyncSession, *, actor: Principal, data: OrgUnitCreate) -> OrgUnit:
    parent = await _parent(session, data.parent_id)
    _require_admin_over(actor, parent.path if parent else None)
    await _ensure_code_free(session, data.code, except_id=None)
    unit_id = uuid.uuid4()
    unit = OrgUnit(
        id=unit_id,
        code=data.code,
        name=data.name,
        short_name=data.short_name,
        search_name=search_key(data.name, data.code, data.short_name),
        type=data.type.value,
        parent_id=parent.id if parent else None,
        path=(parent.path if parent else "/") + unit_id.hex + "/",
        level=parent.level + 1 if parent else 0,
        active=data.active,
    )
    session.add(unit)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="create",
        entity_type=ENTITY,
        entity_id=unit.id,
        after=audit.snapshot(unit),
    )
    return unit


async def update_unit(
    session: AsyncSession,
    *,
    actor: Principal,
    unit_id: uuid.UUID,
    expected_version: int,
    data: OrgUnitUpdate,
) -> OrgUnit:
    unit = await get(session, unit_id)
    _require_admin_over(actor, unit.path)
    check_version(unit, expected_version)
    before = audit.snapshot(unit)
    changes = data.model_dump(exclude_unset=True)
    for key in ("code", "name", "type", "active"):
        if key in changes and changes[key] is None:
            raise InvalidInput(
                f"Trường {key} không được null.",
                errors=[{"in": "body", "field": key, "message": "Không được null", "code": "null"}],
            )
    if "code" in changes:
        await _ensure_code_free(session, changes["code"], except_id=unit.id)
    for key, value in changes.items():
        setattr(unit, key, value.value if hasattr(value, "value") else value)
    unit.search_name = search_key(unit.name, unit.code, unit.short_name)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="update",
        entity_type=ENTITY,
        entity_id=unit.id,
        before=before,
        after=audit.snapshot(unit),
    )
    return unit


async def move(
    session: AsyncSession,
    *,
    actor: Principal,
    unit_id: uuid.UUID,
    expected_version: int,
    new_parent_id: uuid.UUID | None,
) -> OrgUnit:
    unit = await get(session, unit_id)
    check_version(unit, expected_version)
    parent = await _parent(session, new_parent_id)
    _require_admin_over(actor, unit.path)
    _require_admin_over(actor, parent.path if parent else None)
    if parent is not None and parent.path.startswith(unit.path):
        raise InvalidInput(
            f"Không thể chuyển '{unit.name}' vào chính nó hoặc đơn vị cấp dưới của nó "
            f"('{parent.name}'): sẽ tạo vòng lặp.",
            errors=[
                {
                    "in": "body",
                    "field": "parent_id",
                    "message": "Đơn vị cha mới nằm trong cây con của đơn vị này",
                    "code": "cycle",
                }
            ],
        )
    before = audit.snapshot(unit)
    old_path, old_level = unit.path, unit.level
    new_path = (parent.path if parent else "/") + unit.id.hex + "/"
    level_shift = (parent.level + 1 if parent else 0) - old_level
    # Descendants first, in one statement; then the unit itself through the ORM (version check).
    await session.execute(
        update(OrgUnit)
        .where(OrgUnit.path.startswith(old_path, autoescape=True), OrgUnit.id != unit.id)
        .values(
            path=new_path + func.substr(OrgUnit.path, len(old_path) + 1),
            level=OrgUnit.level + level_shift,
            version=OrgUnit.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    unit.parent_id = parent.id if parent else None
    unit.path = new_path
    unit.level = old_level + level_shift
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="move",
        entity_type=ENTITY,
        entity_id=unit.id,
        before=before,
        after=audit.snapshot(unit),
    )
    return unit


async def delete(
    session: AsyncSession, *, actor: Principal, unit_id: uuid.UUID, expected_version: int
) -> None:
    unit = await get(session, unit_id)
    _require_admin_over(actor, unit.path)
    check_version(unit, expected_version)
    before = audit.snapshot(unit)
    try:
        async with session.begin_nested():
            await session.delete(unit)
            await session.flush()
    except IntegrityError as exc:
        raise Conflict(
            f"Đơn vị '{unit.name}' đang được tham chiếu (đơn vị con, người dùng, kế hoạch...): "
            "không xóa được. Hãy ngừng hoạt động (PATCH active=false) thay vì xóa.",
            errors=[
                {
                    "in": "path",
                    "field": "unit_id",
                    "message": "Đang được tham chiếu",
                    "code": "referenced",
                }
            ],
        ) from exc
    await audit.record(
        session, actor=actor, action="delete", entity_type=ENTITY, entity_id=unit_id, before=before
    )


@dataclass
class UnitFilter:
    parent_id: uuid.UUID | None = None
    roots_only: bool = False
    ancestor_id: uuid.UUID | None = None
    unit_id: uuid.UUID | None = None
    include_subtree: bool = False
    type: str | None = None
    level: int | None = None
    q: str | None = None
    active: bool | None = None


async def list_units(
    session: AsyncSession,
    *,
    filters: UnitFilter,
    cursor: str | None,
    limit: int,
    include_total: bool,
) -> tuple[list[OrgUnit], str | None, int | None]:
    """Units in tree order (by path), keyset-paged."""
    stmt = select(OrgUnit)
    if filters.parent_id:
        stmt = stmt.where(OrgUnit.parent_id == filters.parent_id)
    if filters.roots_only:
        stmt = stmt.where(OrgUnit.parent_id.is_(None))
    if filters.ancestor_id:
        ancestor = await get(session, filters.ancestor_id)
        stmt = stmt.where(
            OrgUnit.path.startswith(ancestor.path, autoescape=True), OrgUnit.id != ancestor.id
        )
    if filters.unit_id:
        unit = await get(session, filters.unit_id)
        stmt = stmt.where(
            OrgUnit.path.startswith(unit.path, autoescape=True)
            if filters.include_subtree
            else OrgUnit.id == unit.id
        )
    if filters.type:
        stmt = stmt.where(OrgUnit.type == filters.type)
    if filters.level is not None:
        stmt = stmt.where(OrgUnit.level == filters.level)
    if filters.active is not None:
        stmt = stmt.where(OrgUnit.active == filters.active)
    if filters.q:
        for word in fold(filters.q).split():
            stmt = stmt.where(OrgUnit.search_name.contains(word, autoescape=True))
    total = None
    if include_total:
        total = await session.scalar(select(func.count()).select_from(stmt.subquery()))
    after = decode_cursor(cursor, 1)
    if after is not None:
        stmt = stmt.where(OrgUnit.path > str(after[0]))
    rows = list(await session.scalars(stmt.order_by(OrgUnit.path).limit(limit + 1)))
    next_cursor = encode_cursor([rows[limit - 1].path]) if len(rows) > limit else None
    return rows[:limit], next_cursor, total


async def tree(
    session: AsyncSession,
    *,
    root_id: uuid.UUID | None,
    depth: int | None,
    include_inactive: bool,
) -> list[OrgUnitNode]:
    """Nested nodes under one unit (or all roots), ordered by level then name."""
    stmt = select(OrgUnit)
    base_level = 0
    if root_id is not None:
        root = await get(session, root_id)
        stmt = stmt.where(OrgUnit.path.startswith(root.path, autoescape=True))
        base_level = root.level
    if depth is not None:
        stmt = stmt.where(OrgUnit.level <= base_level + depth)
    if not include_inactive:
        stmt = stmt.where(OrgUnit.active.is_(True))
    units = list(await session.scalars(stmt.order_by(OrgUnit.level, OrgUnit.name)))
    nodes: dict[uuid.UUID, OrgUnitNode] = {}
    roots: list[OrgUnitNode] = []
    for unit in units:
        node = OrgUnitNode(
            id=unit.id,
            code=unit.code,
            name=unit.name,
            type=unit.type,
            level=unit.level,
            active=unit.active,
        )
        nodes[unit.id] = node
        parent = nodes.get(unit.parent_id) if unit.parent_id else None
        if parent is not None and unit.level > base_level:
            parent.children.append(node)
        else:
            roots.append(node)
    return roots
