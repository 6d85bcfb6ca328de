"""The indicator catalogue and the targets set on it."""

import contextlib
import uuid
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from api.access import Principal
from api.errors import Conflict, Forbidden, InvalidInput, NotFound, body_error
from api.models import Indicator, OrgUnit, Plan, Role, Target
from api.numbers import TARGET, NumberError
from api.paging import bad_cursor, decode_cursor, encode_cursor
from api.schemas.indicator import IndicatorCreate, IndicatorUpdate, TargetCreate
from api.services import audit
from api.services.org_units import check_version
from api.services.unit_ref import unit_condition
from api.targets_text import parse_target
from api.text import fold

EDITORS = (Role.admin, Role.plan_manager)


def search_key(code: str, name_vi: str, name_en: str | None) -> str:
    return " | ".join(fold(p) for p in (name_vi, name_en or "", code) if p)


def _require_editor(actor: Principal) -> None:
    # The catalogue is shared by every unit: those who plan (plan managers) or administer edit it.
    if not actor.has_role(*EDITORS):
        raise Forbidden("Chỉ quản trị viên hoặc người quản lý kế hoạch được sửa danh mục chỉ số.")


def check_definition(value_type: str, factor: int, aggregation: str) -> None:
    errors = []
    if factor not in (1, 100, 1000, 10_000, 100_000):
        errors.append(
            {
                "in": "body",
                "field": "factor",
                "code": "invalid_factor",
                "message": "Hệ số: 1, 100, 1000, 10000 hoặc 100000",
            }
        )
    if aggregation == "ratio" and factor == 1 and value_type in ("percentage", "rate"):
        errors.append(
            {
                "in": "body",
                "field": "factor",
                "code": "invalid_factor",
                "message": "Tỷ lệ cần hệ số 100 (%) hoặc 1000/10000/100000",
            }
        )
    if value_type == "text" and aggregation not in ("none", "latest"):
        errors.append(
            {
                "in": "body",
                "field": "aggregation",
                "code": "invalid_aggregation",
                "message": "Chỉ số dạng chữ chỉ tổng hợp được theo latest hoặc none",
            }
        )
    if errors:
        raise InvalidInput("Định nghĩa chỉ số không hợp lệ.", errors=errors)


async def get(session: AsyncSession, indicator_id: uuid.UUID) -> Indicator:
    indicator = await session.get(Indicator, indicator_id)
    if indicator is None:
        raise NotFound(f"Không có chỉ số {indicator_id}.")
    return indicator


async def resolve(session: AsyncSession, key: str, field: str = "indicator") -> Indicator:
    """An indicator by code or id, or a field error."""
    stmt = select(Indicator).where(Indicator.code == key)
    with contextlib.suppress(ValueError):
        stmt = select(Indicator).where((Indicator.code == key) | (Indicator.id == uuid.UUID(key)))
    indicator = await session.scalar(stmt)
    if indicator is None:
        raise InvalidInput(
            f"Không có chỉ số '{key}'.",
            errors=[
                {
                    "in": "body",
                    "field": field,
                    "message": "Không tồn tại",
                    "code": "unknown_indicator",
                }
            ],
        )
    return indicator


async def create(session: AsyncSession, *, actor: Principal, data: IndicatorCreate) -> Indicator:
    _require_editor(actor)
    check_definition(data.value_type, data.factor, data.aggregation)
    if await session.scalar(select(Indicator.id).where(Indicator.code == data.code)):
        raise Conflict(
            f"Mã chỉ số '{data.code}' đã tồn tại.",
            errors=[{"in": "body", "field": "code", "message": "Đã tồn tại", "code": "duplicate"}],
        )
    fields: dict[str, Any] = data.model_dump(mode="json")
    indicator = Indicator(**fields, search_name=search_key(data.code, data.name_vi, data.name_en))
    session.add(indicator)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="create",
        entity_type="indicator",
        entity_id=indicator.id,
        after=audit.snapshot(indicator),
    )
    return indicator


async def update_indicator(
    session: AsyncSession,
    *,
    actor: Principal,
    indicator_id: uuid.UUID,
    expected_version: int,
    data: IndicatorUpdate,
) -> Indicator:
    _require_editor(actor)
    indicator = await get(session, indicator_id)
    check_version(indicator, expected_version)
    before = audit.snapshot(indicator)
    changes = data.model_dump(exclude_unset=True, mode="json")
    for key in ("name_vi", "kind", "direction", "decimals", "aggregation", "active"):
        if key in changes and changes[key] is None:
            raise InvalidInput(
                f"Trường {key} không được null.",
                errors=[{"in": "body", "field": key, "message": "Không được null", "code": "null"}],
            )
    check_definition(
        indicator.value_type, indicator.factor, changes.get("aggregation") or indicator.aggregation
    )
    for key, value in changes.items():
        setattr(indicator, key, value)
    indicator.search_name = search_key(indicator.code, indicator.name_vi, indicator.name_en)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="update",
        entity_type="indicator",
        entity_id=indicator.id,
        before=before,
        after=audit.snapshot(indicator),
    )
    return indicator


async def list_indicators(
    session: AsyncSession,
    *,
    q: str | None,
    kind: str | None,
    active: bool | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[Indicator], str | None]:
    stmt = select(Indicator)
    if q:
        for word in fold(q).split():
            stmt = stmt.where(Indicator.search_name.contains(word, autoescape=True))
    if kind:
        stmt = stmt.where(Indicator.kind == kind)
    if active is not None:
        stmt = stmt.where(Indicator.active == active)
    after = decode_cursor(cursor, 1)
    if after is not None:
        stmt = stmt.where(Indicator.code > str(after[0]))
    rows = list(await session.scalars(stmt.order_by(Indicator.code).limit(limit + 1)))
    return rows[:limit], encode_cursor([rows[limit - 1].code]) if len(rows) > limit else None


