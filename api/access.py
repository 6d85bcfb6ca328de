"""Who is calling and where their roles reach: the one place scoping rules live."""

import functools
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, ParamSpec, TypeVar

from sqlalchemy import ColumnElement, bindparam, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased

from api.errors import Forbidden, Unauthorized
from api.models import OrgUnit, Role, RoleAssignment, TokenScope, User


class Caller(NamedTuple):
    """The user behind a request, as the rules and the audit trail need it: plain values read
    with the grants in one query, not an ORM instance to load and track."""

    id: uuid.UUID
    username: str
    org_unit_id: uuid.UUID


@dataclass(frozen=True)
class Grant:
    """One role in one place. `unit_path` None means everywhere (a system-wide grant)."""

    role: Role
    unit_id: uuid.UUID | None
    unit_path: str | None
    include_subtree: bool

    def covers(self, path: str) -> bool:
        if self.unit_path is None:
            return True
        if self.include_subtree:
            return path.startswith(self.unit_path)
        return path == self.unit_path

    def contains(self, other: "Grant") -> bool:
        """Does this grant reach everywhere `other` reaches (whatever the roles)?"""
        if self.unit_path is None:
            return True
        if other.unit_path is None:
            return False
        if other.include_subtree:
            return self.include_subtree and other.unit_path.startswith(self.unit_path)
        return self.covers(other.unit_path)


@dataclass(frozen=True)
class Principal:
    user: Caller
    grants: tuple[Grant, ...]
    scopes: frozenset[str] = field(default_factory=lambda: frozenset(s.value for s in TokenScope))
    api_token_id: uuid.UUID | None = None
    unit_path: str = ""
    # An administrator set the password: every route but changing it is closed until then.
    must_change_password: bool = False

    @property
    def user_id(self) -> uuid.UUID:
        return self.user.id

    @property
    def unit_id(self) -> uuid.UUID:
        return self.user.org_unit_id

    def has_role(self, *roles: Role) -> bool:
        return any(g.role in roles for g in self.grants)

    def can(self, role: Role | Iterable[Role], path: str) -> bool:
        """Does any grant of these roles cover the unit at `path`? Admin covers every role."""
        wanted = {role} if isinstance(role, Role) else set(role)
        wanted.add(Role.admin)
        return any(g.role in wanted and g.covers(path) for g in self.grants)

    def signs_for(self, path: str) -> bool:
        """Does a signer grant cover the unit at `path`? An administrator is no signer."""
        return any(g.role is Role.signer and g.covers(path) for g in self.grants)

    @property
    def is_system_admin(self) -> bool:
        return any(g.role is Role.admin and g.unit_path is None for g in self.grants)

    def administers(self, grant: "Grant") -> bool:
        """Containment: does `grant` (anyone's, of any role) lie inside the caller's admin
        scope? An admin may hand out, or act on a user holding, only such grants; a
        system-wide grant lies only inside a system admin's."""
        return any(g.role is Role.admin and g.contains(grant) for g in self.grants)

    def require_write(self) -> None:
        if TokenScope.write.value not in self.scopes:
            raise Forbidden("API token này chỉ có quyền đọc (scope read).")

    def unit_condition(
        self, path_column: InstrumentedAttribute[str], roles: Iterable[Role]
    ) -> ColumnElement[bool]:
        """SQL condition: the row's unit path lies where one of these roles reaches."""
        wanted = set(roles) | {Role.admin}
        clauses: list[ColumnElement[bool]] = []
        for g in self.grants:
            if g.role not in wanted:
                continue
            if g.unit_path is None:
                return true()
            if g.include_subtree:
                clauses.append(path_column.startswith(g.unit_path, autoescape=True))
            else:
                clauses.append(path_column == g.unit_path)
        return or_(*clauses) if clauses else false()


P = ParamSpec("P")
T = TypeVar("T")


def per_caller(build: Callable[P, T]) -> Callable[P, T]:
    """Memoise a statement built from a caller (and other plain values): building a scoped
    SELECT cost more of an autosave's time than running it. A Principal is a frozen value, so
    the same caller with the same grants finds the same statement, and a changed grant makes
    a new one; statements never change once built, and SQLAlchemy keeps a statement's cache
    key on the object, so a reused one is not even walked again. Values that change per
    request belong in bind parameters, not in the arguments. A statement with its cache key
    holds about 16 KiB: at most 512 callers per builder (8 MiB) stay, the least recent go."""
    return functools.lru_cache(maxsize=512)(build)  # type: ignore[return-value]


_home = aliased(OrgUnit)
_granted = aliased(OrgUnit)
# The caller and every grant in one round trip: one row per grant (one with no grant columns
# for a user without roles).
_PRINCIPAL = (
    select(
        User.id,
        User.username,
        User.org_unit_id,
        User.active,
        User.token_generation,
        User.must_change_password,
        _home.path,
        RoleAssignment.role,
        RoleAssignment.org_unit_id,
        _granted.path,
        RoleAssignment.include_subtree,
        _granted.active,
    )
    .outerjoin(_home, _home.id == User.org_unit_id)
    .outerjoin(RoleAssignment, RoleAssignment.user_id == User.id)
    .outerjoin(_granted, _granted.id == RoleAssignment.org_unit_id)
    .where(User.id == bindparam("user_id"))
)


async def principal_for(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    generation: int | None = None,
    scopes: frozenset[str] | None = None,
    api_token_id: uuid.UUID | None = None,
) -> Principal:
    """The caller with their grants (those in inactive units left out). `generation`, from a
    JWT, must still be the user's: a password change or "log out everywhere" bumps it."""
    rows = (await session.execute(_PRINCIPAL, {"user_id": user_id})).all()
    if not rows or (generation is not None and rows[0].token_generation != generation):
        raise Unauthorized("Token không còn hiệu lực; vui lòng đăng nhập lại.")
    first = rows[0]
    if not first.active:
        raise Unauthorized("Tài khoản đã bị khóa.")
    grants = tuple(
        Grant(role=Role(role), unit_id=unit_id, unit_path=path, include_subtree=subtree)
        for *_, role, unit_id, path, subtree, active in rows
        if role is not None and (unit_id is None or active)
    )
    kwargs: dict[str, Any] = {}
    if scopes is not None:
        kwargs["scopes"] = scopes
    return Principal(
        user=Caller(first.id, first.username, first.org_unit_id),
        grants=grants,
        api_token_id=api_token_id,
        unit_path=first.path or "",
        must_change_password=first.must_change_password,
        **kwargs,
    )
