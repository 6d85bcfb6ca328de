"""Indicator values: set-based upsert with history, soft delete, and the importer.

One write path serves the JSON batch endpoint, every bulk upload format and DHIS2
dataValueSets: rows are validated in full (every conflict reported with its row and column;
the row validator is in data_value_rows, the SQL path of files in data_value_bulk), staged in
a temporary table and applied by a handful of set-based statements: history of what changes,
one INSERT ... ON CONFLICT DO UPDATE that skips identical values (counted as unchanged, never
as updated), soft deletes, and the optional replace of a scope. Who may read what:
data_value_scope; the lists and exports: data_value_reads.
"""

import functools
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain, islice
from typing import Any

from sqlalchemy import BindParameter, TextClause, text
from sqlalchemy.ext.asyncio import AsyncSession

from api import pacing
from api.access import Principal
from api.db import API_APPLICATION_NAME
from api.numbers import DATA_VALUE
from api.pacing import PEOPLE_RECENT, Pacer
from api.services import audit
from api.services.data_value_bulk import stage_rows
from api.services.data_value_rows import (
    ACCEPTORS,
    COLUMNS,
    REQUIRED_COLUMNS,
    STAGE_BATCH,
    STAGE_COLUMNS,
    STATUSES,
    TRUE,
    Catalog,
    Staged,
    column_of,
    compute_value,
    create_stage,
    option_codes,
    replace_options,
    stage,
    validate_row,
)
from api.services.data_value_rows import _record as _record
from api.services.data_value_scope import (
    get_readable,
    period_overlap,
    readable_condition,
    readable_statement,
)
from api.services.imports import Outcome, Progress, RowConflict, missing_columns, register
from api.tabular import Row

__all__ = [
    "ACCEPTORS",
    "COLUMNS",
    "DATA_VALUE",
    "PEOPLE_RECENT",
    "STATUSES",
    "TRUE",
    "Catalog",
    "column_of",
    "compute_value",
    "get_readable",
    "option_codes",
    "period_overlap",
    "readable_condition",
    "readable_statement",
    "validate_row",
]
DUPLICATES_SQL = """
SELECT row_number, first FROM (
    SELECT row_number, min(row_number) OVER (PARTITION BY indicator_id, org_unit_id, period,
                                             option) AS first
    FROM dv_stage) AS keyed
WHERE row_number <> first ORDER BY row_number LIMIT 10000"""


# The SQL below is assembled from these constant fragments only; values are bound parameters.
_KEY = """d.indicator_id = s.indicator_id AND d.org_unit_id = s.org_unit_id
    AND d.period = s.period AND d.option = s.option"""
_CHANGED = """(d.numerator, d.denominator, d.value, d.text_value, d.comment, d.status,
    d.deleted_at IS NULL) IS DISTINCT FROM (s.numerator, s.denominator, s.value, s.text_value,
    s.comment, s.status, true)"""
_HISTORY_COLUMNS = """INSERT INTO data_value_history (id, data_value_id, action, changed_at,
    changed_by, source, numerator, denominator, value, text_value, comment, status)"""


# A row as it reads against the value it would change (the live one of its key, if any), so
# that sending back what was exported changes nothing (the round trip):
# - without numerator and denominator, a value equal to the stored one keeps the stored
#   fraction (DHIS2 tools carry no fraction; the value agrees with it);
# - with the data (fraction, value, text, comment) equal, the stored status stays when the
#   row names a lower one or none (the writer's default: DHIS2's rows have no status):
#   re-importing never takes an accepted value back to submitted or draft, nor a draft on.
_RANKS = "ARRAY['draft', 'submitted', 'accepted']"


