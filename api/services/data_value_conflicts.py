"""The conflicts of an upload's bad rows, from one query over the staging table (issue 21).

The rows the SQL path of files did not stage (dv_left: bad ones, and good ones it cannot vouch
for) are judged set-based, with the row validator's rules, codes and Vietnamese messages
(`validate_row`): each distinct cell that needs Python's reading (a unit and the caller's
rights over it, a period, a number in Vietnamese notation) is read once, into a small lookup
table, and one query joins the rows to them and gives every conflict with its row, column (the
header as the file names it), value (as `shown`), code and message, in the row validator's
order. A file with bad rows is thus refused without a single row judged in Python; a file whose
left rows all pass goes on to `validate_row`, which stages them (Vietnamese notation, fractions,
text values).
"""

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from api.access import Principal
from api.models import DEFAULT_OPTION
from api.numbers import DATA_VALUE, NumberError, OutOfRange, parse_decimal
from api.periods import PeriodError, parse
from api.services.data_value_rows import (
    RAW_COLUMNS,
    SHOWN_CHARACTERS,
    SPACE,
    TEXT_LIMITS,
    TEXT_VALUE_LIMIT,
    WRITERS,
    Catalog,
    _decimals,
    option_codes,
    shown,
)
from api.services.imports import MAX_CONFLICTS_KEPT, RowConflict
from api.text import nfc

TABLES = {
    "dv_ind_bad": "raw text PRIMARY KEY, message text",
    "dv_ind_more": "id uuid PRIMARY KEY, code text, factor numeric, options text",
    "dv_unit_bad": "raw text PRIMARY KEY, code text, message text",
    "dv_period_bad": "raw text PRIMARY KEY, message text",
    "dv_num": "raw text PRIMARY KEY, value numeric, shown text, decimals int, code text, "
    "message text",
}


def _shown(cell: str) -> str:
    """`shown` in SQL."""
    return f"""CASE WHEN length({cell}) <= {SHOWN_CHARACTERS} THEN {cell}
        ELSE left({cell}, {SHOWN_CHARACTERS}) || '… (' || length({cell}) || ' ký tự)' END"""


def _header(column: str) -> str:
    return f"""CASE WHEN r.headers = '' THEN CAST(:h_{column} AS text)
        ELSE CAST(r.headers AS jsonb) ->> '{column}' END"""


# Decimal.normalize() as str() writes it: trailing zeros gone, "5E+1" for 50.
_NORMALIZED = """CASE
    WHEN t LIKE '%.%' OR t = '0' OR t NOT LIKE '%0' THEN t
    ELSE left(rtrim(t, '0'), 1)
         || CASE WHEN length(rtrim(t, '0')) > 1 THEN '.' || substr(rtrim(t, '0'), 2) ELSE '' END
         || 'E+' || (length(t) - 1)
END"""

_CELLS = (
    *("indicator", "org_unit", "period", "option", "numerator", "denominator", "value"),
    *("text_value", "comment", "status"),
)
_CELL = "CASE WHEN h_{c} IS NOT NULL THEN normalize(btrim(h.{c}, s.sp), NFC) END AS c_{c}"
_SP = ", ".join(f"chr({ord(c)})" for c in SPACE)

