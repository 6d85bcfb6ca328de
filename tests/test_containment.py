"""Containment: an admin changes a user only when every grant that user holds lies inside the
admin's own scope, and grants only inside it; admin-set passwords are one-time; usernames are
one plain, case-insensitive alphabet."""

import uuid
from typing import Any

import httpx
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import ApiToken, OrgUnit, RoleAssignment, User
from api.security import create_jwt, hash_password, new_api_token
from api.settings import get_settings
from tests.conftest import Login, assert_problem, unit_id

USERS = "/api/v1/users"
TOKEN = "/api/v1/auth/token"
NEW_PASSWORD = "Newpassword123"
KNOWN_PASSWORD = "Mat-khau-cu-2026"
_KNOWN_HASH = hash_password(KNOWN_PASSWORD)


async def _user(client: httpx.AsyncClient, headers: dict[str, str], username: str) -> Any:
    r = await client.get(USERS, params={"q": username, "limit": 500}, headers=headers)
    assert r.status_code == 200, r.text
    return next(u for u in r.json()["items"] if u["username"] == username)


async def _patch(
    client: httpx.AsyncClient, headers: dict[str, str], user_id: str, body: dict[str, Any]
) -> httpx.Response:
    current = await client.get(f"{USERS}/{user_id}", headers=headers)
    etag = current.headers.get("etag", '"1"')
    return await client.patch(
        f"{USERS}/{user_id}", headers={**headers, "If-Match": etag}, json=body
    )


async def _can_log_in(client: httpx.AsyncClient, username: str, password: str) -> bool:
    r = await client.post(TOKEN, data={"username": username, "password": password})
    return r.status_code == 200


# --- The reproductions of issue 18 -------------------------------------------------------


async def test_unit_admin_cannot_take_over_the_system_admin(
    client: httpx.AsyncClient, login: Login
) -> None:
    system = await login("admin")
    unit_admin = await login("bn.quantri")
    admin = await _user(client, unit_admin, "admin")

    r = await _patch(client, unit_admin, admin["id"], {"password": NEW_PASSWORD})
    detail = assert_problem(r, 403)["detail"]
    assert "toàn hệ thống" in detail and "admin" in detail
    assert not await _can_log_in(client, "admin", NEW_PASSWORD)

    assert_problem(await _patch(client, unit_admin, admin["id"], {"roles": []}), 403)
    assert_problem(await _patch(client, unit_admin, admin["id"], {"active": False}), 403)
    assert_problem(await _patch(client, unit_admin, admin["id"], {"full_name": "X"}), 403)
    after = await client.get(f"{USERS}/{admin['id']}", headers=system)
    assert after.json()["roles"] == admin["roles"] and after.json()["active"] is True
    assert after.json()["version"] == admin["version"]


async def test_unit_admin_cannot_reset_a_user_who_is_admin_in_another_province(
    client: httpx.AsyncClient, login: Login
) -> None:
    system = await login("admin")
    syt = await unit_id(client, system, "BN-SYT")
    thai_nguyen = await unit_id(client, system, "TN")
    r = await client.post(
        USERS,
        headers=system,
        json={
            "username": "tn.quantri",
            "full_name": "Quản trị Thái Nguyên",
            "org_unit_id": syt,
            "password": KNOWN_PASSWORD,
            "roles": [{"role": "admin", "org_unit_id": thai_nguyen, "include_subtree": True}],
        },
    )
    assert r.status_code == 201, r.text
    target = r.json()

    unit_admin = await login("bn.quantri")
    r = await _patch(client, unit_admin, target["id"], {"password": NEW_PASSWORD})
    detail = assert_problem(r, 403)["detail"]
    assert "Thái Nguyên" in detail
    assert not await _can_log_in(client, "tn.quantri", NEW_PASSWORD)
    assert_problem(await _patch(client, unit_admin, target["id"], {"active": False}), 403)
    assert_problem(await _patch(client, unit_admin, target["id"], {"roles": []}), 403)


async def test_unit_admin_still_manages_users_wholly_inside_their_scope(
    client: httpx.AsyncClient, login: Login
) -> None:
    unit_admin = await login("bn.quantri")
    reporter = await _user(client, unit_admin, "sonhai.baocao")
    r = await _patch(client, unit_admin, reporter["id"], {"password": NEW_PASSWORD})
    assert r.status_code == 200, r.text
    assert await _can_log_in(client, "sonhai.baocao", NEW_PASSWORD)


