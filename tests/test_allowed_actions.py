"""The server says which actions each report and request allows the caller (`actions`), so the
SPA offers only those. Invariant: an action listed is one the server accepts; an action left
out is refused (403 or 409), for every demo user on every report and request they can read."""

from pathlib import Path
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncConnection

from api.settings import get_settings
from tests.conftest import Login
from tests.test_reports import REQUESTS, SUBMISSIONS, if_match, seed_request, submission_of

USERS = (
    "admin",
    "syt.kehoach",
    "syt.thamdinh",
    "bn.xem",
    "sonhai.baocao",
    "sdttg.baocao",
    "lucngan.baocao",
    "sonhai.kehoach",
)
UNITS = ("BN-SONHAI", "BN-SDTTG", "BN-LUCNGAN")


async def test_each_role_sees_what_it_may_do_to_a_report(
    client: httpx.AsyncClient, login: Login
) -> None:
    reviewer = await login("syt.thamdinh")
    request = await seed_request(client, reviewer)
    rid = request["id"]
    # Sơn Hải's report is submitted: the reviewer may return or accept it, nobody may edit it.
    assert (await submission_of(client, reviewer, rid, "BN-SONHAI"))["actions"] == [
        "return",
        "accept",
    ]
    for who in ("sonhai.baocao", "bn.xem", "syt.kehoach"):
        assert (await submission_of(client, await login(who), rid, "BN-SONHAI"))["actions"] == []
    # Lục Ngạn's is a draft under an open request: its reporter may edit and submit.
    lucngan = await login("lucngan.baocao")
    assert (await submission_of(client, lucngan, rid, "BN-LUCNGAN"))["actions"] == [
        "edit",
        "submit",
    ]
    # Sở Dân tộc và Tôn giáo's is accepted: done, for everyone.
    assert (await submission_of(client, reviewer, rid, "BN-SDTTG"))["actions"] == []


async def test_each_role_sees_what_it_may_do_to_a_request(
    client: httpx.AsyncClient, login: Login
) -> None:
    expected = {
        "syt.kehoach": ["edit", "close", "status"],
        "syt.thamdinh": ["status", "accept"],
        # A viewer is not offered "Đóng yêu cầu".
        "bn.xem": ["status"],
        "lucngan.baocao": [],
        "admin": ["edit", "close", "status", "accept"],
    }
    for who, actions in expected.items():
        headers = await login(who)
        request = await seed_request(client, headers)
        assert request["actions"] == actions, who
        one = (await client.get(f"{REQUESTS}/{request['id']}", headers=headers)).json()
        assert one["actions"] == actions, who


async def _try_on_report(
    client: httpx.AsyncClient, headers: dict[str, str], sub: dict[str, Any], action: str
) -> httpx.Response:
    url = f"{SUBMISSIONS}/{sub['id']}"
    h = if_match(headers, sub["version"])
    if action == "edit":
        return await client.patch(url, json={"place": "Bắc Ninh"}, headers=h)
    if action == "submit":
        # Something in it, so that an empty report (a content error) is not what is tested.
        r = await client.patch(
            url, json={"sections": [{"key": "I", "heading": "I", "body": "Nội dung"}]}, headers=h
        )
        if r.status_code == 200:
            h = if_match(headers, r.json()["version"])
        return await client.post(f"{url}/submit", headers=h)
    body = {"comment": "Bổ sung số liệu."}
    return await client.post(f"{url}/{action}", json=body, headers=h)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    who=st.sampled_from(USERS),
    unit=st.sampled_from(UNITS),
    action=st.sampled_from(("edit", "submit", "return", "accept")),
)
async def test_a_listed_report_action_is_accepted_and_others_refused(
    client: httpx.AsyncClient,
    login: Login,
    connection: AsyncConnection,
    who: str,
    unit: str,
    action: str,
) -> None:
    headers = await login(who)
    async with connection.begin_nested() as savepoint:
        reviewer = await login("syt.thamdinh")
        rid = (await seed_request(client, reviewer))["id"]
        r = await client.get(SUBMISSIONS, params={"request_id": rid}, headers=headers)
        found = [s for s in r.json()["items"] if s["org_unit"]["code"] == unit]
        if found:
            sub = (await client.get(f"{SUBMISSIONS}/{found[0]['id']}", headers=headers)).json()
            r = await _try_on_report(client, headers, sub, action)
            if action in sub["actions"]:
                assert r.status_code == 200, (who, unit, action, r.text)
            else:
                assert r.status_code in (403, 409), (who, unit, action, r.text)
        await savepoint.rollback()


