"""Submissions over HTTP: Sơn Hải's report as seed 001 holds it, and a draft no other
commune can reach."""

import io
from decimal import Decimal

import httpx
from docx import Document

from tests.conftest import Login, assert_problem
from tests.reporting import (
    REQUESTS,
    SUBMISSIONS,
    if_match,
    seed_request,
    submission_of,
)


async def test_son_hai_report_holds_the_seed(client: httpx.AsyncClient, login: Login) -> None:
    headers = await login("sonhai.baocao")
    request = await seed_request(client, headers)
    sub = await submission_of(client, headers, request["id"], "BN-SONHAI")
    assert sub["status"] == "submitted" and not sub["late"] and not sub["can_edit"]
    tasks = [t for t in sub["tasks"] if not t["is_group"]]
    groups = [t for t in sub["tasks"] if t["is_group"]]
    assert len(tasks) == 21 and [g["number"] for g in groups] == ["I", "II", "III", "IV", "V", "VI"]
    first = tasks[0]
    assert first["number"] == "1" and first["role"] == "lead" and first["lead"] == "UBND xã Sơn Hải"
    assert first["result"].startswith("Thực hiện 30 tin bài tuyên truyền, 170 lượt phát thanh")
    values = {v["indicator"]["code"]: v for v in sub["values"]}
    assert Decimal(values["KCB_BHYT"]["value"]) == 908
    tcdd = values["TCDD"]
    assert (Decimal(tcdd["numerator"]), Decimal(tcdd["denominator"])) == (50, 130)
    assert round(Decimal(tcdd["value"]), 2) == Decimal("38.46") and tcdd["status"] == "submitted"
    assert Decimal(values["BHYT"]["value"]) == 98
    assert len(sub["issued_documents"]) == 11
    assert sub["issued_documents"][0]["reference"] == "Kế hoạch số 81/KH-UBND"
    assert sub["signer_name"] == "Nguyễn Văn Hải" and sub["signer_mode"] == "TM"
    assert "908 lượt" in next(s["body"] for s in sub["sections"] if s["key"] == "II")


async def test_another_commune_gets_404_on_a_draft_through_every_endpoint(
    client: httpx.AsyncClient, login: Login
) -> None:
    owner = await login("lucngan.baocao")
    request = await seed_request(client, owner)
    draft = await submission_of(client, owner, request["id"], "BN-LUCNGAN")
    url = f"{SUBMISSIONS}/{draft['id']}"
    await client.patch(
        url,
        json={"sections": [{"key": "I", "heading": "I", "body": "Bản nháp riêng."}]},
        headers=if_match(owner, 1),
    )
    docx = io.BytesIO()
    Document().save(docx)
    for outsider in ("sonhai.baocao", "bn.xem", "syt.thamdinh", "backan.kehoach"):
        headers = await login(outsider)
        calls = [
            ("GET", url, None),
            ("PATCH", url, {"title": "x"}),
            ("POST", f"{url}/submit", None),
            ("POST", f"{url}/return", {"comment": "x"}),
            ("POST", f"{url}/accept", {}),
            ("GET", f"{url}/revisions", None),
            ("GET", f"{url}/revisions/1", None),
            ("GET", f"{url}/diff", None),
        ]
        for method, path, body in calls:
            r = await client.request(method, path, json=body, headers=if_match(headers, 2))
            assert_problem(r, 404)
        r = await client.post(
            f"{url}/legacy-docx",
            files={"file": ("bc.docx", docx.getvalue())},
            headers=if_match(headers, 2),
        )
        assert_problem(r, 404)
        listed = await client.get(
            SUBMISSIONS, params={"request_id": request["id"]}, headers=headers
        )
        assert draft["id"] not in {s["id"] for s in listed.json()["items"]}
        r = await client.post(
            f"{REQUESTS}/{request['id']}/accept",
            json={"submission_ids": [draft["id"]]},
            headers=headers,
        )
        assert r.status_code in (403, 404, 409) and "Bản nháp" not in r.text
    assert (await client.get(url, headers=owner)).json()["version"] == 2
