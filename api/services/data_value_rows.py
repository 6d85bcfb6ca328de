"""Rows of indicator values as people send them: the column names, the catalogue they are
checked against, the row validator (every conflict named with its row, column, code and a
Vietnamese message) and the staging table validated rows are copied into.

`validate_row` is the reference: the JSON batch endpoint and forms use it for every row, and
the SQL path of files (data_value_bulk) hands it every row it cannot vouch for.
"""

import functools
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from api.access import Principal
from api.models import DEFAULT_OPTION, Indicator, OrgUnit, Role
from api.numbers import DATA_VALUE, NumberError, OutOfRange, parse_decimal
from api.periods import Period, PeriodError, parse
from api.services.imports import Outcome, RowConflict
from api.tabular import Row, normalise_header
from api.text import nfc

WRITERS = (Role.reporter, Role.plan_manager, Role.admin)
ACCEPTORS = (Role.reviewer, Role.admin)
STATUSES = ("draft", "submitted", "accepted")

# Accepted headers (accents, case, spaces and underscores ignored), DHIS2's CSV names included.
COLUMNS = {
    "indicator": ("indicator", "chi so", "ma chi so", "dataelement", "data element"),
    "org_unit": ("org unit", "orgunit", "don vi", "ma don vi"),
    "period": ("period", "ky", "ky bao cao"),
    "option": ("option", "catoptcombo", "categoryoptioncombo", "phan to"),
    "numerator": ("numerator", "tu so"),
    "denominator": ("denominator", "mau so"),
    "value": ("value", "gia tri"),
    # Our JSON reads carry a text indicator's value apart: it stands for `value`.
    "text_value": ("text value",),
    "comment": ("comment", "ghi chu"),
    "status": ("status", "trang thai"),
    "deleted": ("deleted", "xoa"),
}
_ALIASES = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
TRUE = {"1", "true", "yes", "co", "x"}


@functools.lru_cache(maxsize=256)
def column_of(header: str) -> str | None:
    # Cached: a file has a handful of headers but a million rows.
    return _ALIASES.get(normalise_header(header).replace("_", " "))


REQUIRED_COLUMNS = ("indicator", "org_unit", "period")


@dataclass(frozen=True)
class Catalog:
    """Indicators and units, by code and by id, loaded once per write."""

    indicators: dict[str, Indicator]
    units: dict[str, tuple[uuid.UUID, str, bool]]  # key -> (id, path, active)

    @classmethod
    async def load(cls, session: AsyncSession) -> "Catalog":
        indicators: dict[str, Indicator] = {}
        for ind in await session.scalars(select(Indicator)):
            indicators[ind.code] = indicators[str(ind.id)] = ind
        units: dict[str, tuple[uuid.UUID, str, bool]] = {}
        for uid, code, path, active in await session.execute(
            select(OrgUnit.id, OrgUnit.code, OrgUnit.path, OrgUnit.active)
        ):
            units[code] = units[str(uid)] = (uid, path, active)
        return cls(indicators, units)


def option_codes(indicator: Indicator) -> set[str]:
    """Valid option keys: 'default' alone, or every combination of the categories' options."""
    combos = [""]
    for category in indicator.categories or []:
        combos = [
            f"{c}.{o['code']}" if c else str(o["code"])
            for c in combos
            for o in category.get("options", [])
        ]
    return {DEFAULT_OPTION} if combos == [""] else set(combos)


def compute_value(indicator: Indicator, numerator: Decimal, denominator: Decimal) -> Decimal:
    return (numerator / denominator * indicator.factor).quantize(
        Decimal("0.000001"), rounding=ROUND_HALF_UP
    )


def _decimals(text_: str) -> int:
    digits = text_.strip().rstrip("%").strip()
    for sep in (",", "."):
        if sep in digits and len(digits.rsplit(sep, 1)[1]) <= 6 and digits.count(sep) == 1:
            return len(digits.rsplit(sep, 1)[1])
    return 0


