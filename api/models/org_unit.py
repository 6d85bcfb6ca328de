"""Org units: the tree of provinces, departments, communes, stations and external bodies."""

import enum
import uuid

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from api.models.base import Base, IdMixin, TimestampMixin, VersionedMixin


class OrgUnitType(enum.StrEnum):
    province = "province"
    party_committee = "party_committee"
    people_committee = "people_committee"
    department = "department"
    district = "district"
    commune = "commune"
    ward = "ward"
    health_station = "health_station"
    health_center = "health_center"
    hospital = "hospital"
    school = "school"
    police = "police"
    military = "military"
    social_insurance = "social_insurance"
    mass_organization = "mass_organization"
    office = "office"
    service_center = "service_center"
    residential_group = "residential_group"
    external_body = "external_body"
    other = "other"


class OrgUnit(IdMixin, TimestampMixin, VersionedMixin, Base):
    __tablename__ = "org_unit"
    __table_args__ = (
        CheckConstraint("level >= 0", name="level_non_negative"),
        Index("ix_org_unit_path_prefix", "path", postgresql_ops={"path": "text_pattern_ops"}),
    )

    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str | None] = mapped_column(String(120))
    # Folded (accent- and case-free) name and code, the key accent-insensitive search uses.
    search_name: Mapped[str] = mapped_column(String(500))
    type: Mapped[str] = mapped_column(String(40))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("org_unit.id", ondelete="RESTRICT"), index=True
    )
    # Materialized path "/<root id>/.../<own id>/": a subtree is one prefix scan.
    path: Mapped[str] = mapped_column(String(4000), unique=True)
    level: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