def _merged(source: str) -> str:
    """The rows of `source` (dv_stage's columns) read against the stored values, with the
    id of the key's stored row (live or deleted) and whether the row is the live value as it
    is (`same`: nothing to write, no history; such rows go no further)."""
    keep = "s.numerator IS NULL AND s.denominator IS NULL AND s.value = d.value"
    return f"""SELECT s.row_number, s.indicator_id, s.org_unit_id, s.period, s.period_type,
    s.period_start, s.period_end, s.option, k.numerator, k.denominator, s.value, s.text_value,
    s.comment, m.status, s.deleted, s.acceptor, d0.id AS stored_id,
    (NOT s.deleted AND d.id IS NOT NULL
     AND (k.numerator, k.denominator, s.value, s.text_value, s.comment, m.status)
         IS NOT DISTINCT FROM (d.numerator, d.denominator, d.value, d.text_value, d.comment,
                               d.status)) AS same
FROM {source} s
LEFT JOIN data_value d0 ON {_KEY.replace("d.", "d0.")}
LEFT JOIN LATERAL (SELECT d0.* WHERE d0.deleted_at IS NULL) AS d ON true
CROSS JOIN LATERAL (SELECT
    CASE WHEN {keep} THEN d.numerator ELSE s.numerator END AS numerator,
    CASE WHEN {keep} THEN d.denominator ELSE s.denominator END AS denominator) AS k
CROSS JOIN LATERAL (SELECT
    CASE WHEN (k.numerator, k.denominator, s.value, s.text_value, s.comment)
              IS NOT DISTINCT FROM (d.numerator, d.denominator, d.value, d.text_value, d.comment)
          AND (NOT s.status_given
               OR array_position({_RANKS}, s.status) < array_position({_RANKS}, d.status))
         THEN d.status ELSE s.status END AS status) AS m"""


# Rows refused to callers who may not accept values of the row's unit: changing or deleting
# an accepted value ('value_locked'), or setting `accepted` on a value that is not
# ('accept_forbidden'). Over merged rows, so an accepted value sent back as it is passes.
_LOCKED = f"""NOT s.acceptor AND (
    (d.status = 'accepted' AND d.deleted_at IS NULL AND ({_CHANGED} OR s.deleted))
    OR (s.status = 'accepted' AND NOT s.deleted
        AND (d.id IS NULL OR d.status <> 'accepted' OR d.deleted_at IS NOT NULL)))"""
_LOCKED_ROWS = f"""SELECT s.row_number,
       CASE WHEN d.status = 'accepted' AND d.deleted_at IS NULL THEN 'value_locked'
            ELSE 'accept_forbidden' END AS kind
FROM dv_stage s LEFT JOIN data_value d ON {_KEY} WHERE {_LOCKED}"""
LOCKED_SQL = f"""WITH dv_stage AS ({_merged("dv_stage")})
{_LOCKED_ROWS} ORDER BY s.row_number LIMIT 10000"""

# 1. The previous state of every value about to change.
HISTORY_SQL = f"""{_HISTORY_COLUMNS}
SELECT gen_random_uuid(), d.id,
       CASE WHEN s.deleted THEN 'delete' WHEN d.deleted_at IS NOT NULL THEN 'restore'
            ELSE 'update' END,
       :now, :actor, d.source, d.numerator, d.denominator, d.value, d.text_value, d.comment,
       d.status
FROM dv_stage s
-- One look-up by id for each row with a stored value (LIMIT keeps it one: as a join, the
-- planner hashed all of data_value for every part of an upload).
CROSS JOIN LATERAL (SELECT * FROM data_value d WHERE d.id = s.stored_id LIMIT 1) AS d
WHERE s.stored_id IS NOT NULL
  AND ((s.deleted AND d.deleted_at IS NULL) OR (NOT s.deleted AND {_CHANGED}))"""

# 2. Create or change; identical values are left alone, so they are counted unchanged.
UPSERT_SQL = """
INSERT INTO data_value AS d (id, indicator_id, org_unit_id, period, period_type, period_start,
    period_end, option, numerator, denominator, value, text_value, comment, source, status,
    updated_by, created_at, updated_at, version)
SELECT gen_random_uuid(), s.indicator_id, s.org_unit_id, s.period, s.period_type, s.period_start,
       s.period_end, s.option, s.numerator, s.denominator, s.value, s.text_value, s.comment,
       :source, s.status, :actor, :now, :now, 1
FROM dv_stage s WHERE NOT s.deleted
ON CONFLICT (indicator_id, org_unit_id, period, option) DO UPDATE SET
    numerator = EXCLUDED.numerator, denominator = EXCLUDED.denominator, value = EXCLUDED.value,
    text_value = EXCLUDED.text_value, comment = EXCLUDED.comment, status = EXCLUDED.status,
    source = EXCLUDED.source, updated_by = EXCLUDED.updated_by,
    updated_at = EXCLUDED.updated_at, deleted_at = NULL, version = d.version + 1
WHERE (d.numerator, d.denominator, d.value, d.text_value, d.comment, d.status,
       d.deleted_at IS NULL)
   IS DISTINCT FROM (EXCLUDED.numerator, EXCLUDED.denominator, EXCLUDED.value,
       EXCLUDED.text_value, EXCLUDED.comment, EXCLUDED.status, true)
RETURNING (xmax = 0) AS created"""

