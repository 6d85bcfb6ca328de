"""The SQL path of data-value files (data_value_bulk) and the row path (validate_row on every
row) agree: for any file of good and bad rows, the same counts, the same conflicts (row,
column, value, code, message, in order), the same stored values and the same history."""

import io
import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from api.access import Principal
from api.deps import principal_for
from api.errors import InvalidInput
from api.models import User
from api.services import data_value_bulk, data_values, imports
from api.tabular import Row, write_xlsx

INDICATORS = ["KCB_BHYT", "CC18", "TCDD", "HAI_LONG", "UHC", "PA_TEXT", "PA_YN", "BS_VAN"]
# Each column's cells: those a clean file holds, then those of every kind of bad row. Most
# cells drawn are good, so that most rows are ones the SQL path must vouch for itself.
GOOD: dict[str, list[str]] = {
    "indicator": INDICATORS,
    "org_unit": ["BN-SONHAI", "BN-SONHAI-TYT"],
    "period": ["203501", "203502", "203503", "2035", "2035Q1"],
    "option": ["", "default", "male", "female", "inpatient"],
    "value": ["1", "12", "50", "0", "100", "7", "1.5", "38.46", "-3", "101", ""],
    "numerator": ["", "1", "3"],
    "denominator": ["", "2", "4"],
    "comment": ["", "ghi chú", "=1+1", "a\tb"],
    "status": ["", "draft", "submitted", "accepted"],
    "deleted": ["", "false", "true"],
}
BAD: dict[str, list[str]] = {
    "indicator": ["NOPE", " KCB_BHYT", "kcb_bhyt", ""],
    "org_unit": ["BN-LUCNGAN", "PA-OFF", "XX", " BN-SONHAI", ""],
    "period": ["2035S3", "203513", " 203502", "2035w07", "abc", ""],
    "option": ["xx", " male", "DEFAULT"],
    "value": [
        *["38,46", "1.200", "1.234,5", "1e3", "abc", "9" * 20, " 7", "7 ", "0.1234567"],
        *["12%", "có", "00012", "-0", "1.", ".5"],
    ],
    "numerator": ["0", "-1", "x", " 1"],
    "denominator": ["0", "1", "-2"],
    "comment": [" lề", "cuối ", "e\u0301", "x" * 2001, "\u00a0nbsp", "x" * 2000],
    "status": ["ACCEPTED", "bad", " draft", "Draft"],
    "deleted": ["x", "no", "TRUE", " true", "1", "có"],
}


def _cells(name: str) -> st.SearchStrategy[str]:
    return st.one_of(*[st.sampled_from(GOOD[name])] * 6, st.sampled_from(BAD[name]))


HEADERS = {
    "indicator": ["indicator", "dataelement", "Mã chỉ số"],
    "org_unit": ["org_unit", "orgunit"],
    "period": ["period", "Kỳ"],
    "option": ["option", "catoptcombo"],
    "value": ["value", "Giá trị"],
    "numerator": ["numerator"],
    "denominator": ["denominator"],
    "comment": ["comment"],
    "status": ["status"],
    "deleted": ["deleted"],
}
_RUNS = itertools.count()


@pytest.fixture(autouse=True)
def staged(monkeypatch: pytest.MonkeyPatch) -> None:
    # Both paths through the staging table (the inline path is the row path already).
    monkeypatch.setattr(data_values, "INLINE_MAX_ROWS", 0)