# Text cells and the columns holding them (comment, and a text indicator's value).
TEXT_LIMITS = {"comment": 2000}
TEXT_VALUE_LIMIT = 2000
SHOWN_CHARACTERS = 100


def shown(text_: str | None) -> str | None:
    """A cell as quoted back in a conflict: a 100 000-digit cell is not echoed whole."""
    if text_ is None or len(text_) <= SHOWN_CHARACTERS:
        return text_
    return text_[:SHOWN_CHARACTERS] + f"… ({len(text_)} ký tự)"


@dataclass
class Staged:
    row: int
    indicator_id: uuid.UUID
    org_unit_id: uuid.UUID
    period: Period
    option: str
    numerator: Decimal | None
    denominator: Decimal | None
    value: Decimal | None
    text_value: str | None
    comment: str | None
    status: str
    deleted: bool
    # May the caller accept values of this unit (and so change accepted ones)?
    acceptor: bool = False
    # Did the row name its status (not the writer's default, as DHIS2's rows never do)?
    status_given: bool = True

    @property
    def key(self) -> tuple[uuid.UUID, uuid.UUID, str, str]:
        return self.indicator_id, self.org_unit_id, self.period.code, self.option


def validate_row(
    row: Row,
    catalog: Catalog,
    actor: Principal,
    *,
    default_status: str,
    cutoff: bool,
    outcome: Outcome,
) -> Staged | None:
    """Check one row against the catalogue, the units, periods and the caller's scope."""
    cells: dict[str, str] = {}
    headers: dict[str, str] = {}
    for header, value in row.cells.items():
        name = column_of(header)
        if name:
            # NFC as files are read: text sent decomposed (as macOS types it) is stored as
            # a file of it would read it back, so the round trip finds it unchanged.
            cells[name], headers[name] = nfc(value.strip()), header
    if cells.get("text_value") and not cells.get("value"):
        cells["value"], headers["value"] = cells["text_value"], headers["text_value"]
    before = outcome.conflicts_total

    def reject(name: str, code: str, message: str) -> None:
        outcome.reject(
            RowConflict(row.number, headers.get(name, name), shown(cells.get(name)), code, message)
        )

    # PostgreSQL stores no NUL in text: refused here, naming the cell, for every format.
    for name, value in cells.items():
        if "\x00" in value:
            reject(name, "nul_character", "Có ký tự NUL (\\0): không lưu được; hãy xóa ký tự đó.")
        elif len(value) > TEXT_LIMITS.get(name, len(value)):
            reject(name, "too_long", f"Dài {len(value)} ký tự; tối đa {TEXT_LIMITS[name]}.")

    indicator = catalog.indicators.get(cells.get("indicator", ""))
    if indicator is None:
        reject(
            "indicator", "unknown_indicator", f"Không có chỉ số mã '{cells.get('indicator', '')}'."
        )
    unit = catalog.units.get(cells.get("org_unit", ""))
    if unit is None:
        reject("org_unit", "unknown_org_unit", f"Không có đơn vị mã '{cells.get('org_unit', '')}'.")
    elif not actor.can(WRITERS, unit[1]):
        reject("org_unit", "forbidden", "Đơn vị này nằm ngoài phạm vi bạn được ghi số liệu.")
    elif not unit[2]:
        reject("org_unit", "inactive_org_unit", "Đơn vị đã ngừng hoạt động.")
    period: Period | None = None
    try:
        period = parse(cells.get("period", ""), cutoff=cutoff)
    except PeriodError as exc:
        reject("period", "invalid_period", str(exc))
    option = cells.get("option") or DEFAULT_OPTION
    if indicator is not None and option not in option_codes(indicator):
        reject(
            "option",
            "unknown_option",
            f"Phân tổ '{option}' không thuộc chỉ số {indicator.code} "
            f"(có: {', '.join(sorted(option_codes(indicator)))}).",
        )
    status = (cells.get("status") or default_status).lower()
    if status not in STATUSES:
        reject("status", "invalid_status", "Trạng thái: draft, submitted hoặc accepted.")
    # Whether a row may set `accepted` or change an accepted value is decided against the
    # stored value (see _LOCKED): re-sending an accepted value as it is changes nothing.
    deleted = cells.get("deleted", "").lower() in TRUE

    numbers: dict[str, Decimal | None] = {}
    text_indicator = indicator is not None and indicator.value_type == "text"
    for name in ("numerator", "denominator", "value"):
        raw = cells.get(name, "")
        numbers[name] = None
        # A text indicator's value is text (checked in _check_numbers), not a number.
        if raw and not (text_indicator and name == "value"):
            try:
                numbers[name] = DATA_VALUE.fit(parse_decimal(raw))
            except OutOfRange as exc:
                reject(name, "out_of_range", f"'{shown(raw)}': {exc}.")
            except NumberError:
                reject(name, "not_a_number", f"'{shown(raw)}' không phải là số (ví dụ: 38,46).")
    text_value = None
    if indicator is not None and outcome.conflicts_total == before and not deleted:
        text_value = _check_numbers(indicator, cells, numbers, reject)
    if outcome.conflicts_total > before:
        return None
    assert indicator is not None and unit is not None and period is not None
    return Staged(
        row.number,
        indicator.id,
        unit[0],
        period,
        option,
        numbers["numerator"],
        numbers["denominator"],
        numbers["value"],
        text_value,
        cells.get("comment") or None,
        status,
        deleted,
        actor.can(ACCEPTORS, unit[1]),
        bool(cells.get("status")),
    )