# 3. Soft deletes asked for by rows.
DELETE_SQL = """
UPDATE data_value d SET deleted_at = :now, updated_at = :now, updated_by = :actor,
       version = d.version + 1
FROM dv_stage s WHERE d.id = s.stored_id AND s.deleted AND d.deleted_at IS NULL"""

# 1-3 as one statement; dv_stage is a CTE over a part of the staging table (or the rows bound
# inline), which inside its own definition still names the table.
_WRITES = f"""history AS ({HISTORY_SQL}),
upserted AS ({UPSERT_SQL}),
deleted AS ({DELETE_SQL} RETURNING 1)"""
_COUNTS = """(SELECT count(*) FROM upserted WHERE created),
       (SELECT count(*) FROM upserted WHERE NOT created), (SELECT count(*) FROM deleted)"""
# A bulk write goes in row ranges of APPLY_CHUNK, each one statement, pausing between them
# (bulk_pacer): an upload of 100 000 values took a core of PostgreSQL for seconds in one go,
# and every autosave on the machine waited behind it; ranges of 10 000 still held it for a
# second at a time. Still one transaction: all or nothing.
APPLY_CHUNK = 2_500
IDLE_CHUNKS = 8
_CHUNK = "(SELECT * FROM dv_stage WHERE row_number > :after AND row_number <= :upto)"
CHUNK_WRITE_SQL = f"""WITH merged AS ({_merged(_CHUNK)}),
dv_stage AS (SELECT * FROM merged WHERE NOT same),
{_WRITES}
SELECT {_COUNTS}"""

# 4. Replace: the declared scope's values that the upload does not carry.
_OUT_OF_FILE = f"""d.indicator_id = ANY(:indicators) AND d.deleted_at IS NULL
    AND d.period_start >= :start AND d.period_end <= :end
    AND d.org_unit_id IN (SELECT id FROM org_unit WHERE path LIKE :path)
    AND NOT EXISTS (SELECT 1 FROM dv_stage s WHERE {_KEY})"""
REPLACE_HISTORY_SQL = f"""{_HISTORY_COLUMNS}
SELECT gen_random_uuid(), d.id, 'delete', :now, :actor, d.source, d.numerator, d.denominator,
       d.value, d.text_value, d.comment, d.status
FROM data_value d WHERE {_OUT_OF_FILE}"""
REPLACE_SQL = f"""
UPDATE data_value d SET deleted_at = :now, updated_at = :now, updated_by = :actor,
       version = d.version + 1
WHERE {_OUT_OF_FILE}"""


