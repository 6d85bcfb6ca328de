"""DHIS2's dataValueSets shapes, so existing DHIS2 scripts and tools talk to us unchanged."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Dhis2DataValue(BaseModel):
    """DHIS2's dataValue, and our own optional `numerator`/`denominator` (DHIS2 has none):
    without them a value equal to the stored one keeps the stored fraction."""

    model_config = ConfigDict(extra="ignore")

    dataElement: str | None = None  # noqa: N815 (DHIS2's field names)
    period: str | None = None
    orgUnit: str | None = None  # noqa: N815
    categoryOptionCombo: str | None = None  # noqa: N815
    attributeOptionCombo: str | None = None  # noqa: N815
    value: str | float | int | None = None
    comment: str | None = None
    followup: bool | None = None
    deleted: bool | None = None
    storedBy: str | None = None  # noqa: N815
    created: str | None = None
    lastUpdated: str | None = None  # noqa: N815
    numerator: str | float | int | None = None
    denominator: str | float | int | None = None


class Dhis2DataValueSet(BaseModel):
    """Header-level dataSet/period/orgUnit/completeDate apply to values that omit them."""

    model_config = ConfigDict(extra="ignore")

    dataSet: str | None = None  # noqa: N815
    completeDate: str | None = None  # noqa: N815
    period: str | None = None
    orgUnit: str | None = None  # noqa: N815
    attributeOptionCombo: str | None = None  # noqa: N815
    dataValues: list[Dhis2DataValue] = Field(default_factory=list, max_length=200_000)  # noqa: N815


class Dhis2ImportCount(BaseModel):
    imported: int
    updated: int
    ignored: int
    deleted: int


class Dhis2Conflict(BaseModel):
    object: str
    value: str
    errorCode: str  # noqa: N815
    property: str | None = None
    indexes: list[int]


class Dhis2ImportSummary(BaseModel):
    responseType: Literal["ImportSummary"] = "ImportSummary"  # noqa: N815
    status: Literal["SUCCESS", "WARNING", "ERROR"]
    description: str
    importOptions: dict[str, object]  # noqa: N815
    importCount: Dhis2ImportCount  # noqa: N815
    conflicts: list[Dhis2Conflict]
    dataSetComplete: str = "false"  # noqa: N815


class Dhis2DataValueOut(BaseModel):
    """DHIS2's dataValue; `storedBy` is the username of whoever last changed the value;
    `numerator` and `denominator` are ours (members DHIS2 tools ignore), so that a value's
    fraction survives the round trip."""

    dataElement: str  # noqa: N815
    period: str
    orgUnit: str  # noqa: N815
    categoryOptionCombo: str  # noqa: N815
    attributeOptionCombo: str  # noqa: N815
    value: str
    storedBy: str | None  # noqa: N815
    created: str
    lastUpdated: str  # noqa: N815
    comment: str | None
    followup: bool
    deleted: bool = Field(description="Only with includeDeleted=true can it be true")
    numerator: str | None = None
    denominator: str | None = None


class Dhis2DataValueSetOut(BaseModel):
    dataValues: list[Dhis2DataValueOut]  # noqa: N815
