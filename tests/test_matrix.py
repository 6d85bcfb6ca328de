"""The task-assignment matrix: replace with dry run, round trip, row errors, visibility."""

from typing import Any

import httpx
import pytest

from tests.conftest import Login, assert_problem, unit_id

URL = "/api/v1/plans"

ROWS: list[dict[str, Any]] = [
    {"number": "I", "title": "Công tác lãnh đạo, chỉ đạo"},
    {
        "number": "1",
        "title": "Ban hành kế hoạch triển khai",
        "lead": "BN-SONHAI-UBND",
        "coordinating": ["trạm y tế xã sơn hải", "BN-SONHAI-CA"],
        "result": "Kế hoạch",
        "note": "Các cơ quan liên quan",
    },
    {"number": "1.1", "title": "Rà soát đối tượng", "lead": "Công an xã Sơn Hải"},
    {"number": "II", "title": "Truyền thông"},
    {"number": "2", "title": "Tuyên truyền trên loa truyền thanh"},
]


async def _draft(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    owner = await unit_id(client, headers, "BN-SYT")
    r = await client.post(URL, json={"owner_id": owner, "title": "Ma trận thử"}, headers=headers)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _summary(matrix: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (r["number"], r["parent_number"], r["title"], r["lead"], sorted(r["coordinating"]))
        for r in matrix["rows"]
    ]


async def test_replace_round_trip_with_dry_run(client: httpx.AsyncClient, login: Login) -> None:
    headers = await login("syt.kehoach")
    plan = await _draft(client, headers)
    url = f"{URL}/{plan}/matrix"
    assert_problem(await client.put(url, json={"rows": ROWS}, headers=headers), 428)

    r = await client.put(
        url, params={"dry_run": True}, json={"rows": ROWS}, headers={**headers, "If-Match": '"1"'}
    )
    assert r.status_code == 200, r.text
    dry = r.json()
    assert dry["dry_run"] is True
    assert dry["tasks_created"] == ["I", "1", "1.1", "II", "2"]
    assert {(a["number"], a["unit"], a["role"]) for a in dry["assignments_added"]} == {
        ("1", "BN-SONHAI-UBND", "lead"),
        ("1", "BN-SONHAI-TYT", "coordinating"),
        ("1", "BN-SONHAI-CA", "coordinating"),
        ("1.1", "BN-SONHAI-CA", "lead"),
    }
    assert [w["number"] for w in dry["warnings"]] == ["2"]
    got = await client.get(url, headers=headers)
    assert got.json()["rows"] == [] and got.headers["ETag"] == '"1"'

    r = await client.put(url, json={"rows": ROWS}, headers={**headers, "If-Match": '"1"'})
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] == '"2"'
    got = (await client.get(url, headers=headers)).json()
    assert _summary(got) == [
        ("I", None, "Công tác lãnh đạo, chỉ đạo", None, []),
        (
            "1",
            "I",
            "Ban hành kế hoạch triển khai",
            "BN-SONHAI-UBND",
            ["BN-SONHAI-CA", "BN-SONHAI-TYT"],
        ),
        ("1.1", "1", "Rà soát đối tượng", "BN-SONHAI-CA", []),
        ("II", None, "Truyền thông", None, []),
        ("2", "II", "Tuyên truyền trên loa truyền thanh", None, []),
    ]
    assert (
        got["rows"][1]["note"] == "Các cơ quan liên quan" and got["rows"][1]["result"] == "Kế hoạch"
    )
    assert got["rows"][1]["cells"]["BN-SONHAI-TYT"] == "coordinating"
    assert [(w["number"], w["code"]) for w in got["warnings"]] == [("2", "no_lead")]
    assert {c["code"] for c in got["columns"]} == {
        "BN-SONHAI-UBND",
        "BN-SONHAI-TYT",
        "BN-SONHAI-CA",
    }
    assert got["version"] == 2

    # The same rows again: nothing to change. Then drop 1.1 and rename 2.
    r = await client.put(
        url, params={"dry_run": True}, json={"rows": ROWS}, headers={**headers, "If-Match": '"2"'}
    )
    same = r.json()
    assert not (same["tasks_created"] or same["tasks_updated"] or same["tasks_deleted"])
    assert not (same["assignments_added"] or same["assignments_removed"])
    edited = [row for row in ROWS if row["number"] != "1.1"]
    edited[-1] = {**edited[-1], "title": "Tuyên truyền", "lead": "BN-SONHAI-MTTQ"}
    r = await client.put(url, json={"rows": edited}, headers={**headers, "If-Match": '"2"'})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["tasks_deleted"] == ["1.1"] and body["tasks_updated"] == ["2"]
    assert body["tasks_created"] == []
    assert [a["number"] for a in body["assignments_removed"]] == ["1.1"]
    assert [(a["number"], a["unit"]) for a in body["assignments_added"]] == [
        ("2", "BN-SONHAI-MTTQ")
    ]
    got = (await client.get(url, headers=headers)).json()
    assert [r["number"] for r in got["rows"]] == ["I", "1", "II", "2"] and got["warnings"] == []
    # A stale ETag is refused.
    assert_problem(
        await client.put(url, json={"rows": ROWS}, headers={**headers, "If-Match": '"2"'}), 412
    )