async def apply(
    session: AsyncSession,
    *,
    actor: Principal,
    source: str,
    outcome: Outcome,
    replace: dict[str, Any] | None = None,
    strategy: str = "CREATE_AND_UPDATE",
) -> None:
    """Write validated rows set-based; conflicts found in the database go to `outcome`.

    `strategy` (DHIS2's importStrategy): CREATE leaves existing values alone, UPDATE leaves
    absent ones alone (both counted unchanged/ignored), DELETE soft-deletes every row.
    """
    await session.execute(text("ANALYZE dv_stage"))
    for number, first in await session.execute(text(DUPLICATES_SQL)):
        _reject_duplicate(outcome, number, first)
    if outcome.conflicts_total:
        return
    # Every step from here joins data_value: its statistics first (a refused file skips this).
    await refresh_statistics(session)
    if strategy == "DELETE":
        await session.execute(text("UPDATE dv_stage SET deleted = true"))
    if strategy in ("CREATE", "UPDATE"):
        exists = "EXISTS" if strategy == "CREATE" else "NOT EXISTS"
        skipped = await session.execute(
            text(
                f"DELETE FROM dv_stage s WHERE {exists} (SELECT 1 FROM data_value d WHERE {_KEY} "
                "AND d.deleted_at IS NULL)"
            )
        )
        outcome.unchanged += int(getattr(skipped, "rowcount", 0) or 0)
    params = {"actor": actor.user_id, "source": source, "now": datetime.now(UTC)}
    # Accepted values are locked for rows whose caller may not accept in the row's unit.
    if not await session.scalar(text("SELECT coalesce(bool_and(acceptor), true) FROM dv_stage")):
        for number, kind in await session.execute(text(LOCKED_SQL)):
            _reject_locked(outcome, number, kind)
        if outcome.conflicts_total:
            return
    # In row ranges, each one statement, pausing between them: see CHUNK_WRITE_SQL.
    last = int(await session.scalar(text("SELECT coalesce(max(row_number), 0) FROM dv_stage")) or 0)
    if last > APPLY_CHUNK:
        # Each range found by the index, not by reading the whole staging table again (a
        # million staged rows read 440 times over was most of an upload's time).
        await session.execute(
            text("CREATE INDEX IF NOT EXISTS dv_stage_row ON dv_stage (row_number)")
        )
    upserted = row_deleted = 0
    pace = bulk_pacer(session)
    chunk_write = text(CHUNK_WRITE_SQL)
    after, size = 0, APPLY_CHUNK
    while after < last:
        chunk = {**params, "after": after, "upto": after + size}
        created, updated, deleted = (await session.execute(chunk_write, chunk)).one()
        outcome.created += created
        outcome.updated += updated
        outcome.deleted += deleted
        upserted += created + updated
        row_deleted += deleted
        after += size
        if after < last:
            await pace()
            # Nobody to yield to: larger ranges (fewer statements); APPLY_CHUNK again as soon
            # as people are served.
            size = APPLY_CHUNK if pace.waited else APPLY_CHUNK * IDLE_CHUNKS
    if replace:
        args = {
            **params,
            "indicators": replace["indicator_ids"],
            "start": replace["start"],
            "end": replace["end"],
            "path": replace["unit_path"] + "%",
        }
        await session.execute(text(REPLACE_HISTORY_SQL), args)
        replaced = await session.execute(text(REPLACE_SQL), args)
        outcome.deleted += int(getattr(replaced, "rowcount", 0) or 0)
    # Every row is counted once: a row that changes nothing (an identical value, a deletion
    # of what is not there) is unchanged.
    staged = await session.scalar(text("SELECT count(*) FROM dv_stage"))
    outcome.unchanged += int(staged or 0) - upserted - row_deleted
    # And after: the integrations' pulls that follow an upload walk the values changed since
    # their last one. Planned with statistics of the table before a large upload, each page
    # of 500 sorted every value in scope (90 ms of the database's CPU, not 4).
    await refresh_statistics(session, pending=outcome.created + outcome.updated + outcome.deleted)


# How each staged row finds its stored value is the planner's choice, made from data_value's
# statistics. Stale ones (a table analysed while small, many values since, autovacuum behind
# or off) made it match rows by indicator alone: in a 100 000-value upload the history step
# compared each part with every value of its indicators, 1.4 s a part and growing, where the
# unique index takes 30 ms. So a bulk write first re-analyses the table when a fifth of it
# changed since the last ANALYZE (autovacuum's own threshold is a tenth): a sample of 30 000
# rows, about a second on millions.
_STALE_STATISTICS = text(
    """SELECT s.n_mod_since_analyze + :pending > greatest(c.reltuples, 1000) * 0.2
    FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid
    WHERE c.oid = CAST(:table AS regclass)"""
)


async def refresh_statistics(
    session: AsyncSession, table: str = "data_value", *, pending: int = 0
) -> bool:
    """ANALYZE `table` (a plain name) if its statistics are stale (see above), counting
    `pending` rows this transaction changed (the server counts them only once it commits;
    ANALYZE already samples them); True if it did."""
    assert table.isidentifier(), table
    if not await session.scalar(_STALE_STATISTICS, {"table": table, "pending": pending}):
        return False
    await session.execute(text(f"ANALYZE {table}"))
    return True


def bulk_pacer(session: AsyncSession) -> Pacer:
    """pacing.bulk_pacer, yielding to this module's API_APPLICATION_NAME."""
    return pacing.bulk_pacer(session, API_APPLICATION_NAME)


def _reject_duplicate(outcome: Outcome, number: int, first: int) -> None:
    outcome.reject(
        RowConflict(
            number,
            "period",
            None,
            "duplicate",
            f"Trùng khóa (chỉ số, đơn vị, kỳ, phân tổ) với dòng {first}.",
        )
    )


def _reject_locked(outcome: Outcome, number: int, kind: str) -> None:
    if kind == "accept_forbidden":
        outcome.reject(
            RowConflict(
                number,
                "status",
                "accepted",
                "forbidden",
                "Chỉ người thẩm định của đơn vị mới đặt trạng thái accepted.",
            )
        )
        return
    outcome.reject(
        RowConflict(
            number,
            "value",
            None,
            "value_locked",
            "Giá trị đã được thẩm định (accepted): chỉ người thẩm định của đơn vị mới sửa "
            "hoặc xóa được. Gửi lại đúng giá trị đã thẩm định thì không bị từ chối.",
        )
    )


