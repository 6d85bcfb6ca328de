"""Plans: drafts seen only by their owner unit, ETags on writes, issue, immutability, amendments."""

from typing import Any

import httpx

from tests.conftest import Login, assert_problem, unit_id

URL = "/api/v1/plans"


async def _draft(client: httpx.AsyncClient, headers: dict[str, str], **extra: Any) -> Any:
    owner = await unit_id(client, headers, "BN-SYT")
    body = {
        "owner_id": owner,
        "title": "Kế hoạch thử nghiệm chăm sóc sức khỏe",
        "period_start": 2026,
        "period_end": 2030,
        "vision_year": 2045,
        "sections": [{"kind": "purpose", "heading": "Mục đích", "body": "Nâng cao sức khỏe"}],
        "objectives": ["100% trạm y tế có bác sĩ"],
        **extra,
    }
    r = await client.post(URL, json=body, headers=headers)
    assert r.status_code == 201, r.text
    assert r.headers["ETag"] == '"1"'
    return r.json()


async def test_draft_crud_with_etags(client: httpx.AsyncClient, login: Login) -> None:
    headers = await login("syt.kehoach")
    plan = await _draft(client, headers)
    assert plan["status"] == "draft" and plan["sections"][0]["heading"] == "Mục đích"
    url = f"{URL}/{plan['id']}"

    assert_problem(await client.patch(url, json={"title": "Mới"}, headers=headers), 428)
    stale = {**headers, "If-Match": '"7"'}
    assert_problem(await client.patch(url, json={"title": "Mới"}, headers=stale), 412)
    r = await client.patch(
        url, json={"title": "Kế hoạch mới"}, headers={**headers, "If-Match": '"1"'}
    )
    assert r.status_code == 200, r.text
    assert r.json()["title"] == "Kế hoạch mới" and r.headers["ETag"] == '"2"'
    # The old ETag is stale now.
    assert_problem(
        await client.patch(url, json={"title": "X"}, headers={**headers, "If-Match": '"1"'}), 412
    )
    bad = {**headers, "If-Match": '"2"'}
    assert_problem(await client.patch(url, json={"period_start": 2031}, headers=bad), 422)
    assert_problem(await client.patch(url, json={"parent_ids": [plan["id"]]}, headers=bad), 422)
    assert_problem(await client.patch(url, json={"title": None}, headers=bad), 422)
    got = await client.get(url, headers=headers)
    assert got.json()["title"] == "Kế hoạch mới" and got.headers["ETag"] == '"2"'


async def test_draft_is_invisible_outside_its_owner_unit(
    client: httpx.AsyncClient, login: Login
) -> None:
    headers = await login("syt.kehoach")
    plan = await _draft(client, headers)
    url = f"{URL}/{plan['id']}"
    # A viewer over the whole province sees it; a reporter of another commune does not.
    viewer = await login("bn.xem")
    assert (await client.get(url, headers=viewer)).status_code == 200
    for user in ("lucngan.baocao", "backan.kehoach"):
        other = await login(user)
        etagged = {**other, "If-Match": '"1"'}
        assert_problem(await client.get(url, headers=other), 404)
        assert_problem(await client.patch(url, json={"title": "X"}, headers=etagged), 404)
        assert_problem(await client.post(f"{url}/issue", headers=etagged), 404)
        assert_problem(
            await client.post(f"{url}/amendments", json={"reason": "x"}, headers=etagged), 404
        )
        r = await client.get(URL, params={"limit": 500}, headers=other)
        assert plan["id"] not in {p["id"] for p in r.json()["items"]}
    r = await client.get(URL, params={"limit": 500, "status": "draft"}, headers=headers)
    assert plan["id"] in {p["id"] for p in r.json()["items"]}


