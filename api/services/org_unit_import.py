"""Org units as a file, both ways: a province's tree loaded from one CSV / XLSX / JSON, and the
tree (or a subtree) exported in the same columns, so that importing an export changes nothing.

Columns (Vietnamese or English headers, accents and case ignored): code / mã, name / tên,
type / loại, parent_code / mã đơn vị cha, short_name / tên viết tắt, active / hoạt động.
A parent may be an existing unit or any row of the same file (order does not matter).
Existing codes are updated; identical rows are counted unchanged (and need no right to change
them). Moving an existing unit to another parent is refused here (use the move action, which
checks the whole subtree).

The export writes the header `code,name,type,parent_code,short_name,active`: type as its code
(commune, health_station …), active as 1 or 0, units in tree order (a parent before its
children), an empty parent_code for a root.
"""

import re
import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from api.access import Principal
from api.models import OrgUnit, OrgUnitType, Role
from api.services import audit, org_units
from api.services.imports import Outcome, Progress, RowConflict, missing_columns, register
from api.services.org_units import search_key
from api.tabular import Row, pick

COLUMNS = {
    "code": ("code", "ma", "ma don vi"),
    "name": ("name", "ten", "ten don vi"),
    "type": ("type", "loai", "loai don vi"),
    "parent_code": ("parent_code", "parent", "ma don vi cha", "ma cha", "don vi cha"),
    "short_name": ("short_name", "ten viet tat"),
    "active": ("active", "hoat dong"),
}
REQUIRED = ("code", "name", "type")
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
TRUE = {"", "1", "true", "yes", "co", "x"}
FALSE = {"0", "false", "no", "khong"}
TYPES = {t.value for t in OrgUnitType}
HEADER = list(COLUMNS)


async def export_table(
    session: AsyncSession, *, ancestor_id: uuid.UUID | None = None, subtree: bool = True
) -> tuple[list[str], list[list[str]]]:
    """Every unit, or one unit and its subtree, in the import's columns and tree order.
    Any signed-in user reads the whole tree, so the export is not narrowed by the caller."""
    parent = aliased(OrgUnit)
    stmt = select(
        OrgUnit.code,
        OrgUnit.name,
        OrgUnit.type,
        parent.code,
        OrgUnit.short_name,
        OrgUnit.active,
    ).outerjoin(parent, OrgUnit.parent_id == parent.id)
    if ancestor_id is not None:
        ancestor = await org_units.get(session, ancestor_id)
        stmt = stmt.where(
            OrgUnit.path.startswith(ancestor.path, autoescape=True)
            if subtree
            else OrgUnit.id == ancestor.id
        )
    rows = (await session.execute(stmt.order_by(OrgUnit.path))).all()
    return HEADER, [
        [code, name, type_, parent_code or "", short_name or "", "1" if active else "0"]
        for code, name, type_, parent_code, short_name, active in rows
    ]


def _same(stored: Any, read: Any) -> bool:
    """A stored value equals what a file cell reads back as: cells are read trimmed, and an
    empty text is no text."""
    if isinstance(stored, str) or isinstance(read, str):
        return (stored or "").strip() == (read or "").strip()
    return bool(stored == read)


def _field(cells: dict[str, str], name: str) -> tuple[str | None, str]:
    return pick(cells, COLUMNS[name])