# A few rows (a form's autosave, one API call) skip the staging table: creating, filling and
# analysing a temporary table costs more than the write itself. The rows are bound as one
# array per column, and a CTE named dv_stage stands in for the table, so the statements
# above serve unchanged, all in one statement (its parts share one snapshot, so the history
# still records the values before the change). For callers who may not change accepted
# values, dv_stage is empty when any row would: nothing is written and the rows are named.
INLINE_MAX_ROWS = 1000
_INLINE_ROWS = """given AS (
    SELECT * FROM unnest(CAST(:row_number AS int[]), CAST(:indicator_id AS uuid[]),
        CAST(:org_unit_id AS uuid[]), CAST(:period AS text[]), CAST(:period_type AS text[]),
        CAST(:period_start AS date[]), CAST(:period_end AS date[]), CAST(:option AS text[]),
        CAST(:numerator AS numeric[]), CAST(:denominator AS numeric[]),
        CAST(:value AS numeric[]), CAST(:text_value AS text[]), CAST(:comment AS text[]),
        CAST(:status AS text[]), CAST(:deleted AS boolean[]), CAST(:acceptor AS boolean[]),
        CAST(:status_given AS boolean[]))
    AS s(row_number, indicator_id, org_unit_id, period, period_type, period_start, period_end,
         option, numerator, denominator, value, text_value, comment, status, deleted,
         acceptor, status_given))"""


@dataclass(frozen=True)
class Along:
    """Data-modifying CTEs (`name AS (...)`, comma-separated) to run in the statement of
    `apply_rows`, with the types of their parameters; they run even when rows are refused,
    so the caller rolls back then."""

    sql: str
    types: tuple[BindParameter[Any], ...] = ()

    def alone(self) -> TextClause:
        """The same writes as a statement of their own, when there are no rows to go with."""
        return _alone(self)


@functools.lru_cache(maxsize=256)
def _alone(along: Along) -> TextClause:
    return text(f"WITH {along.sql}\nSELECT 1").bindparams(*along.types)


_INLINE_LOCKED = {
    False: _LOCKED_ROWS.replace("FROM dv_stage s", "FROM merged s"),
    True: "SELECT CAST(NULL AS int) AS row_number, CAST(NULL AS text) AS kind WHERE false",
}


@functools.lru_cache(maxsize=256)
def inline_write(acceptor: bool, along: Along | None = None) -> TextClause:
    """The statement of `apply_rows` (`acceptor`: may the caller accept every row's value);
    `along`, another write in the same statement. Made once each: text() scans the SQL for
    parameters each time it is made."""
    sql = f"""WITH {_INLINE_ROWS},
merged AS ({_merged("given")}),
locked AS ({_INLINE_LOCKED[acceptor]}),
dv_stage AS (SELECT * FROM merged WHERE NOT same AND NOT EXISTS (SELECT 1 FROM locked)),
{_WRITES}{f",{chr(10)}{along.sql}" if along else ""}
SELECT {_COUNTS}, (SELECT array_agg(row_number ORDER BY row_number) FROM locked),
    (SELECT array_agg(kind ORDER BY row_number) FROM locked)"""
    return text(sql).bindparams(*along.types) if along else text(sql)


async def apply_rows(
    session: AsyncSession,
    rows: list[Staged],
    *,
    actor: Principal,
    source: str,
    outcome: Outcome,
    strategy: str = "CREATE_AND_UPDATE",
    along: tuple[Along, dict[str, Any]] | None = None,
) -> None:
    """`apply` for at most INLINE_MAX_ROWS validated rows held in memory: the same checks and
    counts, in one statement instead of ten. Strategies CREATE_AND_UPDATE and DELETE.
    `along`: another write and its parameters, sent in the same statement."""
    assert len(rows) <= INLINE_MAX_ROWS and strategy in ("CREATE_AND_UPDATE", "DELETE")
    first: dict[tuple[uuid.UUID, uuid.UUID, str, str], int] = {}
    for r in rows:
        seen = first.setdefault(r.key, r.row)
        if seen != r.row:
            _reject_duplicate(outcome, r.row, seen)
    if outcome.conflicts_total:
        return
    if not rows:
        # Every row given is staged or refused: with none refused there are rows.
        assert along is None, "a write along needs rows to go with"
        return
    # The staging table's columns, one array each.
    records = zip(*(_record(r) for r in rows), strict=True)
    columns = {name: list(values) for name, values in zip(STAGE_COLUMNS, records, strict=True)}
    if strategy == "DELETE":
        columns["deleted"] = [True] * len(rows)
    # Accepted values are locked for those who cannot accept (as in `apply`).
    sql = inline_write(all(r.acceptor for r in rows), along[0] if along else None)
    params = {**columns, "actor": actor.user_id, "source": source, "now": datetime.now(UTC)}
    if along:
        params.update(along[1])
    created, updated, deleted, locked, kinds = (await session.execute(sql, params)).one()
    if locked:
        for number, kind in zip(locked, kinds, strict=True):
            _reject_locked(outcome, number, kind)
        return
    outcome.created += created
    outcome.updated += updated
    outcome.deleted += deleted
    # Every row counted once (see `apply`).
    outcome.unchanged += len(rows) - created - updated - deleted