async def test_issue_makes_plan_public_and_immutable_except_by_amendment(
    client: httpx.AsyncClient, login: Login
) -> None:
    headers = await login("syt.kehoach")
    plan = await _draft(client, headers)
    url = f"{URL}/{plan['id']}"
    # Not issuable without a numbered document.
    assert_problem(await client.post(f"{url}/issue", headers={**headers, "If-Match": '"1"'}), 409)
    syt = await unit_id(client, headers, "BN-SYT")
    doc = await client.post(
        "/api/v1/documents",
        json={
            "type": "KH",
            "number": "8801",
            "symbol": "KH-SYT",
            "issuer_id": syt,
            "issued_on": "2026-02-03",
            "title": plan["title"],
        },
        headers=headers,
    )
    assert doc.status_code == 201, doc.text
    r = await client.patch(
        url, json={"document_id": doc.json()["id"]}, headers={**headers, "If-Match": '"1"'}
    )
    assert r.status_code == 200, r.text
    r = await client.post(f"{url}/issue", headers={**headers, "If-Match": '"2"'})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "issued"
    assert r.json()["reference"] == "Kế hoạch số 8801/KH-SYT ngày 3/2/2026"

    other = await login("lucngan.baocao")
    assert (await client.get(url, headers=other)).status_code == 200
    r = await client.get(URL, params={"limit": 500, "status": "issued"}, headers=other)
    assert plan["id"] in {p["id"] for p in r.json()["items"]}
    # A reader is not an editor.
    assert_problem(
        await client.post(
            f"{url}/amendments", json={"reason": "x"}, headers={**other, "If-Match": '"3"'}
        ),
        403,
    )

    current = {**headers, "If-Match": '"3"'}
    p = assert_problem(await client.patch(url, json={"title": "Sửa"}, headers=current), 409)
    assert "amendments" in p["detail"]
    assert_problem(await client.post(f"{url}/issue", headers=current), 409)
    assert_problem(
        await client.post(f"{url}/amendments", json={"title": "Sửa"}, headers=current), 422
    )
    r = await client.post(
        f"{url}/amendments",
        json={"reason": "Điều chỉnh theo Nghị quyết mới", "vision_year": 2050},
        headers=current,
    )
    assert r.status_code == 200, r.text
    assert r.json()["vision_year"] == 2050 and r.json()["status"] == "issued"
    assert r.headers["ETag"] == '"4"'


async def test_only_plan_managers_of_the_owner_create(
    client: httpx.AsyncClient, login: Login
) -> None:
    reporter = await login("lucngan.baocao")
    lucngan = await unit_id(client, reporter, "BN-LUCNGAN")
    r = await client.post(URL, json={"owner_id": lucngan, "title": "X"}, headers=reporter)
    assert_problem(r, 403)
    manager = await login("backan.kehoach")
    r = await client.post(URL, json={"owner_id": lucngan, "title": "X"}, headers=manager)
    assert_problem(r, 403)
    backan = await unit_id(client, manager, "TN-BACKAN")
    r = await client.post(
        URL, json={"owner_id": backan, "title": "X", "parent_ids": [lucngan]}, headers=manager
    )
    assert_problem(r, 422)


async def test_a_units_responsibilities_across_plans(
    client: httpx.AsyncClient, login: Login
) -> None:
    viewer = await login("bn.xem")
    r = await client.get("/api/v1/org-units", headers=viewer, params={"q": "BN-SONHAI-TYT"})
    station = next(u["id"] for u in r.json()["items"] if u["code"] == "BN-SONHAI-TYT")
    r = await client.get(f"/api/v1/org-units/{station}/assignments", headers=viewer)
    assert r.status_code == 200, r.text
    tasks = {(t["number"], t["role"]) for t in r.json()["items"]}
    assert ("7", "lead") in tasks and ("1", "coordinating") in tasks
    assert all(t["plan_status"] == "issued" and t["plan_reference"] for t in r.json()["items"])
    r = await client.get(
        f"/api/v1/org-units/{station}/assignments", headers=viewer, params={"role": "lead"}
    )
    assert {t["role"] for t in r.json()["items"]} == {"lead"} and len(r.json()["items"]) >= 10
    r = await client.get(
        "/api/v1/org-units/00000000-0000-0000-0000-000000000000/assignments", headers=viewer
    )
    assert r.status_code == 404


