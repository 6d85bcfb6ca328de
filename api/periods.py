"""Reporting periods as people write them: 2026, 2026S1, 2026Q2, 202605, 2026W07 and ranges.

Every period has a type and known start and end dates (both inclusive). The Vietnamese
administrative cut-off (a month runs from the 15th of the previous month to the 14th; a year
from 15/12 to 14/12) is an option, not a different period code.
"""

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class PeriodType(StrEnum):
    yearly = "yearly"
    six_monthly = "six_monthly"
    quarterly = "quarterly"
    monthly = "monthly"
    weekly = "weekly"
    custom = "custom"


class PeriodError(ValueError):
    """A period code that cannot be read; the message says what is wrong."""


@dataclass(frozen=True)
class Period:
    code: str
    type: PeriodType
    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


_YEAR = re.compile(r"^(\d{4})$")
_HALF = re.compile(r"^(\d{4})S(\d+)$")
_QUARTER = re.compile(r"^(\d{4})Q(\d+)$")
_MONTH = re.compile(r"^(\d{4})(\d{2})$")
_WEEK = re.compile(r"^(\d{4})W(\d{1,2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})$")


def _year(text: str) -> int:
    year = int(text)
    if not 1900 <= year <= 2200:
        raise PeriodError(f"Năm {year} ngoài khoảng 1900–2200.")
    return year


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


@functools.lru_cache(maxsize=4096)
def parse(code: str, *, cutoff: bool = False) -> Period:
    """Read a period code. With `cutoff`, months and years use the 15th-to-14th rule."""
    text = code.strip().upper()
    if m := _YEAR.match(text):
        year = _year(m[1])
        if cutoff:
            return Period(text, PeriodType.yearly, date(year - 1, 12, 15), date(year, 12, 14))
        return Period(text, PeriodType.yearly, date(year, 1, 1), date(year, 12, 31))
    if m := _HALF.match(text):
        year, half = _year(m[1]), int(m[2])
        if half not in (1, 2):
            raise PeriodError(f"Kỳ 6 tháng '{code}' không hợp lệ: chỉ có S1 và S2.")
        first = 1 if half == 1 else 7
        return Period(
            text, PeriodType.six_monthly, date(year, first, 1), _month_end(year, first + 5)
        )
    if m := _QUARTER.match(text):
        year, quarter = _year(m[1]), int(m[2])
        if not 1 <= quarter <= 4:
            raise PeriodError(f"Quý '{code}' không hợp lệ: chỉ có Q1 đến Q4.")
        first = 3 * (quarter - 1) + 1
        return Period(text, PeriodType.quarterly, date(year, first, 1), _month_end(year, first + 2))
    if m := _WEEK.match(text):
        year, week = _year(m[1]), int(m[2])
        try:
            start = date.fromisocalendar(year, week, 1)
        except ValueError as exc:
            raise PeriodError(f"Tuần '{code}' không có trong năm {year}.") from exc
        return Period(text, PeriodType.weekly, start, start + timedelta(days=6))
    if m := _MONTH.match(text):
        year, month = _year(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise PeriodError(
                f"Tháng '{code}' không hợp lệ: tháng {month} không tồn tại (dạng YYYYMM, 01–12)."
            )
        if cutoff:
            previous = date(year, month, 1) - timedelta(days=1)
            return Period(text, PeriodType.monthly, previous.replace(day=15), date(year, month, 14))
        return Period(text, PeriodType.monthly, date(year, month, 1), _month_end(year, month))
    if m := _RANGE.match(text):
        try:
            start, end = date.fromisoformat(m[1]), date.fromisoformat(m[2])
        except ValueError as exc:
            raise PeriodError(f"Khoảng '{code}' có ngày không hợp lệ.") from exc
        if end < start:
            raise PeriodError(f"Khoảng '{code}': ngày kết thúc trước ngày bắt đầu.")
        _year(str(start.year))
        _year(str(end.year))
        return Period(f"{start.isoformat()}_{end.isoformat()}", PeriodType.custom, start, end)
    raise PeriodError(
        f"Không đọc được kỳ '{code}'. Dùng: 2026 (năm), 2026S1 (6 tháng), 2026Q2 (quý), "
        "202605 (tháng), 2026W07 (tuần) hoặc 2026-01-01_2026-05-30 (khoảng ngày)."
    )


def custom(start: date, end: date) -> Period:
    return parse(f"{start.isoformat()}_{end.isoformat()}")


def of_type(period_type: PeriodType, day: date) -> Period:
    """The period of a type that contains a day (the calendar rule)."""
    if period_type is PeriodType.yearly:
        return parse(f"{day.year}")
    if period_type is PeriodType.six_monthly:
        return parse(f"{day.year}S{1 if day.month <= 6 else 2}")
    if period_type is PeriodType.quarterly:
        return parse(f"{day.year}Q{(day.month - 1) // 3 + 1}")
    if period_type is PeriodType.monthly:
        return parse(f"{day.year}{day.month:02d}")
    if period_type is PeriodType.weekly:
        year, week, _ = day.isocalendar()
        return parse(f"{year}W{week:02d}")
    raise PeriodError("Kỳ tùy chọn không suy ra được từ một ngày.")


def parse_param(code: str, *, field: str = "period") -> Period:
    """A period from a query parameter, or a 422 naming the parameter."""
    from api.errors import InvalidInput

    try:
        return parse(code)
    except PeriodError as exc:
        raise InvalidInput(
            str(exc),
            errors=[{"in": "query", "field": field, "message": str(exc), "code": "invalid_period"}],
        ) from exc
