"""The matrix as an appendix file: exported like the seed's Phụ lục, uploaded back unchanged,
and a broken file named by its rows."""

import io
from typing import Any

import httpx
import openpyxl
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import Plan
from tests.conftest import Login, assert_problem

HEADER = (
    "STT",
    "Tên nhiệm vụ",
    "Đơn vị chủ trì",
    "Mã đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Mã đơn vị phối hợp",
    "Thời hạn",
    "Kết quả thực hiện",
    "Ghi chú",
)


async def _plan_81(session: AsyncSession) -> str:
    plans = list(await session.scalars(select(Plan)))
    plan = next(
        p
        for p in plans
        if "81" in (p.title or "") or (p.status == "issued" and "Sơn Hải" in p.title)
    )
    return str(plan.id)


async def _draft_with_seed_matrix(
    client: httpx.AsyncClient, admin: dict[str, str], source: str
) -> tuple[str, str]:
    """A new draft plan of Sơn Hải holding the demo plan's 21-task matrix."""
    matrix = (await client.get(f"/api/v1/plans/{source}/matrix", headers=admin)).json()
    son_hai = (
        await client.get("/api/v1/org-units", headers=admin, params={"q": "BN-SONHAI"})
    ).json()["items"][0]["id"]
    r = await client.post(
        "/api/v1/plans", headers=admin, json={"owner_id": son_hai, "title": "Bản sao phụ lục"}
    )
    plan_id, etag = r.json()["id"], r.headers["etag"]
    rows = [
        {
            "number": row["number"],
            "title": row["title"],
            "lead": row["lead"],
            "coordinating": row["coordinating"],
            "result": row["result"],
            "note": row["note"],
        }
        for row in matrix["rows"]
    ]
    r = await client.put(
        f"/api/v1/plans/{plan_id}/matrix", headers={**admin, "If-Match": etag}, json={"rows": rows}
    )
    assert r.status_code == 200, r.text
    return plan_id, r.headers["etag"]