async def _unit(session: AsyncSession, key: str) -> OrgUnit:
    stmt = select(OrgUnit).where(OrgUnit.code == key)
    with contextlib.suppress(ValueError):
        stmt = select(OrgUnit).where((OrgUnit.code == key) | (OrgUnit.id == uuid.UUID(key)))
    unit = await session.scalar(stmt)
    if unit is None:
        raise InvalidInput(
            f"Không có đơn vị '{key}'.",
            errors=[
                {
                    "in": "body",
                    "field": "org_unit",
                    "message": "Không tồn tại",
                    "code": "unknown_org_unit",
                }
            ],
        )
    return unit


async def create_target(
    session: AsyncSession, *, actor: Principal, data: TargetCreate
) -> tuple[Target, Indicator, OrgUnit]:
    indicator = await resolve(session, data.indicator)
    unit = await _unit(session, data.org_unit)
    if not actor.can(EDITORS, unit.path):
        raise Forbidden("Chỉ người quản lý kế hoạch của đơn vị mới đặt chỉ tiêu cho đơn vị này.")
    if data.plan_id is not None and await session.get(Plan, data.plan_id) is None:
        raise InvalidInput(
            f"Không có kế hoạch {data.plan_id}.",
            errors=[
                {
                    "in": "body",
                    "field": "plan_id",
                    "message": "Không tồn tại",
                    "code": "unknown_plan",
                }
            ],
        )
    comparator: str | None = data.comparator
    value, high = data.value, data.value_high
    if data.wording and (comparator is None or value is None):
        parsed = parse_target(data.wording)
        if parsed.value is None:
            raise InvalidInput(
                f"Không đọc được chỉ tiêu '{data.wording}': hãy nhập comparator và value.",
                errors=[
                    {
                        "in": "body",
                        "field": "wording",
                        "message": "Không đọc được",
                        "code": "unreadable_target",
                    }
                ],
            )
        comparator, value, high = parsed.comparator, parsed.value, parsed.value_high
        try:
            value = TARGET.fit(value)
            high = TARGET.fit(high) if high is not None else None
        except NumberError as exc:
            raise body_error(
                "wording", f"Chỉ tiêu '{data.wording[:100]}': {exc}.", "out_of_range"
            ) from exc
    if comparator is None or value is None:
        raise InvalidInput(
            "Cần comparator và value, hoặc wording đọc được.",
            errors=[{"in": "body", "field": "value", "message": "Thiếu", "code": "missing"}],
        )
    if comparator == "between" and (high is None or high < value):
        raise InvalidInput(
            "Khoảng 'between' cần value_high ≥ value.",
            errors=[
                {
                    "in": "body",
                    "field": "value_high",
                    "message": "Thiếu hoặc nhỏ hơn value",
                    "code": "invalid_range",
                }
            ],
        )
    exists = await session.scalar(
        select(Target.id).where(
            Target.indicator_id == indicator.id,
            Target.org_unit_id == unit.id,
            Target.year == data.year,
            Target.option == data.option,
            Target.plan_id.is_(None) if data.plan_id is None else Target.plan_id == data.plan_id,
        )
    )
    if exists:
        raise Conflict("Đã có chỉ tiêu cho chỉ số, đơn vị, năm (và kế hoạch) này.")
    target = Target(
        plan_id=data.plan_id,
        indicator_id=indicator.id,
        org_unit_id=unit.id,
        year=data.year,
        option=data.option,
        comparator=comparator,
        value=value,
        value_high=high,
        baseline=data.baseline,
        baseline_year=data.baseline_year,
        wording=data.wording,
    )
    session.add(target)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="create",
        entity_type="target",
        entity_id=target.id,
        after=audit.snapshot(target),
    )
    return target, indicator, unit


async def list_targets(
    session: AsyncSession,
    *,
    indicator: str | None,
    org_unit: str | None,
    plan_id: uuid.UUID | None,
    year: int | None,
    cursor: str | None = None,
    limit: int = 1000,
) -> tuple[list[tuple[Target, str, str]], str | None]:
    """Targets with their indicator's and unit's codes, filtered by indicator code, unit (code
    or id), plan and year; a page by indicator, unit, year (and id), and the next cursor."""
    stmt = (
        select(Target, Indicator.code, OrgUnit.code)
        .join(Indicator, Indicator.id == Target.indicator_id)
        .join(OrgUnit, OrgUnit.id == Target.org_unit_id)
    )
    if indicator:
        stmt = stmt.where(Indicator.code == indicator)
    if org_unit:
        stmt = stmt.where(unit_condition(org_unit))
    if plan_id:
        stmt = stmt.where(Target.plan_id == plan_id)
    if year:
        stmt = stmt.where(Target.year == year)
    key = (Indicator.code, OrgUnit.code, Target.year, Target.id)
    after = decode_cursor(cursor, len(key))
    if after is not None:
        try:
            last = (str(after[0]), str(after[1]), int(after[2]), uuid.UUID(str(after[3])))
        except (TypeError, ValueError) as exc:
            raise bad_cursor() from exc
        stmt = stmt.where(tuple_(*key) > tuple_(*last))
    rows = [
        (t, ic, uc) for t, ic, uc in await session.execute(stmt.order_by(*key).limit(limit + 1))
    ]
    if len(rows) <= limit:
        return rows, None
    t, ic, uc = rows[limit - 1]
    return rows[:limit], encode_cursor([ic, uc, t.year, str(t.id)])
