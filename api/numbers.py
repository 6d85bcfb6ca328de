"""Numbers and dates in Vietnamese notation, as people type and paste them.

"38,46" is 38.46; "20.967.784.175" is 20967784175; "1.234,5" is 1234.5; "14/5/2026" is
14 May 2026. A bare "1.234" is read the Vietnamese way (one thousand two hundred thirty-four);
a value with one dot and one to two decimals after it ("38.46", "0.5") is a decimal point, as
machines write it. "%" and spaces are ignored.

Every number the product stores has a domain that fits its column (`NumericDomain`): a value
beyond it is refused with a message, never sent to PostgreSQL to overflow there.
"""

import math
import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_THOUSANDS_DOTS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
_THOUSANDS_DOTS_DECIMAL_COMMA = re.compile(r"^-?\d{1,3}(\.\d{3})*,\d+$")
_THOUSANDS_COMMAS_DECIMAL_DOT = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


# Longer text is no number a person typed: refused before Decimal reads it.
MAX_NUMBER_TEXT = 64
# Exponents past this are refused before any arithmetic ("1e999999999" as an int is a
# billion digits).
MAX_EXPONENT = 100


class NumberError(ValueError):
    pass


class OutOfRange(NumberError):
    """A number, but beyond what the product stores."""


@dataclass(frozen=True)
class NumericDomain:
    """The numbers a Numeric(precision, scale) column holds: fewer than precision - scale
    digits before the point; digits past `scale` are rounded half up, as PostgreSQL would."""

    precision: int
    scale: int

    @property
    def maximum(self) -> Decimal:
        """The largest value the column stores (999 999 999 999 999 999.999999 for 24, 6)."""
        return Decimal(10) ** (self.precision - self.scale) - Decimal(1).scaleb(-self.scale)

    @property
    def bound(self) -> float:
        """The range as the contract documents it: the largest float within the column
        (OpenAPI's numbers are floats; 1e18 itself is one past Numeric(24, 6))."""
        return math.nextafter(float(10 ** (self.precision - self.scale)), 0)

    def fit(self, value: Decimal) -> Decimal:
        """`value` rounded to the column's scale; NumberError when it does not fit."""
        if abs(value) > self.maximum:
            raise OutOfRange(self.too_large())
        rounded = value.quantize(Decimal(1).scaleb(-self.scale), rounding=ROUND_HALF_UP)
        if abs(rounded) > self.maximum:
            raise OutOfRange(self.too_large())
        return rounded

    def too_large(self) -> str:
        digits = self.precision - self.scale
        return (
            f"vượt giới hạn lưu trữ (tối đa {digits} chữ số phần nguyên, "
            f"{self.scale} chữ số thập phân; nhỏ hơn ±1e{digits})"
        )


# Data values (numerator, denominator, value): Numeric(24, 6). Targets: Numeric(20, 6).
DATA_VALUE = NumericDomain(24, 6)
TARGET = NumericDomain(20, 6)


def parse_decimal(text: str) -> Decimal:
    raw = text.strip().replace("\u00a0", "").replace(" ", "").rstrip("%")
    if not raw:
        raise NumberError("trống")
    if len(raw) > MAX_NUMBER_TEXT:
        raise OutOfRange(f"dài quá {MAX_NUMBER_TEXT} ký tự")
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
    if value and abs(value.adjusted()) > MAX_EXPONENT:
        raise OutOfRange(f"số mũ quá lớn (tối đa ±{MAX_EXPONENT})")
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
