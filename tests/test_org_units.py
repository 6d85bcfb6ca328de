"""Org unit tree: search, paging, subtree, writes with ETags, moves, deletes, permissions."""

import unicodedata

import httpx

from tests.conftest import Login, assert_problem, unit_id

URL = "/api/v1/org-units"


async def test_accent_insensitive_search_finds_son_hai(
    client: httpx.AsyncClient, login: Login
) -> None:
    headers = await login("sonhai.baocao")
    for q in ("son hai", "SƠN HẢI", "xa son hai", "Sơn Hải"):
        r = await client.get(URL, params={"q": q}, headers=headers)
        assert r.status_code == 200
        names = [u["name"] for u in r.json()["items"]]
        assert "Xã Sơn Hải" in names, (q, names)
    r = await client.get(URL, params={"q": "so y te"}, headers=headers)
    assert "Sở Y tế" in [u["name"] for u in r.json()["items"]]
    r = await client.get(URL, params={"q": "duc trong"}, headers=headers)
    assert {u["code"] for u in r.json()["items"]} >= {"LD-DUCTRONG"}


async def test_filters_by_type_level_parent_and_ancestor(
    client: httpx.AsyncClient, login: Login
) -> None:
    headers = await login("bn.xem")
    bn = await unit_id(client, headers, "BN")
    son_hai = await unit_id(client, headers, "BN-SONHAI")
    r = await client.get(
        URL, params={"type": "commune", "parent_id": bn, "limit": 500}, headers=headers
    )
    codes = {u["code"] for u in r.json()["items"]}
    assert {"BN-SONHAI", "BN-LUCNGAN", "BN-BIENSON"} <= codes
    assert all(u["type"] == "commune" and u["level"] == 1 for u in r.json()["items"])

    # ancestor_id: the deprecated alias, still answering as it did (the units below, only)
    r = await client.get(URL, params={"ancestor_id": son_hai, "limit": 500}, headers=headers)
    below = r.json()["items"]
    assert {"BN-SONHAI-TYT", "BN-SONHAI-UBND"} <= {u["code"] for u in below}
    son_hai_path = (await client.get(f"{URL}/{son_hai}", headers=headers)).json()["path"]
    assert below and all(u["path"].startswith(son_hai_path) for u in below)
    assert "BN-SONHAI" not in {u["code"] for u in below}

    r = await client.get(URL, params={"roots_only": True}, headers=headers)
    assert {u["code"] for u in r.json()["items"]} == {"TW", "BN", "TN", "LD"}

    r = await client.get(URL, params={"active": False, "limit": 500}, headers=headers)
    assert "BN-SKHDT" in {u["code"] for u in r.json()["items"]}


