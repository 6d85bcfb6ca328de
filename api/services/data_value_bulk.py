"""Data values from files without Python judging each value (issue 21).

Python only passes the cells on: every row of the upload goes, as the text it holds, into
COPY of a temporary table (`dv_raw`, with the row's number). What a cell means is then decided
once per distinct text, not once per row: the few distinct indicator and unit codes, periods,
statuses, options and `deleted` flags of a file are read by the same Python functions as the
row validator (`validate_row`), and the rows are checked against those small lookup tables by
one INSERT ... SELECT into the staging table (`dv_stage`), numbers by a pattern that admits
only what `parse_decimal` reads as itself.

That statement is conservative: a row it cannot vouch for (a Vietnamese-notation number, a
fraction, a text indicator, a refused unit, an unknown code, a cell with spaces around it) is
not staged but handed back to `validate_row`, which stages it or names its conflicts with the
codes and messages of the row path. So the two paths agree by construction on every row the
SQL path passes on, and a clean file of plain numbers is never judged row by row in Python.
"""

import csv
import io
import json
import time
from collections.abc import AsyncIterator, Callable, Iterator
from operator import itemgetter
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from api.access import Principal
from api.db import API_APPLICATION_NAME
from api.models import DEFAULT_OPTION
from api.pacing import Pacer
from api.periods import PeriodError, parse
from api.services.bulk_pacing import bulk_pacer
from api.services.data_value_conflicts import left_conflicts
from api.services.data_value_rows import (
    ACCEPTORS,
    RAW_COLUMNS,
    SPACE,
    STATUSES,
    TRUE,
    WRITERS,
    Catalog,
    Staged,
    column_of,
    option_codes,
    stage,
    validate_row,
)
from api.services.import_phases import phase
from api.services.imports import MAX_CONFLICTS_KEPT, Outcome, Progress
from api.tabular import Row
from api.text import nfc

COPY_BUFFER = 1 << 18
COPY_PART = 100_000
# Rows handed back to the row validator are read back in parts of this many.
FALLBACK_BATCH = 5_000

CREATE_RAW = text(
    "CREATE TEMP TABLE IF NOT EXISTS dv_raw (row_number int, "
    + ", ".join(f"{c} text" for c in RAW_COLUMNS)
    + ", headers text) ON COMMIT DROP"
)
LOOKUPS = {
    "dv_ind": "raw text PRIMARY KEY, id uuid, value_type text, allow_above boolean",
    "dv_unit": "raw text PRIMARY KEY, id uuid, acceptor boolean",
    "dv_period": "raw text PRIMARY KEY, code text, type text, start_date date, end_date date",
    "dv_opt": "indicator_id uuid, option text, PRIMARY KEY (indicator_id, option)",
    "dv_status": "raw text PRIMARY KEY, status text, given boolean",
    "dv_deleted": "raw text PRIMARY KEY, deleted boolean",
}

# Numbers parse_decimal reads as PostgreSQL does: an integer, or one dot and one or two
# decimals ("1.234" is Vietnamese for 1234; anything else goes to the row validator).
_PLAIN_NUMBER = r"^-?[0-9]{1,17}(\.[0-9]{1,2})?$"
_COUNT = r"^[0-9]{1,17}$"

# The rows the SQL path vouches for, staged as validate_row would stage them.
FAST_STAGE_SQL = f"""
INSERT INTO dv_stage (row_number, indicator_id, org_unit_id, period, period_type, period_start,
    period_end, option, numerator, denominator, value, text_value, comment, status, deleted,
    acceptor, status_given)
SELECT r.row_number, i.id, u.id, p.code, p.type, p.start_date, p.end_date, o.option, NULL, NULL,
       CAST(nullif(r.value, '') AS numeric(24, 6)), NULL, nullif(r.comment, ''), st.status,
       dl.deleted, u.acceptor, st.given
FROM dv_raw r
JOIN dv_ind i ON i.raw = r.indicator
JOIN dv_unit u ON u.raw = r.org_unit
JOIN dv_period p ON p.raw = r.period
JOIN dv_opt o ON o.indicator_id = i.id AND o.option = coalesce(nullif(r.option, ''), :default)
JOIN dv_status st ON st.raw = r.status
JOIN dv_deleted dl ON dl.raw = r.deleted
WHERE r.headers = ''
  AND coalesce(r.numerator, '') = '' AND coalesce(r.denominator, '') = ''
  AND coalesce(r.text_value, '') = ''
  AND (coalesce(r.comment, '') = ''
       OR (length(r.comment) <= 2000 AND r.comment IS NFC NORMALIZED
           AND left(r.comment, 1) NOT IN ({", ".join(f"chr({ord(c)})" for c in SPACE)})
           AND right(r.comment, 1) NOT IN ({", ".join(f"chr({ord(c)})" for c in SPACE)})))
  AND CASE
    WHEN dl.deleted THEN coalesce(r.value, '') = '' OR r.value ~ '{_PLAIN_NUMBER}'
    WHEN i.value_type = 'count' THEN r.value ~ '{_COUNT}'
    WHEN NOT r.value ~ '{_PLAIN_NUMBER}' THEN false
    WHEN i.value_type = 'yes_no' THEN CAST(r.value AS numeric) IN (0, 1)
    WHEN i.value_type = 'percentage' THEN i.allow_above
        OR CAST(r.value AS numeric) BETWEEN 0 AND 100
    ELSE i.value_type IN ('number', 'rate', 'currency')
  END"""