class OrgUnitImporter:
    resource = "org_units"

    async def run(
        self,
        session: AsyncSession,
        *,
        actor: Principal,
        rows: Iterator[Row],
        options: dict[str, Any],
        progress: Progress,
    ) -> Outcome:
        outcome = Outcome()
        existing = {u.code: u for u in await session.scalars(select(OrgUnit))}
        wanted: dict[str, dict[str, Any]] = {}
        for row in rows:
            outcome.rows += 1
            if outcome.rows == 1 and missing_columns(row, outcome, COLUMNS, REQUIRED):
                return outcome
            item = self._parse(row, outcome)
            if item is None:
                continue
            if item["code"] in wanted:
                outcome.reject(
                    RowConflict(
                        row.number,
                        "code",
                        item["code"],
                        "duplicate",
                        f"Mã {item['code']} lặp lại (đã có ở dòng {wanted[item['code']]['row']}).",
                    )
                )
                continue
            wanted[item["code"]] = item
            await progress(outcome.rows)

        order = self._order(wanted, existing, outcome)
        if outcome.conflicts_total:
            return outcome
        changed = [
            code for code in order if self._write(session, actor, wanted[code], existing, outcome)
        ]
        await session.flush()
        for code in changed:
            unit = existing[code]
            await audit.record(
                session,
                actor=actor,
                action="import",
                entity_type="org_unit",
                entity_id=unit.id,
                after=audit.snapshot(unit),
            )
        return outcome

    def _parse(self, row: Row, outcome: Outcome) -> dict[str, Any] | None:
        item: dict[str, Any] = {"row": row.number}
        ok = True
        for name in COLUMNS:
            header, value = _field(row.cells, name)
            item[name] = value
            item[f"{name}_column"] = header or name
        if not CODE.match(item["code"]):
            outcome.reject(
                RowConflict(
                    row.number,
                    item["code_column"],
                    item["code"],
                    "invalid_code",
                    "Mã chỉ gồm chữ, số, . _ - (≤ 64 ký tự).",
                )
            )
            ok = False
        if not item["name"] or len(item["name"]) > 300:
            outcome.reject(
                RowConflict(
                    row.number,
                    item["name_column"],
                    item["name"],
                    "invalid_name",
                    "Tên không được trống (≤ 300 ký tự).",
                )
            )
            ok = False
        if item["type"] not in TYPES:
            outcome.reject(
                RowConflict(
                    row.number,
                    item["type_column"],
                    item["type"],
                    "invalid_type",
                    f"Loại đơn vị phải là một trong: {', '.join(sorted(TYPES))}.",
                )
            )
            ok = False
        active = item["active"].lower()
        if active not in TRUE | FALSE:
            outcome.reject(
                RowConflict(
                    row.number,
                    item["active_column"],
                    item["active"],
                    "invalid_boolean",
                    "Hoạt động: 1/0, true/false, có/không.",
                )
            )
            ok = False
        item["active"] = active in TRUE
        return item if ok else None

    def _order(
        self, wanted: dict[str, dict[str, Any]], existing: dict[str, OrgUnit], outcome: Outcome
    ) -> list[str]:
        """Parents before children; unknown parents and cycles are row conflicts."""
        order: list[str] = []
        state: dict[str, int] = {}  # 1 visiting, 2 done

        def visit(code: str, chain: list[str]) -> bool:
            if state.get(code) == 2:
                return True
            if state.get(code) == 1:
                item = wanted[code]
                outcome.reject(
                    RowConflict(
                        item["row"],
                        item["parent_code_column"],
                        item["parent_code"],
                        "cycle",
                        "Vòng lặp cha-con: " + " → ".join([*chain, code]),
                    )
                )
                return False
            state[code] = 1
            item = wanted[code]
            parent = item["parent_code"]
            ok = True
            if parent and parent in wanted:
                ok = visit(parent, [*chain, code])
            elif parent and parent not in existing:
                outcome.reject(
                    RowConflict(
                        item["row"],
                        item["parent_code_column"],
                        parent,
                        "unknown_parent",
                        f"Không có đơn vị cha mã {parent} (trong hệ thống hoặc trong tệp).",
                    )
                )
                ok = False
            state[code] = 2
            if ok:
                order.append(code)
            return ok

        for code in wanted:
            visit(code, [])
        return order

    def _write(
        self,
        session: AsyncSession,
        actor: Principal,
        item: dict[str, Any],
        existing: dict[str, OrgUnit],
        outcome: Outcome,
    ) -> bool:
        """Create or update one unit; True when something was written."""
        parent = existing.get(item["parent_code"]) if item["parent_code"] else None
        unit = existing.get(item["code"])
        fields = {
            "name": item["name"],
            "type": item["type"],
            "short_name": item["short_name"] or None,
            "active": item["active"],
        }
        if (
            unit is not None
            and (parent.id if parent else None) == unit.parent_id
            and all(_same(getattr(unit, k), v) for k, v in fields.items())
        ):
            # Nothing to write, so no right is needed: anyone may re-import an export.
            outcome.unchanged += 1
            return False
        where = parent.path if parent else None
        allowed = (
            actor.can(Role.admin, where)
            if where is not None
            else any(g.role is Role.admin and g.unit_path is None for g in actor.grants)
        )
        if not allowed:
            outcome.reject(
                RowConflict(
                    item["row"],
                    item["parent_code_column"],
                    item["parent_code"],
                    "forbidden",
                    "Không có quyền quản trị tại đơn vị cha này.",
                )
            )
            return False
        if unit is None:
            unit_id = uuid.uuid4()
            unit = OrgUnit(
                id=unit_id,
                code=item["code"],
                parent_id=parent.id if parent else None,
                path=(parent.path if parent else "/") + unit_id.hex + "/",
                level=parent.level + 1 if parent else 0,
                **fields,
                search_name=search_key(item["name"], item["code"], item["short_name"]),
            )
            session.add(unit)
            existing[item["code"]] = unit
            outcome.created += 1
            return True
        if (parent.id if parent else None) != unit.parent_id:
            outcome.reject(
                RowConflict(
                    item["row"],
                    item["parent_code_column"],
                    item["parent_code"],
                    "parent_changed",
                    "Đơn vị đã có với đơn vị cha khác: dùng chức năng chuyển "
                    "đơn vị (move) thay vì nhập.",
                )
            )
            return False
        for key, value in fields.items():
            setattr(unit, key, value)
        unit.search_name = search_key(unit.name, unit.code, unit.short_name)
        outcome.updated += 1
        return True


register(OrgUnitImporter())