CONFLICTS_SQL = f"""
WITH h AS (
    SELECT r.*, {", ".join(f"{_header(c)} AS h_{c}" for c in RAW_COLUMNS)}
    FROM dv_left r),
c AS (
    SELECT h.*, {", ".join(_CELL.format(c=c) for c in _CELLS)}
    FROM h, (SELECT concat({_SP}) AS sp) AS s),
v AS (
    SELECT c.*, coalesce(c_text_value, '') <> '' AND coalesce(c_value, '') = '' AS swap
    FROM c),
j AS (
    SELECT v.row_number, v.c_option, v.c_comment, v.c_indicator, v.c_org_unit, v.c_period,
        v.c_status, v.c_numerator, v.c_denominator,
        coalesce(v.h_indicator, 'indicator') AS h_indicator,
        coalesce(v.h_org_unit, 'org_unit') AS h_org_unit,
        coalesce(v.h_period, 'period') AS h_period,
        coalesce(v.h_option, 'option') AS h_option,
        coalesce(v.h_status, 'status') AS h_status,
        coalesce(v.h_comment, 'comment') AS h_comment,
        coalesce(v.h_numerator, 'numerator') AS h_numerator,
        coalesce(v.h_denominator, 'denominator') AS h_denominator,
        CASE WHEN swap THEN v.c_text_value ELSE v.c_value END AS c_val,
        coalesce(CASE WHEN swap THEN v.h_text_value ELSE v.h_value END, 'value') AS h_val,
        i.id AS ind_id, i.value_type, i.allow_above, im.code AS ind_code, im.factor,
        im.options, ib.message AS ind_message, u.id AS unit_id, ub.code AS unit_code,
        ub.message AS unit_message, p.code AS period_code, pb.message AS period_message,
        o.option AS opt_ok, coalesce(nullif(v.c_option, ''), :default_option) AS opt,
        st.raw IS NOT NULL AS status_ok, coalesce(dl.deleted, false) AS deleted,
        nn.value AS num, nn.shown AS num_shown, nn.code AS num_code, nn.message AS num_message,
        nd.value AS den, nd.shown AS den_shown, nd.code AS den_code, nd.message AS den_message,
        nv.value AS val, nv.decimals AS val_decimals, nv.code AS val_code,
        nv.message AS val_message
    FROM v
    LEFT JOIN dv_ind i ON i.raw = coalesce(v.indicator, '')
    LEFT JOIN dv_ind_more im ON im.id = i.id
    LEFT JOIN dv_ind_bad ib ON ib.raw = coalesce(v.indicator, '')
    LEFT JOIN dv_unit u ON u.raw = coalesce(v.org_unit, '')
    LEFT JOIN dv_unit_bad ub ON ub.raw = coalesce(v.org_unit, '')
    LEFT JOIN dv_period p ON p.raw = coalesce(v.period, '')
    LEFT JOIN dv_period_bad pb ON pb.raw = coalesce(v.period, '')
    LEFT JOIN dv_opt o ON o.indicator_id = i.id
        AND o.option = coalesce(nullif(v.c_option, ''), :default_option)
    LEFT JOIN dv_status st ON st.raw = coalesce(v.status, '')
    LEFT JOIN dv_deleted dl ON dl.raw = coalesce(v.deleted, '')
    LEFT JOIN dv_num nn ON coalesce(v.c_numerator, '') <> '' AND nn.raw = v.numerator
    LEFT JOIN dv_num nd ON coalesce(v.c_denominator, '') <> '' AND nd.raw = v.denominator
    LEFT JOIN dv_num nv ON coalesce(CASE WHEN swap THEN v.c_text_value ELSE v.c_value END, '')
        <> '' AND nv.raw = CASE WHEN swap THEN v.text_value ELSE v.value END),
cell AS (
    SELECT j.*,
        j.value_type IS NOT DISTINCT FROM 'text' AS is_text,
        j.val_code IS NOT NULL AND j.value_type IS DISTINCT FROM 'text' AS val_bad
    FROM j),
found AS (
    SELECT row_number, 1 AS seq, h_comment AS col, {_shown("c_comment")} AS val, 'too_long' AS code,
        'Dài ' || length(c_comment) || ' ký tự; tối đa {TEXT_LIMITS["comment"]}.' AS message
    FROM cell WHERE length(c_comment) > {TEXT_LIMITS["comment"]}
    UNION ALL
    SELECT row_number, 2, h_indicator, {_shown("c_indicator")}, 'unknown_indicator', ind_message
    FROM cell WHERE ind_id IS NULL
    UNION ALL
    SELECT row_number, 3, h_org_unit, {_shown("c_org_unit")}, unit_code, unit_message
    FROM cell WHERE unit_id IS NULL
    UNION ALL
    SELECT row_number, 4, h_period, {_shown("c_period")}, 'invalid_period', period_message
    FROM cell WHERE period_code IS NULL
    UNION ALL
    SELECT row_number, 5, h_option, {_shown("c_option")}, 'unknown_option',
        'Phân tổ ''' || opt || ''' không thuộc chỉ số ' || ind_code || ' (có: ' || options || ').'
    FROM cell WHERE ind_id IS NOT NULL AND opt_ok IS NULL
    UNION ALL
    SELECT row_number, 6, h_status, {_shown("c_status")}, 'invalid_status',
        'Trạng thái: draft, submitted hoặc accepted.'
    FROM cell WHERE NOT status_ok
    UNION ALL
    SELECT row_number, 7, h_numerator, {_shown("c_numerator")}, num_code, num_message
    FROM cell WHERE num_code IS NOT NULL
    UNION ALL
    SELECT row_number, 8, h_denominator, {_shown("c_denominator")}, den_code, den_message
    FROM cell WHERE den_code IS NOT NULL
    UNION ALL
    SELECT row_number, 9, h_val, {_shown("c_val")}, val_code, val_message
    FROM cell WHERE val_bad
    UNION ALL
    SELECT row_number, 10, k.col, k.val, k.code, k.message
    FROM cell
    CROSS JOIN LATERAL (
        SELECT CASE WHEN den > 0 THEN round(num / den * factor, 6) END AS computed) AS f
    CROSS JOIN LATERAL (SELECT CAST(trim_scale(f.computed) AS text) AS t) AS n
    CROSS JOIN LATERAL (SELECT * FROM (VALUES
        (1, is_text AND coalesce(c_val, '') = '', h_val, {_shown("c_val")}, 'missing_value',
         'Thiếu giá trị.'),
        (2, is_text AND length(c_val) > {TEXT_VALUE_LIMIT}, h_val, {_shown("c_val")}, 'too_long',
         'Dài ' || length(c_val) || ' ký tự; tối đa {TEXT_VALUE_LIMIT}.'),
        (3, NOT is_text AND (num IS NULL) <> (den IS NULL),
         CASE WHEN den IS NULL THEN h_denominator ELSE h_numerator END,
         CASE WHEN den IS NULL THEN {_shown("c_denominator")} ELSE {_shown("c_numerator")} END,
         'missing_fraction_part', 'Cần cả tử số và mẫu số (hoặc bỏ trống cả hai).'),
        (4, NOT is_text AND den <= 0, h_denominator, {_shown("c_denominator")},
         'non_positive_denominator', 'Mẫu số phải lớn hơn 0.'),
        (5, NOT is_text AND num < 0, h_numerator, {_shown("c_numerator")}, 'negative',
         'Tử số không được âm.'),
        (6, NOT is_text AND num > den AND NOT allow_above, h_numerator, {_shown("c_numerator")},
         'numerator_above_denominator',
         'Tử số ' || num_shown || ' lớn hơn mẫu số ' || den_shown || ': chỉ số ' || ind_code
         || ' không cho phép.'),
        (7, NOT is_text AND den > 0 AND num / den * factor > :maximum, h_val, {_shown("c_val")},
         'out_of_range', 'Giá trị ' || num_shown || '/' || den_shown || ' ' || :too_large || '.'),
        (8, NOT is_text AND val IS NOT NULL
            AND abs(val - f.computed) > power(10::numeric, -val_decimals),
         h_val, {_shown("c_val")}, 'value_contradicts_fraction',
         'Giá trị ' || c_val || ' mâu thuẫn với ' || num_shown || '/' || den_shown || ' (= '
         || {_NORMALIZED} || ').'),
        (9, NOT is_text AND num IS NULL AND den IS NULL AND val IS NULL, h_val, {_shown("c_val")},
         'missing_value', 'Thiếu giá trị (hoặc tử số và mẫu số).'),
        (10, NOT is_text AND num IS NULL AND value_type = 'count'
            AND (val < 0 OR val <> trunc(val)),
         h_val, {_shown("c_val")}, 'not_a_count',
         'Chỉ số đếm: giá trị phải là số nguyên không âm.'),
        (11, NOT is_text AND num IS NULL AND value_type = 'yes_no' AND val NOT IN (0, 1),
         h_val, {_shown("c_val")}, 'not_yes_no', 'Chỉ số có/không: giá trị là 1 hoặc 0.'),
        (12, NOT is_text AND num IS NULL AND value_type = 'percentage' AND NOT allow_above
            AND NOT val BETWEEN 0 AND 100, h_val, {_shown("c_val")}, 'out_of_range',
         'Tỷ lệ phần trăm phải trong khoảng 0–100.'))
        AS k(rank, hit, col, val, code, message)
        WHERE k.hit ORDER BY k.rank LIMIT 1) AS k
    WHERE ind_id IS NOT NULL AND NOT deleted
      AND coalesce(length(c_comment), 0) <= {TEXT_LIMITS["comment"]}
      AND unit_id IS NOT NULL AND period_code IS NOT NULL AND opt_ok IS NOT NULL AND status_ok
      AND num_code IS NULL AND den_code IS NULL AND NOT val_bad)
SELECT row_number, col, val, code, message, count(*) OVER () AS total
FROM found ORDER BY row_number, seq LIMIT {MAX_CONFLICTS_KEPT}"""