async def _try_on_request(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    request: dict[str, Any],
    action: str,
    reviewer_token: str,
) -> httpx.Response:
    url = f"{REQUESTS}/{request['id']}"
    h = if_match(headers, request["version"])
    if action == "edit":
        return await client.patch(url, json={"title": request["title"] + " (sửa)"}, headers=h)
    if action == "status":
        return await client.get(f"{url}/status", headers=headers)
    if action == "accept":
        # The reports waiting for review, as the reviewer sees them (a unit sees only its own).
        reviewer = {"Authorization": reviewer_token}
        listed = await client.get(
            SUBMISSIONS, params={"request_id": request["id"]}, headers=reviewer
        )
        ids = [s["id"] for s in listed.json()["items"] if s["status"] == "submitted"]
        assert ids
        return await client.post(f"{url}/accept", json={"submission_ids": ids}, headers=headers)
    return await client.post(f"{url}/{action}", headers=h)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    who=st.sampled_from(USERS),
    action=st.sampled_from(("edit", "open", "close", "status", "accept")),
)
async def test_a_listed_request_action_is_accepted_and_others_refused(
    client: httpx.AsyncClient, login: Login, connection: AsyncConnection, who: str, action: str
) -> None:
    headers = await login(who)
    async with connection.begin_nested() as savepoint:
        reviewer = (await login("syt.thamdinh"))["Authorization"]
        for request in (await client.get(REQUESTS, headers=headers)).json()["items"]:
            r = await _try_on_request(client, headers, request, action, reviewer)
            if action in request["actions"]:
                assert r.status_code == 200, (who, request["title"], action, r.text)
            else:
                assert r.status_code in (403, 409), (who, request["title"], action, r.text)
        await savepoint.rollback()


async def test_a_signer_is_offered_signing_and_the_seal_only_where_it_is_configured(
    client: httpx.AsyncClient, login: Login, tmp_path: Path
) -> None:
    """`sign` for a signer grant of the issuing unit (an administrator is no signer), `seal`
    once the operator has put that unit's key in SIGNING_SEAL_DIR; and the report says when
    its request wants it signed before it is submitted."""
    pgd = await login("syt.pgd")
    request = await seed_request(client, pgd)
    assert request["actions"] == ["status", "sign"]
    pct = await login("sonhai.pct")
    sub = await submission_of(client, pct, request["id"], "BN-SONHAI")
    assert sub["actions"] == ["sign"] and sub["signed_reports"] is False
    # The Sở's signer signs the Sở's compilation, not a commune's report it can read.
    assert (await submission_of(client, pgd, request["id"], "BN-SONHAI"))["actions"] == []
    admin = await login("admin")
    assert "sign" not in (await seed_request(client, admin))["actions"]

    (tmp_path / "BN-SONHAI.p12").write_bytes(b"key")
    settings_ = get_settings()
    settings_.signing_seal_dir = tmp_path
    try:
        assert (await submission_of(client, pct, request["id"], "BN-SONHAI"))["actions"] == [
            "sign",
            "seal",
        ]
        assert (await seed_request(client, pgd))["actions"] == ["status", "sign"]
        reporter = await login("sonhai.baocao")
        sub = await submission_of(client, reporter, request["id"], "BN-SONHAI")
        assert "seal" not in sub["actions"] and "sign" not in sub["actions"]
    finally:
        settings_.signing_seal_dir = None
