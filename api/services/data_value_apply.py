"""Validated rows of a staging table (dv_stage) written to data_value: the bulk half of
data_values' write path (files, DHIS2, large batches).

Duplicate keys and locked values are refused (all or nothing); the rows go in ranges, one
statement each, pausing between them while people are served (the caller's pacer). A range
whose keys are all new (a first upload) is one INSERT that compares nothing; a range holding
stored keys goes through the full statement: history of what changes, an upsert that leaves
identical values alone, soft deletes. `make bench` prints the time of each phase.
"""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from api.access import Principal
from api.pacing import Pacer
from api.services.data_value_sql import (
    COUNTS,
    DUPLICATES_SQL,
    HISTORY_COLUMNS,
    KEY,
    LOCKED_SQL,
    WRITES,
    merged,
    reject_duplicate,
    reject_locked,
)
from api.services.import_phases import phase
from api.services.imports import Outcome

# A bulk write goes in row ranges of `chunk` rows (data_values.APPLY_CHUNK), each one
# statement, pausing between them (bulk_pacer): an upload of 100 000 values took a core of
# PostgreSQL for seconds in one go, and every autosave on the machine waited behind it; ranges
# of 10 000 still held it for a second at a time. Still one transaction: all or nothing.
IDLE_CHUNKS = 8
_RANGE = "row_number > :after AND row_number <= :upto"
_CHUNK = f"(SELECT * FROM dv_stage WHERE {_RANGE})"
CHUNK_WRITE_SQL = f"""WITH merged AS ({merged(_CHUNK)}),
dv_stage AS (SELECT * FROM merged WHERE NOT same),
{WRITES}
SELECT {COUNTS}, (SELECT count(*) FROM merged)"""

# A range of new keys: inserted as they are, without reading each one's stored value first
# (the full statement above costs about 1.6 times the insert alone). ON CONFLICT DO NOTHING,
# not a plain INSERT: a key that turns out to be stored (a form saved meanwhile, a range only
# partly new) is skipped, not an error, and the full statement then writes the range again
# (the rows inserted here are its identical values, left alone).
NEW_KEYS_SQL = f"""WITH chunk AS MATERIALIZED {_CHUNK},
inserted AS (
    INSERT INTO data_value (id, indicator_id, org_unit_id, period, period_type, period_start,
        period_end, option, numerator, denominator, value, text_value, comment, source, status,
        updated_by, created_at, updated_at, version)
    SELECT gen_random_uuid(), s.indicator_id, s.org_unit_id, s.period, s.period_type,
           s.period_start, s.period_end, s.option, s.numerator, s.denominator, s.value,
           s.text_value, s.comment, :source, s.status, :actor, :now, :now, 1
    FROM chunk s WHERE NOT s.deleted
    ON CONFLICT DO NOTHING
    RETURNING 1)
SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM chunk)"""

# 4. Replace: the declared scope's values that the upload does not carry.
_OUT_OF_FILE = f"""d.indicator_id = ANY(:indicators) AND d.deleted_at IS NULL
    AND d.period_start >= :start AND d.period_end <= :end
    AND d.org_unit_id IN (SELECT id FROM org_unit WHERE path LIKE :path)
    AND NOT EXISTS (SELECT 1 FROM dv_stage s WHERE {KEY})"""