# A part of dv_raw by its blocks (a TID range scan).
_PART = "\n  AND r.ctid >= CAST(:lo AS tid) AND r.ctid < CAST(:hi AS tid)"
STAGE_PART = 10_000
IDLE_PARTS = 8

# Rows the statement above left for the row validator, set apart once, read back in parts.
LEFT_SQL = f"""
CREATE TEMP TABLE dv_left ON COMMIT DROP AS
SELECT r.row_number, {", ".join(f"r.{c}" for c in RAW_COLUMNS)}, r.headers FROM dv_raw r
WHERE NOT EXISTS (SELECT 1 FROM dv_stage s WHERE s.row_number = r.row_number)"""
LEFT_PART_SQL = f"""SELECT * FROM dv_left WHERE row_number > :after
ORDER BY row_number LIMIT {FALLBACK_BATCH}"""


class Columns:
    """Which header of a row holds each staging column (the last one naming it, as
    validate_row reads them)."""

    def __init__(self, headers: tuple[str, ...]) -> None:
        self.headers = headers
        chosen: dict[str, str] = {}
        for header in headers:
            name = column_of(header)
            if name:
                chosen[name] = header
        self.chosen = chosen
        self.order = [chosen.get(c) for c in RAW_COLUMNS]
        # The order COPY receives a row's cells in: the columns these headers name, then the
        # others (empty), so that a row with these headers is written by one itemgetter.
        present = [c for c in RAW_COLUMNS if c in chosen]
        self.layout = (*present, *(c for c in RAW_COLUMNS if c not in chosen))
        self.empty = ("",) * (len(RAW_COLUMNS) - len(present))
        picked = [chosen[c] for c in present]
        self.getter = itemgetter(*picked) if len(picked) > 1 else lambda c: (c[picked[0]],)

    def cells(self, raw: list[Any]) -> dict[str, str]:
        """A row's cells read back from dv_raw as the reader gave them (its known columns)."""
        return {
            header: value
            for header, value in zip(self.order, raw, strict=True)
            if header is not None
        }


