"""Reading a target as a plan words it: "trên 95%", "tối thiểu 68 năm",
"dưới 10/1.000 trẻ đẻ sống", "≥ 98%", "khoảng 76 tuổi", "4–5 bác sĩ"."""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from api.numbers import NumberError, parse_decimal
from api.text import fold

# Longest phrases first: "không dưới" must win over "dưới".
_WORDS = [
    ("khong duoi", "gte"),
    ("khong thap hon", "gte"),
    ("toi thieu", "gte"),
    ("it nhat", "gte"),
    ("tu tren", "gte"),
    ("khong qua", "lte"),
    ("khong vuot", "lte"),
    ("toi da", "lte"),
    ("tren", "gt"),
    ("hon", "gt"),
    ("vuot", "gt"),
    ("duoi", "lt"),
    ("thap hon", "lt"),
    ("giam xuong duoi", "lt"),
    ("khoang", "approx"),
    ("xap xi", "approx"),
    ("dat", "gte"),
    ("bang", "eq"),
]
_SYMBOLS = [
    (">=", "gte"),
    ("≥", "gte"),
    ("<=", "lte"),
    ("≤", "lte"),
    (">", "gt"),
    ("<", "lt"),
    ("=", "eq"),
    ("~", "approx"),
    ("≈", "approx"),
]
_NUMBER = r"\d[\d.,]*"
_RANGE = re.compile(rf"(?:tu\s+)?({_NUMBER})\s*(?:-|–|den|toi)\s*({_NUMBER})")
_PER = re.compile(rf"^({_NUMBER})\s*/\s*(?:01\s+)?({_NUMBER}|van)\b")


@dataclass
class ParsedTarget:
    comparator: str | None = None
    value: Decimal | None = None
    value_high: Decimal | None = None
    unit: str | None = None
    per: int | None = None
    unread: list[str] = field(default_factory=list)


def parse_target(wording: str) -> ParsedTarget:
    """Comparator, value(s) and unit; what could not be read is listed in `unread`."""
    out = ParsedTarget()
    original = wording.strip()
    text = fold(original)
    for symbol, comparator in _SYMBOLS:
        if text.startswith(symbol):
            out.comparator, text = comparator, text[len(symbol) :].strip()
            break
    else:
        for phrase, comparator in sorted(_WORDS, key=lambda w: -len(w[0])):
            if re.match(rf"^{phrase}\b", text):
                out.comparator, text = comparator, text[len(phrase) :].strip()
                break
    if m := _RANGE.match(text):
        try:
            out.value, out.value_high = parse_decimal(m[1]), parse_decimal(m[2])
            out.comparator = "between"
            text = text[m.end() :].strip()
        except NumberError:
            out.unread.append(m[0])
    elif m := _PER.match(text):
        try:
            out.value = parse_decimal(m[1])
            out.per = 10_000 if m[2] == "van" else int(parse_decimal(m[2]))
            text = text[m.end() :].strip()
        except NumberError:
            out.unread.append(m[0])
    elif m := re.match(rf"^({_NUMBER})", text):
        try:
            out.value = parse_decimal(m[1])
            text = text[m.end() :].strip()
        except NumberError:
            out.unread.append(m[0])
    if out.value is None:
        out.unread.append(original)
        return out
    out.comparator = out.comparator or "eq"
    if text.startswith("%"):
        out.unit, text = "%", text[1:].strip()
    if text:
        # The unit as written ("năm", "tuổi", "trẻ đẻ sống"), from the original accents.
        out.unit = out.unit or original[len(original) - len(text) :].strip() or None
    return out
