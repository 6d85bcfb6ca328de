"""Report requests over HTTP: request 2429/SYT-KHTH as seed 000 sent it, a request from
draft to closed, and its status and rates."""

from decimal import Decimal

import httpx

from tests.conftest import Login, assert_problem, unit_id
from tests.reporting import REQUESTS, SUBMISSIONS, if_match, seed_request


async def test_seed_request_as_sent(client: httpx.AsyncClient, login: Login) -> None:
    request = await seed_request(client, await login("syt.thamdinh"))
    assert request["reference"] == "Công văn số 2429/SYT-KHTH ngày 14/5/2026"
    assert request["plan_reference"] == "Kế hoạch số 142/KH-UBND ngày 21/11/2025"
    assert request["status"] == "open" and request["period_start"] == "2026-01-01"
    assert [i["code"] for i in request["indicators"]] == [
        "KCB_BHYT",
        "TCDD",
        "TCAT",
        "SDD_NC",
        "BHYT",
    ]
    assert {u["code"] for u in request["units"]} == {"BN-SONHAI", "BN-SDTTG", "BN-LUCNGAN"}
    assert [s["key"] for s in request["outline"]][:2] == ["I", "II"]


async def test_status_and_rates(client: httpx.AsyncClient, login: Login) -> None:
    headers = await login("syt.thamdinh")
    request = await seed_request(client, headers)
    r = await client.get(f"{REQUESTS}/{request['id']}/status", headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    states = {u["org_unit"]["code"]: u for u in body["units"]}
    assert states["BN-SDTTG"]["state"] == "accepted" and not states["BN-SDTTG"]["late"]
    assert states["BN-SONHAI"]["state"] == "submitted"
    assert states["BN-LUCNGAN"]["state"] == "not_started" and states["BN-LUCNGAN"]["overdue"]
    rates = body["rates"]
    assert (rates["expected"], rates["submitted"], rates["on_time"], rates["accepted"]) == (
        3,
        2,
        2,
        1,
    )
    assert Decimal(rates["completeness"]) == Decimal("66.67")
    assert Decimal(rates["timeliness"]) == Decimal("66.67")
    r = await client.get(SUBMISSIONS, params={"overdue": "true"}, headers=headers)
    # Lục Ngạn's draft is overdue, but a draft is not the reviewer's to see.
    assert r.status_code == 200 and r.json()["items"] == []
    lucngan = await login("lucngan.baocao")
    r = await client.get(SUBMISSIONS, params={"overdue": "true"}, headers=lucngan)
    assert [s["org_unit"]["code"] for s in r.json()["items"]] == ["BN-LUCNGAN"]


async def test_a_request_from_draft_to_closed(client: httpx.AsyncClient, login: Login) -> None:
    manager, reporter = await login("syt.kehoach"), await login("lucngan.baocao")
    syt = await unit_id(client, manager, "BN-SYT")
    lucngan = await unit_id(client, manager, "BN-LUCNGAN")
    inactive = await unit_id(client, manager, "BN-BV-UB")
    body = {
        "requester_id": syt,
        "title": "Báo cáo quý II/2026 về tiêm chủng",
        "period": "2026Q2",
        "due_date": "2026-07-10",
        "indicators": ["TCDD"],
        "units": {"unit_ids": [lucngan]},
    }
    r = await client.post(REQUESTS, json=body, headers=manager)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["status"] == "draft" and created["period_end"] == "2026-06-30"
    url = f"{REQUESTS}/{created['id']}"
    # A draft request is not the units' to see yet.
    assert_problem(await client.get(url, headers=reporter), 404)
    assert_problem(await client.post(REQUESTS, json=body, headers=reporter), 403)
    bad = await client.post(REQUESTS, json={**body, "period": "2026Q5"}, headers=manager)
    assert assert_problem(bad, 422)["errors"][0]["field"] == "period"
    r = await client.post(f"{url}/open", headers=if_match(manager, 1))
    assert r.status_code == 200 and r.json()["status"] == "open"
    notes = (await client.get("/api/v1/notifications", headers=reporter)).json()["items"]
    assert notes[0]["kind"] == "new_request" and "10/07/2026" in notes[0]["body"]
    assert (await client.get(url, headers=reporter)).status_code == 200
    # Open: the period is fixed; units may be added, not removed.
    r = await client.patch(url, json={"period": "2026Q3"}, headers=if_match(manager, 2))
    assert_problem(r, 409)
    r = await client.patch(
        url, json={"units": {"unit_ids": [lucngan, inactive]}}, headers=if_match(manager, 2)
    )
    assert r.status_code == 200, r.text
    r = await client.post(f"{url}/close", headers=if_match(manager, 3))
    assert r.status_code == 200 and r.json()["status"] == "closed"
    subs = await client.get(SUBMISSIONS, params={"request_id": created["id"]}, headers=reporter)
    sub = subs.json()["items"][0]
    r = await client.patch(
        f"{SUBMISSIONS}/{sub['id']}", json={"title": "x"}, headers=if_match(reporter, 1)
    )
    assert_problem(r, 409)


async def test_rates_never_exceed_100(client: httpx.AsyncClient, login: Login) -> None:
    manager, admin = await login("syt.kehoach"), await login("admin")
    reviewer = await login("syt.thamdinh")
    request = await seed_request(client, reviewer)
    # Lục Ngạn closes down: it no longer counts as expected, so 2 of 2 have answered.
    unit = await unit_id(client, manager, "BN-LUCNGAN")
    current = await client.get(f"/api/v1/org-units/{unit}", headers=admin)
    r = await client.patch(
        f"/api/v1/org-units/{unit}",
        json={"active": False},
        headers=if_match(admin, current.json()["version"]),
    )
    assert r.status_code == 200, r.text
    rates = (await client.get(f"{REQUESTS}/{request['id']}/status", headers=reviewer)).json()[
        "rates"
    ]
    assert (rates["expected"], rates["submitted"]) == (2, 2)
    assert Decimal(rates["completeness"]) == 100 and Decimal(rates["timeliness"]) == 100
