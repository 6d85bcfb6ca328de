"""A file with bad rows is refused by one query over the staging table (data_value_conflicts):
no row is judged in Python, and the conflicts are the row validator's, row by row (row,
column, value, code, message)."""

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession

from api.services import data_value_bulk
from tests.test_import_paths_agree import BAD, GOOD, HEADERS, _agree, _csv, _prepare

# Conflicts found once rows are staged (the whole upload against the stored values), not by
# judging rows: the rows left by the SQL path are good ones and go to the row validator.
_AFTER_STAGING = {"duplicate", "value_locked"}


@pytest.fixture
def judged(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The rows the SQL path hands to the row validator."""
    numbers: list[int] = []
    validate = data_value_bulk.validate_row

    def counted(row: Any, *args: Any, **kw: Any) -> Any:
        numbers.append(row.number)
        return validate(row, *args, **kw)

    monkeypatch.setattr(data_value_bulk, "validate_row", counted)
    return numbers


def _row_level(conflicts: list[dict[str, Any]]) -> bool:
    """Whether a conflict is one of a row's own (not one found against stored values)."""
    return any(
        c["code"] not in _AFTER_STAGING and (c["code"], c["column"]) != ("forbidden", "status")
        for c in conflicts
    )


async def test_bad_rows_are_named_without_judging_a_row_in_python(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch, judged: list[int]
) -> None:
    await _prepare(session)
    header = ["dataelement", "orgunit", "period", "value", "numerator", "denominator", "comment"]
    rows = [
        ["KCB_BHYT", "BN-SONHAI", "203504", "3", "", "", ""],  # good
        ["KCB_BHYT", "BN-SONHAI", "203505", "1.200", "", "", ""],  # good, Vietnamese
        ["TCDD", "BN-SONHAI", "203505", "38,46", "50", "130", ""],  # good fraction
        ["NOPE", "BN-SONHAI", "203504", "3", "", "", ""],
        ["KCB_BHYT", "BN-LUCNGAN", "2035S3", "abc", "", "", ""],
        ["KCB_BHYT", "PA-OFF", "203506", "", "", "", ""],
        ["UHC", "BN-SONHAI", "203506", "", "3", "", "x" * 2001],
        ["TCDD", "BN-SONHAI", "203507", "40", "1", "2", ""],
        ["TCDD", "BN-SONHAI", "203508", "", "5", "4", ""],
        ["PA_YN", "BN-SONHAI", "203508", "2", "", "", ""],
        ["KCB_BHYT", "BN-SONHAI", "203509", "1,5", "", "", ""],
        ["UHC", "BN-SONHAI", "203510", "9" * 30, "", "", ""],
    ]
    (counts, _, total, conflicts), _, _ = await _agree(session, monkeypatch, _csv(header, rows))
    assert judged == []
    assert total == len(conflicts) and counts["created"] == 0
    codes = {(c["row"], c["code"]) for c in conflicts}
    assert codes >= {
        (5, "unknown_indicator"),
        (6, "forbidden"),
        (6, "invalid_period"),
        (6, "not_a_number"),
        (7, "inactive_org_unit"),
        (8, "too_long"),
        (9, "value_contradicts_fraction"),
        (10, "numerator_above_denominator"),
        (11, "not_yes_no"),
        (12, "not_a_count"),
        (13, "out_of_range"),
    }
    assert [c["column"] for c in conflicts if c["row"] == 5] == ["dataelement"]


_UNITS = [*GOOD["org_unit"], "BN-LUCNGAN", "PA-OFF", "XX", ""]
_CELLS = {
    "indicator": [*GOOD["indicator"], "NOPE", " KCB_BHYT", ""],
    "org_unit": _UNITS,
    "period": [*GOOD["period"], "203501", "2035S3", "203513", " 203502", ""],
    "value": [*GOOD["value"], "38,46", "1.200", "1.234,5", "abc", "", " 7", "9" * 20],
}


@st.composite
def bad_files(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    """Files of many bad rows: unknown codes, bad periods, Vietnamese notation, foreign and
    inactive units, blanks, accepted values changed (203501), repeated rows."""
    names = ["indicator", "org_unit", "period", "value"]
    names += draw(st.lists(st.sampled_from(["numerator", "denominator", "comment", "status"])))
    names = list(dict.fromkeys(names))
    header = [draw(st.sampled_from(HEADERS[n])) for n in names]

    def cells(name: str) -> st.SearchStrategy[str]:
        return st.sampled_from(_CELLS.get(name, GOOD[name] + BAD[name]))

    rows = draw(st.lists(st.tuples(*(cells(n) for n in names)).map(list), min_size=1, max_size=12))
    repeats = draw(st.lists(st.sampled_from(range(len(rows))), max_size=2))
    return header, rows + [list(rows[i]) for i in repeats]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(file=bad_files(), username=st.sampled_from(["sonhai.baocao", "admin"]))
async def test_any_bad_file_gets_the_row_validators_conflicts_from_sql(
    session: AsyncSession,
    monkeypatch: pytest.MonkeyPatch,
    judged: list[int],
    file: tuple[list[str], list[list[str]]],
    username: str,
) -> None:
    """Both paths give the same answer (every conflict's row, column, value, code and
    message); when rows are bad, the SQL path judged none of them in Python."""
    judged.clear()
    savepoint = await session.begin_nested()
    try:
        await _prepare(session)
        (*_, conflicts), _, _ = await _agree(session, monkeypatch, _csv(*file), username=username)
        if _row_level(conflicts):
            assert judged == []
    finally:
        await savepoint.rollback()
