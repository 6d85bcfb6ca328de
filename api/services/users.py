"""Users and their role grants, managed by admins within their subtree."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.access import Grant, Principal, per_caller
from api.errors import Conflict, Forbidden, InvalidInput, NotFound
from api.models import ApiToken, OrgUnit, Role, RoleAssignment, User
from api.paging import decode_cursor, encode_cursor
from api.schemas.user import ApiTokenCreate, RoleGrant, UserCreate, UserUpdate
from api.security import hash_password, new_api_token, password_problems
from api.services import audit
from api.services.org_units import check_version
from api.text import fold

ENTITY = "user"


@per_caller
def readable_statement(actor: Principal) -> Select[User]:
    """The users this caller may see: admins see their subtree's users; others only themselves."""
    stmt = select(User).join(OrgUnit, OrgUnit.id == User.org_unit_id)
    admin_scope = actor.unit_condition(OrgUnit.path, [Role.admin])
    return stmt.where(admin_scope | (User.id == actor.user_id))


async def get_readable(session: AsyncSession, actor: Principal, user_id: uuid.UUID) -> User:
    user = await session.scalar(readable_statement(actor).where(User.id == user_id))
    if user is None:
        raise NotFound(f"Không có người dùng {user_id}.")
    return user


async def me(session: AsyncSession, actor: Principal) -> tuple[User | None, OrgUnit | None]:
    """The caller's own user row and home unit (for the profile)."""
    unit = await session.scalar(select(OrgUnit).where(OrgUnit.id == actor.unit_id))
    return await session.get(User, actor.user_id), unit


def _password_errors(password: str, username: str) -> None:
    problems = password_problems(password, username=username)
    if problems:
        raise InvalidInput(
            " ".join(problems),
            errors=[
                {"in": "body", "field": "password", "message": p, "code": "weak_password"}
                for p in problems
            ],
        )


async def _unit_path(session: AsyncSession, unit_id: uuid.UUID, field: str) -> str:
    path = await session.scalar(select(OrgUnit.path).where(OrgUnit.id == unit_id))
    if path is None:
        raise InvalidInput(
            f"Đơn vị {unit_id} không tồn tại.",
            errors=[
                {"in": "body", "field": field, "message": "Không tồn tại", "code": "unknown_unit"}
            ],
        )
    return path


def _describe(role: str, unit_name: str | None, include_subtree: bool) -> str:
    if unit_name is None:
        return f"vai trò {role} toàn hệ thống"
    below = " và các đơn vị cấp dưới" if include_subtree else ""
    return f"vai trò {role} tại {unit_name}{below}"


async def _check_grants(session: AsyncSession, actor: Principal, grants: list[RoleGrant]) -> None:
    """An admin hands out only grants inside their own admin scope (never system-wide unless
    a system admin), so nobody widens anyone's grants, their own included, beyond it."""
    ids = {g.org_unit_id for g in grants if g.org_unit_id is not None}
    units = {
        uid: (path, name)
        for uid, path, name in await session.execute(
            select(OrgUnit.id, OrgUnit.path, OrgUnit.name).where(OrgUnit.id.in_(ids))
        )
    }
    for i, grant in enumerate(grants):
        path, name = None, None
        if grant.org_unit_id is not None:
            if grant.org_unit_id not in units:
                await _unit_path(session, grant.org_unit_id, f"roles.{i}.org_unit_id")
            path, name = units[grant.org_unit_id]
        wanted = Grant(grant.role, grant.org_unit_id, path, grant.include_subtree)
        if not actor.administers(wanted):
            what = _describe(grant.role.value, name, grant.include_subtree)
            message = f"Không có quyền cấp {what}: nằm ngoài phạm vi quản trị của bạn."
            raise Forbidden(
                message,
                errors=[
                    {
                        "in": "body",
                        "field": f"roles.{i}",
                        "message": message,
                        "code": "out_of_scope",
                    }
                ],
            )


