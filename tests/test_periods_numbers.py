"""Periods and Vietnamese notation."""

from datetime import date
from decimal import Decimal

import pytest

from api.numbers import NumberError, format_decimal, parse_date, parse_decimal
from api.periods import PeriodError, PeriodType, of_type, parse


@pytest.mark.parametrize(
    ("code", "kind", "start", "end"),
    [
        ("2026", PeriodType.yearly, date(2026, 1, 1), date(2026, 12, 31)),
        ("2026S1", PeriodType.six_monthly, date(2026, 1, 1), date(2026, 6, 30)),
        ("2026s2", PeriodType.six_monthly, date(2026, 7, 1), date(2026, 12, 31)),
        ("2026Q2", PeriodType.quarterly, date(2026, 4, 1), date(2026, 6, 30)),
        ("202602", PeriodType.monthly, date(2026, 2, 1), date(2026, 2, 28)),
        ("202402", PeriodType.monthly, date(2024, 2, 1), date(2024, 2, 29)),
        ("2026W01", PeriodType.weekly, date(2025, 12, 29), date(2026, 1, 4)),
        ("2026-01-01_2026-05-30", PeriodType.custom, date(2026, 1, 1), date(2026, 5, 30)),
    ],
)
def test_periods(code: str, kind: PeriodType, start: date, end: date) -> None:
    period = parse(code)
    assert (period.type, period.start, period.end) == (kind, start, end)


def test_vietnamese_cutoff() -> None:
    month = parse("202605", cutoff=True)
    assert (month.start, month.end) == (date(2026, 4, 15), date(2026, 5, 14))
    january = parse("202601", cutoff=True)
    assert (january.start, january.end) == (date(2025, 12, 15), date(2026, 1, 14))
    year = parse("2026", cutoff=True)
    assert (year.start, year.end) == (date(2025, 12, 15), date(2026, 12, 14))


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("202613", "tháng 13"),
        ("202600", "tháng 0"),
        ("2026Q5", "Q1 đến Q4"),
        ("2026S3", "S1 và S2"),
        ("2026W60", "Tuần"),
        ("2026-05-30_2026-01-01", "trước"),
        ("2026-02-30_2026-03-01", "ngày không hợp lệ"),
        ("abc", "Không đọc được"),
        ("1800", "ngoài khoảng"),
        ("", "Không đọc được"),
    ],
)
def test_invalid_periods_say_why(code: str, words: str) -> None:
    with pytest.raises(PeriodError) as err:
        parse(code)
    assert words in str(err.value)


def test_period_of_a_day() -> None:
    day = date(2026, 5, 30)
    assert [
        of_type(t, day).code
        for t in (
            PeriodType.yearly,
            PeriodType.six_monthly,
            PeriodType.quarterly,
            PeriodType.monthly,
        )
    ] == ["2026", "2026S1", "2026Q2", "202605"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("38,46", "38.46"),
        ("20.967.784.175", "20967784175"),
        ("1.234,5", "1234.5"),
        ("97,45 %", "97.45"),
        ("908", "908"),
        ("38.46", "38.46"),
        ("1,234,567.5", "1234567.5"),
        ("-3,5", "-3.5"),
        ("1.234", "1234"),
        ("0,015", "0.015"),
        ("1 234", "1234"),
    ],
)
def test_vietnamese_numbers(text: str, value: str) -> None:
    assert parse_decimal(text) == Decimal(value)


@pytest.mark.parametrize("text", ["abc", "", "1,2,3", "NaN", "Infinity", "1.2.3,4,5"])
def test_not_numbers(text: str) -> None:
    with pytest.raises(NumberError):
        parse_decimal(text)


def test_dates_and_formatting() -> None:
    assert parse_date("14/5/2026") == date(2026, 5, 14)
    assert parse_date("2026-05-14") == date(2026, 5, 14)
    with pytest.raises(NumberError):
        parse_date("31/02/2026")
    assert format_decimal(Decimal("38.4615"), 2) == "38,46"
    assert format_decimal(Decimal("20967784175"), 0) == "20.967.784.175"
