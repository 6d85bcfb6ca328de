from decimal import Decimal

import pytest

from api.targets_text import parse_target


@pytest.mark.parametrize(
    ("wording", "comparator", "value", "unit", "per"),
    [
        ("trên 95%", "gt", "95", "%", None),
        ("Tối thiểu 68 năm", "gte", "68", "năm", None),
        ("dưới 10/1.000 trẻ đẻ sống", "lt", "10", "trẻ đẻ sống", 1000),
        ("≥ 98%", "gte", "98", "%", None),
        ("> 85", "gt", "85", None, None),
        ("<= 50", "lte", "50", None, None),
        ("khoảng 76 tuổi", "approx", "76", "tuổi", None),
        ("đạt 98%", "gte", "98", "%", None),
        ("21 bác sỹ/01 vạn dân", "eq", "21", "bác sỹ/01 vạn dân", None),
        ("0,95", "eq", "0.95", None, None),
        ("không dưới 75,5 tuổi", "gte", "75.5", "tuổi", None),
        ("giảm xuống dưới 3%", "lt", "3", "%", None),
    ],
)
def test_target_phrases(
    wording: str, comparator: str, value: str, unit: str | None, per: int | None
) -> None:
    parsed = parse_target(wording)
    assert (parsed.comparator, parsed.value, parsed.unit, parsed.per) == (
        comparator,
        Decimal(value),
        unit,
        per,
    )
    assert parsed.unread == []


def test_ranges_and_unreadable() -> None:
    parsed = parse_target("4–5 bác sĩ")
    assert (parsed.comparator, parsed.value, parsed.value_high) == ("between", 4, 5)
    parsed = parse_target("phổ cập toàn dân")
    assert parsed.value is None and parsed.unread == ["phổ cập toàn dân"]
