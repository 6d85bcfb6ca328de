"""Users managed by admins within their units; the audit trail records every write."""

import httpx

from tests.conftest import Login, assert_problem, unit_id

URL = "/api/v1/users"


async def test_admin_creates_user_with_policy_and_roles(
    client: httpx.AsyncClient, login: Login
) -> None:
    admin = await login("bn.quantri")
    son_hai = await unit_id(client, admin, "BN-SONHAI")
    user = {
        "username": "sonhai.moi",
        "full_name": "Người Mới",
        "org_unit_id": son_hai,
        "roles": [{"role": "reporter", "org_unit_id": son_hai, "include_subtree": True}],
    }
    r = await client.post(URL, headers=admin, json={**user, "password": "short"})
    errors = assert_problem(r, 422)["errors"]
    assert {e["field"] for e in errors} == {"password"} and len(errors) == 2

    r = await client.post(URL, headers=admin, json={**user, "password": "Tram-Y-te-2026"})
    assert r.status_code == 201, r.text
    assert r.json()["roles"] == [
        {"role": "reporter", "org_unit_id": son_hai, "include_subtree": True, "signing_modes": None}
    ]
    r = await client.post(
        "/api/v1/auth/token", data={"username": "sonhai.moi", "password": "Tram-Y-te-2026"}
    )
    assert r.status_code == 200
    r = await client.post(URL, headers=admin, json={**user, "password": "Tram-Y-te-2026"})
    assert assert_problem(r, 409)["errors"][0]["field"] == "username"


async def test_unit_admin_cannot_grant_outside_or_system_wide(
    client: httpx.AsyncClient, login: Login
) -> None:
    admin = await login("bn.quantri")
    son_hai = await unit_id(client, admin, "BN-SONHAI")
    ward = await unit_id(client, admin, "TN-BACKAN")
    base = {
        "username": "x.y",
        "full_name": "X",
        "org_unit_id": son_hai,
        "password": "Tram-Y-te-2026",
    }
    r = await client.post(
        URL, headers=admin, json={**base, "roles": [{"role": "admin", "org_unit_id": None}]}
    )
    assert_problem(r, 403)
    r = await client.post(
        URL, headers=admin, json={**base, "roles": [{"role": "reviewer", "org_unit_id": ward}]}
    )
    assert_problem(r, 403)
    r = await client.post(URL, headers=admin, json={**base, "org_unit_id": ward})
    assert_problem(r, 403)


async def test_reporter_sees_only_themselves_and_not_other_communes_users(
    client: httpx.AsyncClient, login: Login
) -> None:
    admin = await login("admin")
    users = (await client.get(URL, params={"limit": 500}, headers=admin)).json()["items"]
    luc_ngan_user = next(u for u in users if u["username"] == "lucngan.baocao")

    reporter = await login("sonhai.baocao")
    r = await client.get(URL, headers=reporter)
    assert [u["username"] for u in r.json()["items"]] == ["sonhai.baocao"]
    assert_problem(await client.get(f"{URL}/{luc_ngan_user['id']}", headers=reporter), 404)
    r = await client.patch(
        f"{URL}/{luc_ngan_user['id']}",
        headers={**reporter, "If-Match": '"1"'},
        json={"active": False},
    )
    assert_problem(r, 404)
    assert_problem(await client.get("/api/v1/audit-events", headers=reporter), 403)


async def test_locking_a_user_ends_their_sessions(client: httpx.AsyncClient, login: Login) -> None:
    admin = await login("admin")
    viewer = await login("bn.xem")
    me = (await client.get("/api/v1/auth/me", headers=viewer)).json()["user"]
    r = await client.patch(
        f"{URL}/{me['id']}",
        headers={**admin, "If-Match": f'"{me["version"]}"'},
        json={"active": False},
    )
    assert r.status_code == 200, r.text
    assert_problem(await client.get("/api/v1/auth/me", headers=viewer), 401)
    r = await client.post(
        "/api/v1/auth/token", data={"username": "bn.xem", "password": "healthplan"}
    )
    assert_problem(r, 401)


async def test_role_change_moves_the_etag(client: httpx.AsyncClient, login: Login) -> None:
    admin = await login("admin")
    viewer = (await client.get("/api/v1/auth/me", headers=await login("bn.xem"))).json()["user"]
    item = f"{URL}/{viewer['id']}"
    etag = (await client.get(item, headers=admin)).headers["etag"]
    r = await client.patch(item, headers={**admin, "If-Match": etag}, json={"roles": []})
    assert r.status_code == 200 and r.json()["roles"] == []
    assert r.headers["etag"] != etag
    assert_problem(
        await client.patch(item, headers={**admin, "If-Match": etag}, json={"full_name": "X"}), 412
    )


async def test_writes_are_audited_with_before_after_and_request_id(
    client: httpx.AsyncClient, login: Login
) -> None:
    admin = await login("admin")
    r = await client.post(
        "/api/v1/org-units",
        headers={**admin, "X-Request-ID": "req-audit-1"},
        json={"code": "AUD-1", "name": "Kiểm tra", "type": "other"},
    )
    created = r.json()
    await client.patch(
        f"/api/v1/org-units/{created['id']}",
        headers={**admin, "If-Match": '"1"'},
        json={"name": "Kiểm tra 2"},
    )
    r = await client.get(
        "/api/v1/audit-events",
        headers=admin,
        params={"entity_type": "org_unit", "entity_id": created["id"]},
    )
    assert r.status_code == 200
    events = r.json()["items"]
    assert [e["action"] for e in events] == ["update", "create"]
    update, create = events
    assert create["request_id"] == "req-audit-1" and create["actor_name"] == "admin"
    assert create["before"] is None and create["after"]["name"] == "Kiểm tra"
    assert update["before"]["name"] == "Kiểm tra" and update["after"]["name"] == "Kiểm tra 2"

    r = await client.get("/api/v1/audit-events", headers=admin, params={"entity_type": "user"})
    assert all("password_hash" not in (e["after"] or {}) for e in r.json()["items"])


async def test_unit_admin_cannot_read_system_audit(client: httpx.AsyncClient, login: Login) -> None:
    assert_problem(await client.get("/api/v1/audit-events", headers=await login("bn.quantri")), 403)