async def test_admin_cannot_widen_their_own_grants(client: httpx.AsyncClient, login: Login) -> None:
    unit_admin = await login("bn.quantri")
    me = await _user(client, unit_admin, "bn.quantri")
    bn = me["roles"][0]["org_unit_id"]
    thai_nguyen = await unit_id(client, unit_admin, "TN")
    for roles in (
        [{"role": "admin", "org_unit_id": None}],
        [
            {"role": "admin", "org_unit_id": bn, "include_subtree": True},
            {"role": "viewer", "org_unit_id": thai_nguyen},
        ],
    ):
        assert_problem(await _patch(client, unit_admin, me["id"], {"roles": roles}), 403)


async def test_an_admin_of_a_unit_alone_does_not_reach_its_subtree(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    units = await session.execute(select(OrgUnit.id, OrgUnit.parent_id, OrgUnit.code))
    tree = Tree([(uid, parent, code) for uid, parent, code in units])
    actor = await _make_user(session, tree, "BN-SONHAI", [("admin", "BN-SONHAI", False)], "a")
    access, _ = create_jwt(get_settings(), user_id=actor, token_type="access", generation=0)
    headers = {"Authorization": f"Bearer {access}"}
    target = await _make_user(
        session, tree, "BN-SONHAI", [("reporter", "BN-SONHAI", True)], "target"
    )
    r = await client.patch(
        f"{USERS}/{target}",
        headers={**headers, "If-Match": '"1"'},
        json={"password": NEW_PASSWORD},
    )
    assert "cấp dưới" in assert_problem(r, 403)["detail"]
    body = {"full_name": "X", "org_unit_id": str(tree.id["BN-SONHAI"]), "password": NEW_PASSWORD}
    for subtree, status in ((True, 403), (False, 201)):
        grant = {"role": "reporter", "org_unit_id": body["org_unit_id"], "include_subtree": subtree}
        r = await client.post(
            USERS,
            headers=headers,
            json={**body, "username": f"sonhai.{subtree}".lower(), "roles": [grant]},
        )
        assert r.status_code == status, r.text


# --- One-time passwords ------------------------------------------------------------------


async def test_admin_set_password_must_be_changed_at_next_login(
    client: httpx.AsyncClient, login: Login
) -> None:
    unit_admin = await login("bn.quantri")
    reporter = await _user(client, unit_admin, "sonhai.baocao")
    r = await _patch(client, unit_admin, reporter["id"], {"password": NEW_PASSWORD})
    assert r.status_code == 200, r.text

    r = await client.post(TOKEN, data={"username": "sonhai.baocao", "password": NEW_PASSWORD})
    assert r.status_code == 200, r.text
    assert r.json()["password_change_required"] is True
    headers = {"Authorization": f"Bearer {r.json()['access_token']}"}

    body = assert_problem(await client.get("/api/v1/org-units", headers=headers), 403)
    assert body["type"].endswith("/password-change-required")
    assert "đổi mật khẩu" in body["detail"].lower()
    assert_problem(
        await client.post("/api/v1/auth/api-tokens", headers=headers, json={"name": "x"}), 403
    )
    assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 200

    r = await client.post(
        "/api/v1/auth/password",
        headers=headers,
        json={"current_password": NEW_PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert assert_problem(r, 422)["errors"][0]["field"] == "new_password"
    r = await client.post(
        "/api/v1/auth/password",
        headers=headers,
        json={"current_password": "sai-mat-khau", "new_password": "Mat-khau-rieng-2026"},
    )
    assert assert_problem(r, 422)["errors"][0]["field"] == "current_password"
    r = await client.post(
        "/api/v1/auth/password",
        headers=headers,
        json={"current_password": NEW_PASSWORD, "new_password": "Mat-khau-rieng-2026"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["password_change_required"] is False
    fresh = {"Authorization": f"Bearer {r.json()['access_token']}"}
    assert (await client.get("/api/v1/org-units", headers=fresh)).status_code == 200
    # The one-time password's session ended with the change.
    assert_problem(await client.get("/api/v1/auth/me", headers=headers), 401)
    r = await client.post(
        TOKEN, data={"username": "sonhai.baocao", "password": "Mat-khau-rieng-2026"}
    )
    assert r.json()["password_change_required"] is False


async def test_created_users_start_with_a_one_time_password_and_demo_users_do_not(
    client: httpx.AsyncClient, login: Login
) -> None:
    unit_admin = await login("bn.quantri")
    son_hai = await unit_id(client, unit_admin, "BN-SONHAI")
    r = await client.post(
        USERS,
        headers=unit_admin,
        json={
            "username": "sonhai.moi",
            "full_name": "Người Mới",
            "org_unit_id": son_hai,
            "password": KNOWN_PASSWORD,
        },
    )
    assert r.status_code == 201, r.text
    r = await client.post(TOKEN, data={"username": "sonhai.moi", "password": KNOWN_PASSWORD})
    assert r.json()["password_change_required"] is True
    r = await client.post(TOKEN, data={"username": "bn.xem", "password": "healthplan"})
    assert r.json()["password_change_required"] is False


async def test_a_user_changing_their_own_password_is_not_asked_again(
    client: httpx.AsyncClient, login: Login
) -> None:
    unit_admin = await login("bn.quantri")
    me = await _user(client, unit_admin, "bn.quantri")
    r = await _patch(client, unit_admin, me["id"], {"password": NEW_PASSWORD})
    assert r.status_code == 200, r.text
    r = await client.post(TOKEN, data={"username": "bn.quantri", "password": NEW_PASSWORD})
    assert r.json()["password_change_required"] is False


# --- Usernames ---------------------------------------------------------------------------


async def test_fullwidth_lookalike_of_admin_cannot_be_created(
    client: httpx.AsyncClient, login: Login
) -> None:
    system = await login("admin")
    syt = await unit_id(client, system, "BN-SYT")
    base = {"full_name": "Giả mạo", "org_unit_id": syt, "password": KNOWN_PASSWORD}
    r = await client.post(USERS, headers=system, json={**base, "username": "\uff41dmin"})
    assert assert_problem(r, 409)["errors"][0]["field"] == "username"
    r = await client.post(USERS, headers=system, json={**base, "username": "Admin"})
    assert assert_problem(r, 409)["errors"][0]["field"] == "username"
    for bad in ("ab", "x" * 65, "đức.nguyen", "a b", "ad\u200bmin", "user@x.vn", "adm\u0131n"):
        r = await client.post(USERS, headers=system, json={**base, "username": bad})
        assert assert_problem(r, 422)["errors"][0]["field"] == "username", bad
    r = await client.post(USERS, headers=system, json={**base, "username": "\uff2eew.User"})
    assert r.status_code == 201, r.text
    assert r.json()["username"] == "new.user"
    assert await _can_log_in(client, "NEW.USER", KNOWN_PASSWORD)


async def test_case_insensitive_uniqueness_is_held_by_the_database(
    session: AsyncSession,
) -> None:
    import pytest
    from sqlalchemy.exc import IntegrityError

    admin = await session.scalar(select(User).where(User.username == "admin"))
    assert admin is not None
    async with session.begin_nested():
        session.add(User(username="ADMIN", full_name="x", org_unit_id=admin.org_unit_id))
        with pytest.raises(IntegrityError):
            await session.flush()


def test_demo_usernames_fit_the_alphabet() -> None:
    from api.demo.load import DEMO_USERS
    from api.schemas.user import normalise_username

    for spec in DEMO_USERS:
        assert normalise_username(spec.username) == spec.username


# --- The property: allowed exactly when contained ----------------------------------------

ACTOR_UNITS = ("BN", "BN-SYT", "BN-SONHAI", "BN-LUCNGAN", "TN", "TN-BACKAN")
TARGET_UNITS = (*ACTOR_UNITS, "BN-SONHAI-TYT", "TN-BACKAN-TDP", "BN-SKHDT", "LD")
ROLES = ("admin", "plan_manager", "reporter", "reviewer", "viewer")

# A grant as drawn: (role, unit code or None for system-wide, include_subtree).
DrawnGrant = tuple[str, str | None, bool]

admin_grant = st.sampled_from((*ACTOR_UNITS, None)).flatmap(
    lambda unit: st.tuples(
        st.just("admin"), st.just(unit), st.just(True) if unit is None else st.booleans()
    )
)
other_grant = st.tuples(st.sampled_from(ROLES[1:]), st.sampled_from(TARGET_UNITS), st.booleans())


@st.composite
def actor_grants(draw: st.DrawFn) -> list[DrawnGrant]:
    """Mostly admins (a system admin one time in seven), now and then a caller who
    administers nothing, with a few more grants of any kind."""
    grants = [draw(admin_grant)] if draw(st.integers(0, 5)) else []
    more = st.one_of(admin_grant, other_grant) if grants else other_grant
    grants += draw(st.lists(more, min_size=0 if grants else 1, max_size=2))
    return list({(r, u): (r, u, sub) for r, u, sub in reversed(grants)}.values())


def grants_near(inside: list[str]) -> st.SearchStrategy[list[DrawnGrant]]:
    """Grants of a user, drawn mostly where the caller administers (so that the one grant
    outside, the case that matters, is common), and anywhere, system-wide included."""
    anywhere = st.one_of(
        st.tuples(st.sampled_from(ROLES), st.sampled_from(TARGET_UNITS), st.booleans()),
        st.tuples(st.sampled_from(ROLES), st.none(), st.just(True)),
    )
    near = (
        st.tuples(st.sampled_from(ROLES), st.sampled_from(inside), st.booleans())
        if inside
        else anywhere
    )
    return st.lists(
        st.one_of(near, near, near, anywhere), max_size=3, unique_by=lambda g: (g[0], g[1])
    )


def unit_near(inside: list[str]) -> st.SearchStrategy[str]:
    anywhere = st.sampled_from(TARGET_UNITS)
    return (
        st.one_of(st.sampled_from(inside), st.sampled_from(inside), anywhere)
        if inside
        else anywhere
    )


class Tree:
    """The demo tree as parent links, read once: the oracle's own idea of "below"."""

    def __init__(self, rows: list[tuple[uuid.UUID, uuid.UUID | None, str]]) -> None:
        self.parent = {uid: parent for uid, parent, _ in rows}
        self.id = {code: uid for uid, _, code in rows}

    def ancestors(self, code: str) -> set[uuid.UUID]:
        out, node = set(), self.parent[self.id[code]]
        while node is not None:
            out.add(node)
            node = self.parent[node]
        return out

    def admin_covers(self, actor: list[DrawnGrant], code: str, *, subtree: bool) -> bool:
        for role, unit, sub in actor:
            if role != "admin":
                continue
            if unit is None:
                return True
            if unit == code and (sub or not subtree):
                return True
            if sub and self.id[unit] in self.ancestors(code):
                return True
        return False

    def grant_within(self, actor: list[DrawnGrant], grant: DrawnGrant) -> bool:
        _, unit, sub = grant
        if unit is None:
            return any(r == "admin" and u is None for r, u, _ in actor)
        return self.admin_covers(actor, unit, subtree=sub)

    def manages(self, actor: list[DrawnGrant], home: str, grants: list[DrawnGrant]) -> bool:
        return self.admin_covers(actor, home, subtree=False) and all(
            self.grant_within(actor, g) for g in grants
        )


async def _make_user(
    session: AsyncSession, tree: Tree, home: str, grants: list[DrawnGrant], prefix: str
) -> uuid.UUID:
    """A user made straight in the database; its id, read before any request can expire it."""
    user = User(
        username=f"{prefix}.{uuid.uuid4().hex[:12]}",
        full_name="Người thử",
        org_unit_id=tree.id[home],
        password_hash=_KNOWN_HASH,
        roles=[
            RoleAssignment(
                role=role, org_unit_id=tree.id[unit] if unit else None, include_subtree=sub
            )
            for role, unit, sub in grants
        ],
    )
    session.add(user)
    # Committed (to the test's outer transaction): a refused request rolls back the session.
    await session.commit()
    return user.id


async def _state(session: AsyncSession, user_id: uuid.UUID) -> tuple[object, ...]:
    row = (
        await session.execute(
            select(
                User.username,
                User.full_name,
                User.password_hash,
                User.active,
                User.org_unit_id,
                User.version,
                User.token_generation,
                User.must_change_password,
            ).where(User.id == user_id)
        )
    ).one()
    roles = (
        await session.execute(
            select(
                RoleAssignment.role, RoleAssignment.org_unit_id, RoleAssignment.include_subtree
            ).where(RoleAssignment.user_id == user_id)
        )
    ).all()
    tokens = (
        await session.execute(select(ApiToken.revoked_at).where(ApiToken.user_id == user_id))
    ).all()
    return (*row, sorted(map(tuple, roles), key=str), sorted(map(tuple, tokens), key=str))


def _grant_body(tree: Tree, grants: list[DrawnGrant]) -> list[dict[str, Any]]:
    return [
        {"role": r, "org_unit_id": str(tree.id[u]) if u else None, "include_subtree": s}
        for r, u, s in grants
    ]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actor=actor_grants(), data=st.data())
async def test_an_admin_changes_a_user_exactly_when_every_grant_is_contained(
    client: httpx.AsyncClient, session: AsyncSession, actor: list[DrawnGrant], data: st.DataObject
) -> None:
    units = await session.execute(select(OrgUnit.id, OrgUnit.parent_id, OrgUnit.code))
    tree = Tree([(uid, parent, code) for uid, parent, code in units])
    inside = [u for u in TARGET_UNITS if tree.admin_covers(actor, u, subtree=False)]
    home = data.draw(unit_near(inside), label="home")
    grants = data.draw(grants_near(inside), label="grants")
    new_home = data.draw(unit_near(inside), label="new_home")
    new_grants = data.draw(grants_near(inside), label="new_grants")
    caller = await _make_user(session, tree, "BN-SYT", actor, "actor")
    access, _ = create_jwt(get_settings(), user_id=caller, token_type="access", generation=0)
    headers = {"Authorization": f"Bearer {access}"}
    manages = tree.manages(actor, home, grants)
    event(
        "manages"
        if manages
        else "home in scope, a grant outside"
        if tree.admin_covers(actor, home, subtree=False)
        else "home outside"
    )

    changes: dict[str, tuple[dict[str, Any], bool]] = {
        "password": ({"password": NEW_PASSWORD}, manages),
        "strip roles": ({"roles": []}, manages),
        "deactivate": ({"active": False}, manages),
        "profile": ({"full_name": "Tên mới", "email": "x@example.vn"}, manages),
        "grant": (
            {"roles": _grant_body(tree, new_grants)},
            manages and all(tree.grant_within(actor, g) for g in new_grants),
        ),
        "move": (
            {"org_unit_id": str(tree.id[new_home])},
            manages and tree.admin_covers(actor, new_home, subtree=False),
        ),
    }
    for name, (body, allowed) in changes.items():
        target = await _make_user(session, tree, home, grants, "target")
        before = await _state(session, target)
        r = await client.patch(
            f"{USERS}/{target}",
            headers={**headers, "If-Match": '"1"'},
            json=body,
        )
        if allowed:
            assert r.status_code == 200, (name, r.text)
        else:
            assert r.status_code in (403, 404), (name, r.text)
            assert_problem(r, r.status_code)
            assert await _state(session, target) == before, name

    # Creating: a home and grants only inside the caller's scope.
    allowed = tree.manages(actor, new_home, new_grants)
    r = await client.post(
        USERS,
        headers=headers,
        json={
            "username": f"created.{uuid.uuid4().hex[:12]}",
            "full_name": "Người mới",
            "org_unit_id": str(tree.id[new_home]),
            "password": NEW_PASSWORD,
            "roles": _grant_body(tree, new_grants),
        },
    )
    assert r.status_code == (201 if allowed else 403), r.text

    # API tokens belong to their user alone: nobody else revokes one, whatever their grants.
    target = await _make_user(session, tree, home, grants, "target")
    _, prefix, secret_hash = new_api_token()
    token = ApiToken(
        user_id=target, name="script", prefix=prefix, secret_hash=secret_hash, scopes=["read"]
    )
    session.add(token)
    await session.commit()
    token_id = token.id
    before = await _state(session, target)
    r = await client.post(f"/api/v1/auth/api-tokens/{token_id}/revoke", headers=headers)
    assert_problem(r, 404)
    assert await _state(session, target) == before

    # The routes that change only their caller touch nobody else.
    r = await client.post("/api/v1/auth/api-tokens", headers=headers, json={"name": "mine"})
    assert r.status_code == 201, r.text
    r = await client.post(
        "/api/v1/auth/password",
        headers=headers,
        json={"current_password": KNOWN_PASSWORD, "new_password": "Mat-khau-khac-2026"},
    )
    assert r.status_code == 200, r.text
    headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
    r = await client.post("/api/v1/auth/logout-everywhere", headers=headers)
    assert r.status_code == 204, r.text
    assert await _state(session, target) == before

    # Oneself is no exception: an admin's own grants change only inside their scope, so
    # nobody widens their own.
    me = await _make_user(session, tree, "BN-SYT", actor, "self")
    access, _ = create_jwt(get_settings(), user_id=me, token_type="access", generation=0)
    allowed = tree.manages(actor, "BN-SYT", actor) and all(
        tree.grant_within(actor, g) for g in new_grants
    )
    before = await _state(session, me)
    r = await client.patch(
        f"{USERS}/{me}",
        headers={"Authorization": f"Bearer {access}", "If-Match": '"1"'},
        json={"roles": _grant_body(tree, new_grants)},
    )
    if allowed:
        assert r.status_code == 200, r.text
    else:
        assert_problem(r, r.status_code if r.status_code in (403, 404) else 403)
        assert await _state(session, me) == before
