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

from api.access import Principal
from api.db import API_APPLICATION_NAME
from api.numbers import DATA_VALUE
from api.pacing import PEOPLE_RECENT, Pacer
from api.services import audit, bulk_pacing, data_value_apply
from api.services.data_value_apply import refresh_statistics
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
from api.services.data_value_sql import (
    COUNTS,
    LOCKED_ROWS,
    WRITES,
    merged,
    reject_duplicate,
    reject_locked,
)
from api.services.import_phases import timed
from api.services.imports import Outcome, Progress, missing_columns, register
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
    "refresh_statistics",
    "validate_row",
]
# Rows of a bulk write per statement (data_value_apply).
APPLY_CHUNK = 2_500


def bulk_pacer(session: AsyncSession) -> Pacer:
    """bulk_pacing.bulk_pacer, yielding to this module's API_APPLICATION_NAME."""
    return bulk_pacing.bulk_pacer(session, API_APPLICATION_NAME)


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
    False: LOCKED_ROWS.replace("FROM dv_stage s", "FROM merged s"),
    True: "SELECT CAST(NULL AS int) AS row_number, CAST(NULL AS text) AS kind WHERE false",
}


@functools.lru_cache(maxsize=256)
def inline_write(acceptor: bool, along: Along | None = None) -> TextClause:
    """The statement of `apply_rows` (`acceptor`: may the caller accept every row's value);
    `along`, another write in the same statement. Made once each: text() scans the SQL for
    parameters each time it is made."""
    sql = f"""WITH {_INLINE_ROWS},
merged AS ({merged("given")}),
locked AS ({_INLINE_LOCKED[acceptor]}),
dv_stage AS (SELECT * FROM merged WHERE NOT same AND NOT EXISTS (SELECT 1 FROM locked)),
{WRITES}{f",{chr(10)}{along.sql}" if along else ""}
SELECT {COUNTS}, (SELECT array_agg(row_number ORDER BY row_number) FROM locked),
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
            reject_duplicate(outcome, r.row, seen)
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
            reject_locked(outcome, number, kind)
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
        with timed("data_values"):
            return await self._run(
                session, actor=actor, rows=rows, options=options, progress=progress
            )

    async def _run(
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
            await data_value_apply.apply(
                session,
                actor=actor,
                source=source,
                outcome=outcome,
                chunk=APPLY_CHUNK,
                pace=bulk_pacer(session),
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
