"""Every documented domain fits its column: a string's maxLength is at most the column's
length, a number's minimum and maximum are within its Numeric precision and scale (or the
integer column's range). A request the contract allows must never overflow PostgreSQL."""

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import BigInteger, Integer, Numeric, SmallInteger, String
from sqlalchemy.orm import DeclarativeBase

from api.main import create_app
from api.models import (
    ApiToken,
    Assignment,
    CompiledReport,
    DataValue,
    Document,
    Indicator,
    OrgUnit,
    Plan,
    PlanAmendment,
    ReportRequest,
    Submission,
    Target,
    Task,
    User,
)

# Request schemas (as the contract names them) and the table their fields are stored in; a
# field is checked against the column of the same name.
STORED_IN: dict[str, type[DeclarativeBase]] = {
    "ApiTokenCreate": ApiToken,
    "DocumentCreate": Document,
    "IndicatorCreate": Indicator,
    "IndicatorUpdate": Indicator,
    "OrgUnitCreate": OrgUnit,
    "OrgUnitUpdate": OrgUnit,
    "PlanCreate": Plan,
    "PlanChildCreate": Plan,
    "PlanUpdate": Plan,
    "PlanAmend": PlanAmendment,
    "MatrixRowIn": Task,
    "ReportRequestCreate": ReportRequest,
    "ReportRequestUpdate": ReportRequest,
    "SubmissionUpdate": Submission,
    "CompilationUpdate": CompiledReport,
    "TargetCreate": Target,
    "UserCreate": User,
    "UserUpdate": User,
    "DataValueIn": DataValue,
    "ValueIn": DataValue,
}
# Fields stored elsewhere than their name says (schema, field) -> (model, column).
ELSEWHERE: dict[tuple[str, str], tuple[type[DeclarativeBase], str]] = {
    ("MatrixRowIn", "lead_note"): (Assignment, "note"),
}
INTEGER_RANGE = {
    SmallInteger: 2**15 - 1,
    Integer: 2**31 - 1,
    BigInteger: 2**63 - 1,
}


def _branches(prop: dict[str, Any], spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The alternatives a property allows, references resolved, nested anyOf flattened."""
    if "$ref" in prop:
        return _branches(spec["components"]["schemas"][prop["$ref"].split("/")[-1]], spec)
    if "anyOf" in prop or "oneOf" in prop:
        return [b for p in prop.get("anyOf", prop.get("oneOf", [])) for b in _branches(p, spec)]
    return [] if prop.get("type") == "null" else [prop]


def _violations(
    schema_name: str, field: str, prop: dict[str, Any], column: Any, spec: dict[str, Any]
) -> list[str]:
    out = []
    where = f"{schema_name}.{field} -> {column.table.name}.{column.name}"
    column_type = column.type
    for branch in _branches(prop, spec):
        kind = branch.get("type")
        if kind == "string" and isinstance(column_type, String) and column_type.length:
            length = branch.get("maxLength")
            if "enum" in branch or "const" in branch:
                length = max(len(str(v)) for v in branch.get("enum", [branch.get("const")]))
            if length is None or length > column_type.length:
                out.append(f"{where}: maxLength {length} > String({column_type.length})")
        if kind in ("number", "integer") and isinstance(column_type, Numeric):
            precision, scale = column_type.precision, column_type.scale
            if precision is None or scale is None:
                continue
            biggest = Decimal(10) ** (precision - scale) - Decimal(1).scaleb(-scale)
            low, high = branch.get("minimum"), branch.get("maximum")
            if (
                low is None
                or high is None
                or -Decimal(str(low)) > biggest
                or Decimal(str(high)) > biggest
            ):
                out.append(
                    f"{where}: range [{low}, {high}] does not fit Numeric({precision}, {scale})"
                )
        if kind == "integer":
            for sql_type, biggest_int in INTEGER_RANGE.items():
                if type(column_type) is sql_type:
                    low, high = branch.get("minimum"), branch.get("maximum")
                    if low is None or high is None or -low > biggest_int or high > biggest_int:
                        out.append(f"{where}: range [{low}, {high}] overflows {sql_type.__name__}")
    return out


def _properties(spec: dict[str, Any], name: str) -> dict[str, Any]:
    props: dict[str, Any] = spec["components"]["schemas"][name].get("properties", {})
    return props


def test_every_documented_domain_fits_its_column() -> None:
    spec = create_app().openapi()
    problems: list[str] = []
    checked = 0
    for schema_name, model in STORED_IN.items():
        assert schema_name in spec["components"]["schemas"], f"{schema_name} left the contract"
        columns = model.__table__.columns  # type: ignore[attr-defined]
        for field, prop in _properties(spec, schema_name).items():
            target = ELSEWHERE.get((schema_name, field))
            column = (
                target[0].__table__.columns[target[1]]  # type: ignore[attr-defined]
                if target
                else columns.get(field)
            )
            if column is None:
                continue
            checked += 1
            problems += _violations(schema_name, field, prop, column, spec)
    assert checked > 60
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("prop", "length", "fails"),
    [
        ({"type": "string", "maxLength": 300}, 200, True),
        ({"type": "string"}, 200, True),
        ({"anyOf": [{"type": "string", "maxLength": 200}, {"type": "null"}]}, 200, False),
    ],
)
def test_the_check_itself_sees_a_string_too_long(
    prop: dict[str, Any], length: int, fails: bool
) -> None:
    column = ApiToken.__table__.columns["name"]  # type: ignore[attr-defined]
    assert column.type.length == length
    assert bool(_violations("X", "name", prop, column, {})) is fails