def _check_numbers(
    indicator: Indicator, cells: dict[str, str], numbers: dict[str, Decimal | None], reject: Any
) -> str | None:
    num, den, value = numbers["numerator"], numbers["denominator"], numbers["value"]
    if indicator.value_type == "text":
        if not cells.get("value"):
            reject("value", "missing_value", "Thiếu giá trị.")
        elif len(cells["value"]) > TEXT_VALUE_LIMIT:
            reject(
                "value",
                "too_long",
                f"Dài {len(cells['value'])} ký tự; tối đa {TEXT_VALUE_LIMIT}.",
            )
        return cells.get("value")
    if (num is None) != (den is None):
        reject(
            "denominator" if den is None else "numerator",
            "missing_fraction_part",
            "Cần cả tử số và mẫu số (hoặc bỏ trống cả hai).",
        )
        return None
    if num is not None and den is not None:
        if den <= 0:
            reject("denominator", "non_positive_denominator", "Mẫu số phải lớn hơn 0.")
            return None
        if num < 0:
            reject("numerator", "negative", "Tử số không được âm.")
            return None
        if num > den and not indicator.allow_numerator_above_denominator:
            reject(
                "numerator",
                "numerator_above_denominator",
                f"Tử số {num} lớn hơn mẫu số {den}: chỉ số {indicator.code} không cho phép.",
            )
            return None
        if num / den * indicator.factor > DATA_VALUE.maximum:
            reject("value", "out_of_range", f"Giá trị {num}/{den} {DATA_VALUE.too_large()}.")
            return None
        computed = compute_value(indicator, num, den)
        if value is not None:
            tolerance = Decimal(1).scaleb(-_decimals(cells["value"]))
            if abs(value - computed) > tolerance:
                reject(
                    "value",
                    "value_contradicts_fraction",
                    f"Giá trị {cells['value']} mâu thuẫn với {num}/{den} "
                    f"(= {computed.normalize()}).",
                )
                return None
        numbers["value"] = computed
        return None
    if value is None:
        reject("value", "missing_value", "Thiếu giá trị (hoặc tử số và mẫu số).")
    elif indicator.value_type == "count" and (value < 0 or value != value.to_integral_value()):
        reject("value", "not_a_count", "Chỉ số đếm: giá trị phải là số nguyên không âm.")
    elif indicator.value_type == "yes_no" and value not in (0, 1):
        reject("value", "not_yes_no", "Chỉ số có/không: giá trị là 1 hoặc 0.")
    elif (
        indicator.value_type == "percentage"
        and not indicator.allow_numerator_above_denominator
        and not 0 <= value <= 100
    ):
        reject("value", "out_of_range", "Tỷ lệ phần trăm phải trong khoảng 0–100.")
    return None


