"""What the reporting tests share: the seed request, a unit's submission, filing one."""

from typing import Any

import httpx

REQUESTS = "/api/v1/report-requests"
SUBMISSIONS = "/api/v1/submissions"


async def seed_request(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    r = await client.get(REQUESTS, headers=headers)
    assert r.status_code == 200, r.text
    return next(
        i for i in r.json()["items"] if i["reference"] and "2429/SYT-KHTH" in i["reference"]
    )


async def submission_of(
    client: httpx.AsyncClient, headers: dict[str, str], request_id: str, unit_code: str
) -> dict[str, Any]:
    r = await client.get(SUBMISSIONS, params={"request_id": request_id}, headers=headers)
    assert r.status_code == 200, r.text
    summary = next(s for s in r.json()["items"] if s["org_unit"]["code"] == unit_code)
    r = await client.get(f"{SUBMISSIONS}/{summary['id']}", headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["ETag"] == f'"{r.json()["version"]}"'
    body: dict[str, Any] = r.json()
    return body


def if_match(headers: dict[str, str], version: int) -> dict[str, str]:
    return {**headers, "If-Match": f'"{version}"'}


async def file_lucngan(
    client: httpx.AsyncClient, reporter: dict[str, str], request: dict[str, Any]
) -> tuple[str, httpx.Response]:
    """Lục Ngạn's report saved with a section and a BHYT value of 91,5, then submitted: its
    URL and the submit's answer."""
    sub = await submission_of(client, reporter, request["id"], "BN-LUCNGAN")
    url = f"{SUBMISSIONS}/{sub['id']}"
    saved = await client.patch(
        url,
        json={
            "sections": [{"key": "I", "heading": "Chỉ đạo", "body": "Đã triển khai."}],
            "values": [{"indicator": "BHYT", "value": "91,5"}],
        },
        headers=if_match(reporter, sub["version"]),
    )
    assert saved.status_code == 200, saved.text
    filed = await client.post(f"{url}/submit", headers=if_match(reporter, saved.json()["version"]))
    assert filed.status_code == 200, filed.text
    return url, filed