class _Source:
    """The upload's rows as CSV for COPY, in parts of COPY_PART rows (one COPY each, with a
    pause between them while people are served): the row number, the cells of RAW_COLUMNS
    (empty where the row has no such cell) and the row's own headers when they differ from
    the first row's (JSON rows may each name theirs)."""

    def __init__(
        self, rows: Iterator[Row], columns: Columns, outcome: Outcome, progress: Progress
    ) -> None:
        self.rows, self.columns, self.outcome, self.progress = rows, columns, outcome, progress
        self.known = {columns.headers: columns}
        self.nul_rows: list[Row] = []
        self.done = False

    async def part(self) -> AsyncIterator[bytes]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
        columns = self.columns
        reference, headers, layout = columns.chosen, columns.headers, columns.layout
        # A row with the first row's headers (nearly all): its cells, none of the first row's
        # columns' empty cells, an empty `headers`.
        getter, tail = columns.getter, (*columns.empty, "")
        write = writer.writerow
        outcome, known = self.outcome, self.known
        end = outcome.rows + COPY_PART
        for row in self.rows:
            cells = row.cells
            keys = tuple(cells)
            if keys == headers:
                write((row.number, *getter(cells), *tail))
            else:
                own = known.get(keys)
                if own is None:
                    own = known[keys] = Columns(keys)
                chosen = own.chosen
                line: list[Any] = [row.number]
                line += [cells[chosen[c]] if c in chosen else "" for c in layout]
                line.append("" if chosen == reference else json.dumps(chosen))
                write(line)
            outcome.rows += 1
            if outcome.rows % 5000 == 0:
                await self.progress(outcome.rows)
            if buffer.tell() >= COPY_BUFFER:
                yield self._without_nul(buffer)
            if outcome.rows >= end:
                break
        else:
            self.done = True
        yield self._without_nul(buffer)

    def _without_nul(self, buffer: io.StringIO) -> bytes:
        """The buffer's CSV, emptied, as bytes; rows holding NUL (PostgreSQL's text cannot)
        are kept aside for the row validator, which names the cell."""
        chunk = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if "\x00" in chunk:
            kept = io.StringIO()
            writer = csv.writer(kept, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
            for record in csv.reader(io.StringIO(chunk)):
                if any("\x00" in v for v in record):
                    self.nul_rows.append(_nul_row(record, self.columns))
                else:
                    writer.writerow([int(record[0]), *record[1:]])
            chunk = kept.getvalue()
        return chunk.encode()


def _nul_row(record: list[str], columns: Columns) -> Row:
    """A row read back from the CSV written for COPY (cells in `columns.layout`)."""
    own = Columns(tuple(json.loads(record[-1]).values())) if record[-1] else columns
    cells = dict(zip(columns.layout, record[1:-1], strict=True))
    return Row(int(record[0]), own.cells([cells[c] for c in RAW_COLUMNS]))


async def _lookups(
    session: AsyncSession,
    catalog: Catalog,
    actor: Principal,
    *,
    default_status: str,
    cutoff: bool,
) -> None:
    """The meaning of each distinct cell, decided by the row validator's own rules."""
    for name, columns in LOOKUPS.items():
        await session.execute(
            text(f"CREATE TEMP TABLE IF NOT EXISTS {name} ({columns}) ON COMMIT DROP")
        )
        await session.execute(text(f"TRUNCATE {name}"))

    async def distinct(column: str) -> list[str]:
        found = await session.scalars(text(f"SELECT DISTINCT coalesce({column}, '') FROM dv_raw"))
        return list(found)

    indicators, units, periods, statuses, flags = [], [], [], [], []
    for raw in await distinct("indicator"):
        ind = catalog.indicators.get(nfc(raw.strip()))
        if ind is not None:
            indicators.append((raw, ind.id, ind.value_type, ind.allow_numerator_above_denominator))
    for raw in await distinct("org_unit"):
        unit = catalog.units.get(nfc(raw.strip()))
        if unit is not None and unit[2] and actor.can(WRITERS, unit[1]):
            units.append((raw, unit[0], actor.can(ACCEPTORS, unit[1])))
    for raw in await distinct("period"):
        try:
            p = parse(nfc(raw.strip()), cutoff=cutoff)
        except PeriodError:
            continue
        periods.append((raw, p.code, p.type.value, p.start, p.end))
    for raw in await distinct("status"):
        cell = nfc(raw.strip())
        status = (cell or default_status).lower()
        if status in STATUSES:
            statuses.append((raw, status, bool(cell)))
    for raw in await distinct("deleted"):
        flags.append((raw, nfc(raw.strip()).lower() in TRUE))
    options = {
        (ind.id, code)
        for key, ind in catalog.indicators.items()
        if key == ind.code
        for code in option_codes(ind)
    }
    connection = await session.connection()
    driver = (await connection.get_raw_connection()).driver_connection
    assert driver is not None
    for table, records in (
        ("dv_ind", indicators),
        ("dv_unit", units),
        ("dv_period", periods),
        ("dv_status", statuses),
        ("dv_deleted", flags),
        ("dv_opt", sorted(options)),
    ):
        await driver.copy_records_to_table(table, records=records)
        await session.execute(text(f"ANALYZE {table}"))


async def stage_rows(
    session: AsyncSession,
    rows: Iterator[Row],
    first: Row,
    catalog: Catalog,
    actor: Principal,
    *,
    default_status: str,
    cutoff: bool,
    outcome: Outcome,
    progress: Progress,
) -> list[Staged]:
    """Stage every row of the upload (`first` and the rest of `rows`) in dv_stage, already
    created: those the SQL path vouches for by one statement, the others through
    validate_row (conflicts to `outcome`, rows returned to be staged by the caller)."""
    await session.execute(CREATE_RAW)
    await session.execute(text("TRUNCATE dv_raw"))
    columns = Columns(tuple(first.cells))
    source = _Source(rows, columns, outcome, progress)
    connection = await session.connection()
    driver = (await connection.get_raw_connection()).driver_connection
    assert driver is not None
    pace = bulk_pacer(session, API_APPLICATION_NAME)
    while not source.done:
        with phase("copy_raw"):
            await driver.copy_to_table(
                "dv_raw",
                source=source.part(),
                columns=("row_number", *columns.layout, "headers"),
                format="csv",
            )
        with phase("pause"):
            await pace()
    nul_rows = source.nul_rows
    await progress(outcome.rows)
    with phase("lookups"):
        await session.execute(text("ANALYZE dv_raw"))
        await _lookups(session, catalog, actor, default_status=default_status, cutoff=cutoff)
    # Its many conditions make the planner expect one row of dv_raw and loop over every
    # lookup for each row (47 s for 110 000): hash joins, each lookup read once.
    fast = await _stage_vouched(session, outcome.rows, pace)
    # Conflicts of the rows left, gathered apart and given in row order (rows with NUL first
    # and the rest after would otherwise be out of order).
    found = Outcome()

    def check(row: Row) -> Staged | None:
        return validate_row(
            row, catalog, actor, default_status=default_status, cutoff=cutoff, outcome=found
        )

    left: list[Staged] = []
    for row in nul_rows:
        check(row)
    if fast + len(nul_rows) < outcome.rows:
        await session.execute(text("DROP TABLE IF EXISTS dv_left"))
        await session.execute(text(LEFT_SQL))
        await session.execute(text("CREATE INDEX ON dv_left (row_number)"))
        with phase("conflicts_sql"):
            listed, total = await left_conflicts(
                session, catalog, actor, columns.chosen, cutoff=cutoff
            )
        found.conflicts.extend(listed)
        found.conflicts_total += total
        # None: the rows left are good ones the SQL path does not stage itself.
        if not found.conflicts_total:
            with phase("fallback"):
                left = await _stage_left(session, columns, check)
    room = MAX_CONFLICTS_KEPT - len(outcome.conflicts)
    outcome.conflicts.extend(sorted(found.conflicts, key=lambda c: c.row or 0)[:room])
    outcome.conflicts_total += found.conflicts_total
    return left


async def _stage_vouched(session: AsyncSession, rows: int, pace: Pacer) -> int:
    """FAST_STAGE_SQL over dv_raw in parts of its blocks (COPY wrote them in row order), a
    pause between parts while people are served: one statement over a million rows held a
    core for 5 s. Parts of STAGE_PART rows, eight times that while nobody is served. The
    number of rows staged."""
    blocks = int(
        await session.scalar(
            text("SELECT pg_relation_size('dv_raw') / current_setting('block_size')::int")
        )
        or 0
    )
    per_part = max(1, STAGE_PART * blocks // max(rows, 1))
    sql = text(FAST_STAGE_SQL + _PART)
    staged, start, size = 0, 0, per_part
    pace.since = time.perf_counter()  # the pause after a part is in proportion to it alone
    # Its many conditions make the planner expect one row of dv_raw and loop over every
    # lookup for each row (47 s for 110 000): hash joins, each lookup read once.
    await session.execute(text("SET LOCAL enable_nestloop = off"))
    while start <= blocks:
        bounds = {"default": DEFAULT_OPTION, "lo": (start, 0), "hi": (start + size, 0)}
        with phase("stage_sql"):
            result = await session.execute(sql, bounds)
        staged += int(getattr(result, "rowcount", 0) or 0)
        start += size
        if start <= blocks:
            with phase("pause"):
                await pace()
            size = per_part if pace.waited else per_part * IDLE_PARTS
    await session.execute(text("SET LOCAL enable_nestloop = on"))
    return staged


async def _stage_left(
    session: AsyncSession, columns: Columns, check: Callable[[Row], Staged | None]
) -> list[Staged]:
    """The rows of dv_left through the row validator, staged; the last part returned."""
    left: list[Staged] = []
    after = 0
    while part := (await session.execute(text(LEFT_PART_SQL), {"after": after})).all():
        for number, *raw, headers in part:
            own = Columns(tuple(json.loads(headers).values())) if headers else columns
            item = check(Row(number, own.cells(raw)))
            if item is not None:
                left.append(item)
        after = part[-1][0]
        if len(left) >= FALLBACK_BATCH:
            await stage(session, left)
            left = []
    return left
