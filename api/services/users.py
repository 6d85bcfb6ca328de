"""Users and their role grants, managed by admins within their subtree."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.access import Principal, per_caller
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


def _is_system_admin(actor: Principal) -> bool:
    return any(g.role is Role.admin and g.unit_path is None for g in actor.grants)


async def _check_grants(session: AsyncSession, actor: Principal, grants: list[RoleGrant]) -> None:
    """An admin can hand out roles only inside the units they administer."""
    for i, grant in enumerate(grants):
        field = f"roles.{i}.org_unit_id"
        if grant.org_unit_id is None:
            if not _is_system_admin(actor):
                raise Forbidden("Chỉ quản trị hệ thống mới cấp được vai trò toàn hệ thống.")
            continue
        path = await _unit_path(session, grant.org_unit_id, field)
        if not actor.can(Role.admin, path):
            raise Forbidden(f"Không có quyền cấp vai trò tại đơn vị {grant.org_unit_id}.")


def _set_roles(user: User, grants: list[RoleGrant]) -> None:
    unique = {(g.role, g.org_unit_id): g for g in grants}
    user.roles = [
        RoleAssignment(
            role=g.role.value, org_unit_id=g.org_unit_id, include_subtree=g.include_subtree
        )
        for g in unique.values()
    ]


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
    if await session.scalar(select(User.id).where(User.username == data.username)):
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
    path = await _unit_path(session, user.org_unit_id, "org_unit_id")
    if not actor.can(Role.admin, path):
        raise Forbidden("Chỉ quản trị viên của đơn vị mới sửa được người dùng này.")
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
