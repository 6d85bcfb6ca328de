"""The compiled report over HTTP: officers edit the requester's report before signing; it
reads every unit's submission, however long, as each unit's form does."""

import io
from typing import Any

import httpx
from docx import Document
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import Submission
from tests.conftest import Login, assert_problem
from tests.reporting import (
    REQUESTS,
    SUBMISSIONS,
    if_match,
    seed_request,
    submission_of,
)


async def test_officers_edit_the_compiled_report_before_signing(
    client: httpx.AsyncClient, login: Login
) -> None:
    reviewer = await login("syt.thamdinh")
    request = await seed_request(client, reviewer)
    url = f"{REQUESTS}/{request['id']}/compilation"
    r = await client.get(url, headers=reviewer)
    assert r.headers["ETag"] == '"0"' and r.json()["version"] == 0
    prefilled = next(s for s in r.json()["sections"] if s["key"] == "III.2")
    assert not prefilled["edited"] and "Sở Dân tộc và Tôn giáo:" in prefilled["body"]
    edit = {
        "doc_number": "315",
        "report_date": "2026-06-10",
        "sections": [{"key": "III.2", "body": "Cơ sở vật chất trạm y tế xã còn thiếu."}],
        "signer_name": "Nguyễn Thị Bình",
    }
    assert_problem(await client.patch(url, json=edit, headers=if_match(reviewer, 1)), 412)
    assert_problem(
        await client.patch(url, json=edit, headers=if_match(await login("sonhai.baocao"), 0)),
        403,
    )
    r = await client.patch(url, json=edit, headers=if_match(reviewer, 0))
    assert r.status_code == 200, r.text
    compiled = r.json()
    assert r.headers["ETag"] == '"1"'
    assert compiled["reference"] == "Số: 315/BC-SYT"
    assert compiled["place_and_date"] == "Bắc Ninh, ngày 10 tháng 06 năm 2026"
    section = next(s for s in compiled["sections"] if s["key"] == "III.2")
    assert section["edited"] and section["body"] == "Cơ sở vật chất trạm y tế xã còn thiếu."
    assert section["prefilled"] == prefilled["body"]
    bad = await client.patch(
        url, json={"sections": [{"key": "IX", "body": "x"}]}, headers=if_match(reviewer, 1)
    )
    assert assert_problem(bad, 422)["errors"][0]["code"] == "unknown_section"

    r = await client.get(url, params={"format": "docx"}, headers=reviewer)
    doc = Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Cơ sở vật chất trạm y tế xã còn thiếu." in text
    assert "Số: 315/BC-SYT" in doc.tables[0].rows[0].cells[0].text
    assert "Nguyễn Thị Bình" in doc.tables[1].rows[0].cells[1].text

    r = await client.patch(url, json={"reset_sections": ["III.2"]}, headers=if_match(reviewer, 1))
    back = next(s for s in r.json()["sections"] if s["key"] == "III.2")
    assert not back["edited"] and back["body"] == prefilled["body"]


async def test_compiling_long_reports_is_not_bounded_by_one_report_s_limit(
    client: httpx.AsyncClient, login: Login
) -> None:
    """Each unit may write up to 50 000 characters a section; the compiled section holds them
    all (a province-wide request easily goes past one unit's limit)."""
    reporter, reviewer = await login("lucngan.baocao"), await login("syt.thamdinh")
    request = await seed_request(client, reporter)
    sub = await submission_of(client, reporter, request["id"], "BN-LUCNGAN")
    long_text = "Tuyên truyền phòng chống dịch bệnh. " * 1_300  # about 47 000 characters
    url = f"{SUBMISSIONS}/{sub['id']}"
    r = await client.patch(
        url,
        json={"sections": [{"key": "I", "heading": "I", "body": long_text}]},
        headers=if_match(reporter, sub["version"]),
    )
    assert r.status_code == 200, r.text
    r = await client.post(f"{url}/submit", headers=if_match(reporter, r.json()["version"]))
    assert r.status_code == 200, r.text
    r = await client.get(f"{REQUESTS}/{request['id']}/compilation", headers=reviewer)
    assert r.status_code == 200, r.text
    section = next(s for s in r.json()["sections"] if s["key"] == "I")
    assert len(section["body"]) > 50_000 and "Xã Lục Ngạn:" in section["body"]
    r = await client.get(
        f"{REQUESTS}/{request['id']}/compilation", params={"format": "docx"}, headers=reviewer
    )
    assert r.status_code == 200


async def test_the_compilation_reads_each_units_tasks_as_its_form_does(
    session: AsyncSession,
) -> None:
    """The compilation reads the plans once for every unit; each unit's rows must be those
    its own form shows (without the lead and coordinating names it does not print)."""
    from api.services import submissions

    subs = list(await session.scalars(select(Submission)))
    by_request: dict[Any, list[Submission]] = {}
    for sub in subs:
        by_request.setdefault(sub.request_id, []).append(sub)
    compared = 0
    for group in by_request.values():
        many = await submissions.task_rows_of_units(session, group[0].request, group)
        for sub in group:
            one = await submissions.task_rows(session, sub)
            assert many[sub.id] == [
                r.model_copy(update={"lead": None, "coordinating": []}) for r in one
            ]
            compared += len(one)
    assert compared >= 21, "Sơn Hải's 21 tasks at least"