STAGE_COLUMNS = (
    "row_number",
    "indicator_id",
    "org_unit_id",
    "period",
    "period_type",
    "period_start",
    "period_end",
    "option",
    "numerator",
    "denominator",
    "value",
    "text_value",
    "comment",
    "status",
    "deleted",
    "acceptor",
    "status_given",
)


STAGE_BATCH = 20_000


async def create_stage(session: AsyncSession) -> None:
    """An empty staging table for this transaction."""
    await session.execute(
        text(
            "CREATE TEMP TABLE IF NOT EXISTS dv_stage (row_number int, indicator_id uuid, "
            "org_unit_id uuid, period text, period_type text, period_start date, period_end date, "
            "option text, numerator numeric, denominator numeric, value numeric, text_value text, "
            "comment text, status text, deleted boolean, acceptor boolean, "
            "status_given boolean) ON COMMIT DROP"
        )
    )
    await session.execute(text("TRUNCATE dv_stage"))


async def stage(session: AsyncSession, rows: list[Staged]) -> None:
    """Append validated rows to the staging table with COPY."""
    if not rows:
        return
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    await driver.copy_records_to_table(
        "dv_stage",
        columns=STAGE_COLUMNS,
        records=[_record(r) for r in rows],
    )


def _record(r: Staged) -> tuple[Any, ...]:
    """A validated row as the staging table's columns (STAGE_COLUMNS), in their order."""
    return (
        r.row,
        r.indicator_id,
        r.org_unit_id,
        r.period.code,
        r.period.type.value,
        r.period.start,
        r.period.end,
        r.option,
        r.numerator,
        r.denominator,
        r.value,
        r.text_value,
        r.comment,
        r.status,
        r.deleted,
        r.acceptor,
        r.status_given,
    )


async def replace_options(
    session: AsyncSession,
    actor: Principal,
    catalog: Catalog,
    options: dict[str, Any],
    outcome: Outcome,
) -> dict[str, Any] | None:
    """`replace_scope`: indicators (codes), an org unit (its subtree) and a period."""
    scope = options.get("replace_scope")
    if not scope:
        return None
    conflicts = []
    indicators = [catalog.indicators.get(c) for c in scope.get("indicators", [])]
    unit = catalog.units.get(scope.get("org_unit", ""))
    period = None
    try:
        period = parse(scope.get("period", ""))
    except PeriodError as exc:
        conflicts.append(("replace_scope.period", str(exc)))
    if not indicators or None in indicators:
        conflicts.append(("replace_scope.indicators", "Chỉ số trong phạm vi thay thế không có."))
    if unit is None or not actor.can(WRITERS, unit[1]):
        conflicts.append(("replace_scope.org_unit", "Đơn vị ngoài phạm vi hoặc không có."))
    for column, message in conflicts:
        outcome.reject(RowConflict(None, column, None, "invalid_scope", message))
    if conflicts or unit is None or period is None:
        return None
    return {
        "indicator_ids": [i.id for i in indicators if i is not None],
        "unit_path": unit[1],
        "start": period.start,
        "end": period.end,
    }


# The staging columns of the raw cells, in the order COPY receives them.
RAW_COLUMNS = (
    "indicator",
    "org_unit",
    "period",
    "option",
    "numerator",
    "denominator",
    "value",
    "text_value",
    "comment",
    "status",
    "deleted",
)
# The characters str.strip() removes: a cell starting or ending with one is not vouched for.
SPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
