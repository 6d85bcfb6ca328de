"""FHIR R4 shapes the API answers with, as loose as FHIR lets a reader be."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class FhirBundleEntry(BaseModel):
    model_config = ConfigDict(extra="allow")

    resource: dict[str, Any] = Field(description="Một tài nguyên FHIR (ở đây: MeasureReport)")


class FhirBundle(BaseModel):
    """A FHIR R4 Bundle of type searchset (https://hl7.org/fhir/R4/bundle.html)."""

    model_config = ConfigDict(extra="allow")

    resourceType: Literal["Bundle"]  # noqa: N815
    type: Literal["searchset"]
    total: int
    entry: list[FhirBundleEntry]