async def require_manages(session: AsyncSession, actor: Principal, user: User) -> None:
    """Containment: an admin acts on a user (password, roles, lock, profile) only when the
    user's unit and every grant the user holds lie inside the admin's own scope. Grants in
    inactive units count too: reactivating the unit would bring them back."""
    home = await _unit_path(session, user.org_unit_id, "org_unit_id")
    if not actor.can(Role.admin, home):
        raise Forbidden("Chỉ quản trị viên của đơn vị mới sửa được người dùng này.")
    held = await session.execute(
        select(
            RoleAssignment.role,
            RoleAssignment.org_unit_id,
            RoleAssignment.include_subtree,
            OrgUnit.path,
            OrgUnit.name,
        )
        .outerjoin(OrgUnit, OrgUnit.id == RoleAssignment.org_unit_id)
        .where(RoleAssignment.user_id == user.id)
        .order_by(RoleAssignment.role)
    )
    for role, unit_id, subtree, path, name in held:
        if not actor.administers(Grant(Role(role), unit_id, path, subtree)):
            raise Forbidden(
                f"Người dùng '{user.username}' có {_describe(role, name, subtree)}, nằm ngoài "
                "phạm vi quản trị của bạn: chỉ người quản trị mọi vai trò của họ mới sửa, khóa, "
                "đặt lại mật khẩu hay đổi vai trò của người này được."
            )


def _set_roles(user: User, grants: list[RoleGrant]) -> None:
    """Replace the user's grants, keeping the rows that stay: a new row for a (role, unit)
    already held would be inserted before the old one is deleted and break uniqueness."""
    wanted = {(g.role.value, g.org_unit_id): g for g in grants}
    kept = {(r.role, r.org_unit_id): r for r in user.roles if (r.role, r.org_unit_id) in wanted}
    for key, row in kept.items():
        row.include_subtree = wanted[key].include_subtree
        row.signing_modes = _modes(wanted[key])
    user.roles = [
        kept.get(key)
        or RoleAssignment(
            role=key[0],
            org_unit_id=key[1],
            include_subtree=g.include_subtree,
            signing_modes=_modes(g),
        )
        for key, g in wanted.items()
    ]


def _modes(grant: RoleGrant) -> list[str] | None:
    """Signing modes belong to a signer grant only."""
    if grant.role is not Role.signer or grant.signing_modes is None:
        return None
    return sorted(set(grant.signing_modes))


def snapshot(user: User) -> dict[str, object]:
    data = audit.snapshot(user)
    data["roles"] = [
        {
            "role": r.role,
            "org_unit_id": str(r.org_unit_id) if r.org_unit_id else None,
            "include_subtree": r.include_subtree,
        }
        for r in user.roles
    ]
    return data


async def create(session: AsyncSession, *, actor: Principal, data: UserCreate) -> User:
    path = await _unit_path(session, data.org_unit_id, "org_unit_id")
    if not actor.can(Role.admin, path):
        raise Forbidden("Chỉ quản trị viên của đơn vị mới tạo được người dùng ở đó.")
    await _check_grants(session, actor, data.roles)
    _password_errors(data.password, data.username)
    if await session.scalar(select(User.id).where(func.lower(User.username) == data.username)):
        raise Conflict(
            f"Tên đăng nhập '{data.username}' đã tồn tại.",
            errors=[
                {"in": "body", "field": "username", "message": "Đã tồn tại", "code": "duplicate"}
            ],
        )
    user = User(
        username=data.username,
        full_name=data.full_name,
        email=data.email,
        position=data.position,
        org_unit_id=data.org_unit_id,
        password_hash=hash_password(data.password),
        active=data.active,
        # Someone else chose this password: the user picks their own at first login.
        must_change_password=True,
        roles=[],
    )
    _set_roles(user, data.roles)
    session.add(user)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="create",
        entity_type=ENTITY,
        entity_id=user.id,
        after=snapshot(user),
    )
    return user