@pytest.mark.parametrize(
    ("bad_row", "column", "code"),
    [
        ({"number": "3", "title": "X", "lead": "Trạm Y tế Sơn Hai"}, "lead", "unknown_unit"),
        (
            {"number": "3", "title": "X", "coordinating": ["Không có đơn vị này"]},
            "coordinating",
            "unknown_unit",
        ),
        ({"number": "1", "title": "Trùng số"}, "number", "duplicate_number"),
        ({"number": "3", "title": "   "}, "title", "empty_title"),
        ({"number": "3.1", "title": "Cha không có"}, "parent", "unknown_parent"),
    ],
)
async def test_bad_rows_are_422_and_write_nothing(
    client: httpx.AsyncClient, login: Login, bad_row: dict[str, Any], column: str, code: str
) -> None:
    headers = await login("syt.kehoach")
    plan = await _draft(client, headers)
    url = f"{URL}/{plan}/matrix"
    rows = [*ROWS, bad_row]
    for dry_run in (True, False):
        r = await client.put(
            url,
            params={"dry_run": dry_run},
            json={"rows": rows},
            headers={**headers, "If-Match": '"1"'},
        )
        problem = assert_problem(r, 422)
        assert [(e["row"], e["column"], e["code"]) for e in problem["errors"]] == [
            (6, column, code)
        ]
    if code == "unknown_unit" and column == "lead":
        assert "BN-SONHAI-TYT" in problem["errors"][0]["message"]
    got = await client.get(url, headers=headers)
    assert got.json()["rows"] == [] and got.headers["ETag"] == '"1"'


async def test_cycle_and_every_error_listed(client: httpx.AsyncClient, login: Login) -> None:
    headers = await login("syt.kehoach")
    plan = await _draft(client, headers)
    rows = [
        {"number": "A", "title": "A", "parent": "B"},
        {"number": "B", "title": "B", "parent": "A"},
        {"number": "C", "title": "", "lead": "XYZ-KHONG-CO"},
    ]
    r = await client.put(
        f"{URL}/{plan}/matrix", json={"rows": rows}, headers={**headers, "If-Match": '"1"'}
    )
    problem = assert_problem(r, 422)
    found = {(e["row"], e["column"], e["code"]) for e in problem["errors"]}
    assert found == {
        (1, "parent", "cycle"),
        (2, "parent", "cycle"),
        (3, "title", "empty_title"),
        (3, "lead", "unknown_unit"),
    }


async def test_matrix_of_a_draft_is_hidden_and_of_an_issued_plan_frozen(
    client: httpx.AsyncClient, login: Login
) -> None:
    headers = await login("syt.kehoach")
    plan = await _draft(client, headers)
    url = f"{URL}/{plan}/matrix"
    other = await login("lucngan.baocao")
    assert_problem(await client.get(url, headers=other), 404)
    assert_problem(
        await client.put(url, json={"rows": ROWS}, headers={**other, "If-Match": '"1"'}), 404
    )
    syt = await unit_id(client, headers, "BN-SYT")
    doc = await client.post(
        "/api/v1/documents",
        json={
            "type": "KH",
            "number": "8802",
            "symbol": "KH-SYT",
            "issuer_id": syt,
            "issued_on": "2026-03-01",
            "title": "T",
        },
        headers=headers,
    )
    r = await client.put(url, json={"rows": ROWS}, headers={**headers, "If-Match": '"1"'})
    assert r.status_code == 200
    await client.patch(
        f"{URL}/{plan}",
        json={"document_id": doc.json()["id"]},
        headers={**headers, "If-Match": '"2"'},
    )
    r = await client.post(f"{URL}/{plan}/issue", headers={**headers, "If-Match": '"3"'})
    assert r.status_code == 200, r.text
    got = await client.get(url, headers=other)
    assert got.status_code == 200 and len(got.json()["rows"]) == 5
    assert_problem(
        await client.put(url, json={"rows": ROWS}, headers={**headers, "If-Match": '"4"'}), 409
    )


async def test_demo_plan_81_has_21_tasks_in_6_groups(
    client: httpx.AsyncClient, login: Login
) -> None:
    headers = await login("lucngan.baocao")
    son_hai = await unit_id(client, headers, "BN-SONHAI")
    r = await client.get(URL, params={"owner_id": son_hai, "status": "issued"}, headers=headers)
    plans = [
        p for p in r.json()["items"] if p["reference"] == "Kế hoạch số 81/KH-UBND ngày 1/12/2025"
    ]
    assert len(plans) == 1
    assert [p["title"] for p in plans[0]["parents"]] and plans[0]["status"] == "issued"
    got = (await client.get(f"{URL}/{plans[0]['id']}/matrix", headers=headers)).json()
    groups = [r for r in got["rows"] if r["is_group"]]
    tasks = [r for r in got["rows"] if not r["is_group"]]
    assert [g["number"] for g in groups] == ["I", "II", "III", "IV", "V", "VI"]
    assert [t["number"] for t in tasks] == [str(n) for n in range(1, 22)]
    assert all(t["parent_number"] in {g["number"] for g in groups} for t in tasks)
    assert got["warnings"] == []
    assert tasks[11]["cells"] == {
        "BN-SONHAI-MN": "lead",
        "BN-SONHAI-TH": "lead",
        "BN-SONHAI-THCS": "lead",
        "BN-SONHAI-TYT": "coordinating",
    }
    assert tasks[20]["note"] == "Phối hợp: Các cơ quan liên quan"
