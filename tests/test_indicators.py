"""The indicator catalogue, targets and the analytics roll-up."""

from decimal import Decimal

import httpx

from tests.conftest import Login, assert_problem

URL = "/api/v1/indicators"


async def test_accent_insensitive_search_and_kinds(client: httpx.AsyncClient, login: Login) -> None:
    headers = await login("sonhai.baocao")
    r = await client.get(URL, params={"q": "tiem chung"}, headers=headers)
    codes = {i["code"] for i in r.json()["items"]}
    assert {"TCDD", "TCAT"} <= codes
    r = await client.get(URL, params={"kind": "impact", "limit": 500}, headers=headers)
    assert {"TUOI_THO", "CC18"} <= {i["code"] for i in r.json()["items"]}
    assert all(i["kind"] == "impact" for i in r.json()["items"])


async def test_create_and_edit_with_etag(client: httpx.AsyncClient, login: Login) -> None:
    manager = await login("syt.kehoach")
    body = {
        "code": "TEST_TL",
        "name_vi": "Tỷ lệ thử nghiệm",
        "kind": "result",
        "value_type": "percentage",
        "factor": 100,
        "aggregation": "ratio",
    }
    r = await client.post(URL, headers=manager, json=body)
    assert r.status_code == 201, r.text
    item = f"{URL}/{r.json()['id']}"
    assert_problem(await client.patch(item, headers=manager, json={"decimals": 1}), 428)
    r = await client.patch(item, headers={**manager, "If-Match": '"1"'}, json={"decimals": 1})
    assert r.status_code == 200 and r.headers["etag"] == '"2"'
    assert_problem(
        await client.patch(item, headers={**manager, "If-Match": '"1"'}, json={"decimals": 3}), 412
    )
    assert_problem(await client.post(URL, headers=manager, json=body), 409)
    bad = {**body, "code": "TEST_2", "factor": 7}
    assert (
        assert_problem(await client.post(URL, headers=manager, json=bad), 422)["errors"][0]["field"]
        == "factor"
    )
    reporter = await login("sonhai.baocao")
    assert_problem(await client.post(URL, headers=reporter, json={**body, "code": "X"}), 403)


async def test_targets_from_wording(client: httpx.AsyncClient, login: Login) -> None:
    manager = await login("syt.kehoach")
    r = await client.get("/api/v1/targets", params={"indicator": "TCDD"}, headers=manager)
    [target] = r.json()["items"]
    assert (target["comparator"], Decimal(target["value"]), target["year"]) == ("gte", 98, 2030)
    r = await client.post(
        "/api/v1/targets",
        headers=manager,
        json={"indicator": "TCDD", "org_unit": "BN-SYT", "year": 2026, "wording": "trên 95%"},
    )
    assert r.status_code == 201, r.text
    assert (r.json()["comparator"], Decimal(r.json()["value"])) == ("gt", 95)
    r = await client.post(
        "/api/v1/targets",
        headers=manager,
        json={"indicator": "TCDD", "org_unit": "BN-SYT", "year": 2027, "wording": "phổ cập"},
    )
    assert assert_problem(r, 422)["errors"][0]["code"] == "unreadable_target"
    r = await client.post(
        "/api/v1/targets/parse", headers=manager, json={"wording": "dưới 10/1.000 trẻ đẻ sống"}
    )
    assert r.json()["comparator"] == "lt" and r.json()["per"] == 1000
    reporter = await login("sonhai.baocao")
    r = await client.post(
        "/api/v1/targets",
        headers=reporter,
        json={"indicator": "TCDD", "org_unit": "BN-SONHAI", "year": 2026, "wording": "trên 95%"},
    )
    assert_problem(r, 403)


async def _put(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    values: list[dict[str, object]],
    **kw: object,
) -> httpx.Response:
    return await client.put("/api/v1/data-values", headers=headers, json={"values": values, **kw})


