"""The set-based statements of indicator values' writes, shared by the bulk path (a staging
table, data_value_apply) and the inline one (rows bound as arrays, data_values): a row read
against its stored value, history of what changes, one INSERT ... ON CONFLICT DO UPDATE that
skips identical values, soft deletes, and the rows refused for a locked value or a duplicate
key, with their codes and Vietnamese messages.
"""

from api.services.imports import Outcome, RowConflict

DUPLICATES_SQL = """
SELECT row_number, first FROM (
    SELECT row_number, min(row_number) OVER (PARTITION BY indicator_id, org_unit_id, period,
                                             option) AS first
    FROM dv_stage) AS keyed
WHERE row_number <> first ORDER BY row_number LIMIT 10000"""


# The SQL below is assembled from these constant fragments only; values are bound parameters.
KEY = """d.indicator_id = s.indicator_id AND d.org_unit_id = s.org_unit_id
    AND d.period = s.period AND d.option = s.option"""
CHANGED = """(d.numerator, d.denominator, d.value, d.text_value, d.comment, d.status,
    d.deleted_at IS NULL) IS DISTINCT FROM (s.numerator, s.denominator, s.value, s.text_value,
    s.comment, s.status, true)"""
HISTORY_COLUMNS = """INSERT INTO data_value_history (id, data_value_id, action, changed_at,
    changed_by, source, numerator, denominator, value, text_value, comment, status)"""


# A row as it reads against the value it would change (the live one of its key, if any), so
# that sending back what was exported changes nothing (the round trip):
# - without numerator and denominator, a value equal to the stored one keeps the stored
#   fraction (DHIS2 tools carry no fraction; the value agrees with it);
# - with the data (fraction, value, text, comment) equal, the stored status stays when the
#   row names a lower one or none (the writer's default: DHIS2's rows have no status):
#   re-importing never takes an accepted value back to submitted or draft, nor a draft on.
_RANKS = "ARRAY['draft', 'submitted', 'accepted']"


def merged(source: str) -> str:
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
LEFT JOIN data_value d0 ON {KEY.replace("d.", "d0.")}
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
    (d.status = 'accepted' AND d.deleted_at IS NULL AND ({CHANGED} OR s.deleted))
    OR (s.status = 'accepted' AND NOT s.deleted
        AND (d.id IS NULL OR d.status <> 'accepted' OR d.deleted_at IS NOT NULL)))"""
LOCKED_ROWS = f"""SELECT s.row_number,
       CASE WHEN d.status = 'accepted' AND d.deleted_at IS NULL THEN 'value_locked'
            ELSE 'accept_forbidden' END AS kind
FROM dv_stage s LEFT JOIN data_value d ON {KEY} WHERE {_LOCKED}"""
LOCKED_SQL = f"""WITH dv_stage AS ({merged("dv_stage")})
{LOCKED_ROWS} ORDER BY s.row_number LIMIT 10000"""

# 1. The previous state of every value about to change.
HISTORY_SQL = f"""{HISTORY_COLUMNS}
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
  AND ((s.deleted AND d.deleted_at IS NULL) OR (NOT s.deleted AND {CHANGED}))"""

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
WRITES = f"""history AS ({HISTORY_SQL}),
upserted AS ({UPSERT_SQL}),
deleted AS ({DELETE_SQL} RETURNING 1)"""
COUNTS = """(SELECT count(*) FROM upserted WHERE created),
       (SELECT count(*) FROM upserted WHERE NOT created), (SELECT count(*) FROM deleted)"""


def reject_duplicate(outcome: Outcome, number: int, first: int) -> None:
    outcome.reject(
        RowConflict(
            number,
            "period",
            None,
            "duplicate",
            f"Trùng khóa (chỉ số, đơn vị, kỳ, phân tổ) với dòng {first}.",
        )
    )


def reject_locked(outcome: Outcome, number: int, kind: str) -> None:
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