async def _prepare(session: AsyncSession) -> None:
    """Two indicators of the kinds the demo lacks, an inactive unit, and stored values (one
    accepted) for the uploads to update, leave unchanged or find locked."""
    await session.execute(
        text(
            """INSERT INTO indicator (id, code, name_vi, search_name, kind, value_type, factor,
                direction, decimals, aggregation, allow_numerator_above_denominator,
                categories, active, created_at, updated_at, version)
            SELECT gen_random_uuid(), c, c, lower(c), 'result', t, 1, 'higher', 0, 'none',
                   false, '[]', true, now(), now(), 1
            FROM (VALUES ('PA_TEXT', 'text'), ('PA_YN', 'yes_no')) AS v(c, t)
            ON CONFLICT (code) DO NOTHING"""
        )
    )
    await session.execute(
        text(
            """INSERT INTO org_unit (id, code, name, search_name, type, parent_id, path, level,
                active, version, created_at, updated_at)
            SELECT gen_random_uuid(), 'PA-OFF', 'Đã ngừng', 'da ngung', 'commune', p.id,
                   p.path || replace(gen_random_uuid()::text, '-', '') || '/', p.level + 1,
                   false, 1, now(), now()
            FROM org_unit p WHERE p.code = 'BN-SONHAI'
            ON CONFLICT (code) DO NOTHING"""
        )
    )
    admin = await _principal(session, "admin")
    base = (
        "indicator,org_unit,period,value,status,comment\n"
        "KCB_BHYT,BN-SONHAI,203501,12,accepted,\n"
        "KCB_BHYT,BN-SONHAI,203502,7,submitted,cũ\n"
        "UHC,BN-SONHAI,203501,1.5,draft,\n"
        "PA_YN,BN-SONHAI,203501,1,submitted,\n"
    )
    outcome = await _import(session, admin, base.encode(), "csv", {})
    assert not outcome.conflicts_total, outcome.conflicts


async def _principal(session: AsyncSession, username: str) -> Principal:
    user_id = await session.scalar(select(User.id).where(User.username == username))
    assert user_id is not None
    return await principal_for(session, user_id)


async def _import(
    session: AsyncSession, actor: Principal, content: bytes, fmt: str, options: dict[str, Any]
) -> imports.Outcome:
    if fmt == "rows":  # cells as a caller's rows give them (DHIS2's JSON), NUL and all
        rows = iter([Row(n, r) for n, r in enumerate(json.loads(content), start=1)])
    else:
        rows = imports.open_rows(io.BytesIO(content), fmt, options)
    return await data_values.DataValueImporter().run(
        session, actor=actor, rows=rows, options=options, progress=imports.no_progress
    )


_STORED = text(
    """SELECT i.code, o.code, d.period, d.period_type, d.period_start, d.period_end, d.option,
        d.numerator, d.denominator, d.value, d.text_value, d.comment, d.status,
        d.deleted_at IS NULL, d.version, d.source
    FROM data_value d JOIN indicator i ON i.id = d.indicator_id
    JOIN org_unit o ON o.id = d.org_unit_id
    WHERE d.period LIKE '2035%' ORDER BY 1, 2, 3, 7"""
)
_HISTORY = text(
    """SELECT i.code, o.code, d.period, d.option, h.action, h.numerator, h.denominator,
        h.value, h.text_value, h.comment, h.status
    FROM data_value_history h JOIN data_value d ON d.id = h.data_value_id
    JOIN indicator i ON i.id = d.indicator_id JOIN org_unit o ON o.id = d.org_unit_id
    WHERE d.period LIKE '2035%' ORDER BY 1, 2, 3, 4, 5, 8"""
)


async def _outcome_of(
    session: AsyncSession,
    monkeypatch: pytest.MonkeyPatch,
    *,
    sql: bool,
    username: str,
    content: bytes,
    fmt: str,
    options: dict[str, Any],
) -> tuple[Any, ...]:
    """What one path makes of a file: its answer, the values and the history it leaves."""
    monkeypatch.setattr(data_values, "SQL_PATH", sql)
    savepoint = await session.begin_nested()
    try:
        actor = await _principal(session, username)
        try:
            outcome = await _import(session, actor, content, fmt, options)
        except InvalidInput as exc:
            return ("refused", exc.detail, exc.errors)
        answer = (
            outcome.counts(),
            outcome.rows,
            outcome.conflicts_total,
            [c.as_dict() for c in outcome.conflicts],
        )
        stored = [tuple(r) for r in await session.execute(_STORED)]
        history = [tuple(r) for r in await session.execute(_HISTORY)]
        return answer, stored, history
    finally:
        await savepoint.rollback()


async def _agree(
    session: AsyncSession,
    monkeypatch: pytest.MonkeyPatch,
    content: bytes,
    fmt: str = "csv",
    *,
    username: str = "sonhai.baocao",
    options: dict[str, Any] | None = None,
) -> tuple[Any, ...]:
    kw = {"username": username, "content": content, "fmt": fmt, "options": options or {}}
    by_rows = await _outcome_of(session, monkeypatch, sql=False, **kw)  # type: ignore[arg-type]
    by_sql = await _outcome_of(session, monkeypatch, sql=True, **kw)  # type: ignore[arg-type]
    assert by_sql == by_rows
    return by_sql