async def test_xlsx_round_trip_of_the_21_tasks(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    admin = await login("admin")
    source = await _plan_81(session)
    r = await client.get(f"/api/v1/plans/{source}/matrix/export", headers=admin)
    assert r.status_code == 200, r.text
    assert 'filename="phu-luc-phan-cong.xlsx"' in r.headers["content-disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("PHỤ LỤC") and rows[2] == HEADER
    numbers = [row[0] for row in rows[3:]]
    assert numbers[:2] == ["I", "1"] and len(numbers) == 27  # 6 groups + 21 tasks
    task1 = rows[4]
    assert task1[1].startswith("Tuyên truyền") and "UBND" in task1[2]

    plan_id, etag = await _draft_with_seed_matrix(client, admin, source)
    r = await client.put(
        f"/api/v1/plans/{plan_id}/matrix/file",
        headers={**admin, "If-Match": etag},
        files={"file": ("phu-luc.xlsx", r.content, "application/octet-stream")},
    )
    assert r.status_code == 200, r.text
    changes = r.json()
    assert not any(
        changes.get(k)
        for k in (
            "tasks_created",
            "tasks_updated",
            "tasks_deleted",
            "assignments_added",
            "assignments_removed",
        )
    ), changes
    before = (await client.get(f"/api/v1/plans/{source}/matrix", headers=admin)).json()
    after = (await client.get(f"/api/v1/plans/{plan_id}/matrix", headers=admin)).json()

    def shape(m: dict[str, Any]) -> list[tuple[Any, ...]]:
        # Coordinating units keep the order the appendix gives them.
        return [(r["number"], r["title"], r["lead"], r["coordinating"]) for r in m["rows"]]

    assert shape(after) == shape(before)


async def test_csv_round_trip_and_row_errors(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    admin = await login("admin")
    source = await _plan_81(session)
    r = await client.get(
        f"/api/v1/plans/{source}/matrix/export", headers=admin, params={"format": "csv"}
    )
    text = r.text.lstrip("\ufeff")
    assert text.splitlines()[0] == ",".join(HEADER)
    plan_id, etag = await _draft_with_seed_matrix(client, admin, source)
    r = await client.put(
        f"/api/v1/plans/{plan_id}/matrix/file",
        headers={**admin, "If-Match": etag},
        data={"dry_run": "true"},
        files={"file": ("phu-luc.csv", text.encode(), "text/csv")},
    )
    assert r.status_code == 200, r.text
    # The code column names the units: a wrong code there is what the import reads.
    broken = text.replace("BN-SONHAI-TYT", "Trạm Xá Không Có", 1)
    r = await client.put(
        f"/api/v1/plans/{plan_id}/matrix/file",
        headers={**admin, "If-Match": etag},
        files={"file": ("phu-luc.csv", broken.encode(), "text/csv")},
    )
    errors = assert_problem(r, 422)["errors"]
    line = next(
        n
        for n, text_line in enumerate(broken.splitlines(), start=1)
        if "Trạm Xá Không Có" in text_line
    )
    assert any(
        e["row"] == line
        and e["code"] == "unknown_unit"
        and e["field"] in ("Mã đơn vị chủ trì", "Mã đơn vị phối hợp")
        for e in errors
    ), errors
    r = await client.put(
        f"/api/v1/plans/{plan_id}/matrix/file",
        headers={**admin, "If-Match": etag},
        files={"file": ("x.xlsx", b"not a workbook", "x/y")},
    )
    assert assert_problem(r, 422)["errors"][0]["code"] == "not_xlsx"


async def test_the_seed_appendix_through_the_import_pipeline(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    """The exported Phụ lục (title row above its header) loads into a new draft plan as a
    plan_matrix import; a stale plan version is refused and writes nothing."""
    admin = await login("admin")
    source = await _plan_81(session)
    appendix = (await client.get(f"/api/v1/plans/{source}/matrix/export", headers=admin)).content
    son_hai = (
        await client.get("/api/v1/org-units", headers=admin, params={"q": "BN-SONHAI"})
    ).json()["items"][0]["id"]
    r = await client.post(
        "/api/v1/plans", headers=admin, json={"owner_id": son_hai, "title": "Nhập từ phụ lục"}
    )
    plan_id = r.json()["id"]
    files = {"file": ("phu-luc.xlsx", appendix, "application/octet-stream")}
    url = "/api/v1/imports/plan_matrix"
    stale = await client.post(
        url, headers=admin, files=files, data={"plan_id": plan_id, "plan_version": "7"}
    )
    assert assert_problem(stale, 422)["errors"][0]["code"] == "stale_plan"
    missing = await client.post(url, headers=admin, files=files)
    assert assert_problem(missing, 422)["errors"][0]["code"] == "missing_plan"
    assert (await client.get(f"/api/v1/plans/{plan_id}/matrix", headers=admin)).json()["rows"] == []

    r = await client.post(
        url, headers=admin, files=files, data={"plan_id": plan_id, "plan_version": "1"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["counts"]["created"] == 27 and r.json()["rows_total"] == 27
    matrix = (await client.get(f"/api/v1/plans/{plan_id}/matrix", headers=admin)).json()
    assert len([row for row in matrix["rows"] if not row["is_group"]]) == 21
    # Someone else's plan: the reporter of another commune may not load it.
    r = await client.post(
        url,
        headers=await login("lucngan.baocao"),
        files=files,
        data={"plan_id": plan_id, "plan_version": "2"},
    )
    assert assert_problem(r, 422)["errors"][0]["code"] in {"unknown_plan", "forbidden"}


async def test_task_timing_read_from_the_file(client: httpx.AsyncClient, login: Login) -> None:
    admin = await login("admin")
    son_hai = (
        await client.get("/api/v1/org-units", headers=admin, params={"q": "BN-SONHAI"})
    ).json()["items"][0]["id"]
    r = await client.post(
        "/api/v1/plans", headers=admin, json={"owner_id": son_hai, "title": "Có thời hạn"}
    )
    plan_id, etag = r.json()["id"], r.headers["etag"]
    body = (
        "STT,Tên nhiệm vụ,Đơn vị chủ trì,Thời hạn\n"
        "I,Nhóm một,,\n"
        "1,Khám sàng lọc,BN-SONHAI-TYT,30/6/2026\n"
        "2,Tuyên truyền,BN-SONHAI-UBND,Thường xuyên\n"
        "3,Báo cáo năm,BN-SONHAI-UBND,2027\n"
    )
    url = f"/api/v1/plans/{plan_id}/matrix/file"
    bad = body.replace("2027", "sớm")
    r = await client.put(
        url,
        headers={**admin, "If-Match": etag},
        files={"file": ("m.csv", bad.encode(), "text/csv")},
    )
    error = assert_problem(r, 422)["errors"][0]
    assert (error["row"], error["field"], error["code"]) == (5, "Thời hạn", "invalid_timing")
    r = await client.put(
        url,
        headers={**admin, "If-Match": etag},
        files={"file": ("m.csv", body.encode(), "text/csv")},
    )
    assert r.status_code == 200, r.text
    rows = {
        row["number"]: row
        for row in (await client.get(f"/api/v1/plans/{plan_id}/matrix", headers=admin)).json()[
            "rows"
        ]
    }
    assert rows["1"]["deadline"] == "2026-06-30" and rows["1"]["recurrence"] is None
    assert rows["2"]["recurrence"] == "ongoing" and rows["3"]["deadline"] == "2027-12-31"
    # What a unit must do, and by when.
    tyt = rows["1"]["lead"]
    assert tyt == "BN-SONHAI-TYT"
