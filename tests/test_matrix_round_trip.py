"""Round trip of the matrix, the org unit tree and the indicator catalogue: re-importing any
export of the product changes nothing (DESIGN §6) — every row counted unchanged, no audit row,
no version bump, identical reads."""

import io
import unicodedata
from datetime import date
from typing import Any

import httpx
import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import AuditEvent
from tests.conftest import Login

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NO_CHANGE = ("tasks_created", "tasks_updated", "tasks_deleted")
NO_ASSIGNMENT_CHANGE = ("assignments_added", "assignments_removed")

# A second province holding a commune named as Sơn Hải of Bắc Ninh, and its bodies named alike.
TWIN_TREE = (
    "code,name,type,parent_code\n"
    "HT,Tỉnh Hà Tĩnh,province,\n"
    "HT-SONHAI,Xã Sơn Hải,commune,HT\n"
    "HT-SONHAI-UBND,UBND xã Sơn Hải,people_committee,HT-SONHAI\n"
    "HT-SONHAI-TYT,Trạm Y tế xã Sơn Hải,health_station,HT-SONHAI\n"
    "HT-SONHAI-CA,Công an xã Sơn Hải,police,HT-SONHAI\n"
    "HT-SONHAI-MTTQ,Ủy ban MTTQ xã Sơn Hải,mass_organization,HT-SONHAI\n"
)


async def _audit_count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


async def _import(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    resource: str,
    name: str,
    content: bytes,
    data: dict[str, str] | None = None,
) -> dict[str, Any]:
    kind = XLSX if name.endswith(".xlsx") else "text/csv"
    r = await client.post(
        f"/api/v1/imports/{resource}",
        headers=headers,
        files={"file": (name, content, kind)},
        data=data or {},
    )
    assert r.status_code in (200, 201, 202), r.text
    job: dict[str, Any] = r.json()
    assert job["status"] == "succeeded", job
    return job


