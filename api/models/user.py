"""Users, their roles in org units, API tokens, refresh tokens and the login-throttling
record."""

import enum
import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, UniqueConstraint, false, func
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.models.base import Base, IdMixin, TimestampMixin, VersionedMixin


class Role(enum.StrEnum):
    admin = "admin"
    plan_manager = "plan_manager"
    reporter = "reporter"
    reviewer = "reviewer"
    viewer = "viewer"
    # May sign, for the unit, the reports it issues (in `signing_modes`, or any mode).
    signer = "signer"


class User(IdMixin, TimestampMixin, VersionedMixin, Base):
    __tablename__ = "app_user"

    username: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    position: Mapped[str | None] = mapped_column(String(200))
    org_unit_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("org_unit.id", ondelete="RESTRICT"), index=True
    )
    password_hash: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on password change or "log out everywhere": older JWTs stop working.
    token_generation: Mapped[int] = mapped_column(default=0)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set when an administrator chose the password: the user must pick their own first.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())

    roles: Mapped[list["RoleAssignment"]] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="RoleAssignment.role",
    )


# One account per name whatever the case: names are stored folded, and this holds it for any
# writer (the CLI, a script, a bug) that forgets to fold.
Index("uq_app_user_lower_username", func.lower(User.username), unique=True)


class RoleAssignment(IdMixin, Base):
    """A role held in one org unit; `include_subtree` extends it to every unit below."""

    __tablename__ = "role_assignment"
    __table_args__ = (UniqueConstraint("user_id", "role", "org_unit_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(40))
    # None: everywhere (a system-wide grant, given only by system admins).
    org_unit_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("org_unit.id", ondelete="RESTRICT"), index=True
    )
    include_subtree: Mapped[bool] = mapped_column(default=False)
    # For a signer: the modes the grant allows ("KT", "TL", "TM"; "" signs in one's own
    # name); None allows every mode.
    signing_modes: Mapped[list[str] | None] = mapped_column(ARRAY(String(4)))

    user: Mapped[User] = relationship(back_populates="roles")


class TokenScope(enum.StrEnum):
    read = "read"
    write = "write"


class ApiToken(IdMixin, TimestampMixin, Base):
    """A long-lived credential for scripts; acts as its user, narrowed to its scopes."""

    __tablename__ = "api_token"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    # The public part shown in lists ("hp_ab12cd34"); the secret is stored only as a SHA-256.
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(ARRAY(String(20)))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RefreshFamily(IdMixin, Base):
    """The refresh tokens of one login, each exchanged for the next (rotation). Presenting one
    already exchanged revokes the family: someone holds a copy (OAuth 2.0 Security BCP)."""

    __tablename__ = "refresh_family"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # reuse, logout_everywhere, revoke_all
    revoked_reason: Mapped[str | None] = mapped_column(String(40))


class RefreshToken(IdMixin, Base):
    """One refresh token issued (its id is the JWT's `jti`); the secret itself is not kept."""

    __tablename__ = "refresh_token"

    family_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("refresh_family.id", ondelete="CASCADE"), index=True
    )
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # Exchanged for `replaced_by` at `used_at`; presented again after that, it is a reuse.
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    replaced_by: Mapped[uuid.UUID | None]


class LoginFailure(IdMixin, Base):
    """One failed login; counted in a sliding window to throttle guessing across processes."""

    __tablename__ = "login_failure"
    __table_args__ = (
        Index("ix_login_failure_username_at", "username", "at"),
        Index("ix_login_failure_client_at", "client", "at"),
    )

    username: Mapped[str] = mapped_column(String(100))
    client: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