async def left_conflicts(
    session: AsyncSession,
    catalog: Catalog,
    actor: Principal,
    chosen: dict[str, str],
    *,
    cutoff: bool,
) -> tuple[list[RowConflict], int]:
    """The conflicts of the rows in dv_left (the first MAX_CONFLICTS_KEPT in row order) and
    how many there are in all; `chosen`: the header of each column in the first row (rows
    naming their own carry them in dv_left.headers)."""
    domain = DATA_VALUE

    async def distinct(*columns: str) -> list[str]:
        union = " UNION ALL ".join(f"SELECT {c} AS cell FROM dv_left" for c in columns)
        sql = f"SELECT DISTINCT coalesce(cell, '') FROM ({union}) AS cells"
        return list(await session.scalars(text(sql)))

    indicators, units, periods = [], [], []
    numbers: list[tuple[Any, ...]] = []
    for raw in await distinct("indicator"):
        cell = nfc(raw.strip())
        if cell not in catalog.indicators:
            indicators.append((raw, f"Không có chỉ số mã '{cell}'."))
    for raw in await distinct("org_unit"):
        cell = nfc(raw.strip())
        unit = catalog.units.get(cell)
        if unit is None:
            units.append((raw, "unknown_org_unit", f"Không có đơn vị mã '{cell}'."))
        elif not actor.can(WRITERS, unit[1]):
            units.append((raw, "forbidden", "Đơn vị này nằm ngoài phạm vi bạn được ghi số liệu."))
        elif not unit[2]:
            units.append((raw, "inactive_org_unit", "Đơn vị đã ngừng hoạt động."))
    for raw in await distinct("period"):
        try:
            parse(nfc(raw.strip()), cutoff=cutoff)
        except PeriodError as exc:
            periods.append((raw, str(exc)))
    for raw in await distinct("numerator", "denominator", "value", "text_value"):
        cell = nfc(raw.strip())
        if not cell:
            continue
        try:
            number = domain.fit(parse_decimal(cell))
        except OutOfRange as exc:
            numbers.append((raw, None, None, 0, "out_of_range", f"'{shown(cell)}': {exc}."))
            continue
        except NumberError:
            message = f"'{shown(cell)}' không phải là số (ví dụ: 38,46)."
            numbers.append((raw, None, None, 0, "not_a_number", message))
            continue
        numbers.append((raw, number, str(number), _decimals(cell), None, None))
    more = [
        (ind.id, ind.code, ind.factor, ", ".join(sorted(option_codes(ind))))
        for key, ind in catalog.indicators.items()
        if key == ind.code
    ]
    for name, columns in TABLES.items():
        await session.execute(
            text(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({columns}) ON COMMIT DROP")
        )
        await session.execute(text(f"TRUNCATE {name}"))
    connection = await session.connection()
    driver = (await connection.get_raw_connection()).driver_connection
    assert driver is not None
    for table, records in (
        ("dv_ind_bad", indicators),
        ("dv_ind_more", more),
        ("dv_unit_bad", units),
        ("dv_period_bad", periods),
        ("dv_num", numbers),
    ):
        await driver.copy_records_to_table(table, records=records)
        await session.execute(text(f"ANALYZE {table}"))
    params: dict[str, Any] = {f"h_{c}": chosen.get(c) for c in RAW_COLUMNS}
    params.update(
        default_option=DEFAULT_OPTION, maximum=domain.maximum, too_large=domain.too_large()
    )
    found = (await session.execute(text(CONFLICTS_SQL), params)).all()
    listed = [RowConflict(*conflict[:5]) for conflict in found]
    return listed, int(found[0][5]) if found else 0