async def test_a_child_plan_carries_the_tasks_its_unit_was_assigned(
    client: httpx.AsyncClient, login: Login
) -> None:
    admin = await login("admin")
    plans = (await client.get(URL, headers=admin, params={"limit": 100})).json()["items"]
    parent = next(p for p in plans if (p["reference"] or "").startswith("Kế hoạch số 81/"))
    matrix = (await client.get(f"{URL}/{parent['id']}/matrix", headers=admin)).json()
    station = "BN-SONHAI-TYT"
    theirs = {r["number"] for r in matrix["rows"] if station in r["cells"]}
    assert "6" in theirs and "1" in theirs  # lead of 6, coordinating in 1
    tyt = await unit_id(client, admin, station)

    body = {"owner_id": tyt, "title": "Kế hoạch của Trạm Y tế xã Sơn Hải"}
    assert_problem(
        await client.post(
            f"{URL}/{parent['id']}/children", json=body, headers=await login("lucngan.baocao")
        ),
        403,
    )
    r = await client.post(f"{URL}/{parent['id']}/children", json=body, headers=admin)
    assert r.status_code == 201, r.text
    child = r.json()
    assert child["status"] == "draft" and child["parents"] == [
        {"id": parent["id"], "title": parent["title"]}
    ]
    rows = (await client.get(f"{URL}/{child['id']}/matrix", headers=admin)).json()["rows"]
    tasks = {r["number"] for r in rows if not r["is_group"]}
    assert tasks == theirs
    groups = {r["number"] for r in rows if r["is_group"]}
    assert groups and groups <= {"I", "II", "III", "IV", "V", "VI"}
    six = next(r for r in rows if r["number"] == "6")
    assert six["lead"] == station  # the assignment came along

    listed = (await client.get(f"{URL}/{parent['id']}/children", headers=admin)).json()["items"]
    mine = next(c for c in listed if c["id"] == child["id"])
    assert {c["number"] for c in mine["covered"]} >= theirs
    # A draft child is the owner unit's: another commune's reporter does not see it listed.
    other = await login("lucngan.baocao")
    listed = (await client.get(f"{URL}/{parent['id']}/children", headers=other)).json()["items"]
    assert child["id"] not in {c["id"] for c in listed}


async def test_demo_plans_of_seeds_002_and_003_and_the_cascade(
    client: httpx.AsyncClient, login: Login
) -> None:
    viewer = await login("bn.xem")
    plans = (await client.get(URL, headers=viewer, params={"limit": 200})).json()["items"]
    by_ref = {p["reference"].split(" ngày")[0]: p for p in plans if p["reference"]}
    p242 = by_ref["Kế hoạch số 242/KH-UBND"]
    assert (p242["period_start"], p242["period_end"], p242["vision_year"]) == (2024, 2030, 2045)
    assert [s["kind"] for s in p242["sections"]][:2] == ["purpose", "requirements"]
    rows = (await client.get(f"{URL}/{p242['id']}/matrix", headers=viewer)).json()["rows"]
    groups = [r for r in rows if r["parent_number"] == "III"]
    assert [g["number"] for g in groups] == [str(n) for n in range(1, 13)]
    assert groups[7]["title"] == "Ứng dụng công nghệ thông tin và chuyển đổi số"
    bodies = [r for r in rows if r["parent_number"] == "IV"]
    assert len(bodies) == 16 and bodies[9]["title"] == "Bảo hiểm xã hội tỉnh"
    insurance = next(r for r in rows if r["number"] == "IV.10.1")
    assert insurance["lead"] == "BN-BHXH" and "BN-SYT" in insurance["coordinating"]
    vague = next(r for r in rows if r["number"] == "IV.16.1")
    assert vague["lead"] is None and vague["note"].startswith("Theo văn bản: Ủy ban nhân dân")

    # The cascade: 81 → 142 → 05-CTr/TU → 282/NQ-CP → 72-NQ/TW.
    chain = []
    plan = by_ref["Kế hoạch số 81/KH-UBND"]
    while plan["parents"]:
        parent = (await client.get(f"{URL}/{plan['parents'][0]['id']}", headers=viewer)).json()
        chain.append(parent["reference"].split(" ngày")[0])
        plan = parent
    assert chain == [
        "Kế hoạch số 142/KH-UBND",
        "Chương trình số 05-CTr/TU",
        "Nghị quyết số 282/NQ-CP",
        "Nghị quyết số 72-NQ/TW",
    ]

    # Bắc Kạn's plan is a draft (unnumbered): its ward sees it, Bắc Ninh does not.
    ward = await login("backan.kehoach")
    theirs = (await client.get(URL, headers=ward, params={"status": "draft"})).json()["items"]
    bac_kan = next(p for p in theirs if "phường Bắc Kạn" in p["title"])
    assert bac_kan["reference"] == "Số: /KH-UBND"
    assert_problem(await client.get(f"{URL}/{bac_kan['id']}", headers=viewer), 404)
    rows = (await client.get(f"{URL}/{bac_kan['id']}/matrix", headers=ward)).json()["rows"]
    assert [r["number"] for r in rows if r["parent_number"] == "III"] == [
        str(n) for n in range(1, 7)
    ]
    station = [r for r in rows if r["lead"] == "TN-BACKAN-TYT"]
    assert station and all(r["number"].startswith("IV.2.") for r in station)
