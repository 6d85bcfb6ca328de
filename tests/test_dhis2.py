"""DHIS2 dataValueSets: JSON and CSV in, JSON and CSV out, DHIS2's summary, all or nothing."""

import httpx

from tests.conftest import Login, assert_problem

URL = "/api/v1/dataValueSets"


def value_set(**kw: object) -> dict[str, object]:
    return {
        "period": "202605",
        "orgUnit": "BN-SONHAI",
        "dataValues": [
            {"dataElement": "KCB_BHYT", "value": "908", "comment": "Trạm Y tế"},
            {"dataElement": "BHYT", "value": 98, "categoryOptionCombo": "default"},
            {
                "dataElement": "HAI_LONG",
                "categoryOptionCombo": "inpatient",
                "value": "95,5",
                "orgUnit": "BN-SONHAI-TYT",
            },
        ],
        **kw,
    }


async def test_json_import_counts_like_dhis2_and_ignores_resends(
    client: httpx.AsyncClient, login: Login
) -> None:
    headers = await login("sonhai.baocao")
    r = await client.post(URL, headers=headers, json=value_set(), params={"dryRun": True})
    assert r.json()["importCount"] == {"imported": 3, "updated": 0, "ignored": 0, "deleted": 0}
    r = await client.post(URL, headers=headers, json=value_set())
    summary = r.json()
    assert summary["status"] == "SUCCESS" and summary["responseType"] == "ImportSummary"
    assert summary["importCount"] == {"imported": 3, "updated": 0, "ignored": 0, "deleted": 0}
    r = await client.post(URL, headers=headers, json=value_set())
    assert r.json()["importCount"] == {"imported": 0, "updated": 0, "ignored": 3, "deleted": 0}

    changed = value_set()
    changed["dataValues"][0]["value"] = "910"  # type: ignore[index]
    r = await client.post(URL, headers=headers, json=changed, params={"importStrategy": "CREATE"})
    assert r.json()["importCount"] == {"imported": 0, "updated": 0, "ignored": 3, "deleted": 0}
    r = await client.post(URL, headers=headers, json=changed)
    assert r.json()["importCount"] == {"imported": 0, "updated": 1, "ignored": 2, "deleted": 0}
    r = await client.post(
        URL, headers=headers, json=value_set(), params={"importStrategy": "DELETE"}
    )
    assert r.json()["importCount"]["deleted"] == 3


async def test_conflicts_import_nothing_and_speak_both_languages(
    client: httpx.AsyncClient, login: Login
) -> None:
    headers = await login("sonhai.baocao")
    bad = value_set()
    bad["dataValues"] += [  # type: ignore[operator]
        {"dataElement": "NOPE", "value": "1"},
        {"dataElement": "KCB_BHYT", "value": "abc", "period": "202606"},
        {"dataElement": "KCB_BHYT", "value": "1", "period": "202613"},
        {"dataElement": "KCB_BHYT", "value": "1", "orgUnit": "BN-LUCNGAN"},
    ]
    r = await client.post(URL, headers=headers, json=bad)
    problem = assert_problem(r, 409)
    summary = problem["response"]
    assert summary["status"] == "ERROR" and summary["importCount"]["imported"] == 0
    codes = {(c["indexes"][0], c["errorCode"]) for c in summary["conflicts"]}
    assert codes == {
        (3, "unknown_indicator"),
        (4, "not_a_number"),
        (5, "invalid_period"),
        (6, "forbidden"),
    }
    r = await client.get(URL, headers=headers, params={"orgUnit": "BN-SONHAI", "period": "202605"})
    assert r.json()["dataValues"] == []


async def test_csv_in_and_out(client: httpx.AsyncClient, login: Login) -> None:
    headers = await login("sonhai.baocao")
    csv = (
        "dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,"
        "comment,followup\n"
        "KCB_BHYT,202604,BN-SONHAI,,,812,,,,false\n"
        'TCDD,202604,BN-SONHAI,,,"38,46",,,tiêm chủng,false\n'
    )
    r = await client.post(
        URL, headers={**headers, "Content-Type": "application/csv"}, content=csv.encode()
    )
    # TCDD needs its numerator and denominator or a value: a value alone is accepted.
    assert r.status_code == 200, r.text
    assert r.json()["importCount"]["imported"] == 2
    r = await client.get(
        URL,
        headers={**headers, "Accept": "application/csv"},
        params={"orgUnit": "BN", "children": True, "period": "202604"},
    )
    lines = r.text.lstrip("\ufeff").splitlines()
    assert lines[0] == (
        "dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,"
        "lastupdated,comment,followup,deleted,numerator,denominator"
    )
    assert any(line.startswith("KCB_BHYT,202604,BN-SONHAI,default,default,812,") for line in lines)
    r = await client.get(
        URL, headers=headers, params={"dataElement": "TCDD", "orgUnit": "BN-SONHAI"}
    )
    assert any(
        v["value"] == "38.46" and v["comment"] == "tiêm chủng" for v in r.json()["dataValues"]
    )


async def test_export_by_uid_and_bad_filters(client: httpx.AsyncClient, login: Login) -> None:
    admin = await login("admin")
    r = await client.get(
        URL, headers=admin, params={"dataElement": "CL_BV", "orgUnit": "LD-DUCTRONG-TTYT"}
    )
    values = r.json()["dataValues"]
    assert sorted(v["period"] for v in values) == [str(y) for y in range(2016, 2022)]
    r = await client.get(
        URL,
        headers=admin,
        params={"dataElement": "CL_BV", "idScheme": "uid", "orgUnit": values[0]["orgUnit"]},
    )
    assert r.status_code == 422
    assert_problem(await client.get(URL, headers=admin, params={"period": "202613"}), 422)
    assert_problem(
        await client.post(URL, headers={**admin, "Content-Type": "text/plain"}, content=b"x"), 422
    )
