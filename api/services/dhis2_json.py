"""A DHIS2 dataValueSet in JSON read as a stream into the rows of the data-value import: a
body of any size in flat memory, with the answers the whole-body parse gave (the same
validation errors with the same fields, the same limit on the number of values)."""

from collections.abc import Iterator
from decimal import Decimal
from typing import IO, Any

from pydantic import ValidationError

from api import json_stream, validation_text
from api.errors import InvalidInput
from api.schemas.dhis2 import Dhis2DataValue, Dhis2DataValueSet
from api.tabular import Row, number_text

# The most values one set may carry (the schema's limit, as the contract shows it).
MAX_VALUES: int = next(
    m.max_length
    for m in Dhis2DataValueSet.model_fields["dataValues"].metadata
    if hasattr(m, "max_length")
)
DEFAULT_OPTIONS = (None, "", "default", "HllvX50cXC0")


def _text(value: str | float | int | Decimal | None) -> str:
    if isinstance(value, Decimal):
        value = float(value)  # as the whole-body parse read a JSON number with a fraction
    if isinstance(value, float):
        # A JSON number is machine notation: 1.234 is not one thousand two hundred ...
        return number_text(Decimal(repr(value)))
    return "" if value is None else str(value)


def _errors(exc: ValidationError, *within: str | int) -> list[dict[str, Any]]:
    """Pydantic's errors as the whole-body validation gave them: `within` is where in the
    set the validated part lies (a value: "dataValues", its index)."""
    found = []
    for e in exc.errors():
        loc = (*within, *e["loc"])
        found.append(
            {
                "in": "body",
                "field": ".".join(str(p) for p in loc),
                "message": validation_text.message({**e, "loc": loc}),
                "code": e["type"],
            }
        )
    return found


def _invalid(errors: list[dict[str, Any]]) -> InvalidInput:
    return InvalidInput("dataValueSet JSON không hợp lệ.", errors=errors)


def _broken(exc: json_stream.Broken) -> InvalidInput:
    where = f"gần byte {exc.offset:,}"
    if exc.item is not None:
        where += f", ở {exc.member or 'mảng'}[{exc.item}] hoặc ngay sau nó"
    message = f"JSON không hợp lệ ({where}): {exc.reason}"
    return InvalidInput(
        "dataValueSet JSON không hợp lệ.",
        errors=[{"in": "body", "field": "", "message": message, "code": "json_invalid"}],
    )


def _header(shape: json_stream.TopLevel) -> dict[str, Any] | Any:
    """What the schema validates of the top level: its scalars, and nested members as empty
    containers of their kind (the values are validated one by one)."""
    if shape.kind == "scalar":
        return shape.value
    if shape.kind == "array":
        return []
    return {
        key: ([] if value.kind == "array" else {})
        if isinstance(value, json_stream.Nested)
        else value
        for key, value in shape.members.items()
    }


def rows(stream: IO[bytes], *, max_values: int | None = None) -> Iterator[Row]:
    """The dataValues as rows numbered from 1 (the first value is row 1), header-level
    period and orgUnit filled in. Nothing is yielded before the whole text is known to be JSON
    and the set's header valid; a value that fails validation stops the rows, the rest are
    still validated, and every error is raised together (InvalidInput), as before."""
    try:
        shape = json_stream.top_level(stream)
    except json_stream.Broken as exc:
        raise _broken(exc) from exc
    errors: list[dict[str, Any]] = []
    try:
        header = Dhis2DataValueSet.model_validate(_header(shape))
    except ValidationError as exc:
        errors = _errors(exc)
        header = Dhis2DataValueSet()
    values = shape.members.get("dataValues") if shape.kind == "object" else None
    count = values.items if isinstance(values, json_stream.Nested) else 0
    max_values = MAX_VALUES if max_values is None else max_values
    if count > max_values:
        message = validation_text.message(
            {"type": "too_long", "loc": ("dataValues",), "ctx": {"max_length": max_values}}
        )
        errors.append({"in": "body", "field": "dataValues", "message": message, "code": "too_long"})
        raise _invalid(errors)
    if not count or not isinstance(values, json_stream.Nested) or values.kind != "array":
        if errors:
            raise _invalid(errors)
        return
    try:
        for index, item in enumerate(json_stream.items(stream, "dataValues.item")):
            if _plain(item):
                if not errors:
                    yield row(index + 1, item, header)
                continue
            try:
                dv = Dhis2DataValue.model_validate(_as_parsed(item))
            except ValidationError as exc:
                errors += _errors(exc, "dataValues", index)
                continue
            if not errors:
                yield row(index + 1, dv.__dict__, header)
    except json_stream.Broken as exc:  # read once already: the document changed under us
        raise _broken(exc) from exc
    if errors:
        raise _invalid(errors)


# The members the schema reads, by the types it keeps as they are (a str stays a str ...).
_TEXT = frozenset(
    (
        "dataElement",
        "period",
        "orgUnit",
        "categoryOptionCombo",
        "attributeOptionCombo",
        "comment",
        "storedBy",
        "created",
        "lastUpdated",
    )
)
_NUMBER = frozenset(("value", "numerator", "denominator"))
_FLAG = frozenset(("followup", "deleted"))


def _plain(item: Any) -> bool:
    """A value whose members the schema would take as they are: it needs no validation (the
    common case, at a fraction of its cost); anything else goes through the schema."""
    if type(item) is not dict:
        return False
    for key, value in item.items():
        if value is None:
            continue
        if key in _TEXT:
            if type(value) is not str:
                return False
        elif key in _NUMBER:
            if type(value) not in (str, int, Decimal):
                return False
        elif key in _FLAG and type(value) is not bool:
            return False
    return True


def _as_parsed(item: Any) -> Any:
    """A value's members as the whole-body parse gave them to the schema: a number with a
    fraction or an exponent as a float (ijson reads them as Decimal; its float reading
    overflows on integers past 64 bits, which stay exact ints here as they did)."""
    if not isinstance(item, dict):
        return item
    return {k: float(v) if isinstance(v, Decimal) else v for k, v in item.items()}


def row(number: int, dv: dict[str, Any], header: Dhis2DataValueSet) -> Row:
    """The import's row of one value (`dv`: its members, validated)."""
    get = dv.get
    option = get("categoryOptionCombo")
    return Row(
        number,
        {
            "indicator": get("dataElement") or "",
            "period": get("period") or header.period or "",
            "org_unit": get("orgUnit") or header.orgUnit or "",
            "option": "" if option in DEFAULT_OPTIONS else (option or ""),
            "value": _text(get("value")),
            "numerator": _text(get("numerator")),
            "denominator": _text(get("denominator")),
            "comment": get("comment") or "",
            "deleted": "true" if get("deleted") else "",
        },
    )