# Files go through the SQL path (data_value_bulk); False judges every row in Python
# (validate_row), the reference the SQL path is tested against.
SQL_PATH = True


class DataValueImporter:
    """Data values from CSV, XLSX, JSON rows (ours or DHIS2's CSV columns)."""

    resource = "data_values"

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
        first = next(rows, None)
        if first is None:
            return outcome
        if missing_columns(first, outcome, COLUMNS, REQUIRED_COLUMNS):
            outcome.rows = 1
            return outcome
        catalog = await Catalog.load(session)
        default_status = options.get("status", "submitted")
        cutoff = bool(options.get("cutoff"))
        strategy = options.get("strategy", "CREATE_AND_UPDATE")
        replace_asked = bool(options.get("replace_scope"))
        # A few rows (a form, one API call) are judged in Python and written in one statement;
        # more go through the staging table.
        head = [first, *islice(rows, INLINE_MAX_ROWS)]
        inline = (
            len(head) <= INLINE_MAX_ROWS
            and not replace_asked
            and strategy in ("CREATE_AND_UPDATE", "DELETE")
        )
        everything = chain(head, rows)
        batch: list[Staged] = []
        if inline or not SQL_PATH:
            batch = await _validate_all(
                session,
                everything,
                catalog,
                actor,
                default_status=default_status,
                cutoff=cutoff,
                outcome=outcome,
                progress=progress,
                staged=not inline,
            )
        else:
            await create_stage(session)
            batch = await stage_rows(
                session,
                everything,
                first,
                catalog,
                actor,
                default_status=default_status,
                cutoff=cutoff,
                outcome=outcome,
                progress=progress,
            )
        if outcome.conflicts_total:
            return outcome
        replace = await replace_options(session, actor, catalog, options, outcome)
        if outcome.conflicts_total:
            return outcome
        source = options.get("source", "import")
        if inline:
            await apply_rows(
                session, batch, actor=actor, source=source, outcome=outcome, strategy=strategy
            )
        else:
            await stage(session, batch)
            await apply(
                session,
                actor=actor,
                source=source,
                outcome=outcome,
                replace=replace,
                strategy=strategy,
            )
        # An import that changed nothing leaves no trace but its own record (a job, an answer).
        if not outcome.conflicts_total and outcome.created + outcome.updated + outcome.deleted:
            await audit.record(
                session,
                actor=actor,
                action="upsert",
                entity_type="data_values",
                entity_id=options.get("job_id", "batch"),
                after=outcome.counts(),
            )
        return outcome


async def _validate_all(
    session: AsyncSession,
    rows: Iterator[Row],
    catalog: Catalog,
    actor: Principal,
    *,
    default_status: str,
    cutoff: bool,
    outcome: Outcome,
    progress: Progress,
    staged: bool,
) -> list[Staged]:
    """Every row through validate_row; with `staged`, the valid ones go to the staging table
    in batches (memory stays flat however large the file). Returns the rows not staged."""
    batch: list[Staged] = []
    pace = bulk_pacer(session)  # as in `apply`: people first
    if staged:
        await create_stage(session)
    for row in rows:
        outcome.rows += 1
        item = validate_row(
            row, catalog, actor, default_status=default_status, cutoff=cutoff, outcome=outcome
        )
        if item is not None and not outcome.conflicts_total:
            batch.append(item)
        if staged and len(batch) >= STAGE_BATCH:
            await stage(session, batch)
            batch = []
            await pace()
        if outcome.rows % 5000 == 0:
            await progress(outcome.rows)
    return batch


register(DataValueImporter())