def _csv(header: list[str], rows: list[list[str]], sep: str = ",") -> bytes:
    out = io.StringIO()
    import csv

    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


@st.composite
def files(draw: st.DrawFn) -> tuple[list[str], list[list[str]]]:
    names = ["indicator", "org_unit", "period", "value"]
    names += draw(st.lists(st.sampled_from(sorted(set(GOOD) - set(names))), unique=True))
    header = [draw(st.sampled_from(HEADERS[n])) for n in names]
    rows = draw(
        st.lists(
            st.tuples(*(_cells(n) for n in names)).map(list),
            min_size=1,
            max_size=20,
        )
    )
    return header, rows


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(file=files(), username=st.sampled_from(["sonhai.baocao", "admin"]))
async def test_any_file_gets_the_same_answer_from_both_paths(
    session: AsyncSession,
    monkeypatch: pytest.MonkeyPatch,
    file: tuple[list[str], list[list[str]]],
    username: str,
) -> None:
    savepoint = await session.begin_nested()
    try:
        await _prepare(session)
        await _agree(session, monkeypatch, _csv(*file), username=username)
    finally:
        await savepoint.rollback()


async def test_every_cell_with_every_indicator_gets_the_same_answer(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each cell of the corpus, good or bad, in a row of each indicator that is otherwise
    good: the same conflicts, row by row, from both paths."""
    await _prepare(session)
    names = list(GOOD)
    base = {"org_unit": "BN-SONHAI", "period": "203504", "value": "1"}
    rows = [
        [{**base, "indicator": indicator, name: cell}.get(n, "") for n in names]
        for indicator in INDICATORS
        for name in names
        for cell in GOOD[name] + BAD[name]
    ]
    for username in ("sonhai.baocao", "admin"):
        (_, _, total, conflicts), _, _ = await _agree(
            session, monkeypatch, _csv(names, rows), username=username
        )
        assert total > 100 and {c["code"] for c in conflicts} >= {"not_a_count", "not_a_number"}


def _good_rows() -> Iterator[list[str]]:
    for n, (unit, indicator) in enumerate(
        itertools.product(["BN-SONHAI", "BN-SONHAI-TYT"], ["KCB_BHYT", "UHC", "BS_VAN"])
    ):
        yield [indicator, unit, f"2035{n % 12 + 1:02d}", str(n * 3)]


GOOD_HEADER = ["indicator", "org_unit", "period", "value"]


async def test_a_clean_file_is_staged_by_sql_alone(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No row of a file of plain values reaches the row validator."""
    await _prepare(session)
    judged: list[int] = []
    validate = data_value_bulk.validate_row

    def counted(row: Any, *args: Any, **kw: Any) -> Any:
        judged.append(row.number)
        return validate(row, *args, **kw)

    monkeypatch.setattr(data_value_bulk, "validate_row", counted)
    content = _csv(GOOD_HEADER, [*_good_rows(), ["KCB_BHYT", "BN-SONHAI", "203503", "1.200"]])
    (counts, *_), _, _ = await _agree(session, monkeypatch, content, username="admin")
    assert (counts["created"], counts["updated"]) == (6, 1)
    assert judged == [8]  # the Vietnamese 1.200 alone


@pytest.mark.parametrize(
    ("name", "content", "fmt"),
    [
        ("semicolons", _csv(GOOD_HEADER, list(_good_rows()), ";"), "csv"),
        ("tabs and BOM", b"\xef\xbb\xbf" + _csv(GOOD_HEADER, list(_good_rows()), "\t"), "csv"),
        ("blank lines", _csv(GOOD_HEADER, list(_good_rows())).replace(b"\r\n", b"\r\n\r\n"), "csv"),
        (
            "cp1258",
            "indicator,org_unit,period,value,comment\nKCB_BHYT,BN-SONHAI,203504,3,Sô\n".encode(
                "cp1258"
            ),
            "csv",
        ),
        (
            "too many columns",
            b"indicator,org_unit,period,value\nKCB_BHYT,BN-SONHAI,203504,3,9\n",
            "csv",
        ),
        ("missing column", b"indicator,period,value\nKCB_BHYT,203504,3\n", "csv"),
        ("header only", b"indicator,org_unit,period,value\n", "csv"),
        (
            "xlsx",
            write_xlsx(GOOD_HEADER, [*_good_rows(), ["NOPE", "BN-SONHAI", "2035", "x"]]),
            "xlsx",
        ),
        (
            "rows with nul",
            json.dumps(
                [
                    {"indicator": "KCB_BHYT", "org_unit": "BN-SONHAI", "period": "203505"},
                    {"indicator": "KCB_BHYT", "org_unit": "BN-SONHAI", "period": "a\x00b"},
                    {"indicator": "UHC", "org_unit": "BN-SONHAI", "period": "203505", "value": "x"},
                ]
            ).encode(),
            "rows",
        ),
        (
            "json",
            json.dumps(
                {"rows": [dict(zip(GOOD_HEADER, r, strict=True)) for r in _good_rows()]}
            ).encode(),
            "json",
        ),
        (
            "json mixed names",
            json.dumps(
                [
                    {
                        "indicator": "KCB_BHYT",
                        "org_unit": "BN-SONHAI",
                        "period": "203506",
                        "value": 1,
                    },
                    {
                        "dataelement": "UHC",
                        "orgunit": "BN-SONHAI",
                        "period": "203506",
                        "Giá trị": "x",
                    },
                    {"indicator": "UHC", "org_unit": "BN-SONHAI", "period": "203507", "value": 2.5},
                ]
            ).encode(),
            "json",
        ),
        (
            "dhis2 csv",
            _csv(
                [
                    "dataelement",
                    "period",
                    "orgunit",
                    "catoptcombo",
                    "attroptcombo",
                    "value",
                    "storedby",
                    "lastupdated",
                    "comment",
                    "followup",
                ],
                [
                    ["KCB_BHYT", "203508", "BN-SONHAI", "", "", "4", "", "", "", "false"],
                    ["KCB_BHYT", "203508", "BN-SONHAI", "", "", "5", "", "", "", "false"],
                ],
            ),
            "csv",
        ),
        ("duplicates", _csv(GOOD_HEADER, [*_good_rows(), *_good_rows()]), "csv"),
        (
            "locked",
            _csv(
                [*GOOD_HEADER, "status"],
                [
                    ["KCB_BHYT", "BN-SONHAI", "203501", "13", ""],
                    ["UHC", "BN-SONHAI", "203509", "1", "accepted"],
                ],
            ),
            "csv",
        ),
    ],
)
async def test_a_corpus_of_files_gets_the_same_answer_from_both_paths(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch, name: str, content: bytes, fmt: str
) -> None:
    await _prepare(session)
    options = {"encoding": "cp1258"} if name == "cp1258" else {}
    for username in ("sonhai.baocao", "admin"):
        outcome = await _agree(
            session, monkeypatch, content, fmt, username=username, options=options
        )
        assert outcome[0] != "refused" or name in ("too many columns",), (name, outcome)


async def test_strategies_and_replace_agree(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _prepare(session)
    content = _csv(GOOD_HEADER, list(_good_rows()))
    for options in (
        {"strategy": "CREATE"},
        {"strategy": "UPDATE"},
        {"strategy": "DELETE"},
        {"replace_scope": {"indicators": ["KCB_BHYT"], "org_unit": "BN-SONHAI", "period": "2035"}},
    ):
        await _agree(session, monkeypatch, content, username="admin", options=options)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(
            st.text(alphabet="ab '=+-\u0301é\u00a0,;\"\t\x1c", max_size=6), min_size=3, max_size=3
        ),
        min_size=1,
        max_size=6,
    )
)
def test_csv_cells_read_as_unmark_of_nfc(rows: list[list[str]]) -> None:
    """The reader's shortcut for plain rows gives what unmark(nfc(cell)) gives every cell."""
    import csv as csv_module

    from api.tabular import read_csv, unmark
    from api.text import nfc

    out = io.StringIO()
    csv_module.writer(out, lineterminator="\r\n").writerows([["a", "b", "c"], *rows])
    _, read = read_csv(io.BytesIO(out.getvalue().encode()))
    expected = [
        {h: unmark(nfc(v)) for h, v in zip(["a", "b", "c"], r, strict=True)}
        for r in rows
        if "".join(r).strip()
    ]
    assert [r.cells for r in read] == expected