REPLACE_HISTORY_SQL = f"""{HISTORY_COLUMNS}
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
    chunk: int,
    pace: Pacer,
    replace: dict[str, Any] | None = None,
    strategy: str = "CREATE_AND_UPDATE",
) -> None:
    """Write validated rows set-based; conflicts found in the database go to `outcome`.

    `strategy` (DHIS2's importStrategy): CREATE leaves existing values alone, UPDATE leaves
    absent ones alone (both counted unchanged/ignored), DELETE soft-deletes every row.
    """
    with phase("analyze"):
        await session.execute(text("ANALYZE dv_stage"))
        acceptor, last = (
            await session.execute(
                text("SELECT coalesce(bool_and(acceptor), true), max(row_number) FROM dv_stage")
            )
        ).one()
    # Duplicate keys of an upload of new values show themselves as it is written: the second
    # row of a key finds the first stored, and its range goes to the full statement, which
    # checks the whole upload first (refused: rolled back). So a first upload is not sorted
    # by key to prove it has no duplicates. Not when anything runs before the writes (the
    # lock check, a strategy's filter): the duplicates are named first, as always.
    deferred = acceptor and strategy == "CREATE_AND_UPDATE"
    if not deferred and await _duplicates(session, outcome):
        return
    # Every step from here joins data_value: its statistics first (a refused file skips this).
    with phase("analyze"):
        await refresh_statistics(session)
    if strategy == "DELETE":
        await session.execute(text("UPDATE dv_stage SET deleted = true"))
    if strategy in ("CREATE", "UPDATE"):
        exists = "EXISTS" if strategy == "CREATE" else "NOT EXISTS"
        skipped = await session.execute(
            text(
                f"DELETE FROM dv_stage s WHERE {exists} (SELECT 1 FROM data_value d WHERE {KEY} "
                "AND d.deleted_at IS NULL)"
            )
        )
        outcome.unchanged += int(getattr(skipped, "rowcount", 0) or 0)
    params = {"actor": actor.user_id, "source": source, "now": datetime.now(UTC)}
    # Accepted values are locked for rows whose caller may not accept in the row's unit.
    if not acceptor:
        with phase("locked"):
            for number, kind in await session.execute(text(LOCKED_SQL)):
                reject_locked(outcome, number, kind)
        if outcome.conflicts_total:
            return
    # In row ranges, each one statement, pausing between them: see CHUNK_WRITE_SQL.
    last = int(last or 0)
    if last > chunk:
        with phase("range_index"):
            # Each range found by the index, not by reading the whole staging table again (a
            # million staged rows read 440 times over was most of an upload's time).
            await session.execute(
                text("CREATE INDEX IF NOT EXISTS dv_stage_row ON dv_stage (row_number)")
            )
    upserted = row_deleted = 0
    chunk_write, new_keys = text(CHUNK_WRITE_SQL), text(NEW_KEYS_SQL)
    after, size = 0, chunk
    # Whether the next range is tried as new keys: at first, and again after a range the full
    # statement found all new; not after one that held stored keys (a re-import).
    fresh = strategy in ("CREATE_AND_UPDATE", "CREATE")  # UPDATE: keys all stored
    # Deferred, the writes before the check are in a savepoint of their own: a refused upload
    # leaves nothing written, even before its caller rolls back.
    guard = await session.begin_nested() if deferred else None
    try:
        while after < last:
            bounds = {**params, "after": after, "upto": after + size}
            inserted = rows = 0
            if fresh:
                with phase("insert_new"):
                    inserted, rows = (await session.execute(new_keys, bounds)).one()
                outcome.created += inserted
                upserted += inserted
            if not fresh or inserted < rows:
                if deferred:
                    deferred = False
                    if await _duplicates(session, outcome):
                        # Refused: nothing written, nothing counted.
                        assert guard is not None
                        await guard.rollback()
                        outcome.created = 0
                        return
                with phase("upsert"):
                    created, updated, deleted, rows = (
                        await session.execute(chunk_write, bounds)
                    ).one()
                outcome.created += created
                outcome.updated += updated
                outcome.deleted += deleted
                upserted += created + updated
                row_deleted += deleted
                fresh = inserted + created == rows
            after += size
            if after < last:
                with phase("pause"):
                    await pace()
                # Nobody to yield to: larger ranges (fewer statements); `chunk` again as soon as
                # people are served.
                size = chunk if pace.waited else chunk * IDLE_CHUNKS
    except BaseException:
        if guard is not None and guard.is_active:
            await guard.rollback()
        raise
    if guard is not None:
        await guard.commit()
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
    with phase("analyze"):
        await refresh_statistics(
            session, pending=outcome.created + outcome.updated + outcome.deleted
        )


async def _duplicates(session: AsyncSession, outcome: Outcome) -> bool:
    """Name the rows repeating an earlier row's key; True if there are any."""
    with phase("duplicates"):
        for number, first in await session.execute(text(DUPLICATES_SQL)):
            reject_duplicate(outcome, number, first)
    return bool(outcome.conflicts_total)


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