async def test_ratio_rolls_up_as_sums_not_an_average_of_rates(
    client: httpx.AsyncClient, login: Login
) -> None:
    admin = await login("admin")
    period = "2026Q1"
    r = await _put(
        client,
        admin,
        [
            {
                "indicator": "TCDD",
                "org_unit": "BN-SONHAI",
                "period": period,
                "numerator": 50,
                "denominator": 130,
                "status": "submitted",
            },
            {
                "indicator": "TCDD",
                "org_unit": "BN-LUCNGAN",
                "period": period,
                "numerator": 90,
                "denominator": 100,
                "status": "submitted",
            },
            {
                "indicator": "KCB_BHYT",
                "org_unit": "BN-SONHAI",
                "period": period,
                "value": 908,
                "status": "submitted",
            },
            {
                "indicator": "KCB_BHYT",
                "org_unit": "BN-LUCNGAN",
                "period": period,
                "value": "1.092",
                "status": "submitted",
            },
        ],
    )
    assert r.status_code == 200, r.text
    viewer = await login("bn.xem")
    # Q1 holds the two quarterly values, not the demo's 01/01–30/05 range.
    r = await client.get(
        "/api/v1/analytics",
        headers=viewer,
        params={"indicator": ["TCDD", "KCB_BHYT"], "org_unit": "BN", "period": period},
    )
    assert r.status_code == 200, r.text
    rows = {row["indicator"]: row for row in r.json()["rows"]}
    # (50 + 90) / (130 + 100) = 60.87 %, not (38.46 + 90) / 2 = 64.23 %.
    assert Decimal(rows["TCDD"]["value"]) == Decimal("60.87")
    assert rows["TCDD"]["target_value"] is not None and rows["TCDD"]["evaluation"] == "not_met"
    assert Decimal(rows["KCB_BHYT"]["value"]) == 2000
    assert rows["KCB_BHYT"]["evaluation"] == "no_target"

    r = await client.get(
        "/api/v1/analytics",
        headers=viewer,
        params={"indicator": "TCDD", "org_unit": "BN", "period": "2026Q1", "by": "children"},
    )
    by_unit = {row["org_unit"]: row for row in r.json()["rows"]}
    assert Decimal(by_unit["BN-SONHAI"]["value"]) == Decimal("38.46")
    assert Decimal(by_unit["BN-LUCNGAN"]["value"]) == Decimal("90.00")
    assert by_unit["BN-SYT"]["evaluation"] in ("no_data", "no_target")


async def test_demo_series_of_duc_trong(client: httpx.AsyncClient, login: Login) -> None:
    admin = await login("admin")
    r = await client.get(
        "/api/v1/analytics",
        headers=admin,
        params={
            "indicator": ["CL_BV", "HAI_LONG"],
            "org_unit": "LD-DUCTRONG-TTYT",
            "period": "2019",
        },
    )
    rows = {(row["indicator"], row["option"]): row for row in r.json()["rows"]}
    assert Decimal(rows[("CL_BV", "default")]["value"]) == Decimal("2.88")
    assert Decimal(rows[("HAI_LONG", "inpatient")]["value"]) == Decimal("99.8")
    assert Decimal(rows[("HAI_LONG", "outpatient")]["value"]) == Decimal("100.0")
    r = await client.get(
        "/api/v1/analytics",
        headers=admin,
        params={"indicator": "X", "org_unit": "BN", "period": "202613"},
    )
    assert_problem(r, 422)


async def test_value_period_type_keeps_months_and_quarters_apart(
    client: httpx.AsyncClient, login: Login
) -> None:
    admin = await login("admin")
    r = await _put(
        client,
        admin,
        [
            {
                "indicator": "KCB_BHYT",
                "org_unit": "BN-BIENSON",
                "period": p,
                "value": v,
                "status": "submitted",
            }
            for p, v in (("202604", 100), ("202605", 110), ("202606", 120), ("2026Q2", 330))
        ],
    )
    assert r.status_code == 200, r.text
    params = {"indicator": "KCB_BHYT", "org_unit": "BN-BIENSON", "period": "2026Q2"}
    r = await client.get("/api/v1/analytics", headers=admin, params=params)
    assert Decimal(r.json()["rows"][0]["value"]) == 660  # months and the quarter, both
    r = await client.get(
        "/api/v1/analytics", headers=admin, params={**params, "value_period_type": "monthly"}
    )
    assert Decimal(r.json()["rows"][0]["value"]) == 330
    r = await client.get(
        "/api/v1/analytics", headers=admin, params={**params, "value_period_type": "weekly_x"}
    )
    assert_problem(r, 422)


async def test_targets_page_with_a_cursor_and_every_target_comes_once(
    client: httpx.AsyncClient, login: Login
) -> None:
    """The list of targets is paged like every list: walking the cursor with a small page
    gives each target exactly once, in the list's order (it was capped at 5 000, uncursored)."""
    manager = await login("syt.kehoach")
    for year in range(2031, 2036):
        r = await client.post(
            "/api/v1/targets",
            headers=manager,
            json={"indicator": "TCDD", "org_unit": "BN-SYT", "year": year, "wording": "≥ 90%"},
        )
        assert r.status_code == 201, r.text
    whole = await client.get("/api/v1/targets", params={"limit": 1000}, headers=manager)
    assert whole.json()["page"]["next_cursor"] is None
    expected = [t["id"] for t in whole.json()["items"]]
    assert len(expected) >= 6
    seen: list[str] = []
    params: dict[str, object] = {"limit": 2}
    while True:
        r = await client.get("/api/v1/targets", params=params, headers=manager)
        assert r.status_code == 200, r.text
        assert len(r.json()["items"]) <= 2
        seen += [t["id"] for t in r.json()["items"]]
        cursor = r.json()["page"]["next_cursor"]
        if cursor is None:
            break
        params = {"limit": 2, "cursor": cursor}
    assert seen == expected
    bad = await client.get("/api/v1/targets", params={"cursor": "bm90LWEtbGlzdA"}, headers=manager)
    assert assert_problem(bad, 422)["errors"][0]["code"] == "invalid_cursor"