async def update_user(
    session: AsyncSession,
    *,
    actor: Principal,
    user_id: uuid.UUID,
    expected_version: int,
    data: UserUpdate,
) -> User:
    user = await get_readable(session, actor, user_id)
    await require_manages(session, actor, user)
    check_version(user, expected_version)
    before = snapshot(user)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("org_unit_id") is not None:
        new_path = await _unit_path(session, changes["org_unit_id"], "org_unit_id")
        if not actor.can(Role.admin, new_path):
            raise Forbidden("Không có quyền chuyển người dùng sang đơn vị đó.")
        user.org_unit_id = changes["org_unit_id"]
    for key in ("full_name", "email", "position", "active"):
        if key in changes:
            if key in ("full_name", "active") and changes[key] is None:
                raise InvalidInput(
                    f"Trường {key} không được null.",
                    errors=[
                        {"in": "body", "field": key, "message": "Không được null", "code": "null"}
                    ],
                )
            setattr(user, key, changes[key])
    if data.password is not None:
        _password_errors(data.password, user.username)
        user.password_hash = hash_password(data.password)
        user.token_generation += 1
        # A password set by an administrator is one-time; one's own is not.
        user.must_change_password = user.id != actor.user_id
    if data.roles is not None:
        await _check_grants(session, actor, data.roles)
        _set_roles(user, data.roles)
        # Roles live in another table; touch the user row so its version (ETag) moves too.
        user.updated_at = datetime.now(UTC)
    if data.active is False:
        user.token_generation += 1
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="update",
        entity_type=ENTITY,
        entity_id=user.id,
        before=before,
        after=snapshot(user),
    )
    return user


async def list_users(
    session: AsyncSession,
    *,
    actor: Principal,
    org_unit_id: uuid.UUID | None,
    q: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[User], str | None]:
    stmt = readable_statement(actor)
    if org_unit_id:
        stmt = stmt.where(User.org_unit_id == org_unit_id)
    if q:
        for word in fold(q).split():
            stmt = stmt.where(
                func.lower(User.username).contains(word, autoescape=True)
                | func.lower(User.full_name).contains(word, autoescape=True)
            )
    after = decode_cursor(cursor, 1)
    if after is not None:
        stmt = stmt.where(User.username > str(after[0]))
    rows = list(await session.scalars(stmt.order_by(User.username).limit(limit + 1)))
    next_cursor = encode_cursor([rows[limit - 1].username]) if len(rows) > limit else None
    return rows[:limit], next_cursor


MAX_TOKEN_LIFETIME = timedelta(days=366)
DEFAULT_TOKEN_LIFETIME = timedelta(days=90)


async def create_api_token(
    session: AsyncSession, *, actor: Principal, data: ApiTokenCreate
) -> tuple[ApiToken, str]:
    if actor.api_token_id is not None:
        raise Forbidden("Không dùng API token để tạo API token; hãy đăng nhập.")
    now = datetime.now(UTC)
    expires = data.expires_at or now + DEFAULT_TOKEN_LIFETIME
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    if expires <= now or expires - now > MAX_TOKEN_LIFETIME:
        raise InvalidInput(
            "Hạn dùng phải trong tương lai và không quá 1 năm.",
            errors=[
                {
                    "in": "body",
                    "field": "expires_at",
                    "message": "Ngoài khoảng cho phép",
                    "code": "out_of_range",
                }
            ],
        )
    full, prefix, secret_hash = new_api_token()
    token = ApiToken(
        user_id=actor.user_id,
        name=data.name,
        prefix=prefix,
        secret_hash=secret_hash,
        scopes=sorted({s.value for s in data.scopes}),
        expires_at=expires,
    )
    session.add(token)
    await session.flush()
    await audit.record(
        session,
        actor=actor,
        action="create",
        entity_type="api_token",
        entity_id=token.id,
        after=audit.snapshot(token),
    )
    return token, full


async def list_api_tokens(session: AsyncSession, *, actor: Principal) -> list[ApiToken]:
    stmt = select(ApiToken).where(ApiToken.user_id == actor.user_id)
    return list(await session.scalars(stmt.order_by(ApiToken.created_at.desc())))


async def revoke_api_token(
    session: AsyncSession, *, actor: Principal, token_id: uuid.UUID
) -> ApiToken:
    token = await session.scalar(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == actor.user_id)
    )
    if token is None:
        raise NotFound(f"Không có API token {token_id}.")
    if token.revoked_at is None:
        before = audit.snapshot(token)
        token.revoked_at = datetime.now(UTC)
        await session.flush()
        await audit.record(
            session,
            actor=actor,
            action="revoke",
            entity_type="api_token",
            entity_id=token.id,
            before=before,
            after=audit.snapshot(token),
        )
    return token