async def _twins(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    """Add the twin commune once per test (the test's transaction is rolled back)."""
    r = await client.get("/api/v1/org-units", headers=admin, params={"q": "HT-SONHAI-TYT"})
    if not r.json()["items"]:
        await _import(client, admin, "org_units", "twins.csv", TWIN_TREE.encode())


async def _draft(client: httpx.AsyncClient, admin: dict[str, str], title: str) -> tuple[str, str]:
    son_hai = (
        await client.get("/api/v1/org-units", headers=admin, params={"q": "BN-SONHAI"})
    ).json()["items"][0]["id"]
    r = await client.post(
        "/api/v1/plans", headers=admin, json={"owner_id": son_hai, "title": title}
    )
    assert r.status_code == 201, r.text
    return r.json()["id"], r.headers["etag"]


async def _round_trip_matrix(
    client: httpx.AsyncClient,
    session: AsyncSession,
    admin: dict[str, str],
    plan_id: str,
) -> None:
    """Export in both formats; upload each back through both doors; nothing may change."""
    url = f"/api/v1/plans/{plan_id}/matrix"
    before = (await client.get(url, headers=admin)).json()
    for fmt in ("xlsx", "csv"):
        r = await client.get(f"{url}/export", headers=admin, params={"format": fmt})
        assert r.status_code == 200, r.text
        content, name = r.content, f"phu-luc.{fmt}"
        audits = await _audit_count(session)
        r = await client.put(
            f"{url}/file",
            headers={**admin, "If-Match": f'"{before["version"]}"'},
            files={"file": (name, content, "application/octet-stream")},
        )
        assert r.status_code == 200, (fmt, r.text)
        changes = r.json()
        assert not any(changes[k] for k in NO_CHANGE + NO_ASSIGNMENT_CHANGE), (fmt, changes)
        assert await _audit_count(session) == audits, fmt
        job = await _import(
            client,
            admin,
            "plan_matrix",
            name,
            content,
            {"plan_id": plan_id, "plan_version": str(before["version"])},
        )
        counts = job["counts"]
        assert counts == {
            "created": 0,
            "updated": 0,
            "unchanged": len(before["rows"]),
            "deleted": 0,
            "rejected": 0,
        }, (fmt, counts)
        assert await _audit_count(session) == audits, fmt
        after = (await client.get(url, headers=admin)).json()
        assert after == before, fmt


async def test_matrix_with_deadlines_order_and_twin_names_round_trips(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    """Deadlines and recurrences survive, coordinating units keep their order, and a commune
    named like another province's one does not make the re-import ambiguous."""
    admin = await login("admin")
    await _twins(client, admin)
    plan_id, etag = await _draft(client, admin, "Thời hạn và thứ tự phối hợp")
    rows = [
        {"number": "I", "title": "Công tác truyền thông"},
        {
            "number": "1",
            "title": "Tuyên truyền về bảo hiểm y tế",
            "lead": "BN-SONHAI-UBND",
            "coordinating": ["BN-SONHAI-TYT", "BN-SONHAI-CA", "BN-SONHAI-MTTQ"],
            "deadline": "2026-06-30",
            "result": "Đã tổ chức 12 buổi",
        },
        {
            "number": "2",
            "title": "Khám sàng lọc định kỳ",
            "lead": "BN-SONHAI-TYT",
            "coordinating": ["BN-SONHAI-MTTQ", "BN-SONHAI-UBND"],
            "recurrence": "ongoing",
            "note": "Phối hợp thôn",
        },
        {"number": "II", "title": "Tiêm chủng"},
        {
            "number": "3",
            "title": "Tiêm chủng mở rộng",
            "lead": "BN-SONHAI-TYT",
            "coordinating": ["BN-SONHAI-HPN"],
            "recurrence": "six_monthly",
        },
        {"number": "3.1", "title": "Rà soát trẻ", "lead": "BN-SONHAI-CA", "recurrence": "yearly"},
        {
            "number": "3.2",
            "title": "Báo cáo quý",
            "lead": "BN-SONHAI-UBND",
            "recurrence": "quarterly",
        },
        {"number": "4", "title": "Báo cáo tháng", "lead": "BN-SONHAI-TYT", "recurrence": "monthly"},
    ]
    r = await client.put(
        f"/api/v1/plans/{plan_id}/matrix", headers={**admin, "If-Match": etag}, json={"rows": rows}
    )
    assert r.status_code == 200, r.text
    matrix = (await client.get(f"/api/v1/plans/{plan_id}/matrix", headers=admin)).json()
    by_number = {row["number"]: row for row in matrix["rows"]}
    assert by_number["1"]["coordinating"] == ["BN-SONHAI-TYT", "BN-SONHAI-CA", "BN-SONHAI-MTTQ"]
    assert by_number["2"]["coordinating"] == ["BN-SONHAI-MTTQ", "BN-SONHAI-UBND"]
    await _round_trip_matrix(client, session, admin, plan_id)


async def test_matrix_export_names_units_beside_their_codes(
    client: httpx.AsyncClient, login: Login
) -> None:
    """The appendix still reads as the seed's, with each unit's code beside its name."""
    admin = await login("admin")
    plan_id, etag = await _draft(client, admin, "Mã bên tên")
    rows = [
        {
            "number": "1",
            "title": "Khám sàng lọc",
            "lead": "BN-SONHAI-TYT",
            "coordinating": ["BN-SONHAI-UBND", "BN-SONHAI-CA"],
            "deadline": "2026-06-30",
        },
        {"number": "2", "title": "Tuyên truyền", "lead": "BN-SONHAI-UBND", "recurrence": "ongoing"},
    ]
    r = await client.put(
        f"/api/v1/plans/{plan_id}/matrix", headers={**admin, "If-Match": etag}, json={"rows": rows}
    )
    assert r.status_code == 200, r.text
    r = await client.get(f"/api/v1/plans/{plan_id}/matrix/export", headers=admin)
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert sheet is not None
    table = list(sheet.iter_rows(values_only=True))
    header = table[2]
    assert header == (
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
    first = dict(zip(header, table[3], strict=True))
    assert first["Đơn vị chủ trì"] == "Trạm Y tế xã Sơn Hải"
    assert first["Mã đơn vị chủ trì"] == "BN-SONHAI-TYT"
    assert first["Đơn vị phối hợp"] == "UBND xã Sơn Hải, Công an xã Sơn Hải"
    assert first["Mã đơn vị phối hợp"] == "BN-SONHAI-UBND, BN-SONHAI-CA"
    assert first["Thời hạn"] == "30/06/2026"
    assert dict(zip(header, table[4], strict=True))["Thời hạn"] == "Thường xuyên"


async def test_a_name_only_appendix_still_loads(client: httpx.AsyncClient, login: Login) -> None:
    """An appendix in the seed's six columns (no codes, no Thời hạn) reads as before: units
    by name, and a name two units share is refused with both codes."""
    admin = await login("admin")
    plan_id, etag = await _draft(client, admin, "Phụ lục cũ")
    body = (
        "STT,Tên nhiệm vụ,Đơn vị chủ trì,Đơn vị phối hợp,Kết quả thực hiện,Ghi chú\n"
        "I,Nhóm một,,,,\n"
        '1,Khám sàng lọc,Trạm Y tế xã Sơn Hải,"UBND xã Sơn Hải, Công an xã Sơn Hải",Xong,\n'
    )
    url = f"/api/v1/plans/{plan_id}/matrix/file"
    r = await client.put(
        url,
        headers={**admin, "If-Match": etag},
        files={"file": ("m.csv", body.encode(), "text/csv")},
    )
    assert r.status_code == 200, r.text
    etag = r.headers["etag"]
    row = (await client.get(f"/api/v1/plans/{plan_id}/matrix", headers=admin)).json()["rows"][1]
    assert (row["lead"], row["coordinating"]) == (
        "BN-SONHAI-TYT",
        ["BN-SONHAI-UBND", "BN-SONHAI-CA"],
    )
    await _twins(client, admin)
    r = await client.put(
        url,
        headers={**admin, "If-Match": etag},
        files={"file": ("m.csv", body.encode(), "text/csv")},
    )
    assert r.status_code == 422
    codes = {e["code"] for e in r.json()["errors"]}
    assert codes == {"ambiguous_unit"}, r.json()


# Text as people type it in an appendix: Vietnamese letters, digits, punctuation, inner spaces
# and line breaks; NFC, trimmed (cells are read trimmed). Cells beginning with = + - @ are in:
# the export marks them for spreadsheets and reading removes the mark (api/tabular.py).
LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXYáàảãạếềểễệốồổỗộớờởỡợứừửữự"
TEXT = (
    st.text(alphabet=LETTERS + "0123456789 ,.;:()%/'\"\n-=+@", min_size=1, max_size=30)
    .map(str.strip)
    .filter(bool)
)
# As a script may send it in JSON: padded, decomposed (NFD), with Word's soft line break.
TYPED = st.builds(
    lambda pad, text, form, end: pad + unicodedata.normalize(form, text) + end,
    st.sampled_from(["", " ", "\n"]),
    TEXT,
    st.sampled_from(["NFC", "NFD"]),
    st.sampled_from(["", " ", "\x0b"]),
)
OPTIONAL_TEXT = st.none() | st.just("") | TYPED
# Units of the demo tree, with Hà Tĩnh's twins of Sơn Hải's bodies (same names) and a name
# holding a comma (Sở Văn hóa, Thể thao và Du lịch).
UNITS = [
    "BN-SONHAI-UBND",
    "BN-SONHAI-TYT",
    "BN-SONHAI-CA",
    "BN-SONHAI-MTTQ",
    "BN-SONHAI-HPN",
    "HT-SONHAI-UBND",
    "HT-SONHAI-TYT",
    "HT-SONHAI-CA",
    "BN-SVHTTDL",
    "BN-SYT",
]
ROMAN = ["I", "II", "III", "IV"]
TIMING = st.fixed_dictionaries(
    {},
    optional={
        "deadline": st.dates(date(2020, 1, 1), date(2035, 12, 31)).map(date.isoformat),
        "recurrence": st.sampled_from(["yearly", "six_monthly", "quarterly", "monthly", "ongoing"]),
    },
)


@st.composite
def task_fields(draw: st.DrawFn) -> dict[str, Any]:
    lead = draw(st.none() | st.sampled_from(UNITS))
    others = [u for u in UNITS if u != lead]
    fields: dict[str, Any] = {
        "title": draw(TYPED),
        "lead": lead,
        "coordinating": draw(st.lists(st.sampled_from(others), unique=True, max_size=4)),
        "result": draw(OPTIONAL_TEXT),
        "note": draw(OPTIONAL_TEXT),
        "description": draw(st.none() | st.none() | TYPED),
        **draw(TIMING),
    }
    return fields


@st.composite
def matrices(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Groups I, II … holding tasks numbered on (1, 2, 3 …) with sub-tasks (3.1, 3.2), as the
    seed's appendix; now and then a task placed under another group than the one above it."""
    groups = draw(st.integers(0, 3))
    rows: list[dict[str, Any]] = []
    number = 0
    for g in range(max(groups, 1)):
        if groups:
            rows.append({"number": ROMAN[g], "title": draw(TEXT)})
        for _ in range(draw(st.integers(0 if groups else 1, 3))):
            number += 1
            task = {"number": str(number), **draw(task_fields())}
            if groups > 1 and draw(st.integers(0, 5)) == 0:
                task["parent"] = ROMAN[draw(st.integers(0, groups - 1))]
            rows.append(task)
            for sub in range(draw(st.integers(0, 2))):
                rows.append({"number": f"{number}.{sub + 1}", **draw(task_fields())})
    return rows


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=matrices())
async def test_any_matrix_export_re_imports_unchanged(
    client: httpx.AsyncClient, login: Login, session: AsyncSession, rows: list[dict[str, Any]]
) -> None:
    admin = await login("admin")
    await _twins(client, admin)
    plan_id, etag = await _draft(client, admin, "Ma trận ngẫu nhiên")
    r = await client.put(
        f"/api/v1/plans/{plan_id}/matrix", headers={**admin, "If-Match": etag}, json={"rows": rows}
    )
    assert r.status_code == 200, r.text
    matrix = (await client.get(f"/api/v1/plans/{plan_id}/matrix", headers=admin)).json()
    by_number = {row["number"]: row for row in matrix["rows"]}
    for row in rows:
        assert by_number[row["number"]]["coordinating"] == row.get("coordinating", [])
    await _round_trip_matrix(client, session, admin, plan_id)


async def test_matrix_text_is_stored_as_the_appendix_reads_it(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    """JSON text is kept trimmed and NFC, Word's soft line break as a line break, an empty
    result or note as none: what a cell reads back as. A control character that no
    spreadsheet can hold is refused (it made the XLSX export fail)."""
    admin = await login("admin")
    plan_id, etag = await _draft(client, admin, "Chữ trong ma trận")
    url = f"/api/v1/plans/{plan_id}/matrix"
    bad = [{"number": "1", "title": "Khám\x07", "lead": "BN-SONHAI-TYT"}]
    r = await client.put(url, headers={**admin, "If-Match": etag}, json={"rows": bad})
    assert r.status_code == 422 and "rows.0.title" in r.text.replace("[", ".").replace("]", ""), (
        r.text
    )
    rows = [
        {
            "number": "1",
            "title": " Kha\u0301m\x0bsàng lọc ",
            "lead": "BN-SONHAI-TYT",
            "result": "  ",
            "note": "",
            "description": "Mô tả\x0c",
        }
    ]
    r = await client.put(url, headers={**admin, "If-Match": etag}, json={"rows": rows})
    assert r.status_code == 200, r.text
    row = (await client.get(url, headers=admin)).json()["rows"][0]
    assert (row["title"], row["result"], row["note"], row["description"]) == (
        "Khám\nsàng lọc",
        None,
        None,
        "Mô tả",
    )
    await _round_trip_matrix(client, session, admin, plan_id)


async def test_a_child_plan_keeps_the_order_of_coordinating_units(
    client: httpx.AsyncClient, login: Login
) -> None:
    """Sơn Hải's own plan started from plan 81 copies its tasks' coordinating units in the
    order plan 81 gives them."""
    admin = await login("admin")
    plans = (await client.get("/api/v1/plans", headers=admin, params={"limit": 100})).json()
    parent = next(p for p in plans["items"] if (p["reference"] or "").startswith("Kế hoạch số 81/"))
    source = (await client.get(f"/api/v1/plans/{parent['id']}/matrix", headers=admin)).json()
    assert sum(len(r["coordinating"]) > 2 for r in source["rows"]) >= 3
    son_hai = (
        await client.get("/api/v1/org-units", headers=admin, params={"q": "BN-SONHAI"})
    ).json()["items"][0]["id"]
    r = await client.post(
        f"/api/v1/plans/{parent['id']}/children",
        headers=admin,
        json={"owner_id": son_hai, "title": "Kế hoạch thực hiện của xã"},
    )
    assert r.status_code == 201, r.text
    child = (await client.get(f"/api/v1/plans/{r.json()['id']}/matrix", headers=admin)).json()
    copied = {row["number"]: row["coordinating"] for row in child["rows"]}
    for row in source["rows"]:
        if row["number"] in copied:
            kept = [c for c in row["coordinating"] if c in copied[row["number"]]]
            assert copied[row["number"]] == kept, row["number"]


async def test_description_parent_and_both_timings_have_their_columns(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    """Mô tả and Thuộc mục appear when a row needs them (a description; a task placed under
    another group than the one above it), and a task with a deadline and a recurrence keeps
    both in one Thời hạn cell."""
    admin = await login("admin")
    plan_id, etag = await _draft(client, admin, "Cột thêm")
    rows = [
        {"number": "I", "title": "Nhóm một"},
        {"number": "1", "title": "Việc một", "description": "Chi tiết\nhai dòng"},
        {"number": "II", "title": "Nhóm hai"},
        {
            "number": "2",
            "title": "Việc hai",
            "parent": "I",
            "deadline": "2030-12-31",
            "recurrence": "yearly",
        },
    ]
    r = await client.put(
        f"/api/v1/plans/{plan_id}/matrix", headers={**admin, "If-Match": etag}, json={"rows": rows}
    )
    assert r.status_code == 200, r.text
    r = await client.get(
        f"/api/v1/plans/{plan_id}/matrix/export", headers=admin, params={"format": "csv"}
    )
    lines = r.text.lstrip("\ufeff").splitlines()
    assert lines[0].endswith(",Ghi chú,Mô tả,Thuộc mục"), lines[0]
    assert lines[-1] == "2,Việc hai,,,,,Hằng năm; 31/12/2030,,,,I", lines[-1]
    await _round_trip_matrix(client, session, admin, plan_id)
