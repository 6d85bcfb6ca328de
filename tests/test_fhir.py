"""FHIR R4 MeasureReports of rolled-up indicator values."""

import httpx

from tests.conftest import Login, assert_problem


async def test_measure_reports_with_populations_and_strata(
    client: httpx.AsyncClient, login: Login
) -> None:
    admin = await login("admin")
    r = await client.get(
        "/api/v1/fhir/MeasureReport",
        headers=admin,
        params={"indicator": ["TCDD", "HAI_LONG"], "org_unit": "BN", "period": "2026"},
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/fhir+json")
    bundle = r.json()
    reports = {
        e["resource"]["group"][0]["code"]["coding"][0]["code"]: e["resource"]
        for e in bundle["entry"]
    }
    tcdd = reports["TCDD"]
    assert tcdd["type"] == "summary" and tcdd["reporter"]["identifier"]["value"] == "BN"
    assert tcdd["period"] == {"start": "2026-01-01", "end": "2026-12-31"}
    populations = {
        p["code"]["coding"][0]["code"]: p["count"] for p in tcdd["group"][0]["population"]
    }
    assert populations == {"numerator": 50, "denominator": 130}
    assert tcdd["group"][0]["measureScore"]["value"] == 38.46

    r = await client.get(
        "/api/v1/fhir/MeasureReport",
        headers=admin,
        params={"indicator": "HAI_LONG", "org_unit": "LD-DUCTRONG-TTYT", "period": "2020"},
    )
    group = r.json()["entry"][0]["resource"]["group"][0]
    strata = {
        s["value"]["text"]: s["measureScore"]["value"] for s in group["stratifier"][0]["stratum"]
    }
    assert strata == {"inpatient": 95.3, "outpatient": 91.2}
    assert_problem(
        await client.get(
            "/api/v1/fhir/MeasureReport",
            headers=admin,
            params={"indicator": "NOPE", "org_unit": "BN", "period": "2026"},
        ),
        422,
    )
