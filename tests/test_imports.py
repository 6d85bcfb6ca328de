"""The bulk upload pipeline, shown on org units: inline and background runs, all-or-nothing,
truthful counts, dry runs, idempotency, cancel, scope and the error report."""

import io
import uuid

import httpx
import openpyxl
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from api import db
from api.models import ImportChunk, ImportJob, OrgUnit
from api.settings import get_settings
from tests.conftest import Login, assert_problem

URL = "/api/v1/imports/org_units"
GOOD = (
    "Mã;Tên;Loại;Mã đơn vị cha\n"
    "BN-SONHAI-T5-A;Tổ 5A;residential_group;BN-SONHAI-T5\n"  # child before its parent
    "BN-SONHAI-T5;Thôn Hải Phú;residential_group;BN-SONHAI\n"
    "BN-SONHAI-TYT;Trạm Y tế xã Sơn Hải;health_station;BN-SONHAI\n"  # identical: unchanged
)


async def _units(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(OrgUnit)) or 0)


def _file(text_: str, name: str = "units.csv") -> dict[str, tuple[str, bytes, str]]:
    return {"file": (name, text_.encode(), "text/csv")}


async def test_inline_import_creates_in_tree_order_and_counts_truthfully(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    admin = await login("bn.quantri")
    before = await _units(session)
    r = await client.post(URL, headers=admin, files=_file(GOOD))
    assert r.status_code == 200, r.text
    job = r.json()
    assert job["status"] == "succeeded" and job["rows_total"] == 3
    assert job["counts"] == {
        "created": 2,
        "updated": 0,
        "unchanged": 1,
        "deleted": 0,
        "rejected": 0,
    }
    assert await _units(session) == before + 2
    child = await session.scalar(select(OrgUnit).where(OrgUnit.code == "BN-SONHAI-T5-A"))
    assert child is not None and child.level == 3

    r = await client.post(URL, headers=admin, files=_file(GOOD))
    assert r.json()["counts"]["unchanged"] == 3 and r.json()["counts"]["updated"] == 0
    changed = GOOD.replace("Thôn Hải Phú", "Thôn Hải Phú Mới")
    r = await client.post(URL, headers=admin, files=_file(changed))
    assert r.json()["counts"] == {
        "created": 0,
        "updated": 1,
        "unchanged": 2,
        "deleted": 0,
        "rejected": 0,
    }


@pytest.mark.parametrize(
    ("body", "row", "column", "code"),
    [
        ("code,name,type,parent_code\nX-1,Một,commune,NOPE\n", 2, "parent_code", "unknown_parent"),
        (
            "code,name,type,parent_code\nX-1,Một,commune,X-2\nX-2,Hai,commune,X-1\n",
            2,
            "parent_code",
            "cycle",
        ),
        ("code,name,type\nX-1,Một,province\nX-1,Lại,province\n", 3, "code", "duplicate"),
        ("code,name,type\nX 1,Một,province\n", 2, "code", "invalid_code"),
        ("code,name,type\nX-1,,province\n", 2, "name", "invalid_name"),
        ("code,name,type\nX-1,Một,planet\n", 2, "type", "invalid_type"),
    ],
)
async def test_any_bad_row_rejects_the_whole_file(
    client: httpx.AsyncClient,
    login: Login,
    session: AsyncSession,
    body: str,
    row: int,
    column: str,
    code: str,
) -> None:
    admin = await login("admin")
    good_first = body.replace("\n", "\nOK-9,Đúng,other,\n", 1) if "parent" in body else body
    before = await _units(session)
    r = await client.post(URL, headers=admin, files=_file(good_first))
    problem = assert_problem(r, 422)
    shifted = row + (1 if good_first != body else 0)
    assert any(
        e["row"] == shifted and e["field"] == column and e["code"] == code
        for e in problem["errors"]
    ), problem["errors"]
    assert problem["import_job"]["status"] == "rejected"
    assert await _units(session) == before


async def test_bad_files_are_refused_and_nothing_is_written(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    admin = await login("admin")
    before = await _units(session)
    cases = [
        ({"file": ("u.csv", b"code,name,type\nX-1,T\xean,other\n", "text/csv")}, "not_utf8"),
        ({"file": ("u.xlsx", b"PK\x03\x04 truncated", "application/octet-stream")}, "corrupt_xlsx"),
        ({"file": ("u.xlsx", b"plain text", "application/octet-stream")}, "not_xlsx"),
        ({"file": ("u.json", b"{not json", "application/json")}, "invalid_json"),
        ({"file": ("u.csv", b"", "text/csv")}, None),
    ]
    for files, code in cases:
        r = await client.post(URL, headers=admin, files=files)
        assert r.status_code == 422, r.text
        if code:
            assert code in {e["code"] for e in r.json()["errors"]}, r.text
    assert await _units(session) == before


async def test_windows_1258_is_read_when_declared(client: httpx.AsyncClient, login: Login) -> None:
    admin = await login("admin")
    data = "code,name,type\nX-1258,Tram,other\n".encode("cp1258")
    r = await client.post(
        URL,
        headers=admin,
        data={"encoding": "windows-1258"},
        files={"file": ("u.csv", data, "text/csv")},
    )
    assert r.status_code == 200 and r.json()["counts"]["created"] == 1
    # UTF-16 with its BOM is unambiguous, so it needs no declaration.
    data = "code;name;type\nX-16;Tên;other\n".encode("utf-16")
    r = await client.post(URL, headers=admin, files={"file": ("u.csv", data, "text/csv")})
    assert r.status_code == 200 and r.json()["counts"]["created"] == 1


async def test_xlsx_and_json_go_through_the_same_pipeline(
    client: httpx.AsyncClient, login: Login
) -> None:
    admin = await login("admin")
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["Mã", "Tên", "Loại"], ["XL-1", "Đơn vị từ Excel", "other"]):
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    r = await client.post(
        URL, headers=admin, files={"file": ("u.xlsx", buf.getvalue(), "application/octet-stream")}
    )
    assert r.status_code == 200 and r.json()["counts"]["created"] == 1, r.text
    r = await client.post(
        URL,
        headers=admin,
        files={
            "file": (
                "u.json",
                b'[{"code": "JS-1", "name": "T\\u1eeb JSON", "type": "other"}]',
                "application/json",
            )
        },
    )
    assert r.status_code == 200 and r.json()["counts"]["created"] == 1, r.text


async def test_dry_run_reports_without_writing(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    admin = await login("bn.quantri")
    before = await _units(session)
    r = await client.post(URL, headers=admin, data={"dry_run": "true"}, files=_file(GOOD))
    assert r.status_code == 200 and r.json()["counts"]["created"] == 2
    assert r.json()["dry_run"] is True
    assert await _units(session) == before


async def test_idempotency_key_replays_and_refuses_another_body(
    client: httpx.AsyncClient, login: Login, session: AsyncSession
) -> None:
    admin = await login("bn.quantri")
    key = {"Idempotency-Key": "units-2026-05-01"}
    first = await client.post(URL, headers={**admin, **key}, files=_file(GOOD))
    before = await _units(session)
    again = await client.post(URL, headers={**admin, **key}, files=_file(GOOD))
    assert again.json()["id"] == first.json()["id"] and await _units(session) == before
    other = await client.post(URL, headers={**admin, **key}, files=_file(GOOD + "\n"))
    assert_problem(other, 409)


async def test_scope_outside_the_admins_units_is_a_row_conflict(
    client: httpx.AsyncClient, login: Login
) -> None:
    admin = await login("bn.quantri")
    r = await client.post(
        URL,
        headers=admin,
        files=_file("code,name,type,parent_code\nTN-X,Ngoài phạm vi,other,TN-BACKAN\n"),
    )
    assert assert_problem(r, 422)["errors"][0]["code"] == "forbidden"
    reporter = await login("sonhai.baocao")
    r = await client.post(URL, headers=reporter, files=_file(GOOD))
    assert {e["code"] for e in assert_problem(r, 422)["errors"]} == {"forbidden"}


async def test_jobs_are_private_and_the_error_report_downloads(
    client: httpx.AsyncClient, login: Login
) -> None:
    admin = await login("bn.quantri")
    r = await client.post(URL, headers=admin, files=_file("code,name,type\n=cmd,X,other\n"))
    job_id = r.json()["import_job"]["id"]
    report = await client.get(f"/api/v1/imports/{job_id}/conflicts.csv", headers=admin)
    assert report.status_code == 200
    assert report.text.splitlines()[1].startswith("2,code,'=cmd,invalid_code")
    other = await login("sonhai.baocao")
    assert_problem(await client.get(f"/api/v1/imports/{job_id}", headers=other), 404)
    listed = await client.get("/api/v1/imports", headers=admin)
    assert job_id in {j["id"] for j in listed.json()["items"]}
    await client.post(URL, headers=admin, files=_file(GOOD))
    first = await client.get("/api/v1/imports", headers=admin, params={"limit": 1})
    cursor = first.json()["page"]["next_cursor"]
    second = await client.get(
        "/api/v1/imports", headers=admin, params={"limit": 1, "cursor": cursor}
    )
    assert [j["id"] for j in second.json()["items"]] == [job_id]
    assert first.json()["items"][0]["id"] != job_id


async def _queued(resource: str, body: bytes, filename: str) -> ImportJob:
    """A CSV upload queued for the worker by the admin, committed (the worker's own
    connections must see it)."""
    from api.access import principal_for
    from api.models import User
    from api.services import imports

    async with db.unit_of_work() as s:
        admin = await s.scalar(select(User).where(User.username == "admin"))
        assert admin is not None
        job, _ = await imports.submit(
            s,
            actor=await principal_for(s, admin.id),
            resource=resource,
            stream=io.BytesIO(body),
            filename=filename,
            content_type="text/csv",
            fmt=None,
            options={},
            dry_run=False,
            idempotency_key=None,
        )
        assert job.status == "queued"
        return job


async def _chunks_left(s: AsyncSession, job_id: uuid.UUID) -> int:
    """The spooled parts of an upload still stored (a finished job keeps none)."""
    query = select(func.count()).select_from(ImportChunk).where(ImportChunk.job_id == job_id)
    return int(await s.scalar(query) or 0)


async def _forget_jobs(resource: str, filename: str) -> None:
    """After a worker test: its jobs (committed, in the shared database) are gone."""
    async with db.unit_of_work() as s:
        await s.execute(
            text(
                "DELETE FROM import_job WHERE created_at > now() - interval '1 hour' "
                "AND resource = :resource AND filename = :filename"
            ),
            {"resource": resource, "filename": filename},
        )
        await s.execute(text("DELETE FROM procrastinate_jobs WHERE queue_name='imports'"))
    await db.dispose_engine()


async def test_large_upload_is_a_job_a_worker_runs(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A background run, with real commits the worker's own connections can see."""
    from api.cli import task_modules
    from api.queue import run_worker

    monkeypatch.setattr(get_settings(), "import_inline_max_bytes", 10)
    code = f"BG-{uuid.uuid4().hex[:8]}"
    body = f"code,name,type\n{code},Nền,other\n".encode()
    try:
        job_id = (await _queued("org_units", body, "u.csv")).id
        await run_worker(task_modules=task_modules(), wait=False, queues=["imports"], concurrency=1)
        async with db.unit_of_work() as s:
            done = await s.get(ImportJob, job_id)
            assert done is not None and done.status == "succeeded", done and done.error
            assert done.counts["created"] == 1
            assert await _chunks_left(s, job_id) == 0
            assert await s.scalar(select(OrgUnit.name).where(OrgUnit.code == code)) == "Nền"
    finally:
        async with db.unit_of_work() as s:
            await s.execute(
                text(
                    "DELETE FROM audit_event WHERE entity_type='org_unit' AND "
                    "entity_id IN (SELECT id::text FROM org_unit WHERE code=:c)"
                ),
                {"c": code},
            )
            await s.execute(text("DELETE FROM org_unit WHERE code = :c"), {"c": code})
        await _forget_jobs("org_units", "u.csv")


async def test_a_worker_out_of_space_fails_the_job_whole(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL refusing the worker's write for lack of space (here its quota on temporary
    files, SQLSTATE 53400, which the staged write's sort needs; a full disk is 53100 of the
    same class): the job fails with a message that says so, and not one value is written."""
    from sqlalchemy import event

    from api.cli import task_modules
    from api.models import DataValue
    from api.queue import run_worker
    from api.services import data_values

    monkeypatch.setattr(get_settings(), "import_inline_max_bytes", 10)
    periods = [f"{y}{m:02d}" for y in range(1960, 1988) for m in range(1, 13)]
    periods += [f"{y}W{w:02d}" for y in range(1960, 1988) for w in range(1, 53)]
    assert len(periods) > data_values.INLINE_MAX_ROWS  # staged, and sorted
    body = "indicator,org_unit,period,value\n" + "".join(
        f"KCB_BHYT,BN-SONHAI,{p},7\n" for p in periods
    )
    written = select(func.count()).select_from(DataValue).where(DataValue.period.in_(periods))

    def tight(dbapi_connection: object, _: object) -> None:
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
        cursor.execute("SET work_mem = '64kB'")
        cursor.execute("SET temp_file_limit = '64kB'")
        cursor.close()

    try:
        job_id = (await _queued("data_values", body.encode(), "values.csv")).id
        await db.dispose_engine()  # the worker's connections are made anew, with the quota
        event.listen(db.get_engine().sync_engine, "connect", tight)
        await run_worker(task_modules=task_modules(), wait=False, queues=["imports"], concurrency=1)
        event.remove(db.get_engine().sync_engine, "connect", tight)
        await db.dispose_engine()
        async with db.unit_of_work() as s:
            done = await s.get(ImportJob, job_id)
            assert done is not None and done.status == "failed", done and done.status
            assert done.error and "hết dung lượng" in done.error, done.error
            assert await s.scalar(written) == 0
            assert await _chunks_left(s, job_id) == 0
    finally:
        await _forget_jobs("data_values", "values.csv")


async def test_cancel_a_queued_job(
    client: httpx.AsyncClient, login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(get_settings(), "import_inline_max_bytes", 10)
    admin = await login("admin")
    r = await client.post(URL, headers=admin, files=_file(GOOD))
    assert r.status_code == 202 and r.headers["location"].endswith(r.json()["id"])
    job_id = r.json()["id"]
    r = await client.post(f"/api/v1/imports/{job_id}/cancel", headers=admin)
    assert r.json()["status"] == "cancelled"
    assert_problem(await client.post(f"/api/v1/imports/{job_id}/cancel", headers=admin), 409)


async def test_a_job_whose_worker_died_runs_again_and_writes_once(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker killed mid-import: nothing of the cut-short run was committed; the stalled job
    goes back in the queue and the next worker imports the file whole, exactly once."""
    from api.cli import task_modules
    from api.queue import get_queue, run_worker
    from api.services.housekeeping import recover_stalled_jobs

    monkeypatch.setattr(get_settings(), "import_inline_max_bytes", 10)
    code = f"RS-{uuid.uuid4().hex[:8]}"
    body = f"code,name,type\n{code},Khôi phục,other\n".encode()
    try:
        job = await _queued("org_units", body, "r.csv")
        job_id, queue_job_id = job.id, job.queue_job_id
        # The worker took the job, marked the import running, and was killed.
        async with db.unit_of_work() as s:
            await s.execute(
                text(
                    "UPDATE procrastinate_jobs SET status = 'doing', "
                    "worker_id = NULL WHERE id = :id"
                ),
                {"id": queue_job_id},
            )
            await s.execute(
                text("UPDATE import_job SET status = 'running' WHERE id = :id"), {"id": job_id}
            )
        async with get_queue().open_async():
            assert await recover_stalled_jobs() >= 1
        await run_worker(task_modules=task_modules(), wait=False, queues=["imports"], concurrency=1)
        async with db.unit_of_work() as s:
            done = await s.get(ImportJob, job_id)
            assert done is not None and done.status == "succeeded", done and done.error
            assert (
                await s.scalar(
                    select(func.count()).select_from(OrgUnit).where(OrgUnit.code == code)
                )
                == 1
            )
    finally:
        async with db.unit_of_work() as s:
            await s.execute(
                text(
                    "DELETE FROM audit_event WHERE entity_type='org_unit' AND "
                    "entity_id IN (SELECT id::text FROM org_unit WHERE code=:c)"
                ),
                {"c": code},
            )
            await s.execute(text("DELETE FROM org_unit WHERE code = :c"), {"c": code})
            await s.execute(text("DELETE FROM import_job WHERE filename = 'r.csv'"))
            await s.execute(text("DELETE FROM procrastinate_jobs WHERE queue_name='imports'"))
        await db.dispose_engine()