async def test_keyset_paging_walks_everything_once(client: httpx.AsyncClient, login: Login) -> None:
    headers = await login("bn.xem")
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, object] = {"limit": 7, "include_total": True}
        if cursor:
            params["cursor"] = cursor
        r = await client.get(URL, params=params, headers=headers)
        assert r.status_code == 200
        body = r.json()
        total = body["page"]["total"]
        seen += [u["id"] for u in body["items"]]
        pages += 1
        cursor = body["page"]["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == total
    assert pages == -(-total // 7)
    assert_problem(await client.get(URL, params={"cursor": "!!nope"}, headers=headers), 422)


async def test_tree_nests_children_and_hides_inactive(
    client: httpx.AsyncClient, login: Login
) -> None:
    headers = await login("bn.xem")
    bn = await unit_id(client, headers, "BN")
    r = await client.get(f"{URL}/tree", params={"root_id": bn, "depth": 2}, headers=headers)
    assert r.status_code == 200
    [root] = r.json()["items"]
    assert root["name"] == "Tỉnh Bắc Ninh"
    children = {c["code"]: c for c in root["children"]}
    assert "BN-SYT" in children and "BN-SKHDT" not in children
    assert "Trạm Y tế xã Sơn Hải" in [c["name"] for c in children["BN-SONHAI"]["children"]]
    assert all(not g["children"] for c in root["children"] for g in c["children"])
    r = await client.get(
        f"{URL}/tree", params={"root_id": bn, "depth": 1, "include_inactive": True}, headers=headers
    )
    assert "BN-SKHDT" in {c["code"] for c in r.json()["items"][0]["children"]}


async def test_create_update_with_etag_and_nfc(client: httpx.AsyncClient, login: Login) -> None:
    admin = await login("bn.quantri")
    son_hai = await unit_id(client, admin, "BN-SONHAI")
    decomposed = unicodedata.normalize("NFD", "Thôn Mới Sơn Hải")
    r = await client.post(
        URL,
        headers=admin,
        json={
            "code": "BN-SONHAI-T9",
            "name": decomposed,
            "type": "residential_group",
            "parent_id": son_hai,
        },
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["name"] == unicodedata.normalize("NFC", decomposed)
    assert created["level"] == 2 and r.headers["etag"] == '"1"'
    found = await client.get(URL, params={"q": "thon moi"}, headers=admin)
    assert [u["code"] for u in found.json()["items"]] == ["BN-SONHAI-T9"]

    item = f"{URL}/{created['id']}"
    assert_problem(await client.patch(item, headers=admin, json={"name": "A"}), 428)
    r = await client.patch(item, headers={**admin, "If-Match": '"1"'}, json={"name": "Thôn Mới"})
    assert r.status_code == 200 and r.headers["etag"] == '"2"'
    stale = await client.patch(item, headers={**admin, "If-Match": '"1"'}, json={"name": "B"})
    assert assert_problem(stale, 412)["current_version"] == 2
    assert (await client.get(item, headers=admin)).json()["name"] == "Thôn Mới"


async def test_duplicate_code_and_unknown_parent(client: httpx.AsyncClient, login: Login) -> None:
    admin = await login("admin")
    r = await client.post(
        URL, headers=admin, json={"code": "BN-SYT", "name": "Trùng", "type": "department"}
    )
    assert assert_problem(r, 409)["errors"][0]["field"] == "code"
    r = await client.post(
        URL,
        headers=admin,
        json={
            "code": "NEW-1",
            "name": "Mới",
            "type": "other",
            "parent_id": "00000000-0000-0000-0000-000000000000",
        },
    )
    assert assert_problem(r, 422)["errors"][0]["field"] == "parent_id"


async def test_move_prevents_cycles_and_carries_the_subtree(
    client: httpx.AsyncClient, login: Login
) -> None:
    admin = await login("admin")
    son_hai = await unit_id(client, admin, "BN-SONHAI")
    station = await unit_id(client, admin, "BN-SONHAI-TYT")
    luc_ngan = await unit_id(client, admin, "BN-LUCNGAN")

    r = await client.post(
        f"{URL}/{son_hai}/move", headers={**admin, "If-Match": '"1"'}, json={"parent_id": station}
    )
    assert assert_problem(r, 422)["errors"][0]["code"] == "cycle"
    r = await client.post(
        f"{URL}/{son_hai}/move", headers={**admin, "If-Match": '"1"'}, json={"parent_id": son_hai}
    )
    assert_problem(r, 422)

    r = await client.post(
        f"{URL}/{son_hai}/move", headers={**admin, "If-Match": '"1"'}, json={"parent_id": luc_ngan}
    )
    assert r.status_code == 200, r.text
    moved = r.json()
    assert moved["level"] == 2 and moved["parent_id"] == luc_ngan
    child = (await client.get(f"{URL}/{station}", headers=admin)).json()
    assert child["level"] == 3 and child["path"].startswith(moved["path"])


async def test_delete_referenced_unit_is_refused_leaf_is_deleted(
    client: httpx.AsyncClient, login: Login
) -> None:
    admin = await login("admin")
    son_hai = await unit_id(client, admin, "BN-SONHAI")
    r = await client.delete(f"{URL}/{son_hai}", headers={**admin, "If-Match": '"1"'})
    assert "ngừng hoạt động" in assert_problem(r, 409)["detail"]
    assert (await client.get(f"{URL}/{son_hai}", headers=admin)).status_code == 200

    r = await client.post(URL, headers=admin, json={"code": "TMP", "name": "Tạm", "type": "other"})
    tmp = r.json()["id"]
    assert (
        await client.delete(f"{URL}/{tmp}", headers={**admin, "If-Match": '"1"'})
    ).status_code == 204
    assert_problem(await client.get(f"{URL}/{tmp}", headers=admin), 404)


async def test_unit_admin_reaches_only_their_subtree(
    client: httpx.AsyncClient, login: Login
) -> None:
    bn_admin = await login("bn.quantri")
    tn_ward = await unit_id(client, bn_admin, "TN-BACKAN")
    r = await client.post(
        URL,
        headers=bn_admin,
        json={"code": "X-1", "name": "Ngoài tỉnh", "type": "other", "parent_id": tn_ward},
    )
    assert_problem(r, 403)
    r = await client.post(
        URL, headers=bn_admin, json={"code": "X-2", "name": "Gốc", "type": "other"}
    )
    assert_problem(r, 403)
    r = await client.patch(
        f"{URL}/{tn_ward}", headers={**bn_admin, "If-Match": '"1"'}, json={"name": "Đổi tên"}
    )
    assert_problem(r, 403)


async def test_reporter_cannot_change_units(client: httpx.AsyncClient, login: Login) -> None:
    reporter = await login("sonhai.baocao")
    son_hai = await unit_id(client, reporter, "BN-SONHAI")
    r = await client.post(
        URL,
        headers=reporter,
        json={"code": "X-3", "name": "Không được", "type": "other", "parent_id": son_hai},
    )
    assert_problem(r, 403)
    r = await client.patch(
        f"{URL}/{son_hai}", headers={**reporter, "If-Match": '"1"'}, json={"active": False}
    )
    assert_problem(r, 403)
