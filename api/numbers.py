"""Numbers and dates in Vietnamese notation, as people type and paste them.

"38,46" is 38.46; "20.967.784.175" is 20967784175; "1.234,5" is 1234.5; "14/5/2026" is
14 May 2026. A bare "1.234" is read the Vietnamese way (one thousand two hundred thirty-four);
a value with one dot and one to two decimals after it ("38.46", "0.5") is a decimal point, as
machines write it. "%" and spaces are ignored.
"""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

_THOUSANDS_DOTS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
_THOUSANDS_DOTS_DECIMAL_COMMA = re.compile(r"^-?\d{1,3}(\.\d{3})*,\d+$")
_THOUSANDS_COMMAS_DECIMAL_DOT = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


class NumberError(ValueError):
    pass


def parse_decimal(text: str) -> Decimal:
    raw = text.strip().replace("\u00a0", "").replace(" ", "").rstrip("%")
    if not raw:
        raise NumberError("trống")
    if _THOUSANDS_DOTS.match(raw):
        cleaned = raw.replace(".", "")
    elif _THOUSANDS_DOTS_DECIMAL_COMMA.match(raw):
        cleaned = raw.replace(".", "").replace(",", ".")
    elif _THOUSANDS_COMMAS_DECIMAL_DOT.match(raw):
        cleaned = raw.replace(",", "")
    elif raw.count(",") == 1 and "." not in raw:
        cleaned = raw.replace(",", ".")
    else:
        cleaned = raw
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise NumberError(f"'{text}' không phải là số") from exc
    if not value.is_finite():
        raise NumberError(f"'{text}' không phải là số hữu hạn")
    return value


def parse_date(text: str) -> date:
    raw = text.strip()
    if m := _DATE.match(raw):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    else:
        try:
            return date.fromisoformat(raw)
        except ValueError as exc:
            raise NumberError(f"'{text}' không phải ngày (dd/mm/yyyy)") from exc
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise NumberError(f"'{text}' không phải ngày hợp lệ") from exc


def format_decimal(value: Decimal, decimals: int = 2) -> str:
    """Vietnamese display: 38,46 ; 20.967.784.175."""
    quantized = round(value, decimals)
    text = f"{quantized:,.{decimals}f}" if decimals else f"{quantized:,.0f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
