"""The authorization matrix, generated from the route table.

Every operation must have a rule here, or `test_every_operation_has_a_rule` fails: a new
endpoint cannot ship without someone deciding who may call it. Each rule is one concrete
request aimed at an object owned by Xã Sơn Hải (or the province), sent by every demo caller —
the owner's reporter, a reporter of the sibling commune, the province's unit admin, a plan
manager, a reviewer, a viewer, a caller from another province — plus anonymous, an expired
token and a read-only API token.
"""

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.main import create_app
from api.models import User
from api.security import create_jwt
from api.services.notifications import notify
from api.settings import get_settings
from tests.conftest import Login, unit_id

CALLERS = (
    "admin",
    "bn.quantri",
    "syt.kehoach",
    "syt.thamdinh",
    "sonhai.baocao",
    "lucngan.baocao",
    "bn.xem",
    "backan.kehoach",
)
ALLOWED = {200, 201, 202, 204}
DENIED = {403, 404}


@dataclass
class Ctx:
    client: httpx.AsyncClient
    login: Login
    session: AsyncSession
    ids: dict[str, str] = field(default_factory=dict)


Request = tuple[str, str, dict[str, Any]]


@dataclass
class Rule:
    """`build` makes the request for one caller (objects it needs are made first by `setup`);
    `allowed` callers must succeed, all others must be refused (403 or 404)."""

    build: Callable[[Ctx, str], Awaitable[Request]]
    allowed: set[str]
    public: bool = False
    # What the allowed and the refused callers get, when it is not 2xx / 403-404.
    allowed_status: set[int] = field(default_factory=lambda: ALLOWED)
    denied_status: set[int] = field(default_factory=lambda: DENIED)


def everyone() -> set[str]:
    return set(CALLERS)


def static(method: str, url: str, **kw: Any) -> Callable[[Ctx, str], Awaitable[Request]]:
    async def build(ctx: Ctx, caller: str) -> Request:
        return method, url.format(**ctx.ids), kw

    return build


async def _user_id(ctx: Ctx, username: str) -> str:
    user = await ctx.session.scalar(select(User).where(User.username == username))
    assert user is not None
    return str(user.id)


async def _own_token(ctx: Ctx, caller: str) -> Request:
    r = await ctx.client.post(
        "/api/v1/auth/api-tokens", headers=await ctx.login(caller), json={"name": "matrix"}
    )
    return "POST", f"/api/v1/auth/api-tokens/{r.json()['id']}/revoke", {}


async def _sonhai_reporters_token(ctx: Ctx, caller: str) -> Request:
    r = await ctx.client.post(
        "/api/v1/auth/api-tokens", headers=await ctx.login("sonhai.baocao"), json={"name": "theirs"}
    )
    return "POST", f"/api/v1/auth/api-tokens/{r.json()['id']}/revoke", {}


async def _new_leaf(ctx: Ctx, caller: str) -> str:
    r = await ctx.client.post(
        "/api/v1/org-units",
        headers=await ctx.login("admin"),
        json={
            "code": f"LEAF-{uuid.uuid4().hex[:10]}",
            "name": "Thôn thử",
            "type": "residential_group",
            "parent_id": ctx.ids["sonhai"],
        },
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def _unit_write(
    method: str, suffix: str, body: dict[str, Any] | None
) -> Callable[[Ctx, str], Awaitable[Request]]:
    async def build(ctx: Ctx, caller: str) -> Request:
        leaf = await _new_leaf(ctx, caller)
        kw: dict[str, Any] = {"headers": {"If-Match": '"1"'}}
        if body is not None:
            kw["json"] = {
                k: (ctx.ids[v[1:]] if isinstance(v, str) and v.startswith("$") else v)
                for k, v in body.items()
            }
        return method, f"/api/v1/org-units/{leaf}{suffix}", kw

    return build


async def _sonhai_import(ctx: Ctx, caller: str) -> str:
    csv = b"code,name,type\nZ-1,Z,other\n"
    r = await ctx.client.post(
        "/api/v1/imports/org_units",
        headers=await ctx.login("sonhai.baocao"),
        data={"dry_run": "true"},
        files={"file": ("u.csv", csv, "text/csv")},
    )
    return str((r.json().get("import_job") or r.json())["id"])


def _on_import(method: str, suffix: str) -> Callable[[Ctx, str], Awaitable[Request]]:
    async def build(ctx: Ctx, caller: str) -> Request:
        return method, f"/api/v1/imports/{await _sonhai_import(ctx, caller)}{suffix}", {}

    return build


async def _sonhai_notification(ctx: Ctx, caller: str) -> Request:
    user = await ctx.session.scalar(select(User).where(User.username == "sonhai.baocao"))
    assert user is not None
    [note] = await notify(ctx.session, user_ids=[user.id], kind="test", title="x", email=False)
    return "POST", f"/api/v1/notifications/{note}/read", {}


async def _update_sonhai_user(ctx: Ctx, caller: str) -> Request:
    uid = await _user_id(ctx, "sonhai.baocao")
    r = await ctx.client.get(f"/api/v1/users/{uid}", headers=await ctx.login("admin"))
    return (
        "PATCH",
        f"/api/v1/users/{uid}",
        {"headers": {"If-Match": r.headers["etag"]}, "json": {"position": "Công chức VH-XH"}},
    )


ADMINS_OF_SONHAI = {"admin", "bn.quantri"}
NEW_USER = {
    "full_name": "Người mới",
    "password": "Tram-Y-te-2026",
    "org_unit_id": "$sonhai",
    "roles": [{"role": "reporter", "org_unit_id": "$sonhai"}],
}


async def _create_user(ctx: Ctx, caller: str) -> Request:
    body = {
        k: (ctx.ids[v[1:]] if isinstance(v, str) and v.startswith("$") else v)
        for k, v in NEW_USER.items()
    }
    body["roles"] = [{"role": "reporter", "org_unit_id": ctx.ids["sonhai"]}]
    return "POST", "/api/v1/users", {"json": {**body, "username": f"new.{caller}"}}


async def _create_unit(ctx: Ctx, caller: str) -> Request:
    return (
        "POST",
        "/api/v1/org-units",
        {
            "json": {
                "code": f"NEW-{uuid.uuid4().hex[:10]}",
                "name": "Đơn vị mới",
                "type": "other",
                "parent_id": ctx.ids["sonhai"],
            }
        },
    )


async def _indicator(ctx: Ctx, caller: str) -> str:
    r = await ctx.client.post(
        "/api/v1/indicators",
        headers=await ctx.login("admin"),
        json={
            "code": f"AUTH_{uuid.uuid4().hex[:8]}",
            "name_vi": "Chỉ số thử",
            "kind": "result",
            "value_type": "number",
        },
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def _create_indicator(ctx: Ctx, caller: str) -> Request:
    return (
        "POST",
        "/api/v1/indicators",
        {
            "json": {
                "code": f"NEW_{uuid.uuid4().hex[:8]}",
                "name_vi": "Chỉ số mới",
                "kind": "input",
                "value_type": "count",
            }
        },
    )


async def _update_indicator(ctx: Ctx, caller: str) -> Request:
    return (
        "PATCH",
        f"/api/v1/indicators/{await _indicator(ctx, caller)}",
        {"headers": {"If-Match": '"1"'}, "json": {"decimals": 1}},
    )


async def _get_indicator(ctx: Ctx, caller: str) -> Request:
    return "GET", f"/api/v1/indicators/{await _indicator(ctx, caller)}", {}


_YEARS = iter(range(2100, 2200))


async def _create_target(ctx: Ctx, caller: str) -> Request:
    return (
        "POST",
        "/api/v1/targets",
        {
            "json": {
                "indicator": "TCDD",
                "org_unit": "BN-SONHAI",
                "year": next(_YEARS),
                "wording": "trên 95%",
            }
        },
    )


async def _sonhai_draft_value(ctx: Ctx) -> tuple[str, int]:
    r = await ctx.client.put(
        "/api/v1/data-values",
        headers=await ctx.login("sonhai.baocao"),
        json={
            "values": [
                {
                    "indicator": "KCB_BHYT",
                    "org_unit": "BN-SONHAI",
                    "period": f"{next(_YEARS)}",
                    "value": 1,
                }
            ]
        },
    )
    assert r.status_code == 200, r.text
    r = await ctx.client.get(
        "/api/v1/data-values",
        headers=await ctx.login("admin"),
        params={
            "indicator": "KCB_BHYT",
            "org_unit": "BN-SONHAI",
            "status": "draft",
            "limit": 10_000,
        },
    )
    newest = max(r.json()["items"], key=lambda v: v["updated_at"])
    return str(newest["id"]), int(newest["version"])


def _on_value(method: str, suffix: str) -> Callable[[Ctx, str], Awaitable[Request]]:
    async def build(ctx: Ctx, caller: str) -> Request:
        value_id, version = await _sonhai_draft_value(ctx)
        return (
            method,
            f"/api/v1/data-values/{value_id}{suffix}",
            {"headers": {"If-Match": f'"{version}"'}},
        )

    return build


async def _sonhai_draft_plan(ctx: Ctx) -> tuple[str, str]:
    r = await ctx.client.post(
        "/api/v1/plans",
        headers=await ctx.login("admin"),
        json={"owner_id": ctx.ids["sonhai"], "title": "Kế hoạch thử của xã Sơn Hải"},
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"]), r.headers["etag"]


async def _numbered_document(ctx: Ctx) -> str:
    r = await ctx.client.post(
        "/api/v1/documents",
        headers=await ctx.login("admin"),
        json={
            "type": "KH",
            "number": str(next(_YEARS)),
            "symbol": "KH-UBND",
            "issuer_id": ctx.ids["sonhai_ubnd"],
            "issued_on": "2026-05-01",
            "title": "Kế hoạch thử",
        },
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


async def _issued_plan(ctx: Ctx) -> tuple[str, str]:
    plan_id, etag = await _sonhai_draft_plan(ctx)
    admin = await ctx.login("admin")
    r = await ctx.client.patch(
        f"/api/v1/plans/{plan_id}",
        headers={**admin, "If-Match": etag},
        json={"document_id": await _numbered_document(ctx)},
    )
    assert r.status_code == 200, r.text
    r = await ctx.client.post(
        f"/api/v1/plans/{plan_id}/issue", headers={**admin, "If-Match": r.headers["etag"]}
    )
    assert r.status_code == 200, r.text
    return plan_id, r.headers["etag"]


def _on_draft_plan(method: str, suffix: str, **kw: Any) -> Callable[[Ctx, str], Awaitable[Request]]:
    async def build(ctx: Ctx, caller: str) -> Request:
        plan_id, etag = await _sonhai_draft_plan(ctx)
        return method, f"/api/v1/plans/{plan_id}{suffix}", {**kw, "headers": {"If-Match": etag}}

    return build


async def _issue_draft(ctx: Ctx, caller: str) -> Request:
    plan_id, etag = await _sonhai_draft_plan(ctx)
    admin = await ctx.login("admin")
    r = await ctx.client.patch(
        f"/api/v1/plans/{plan_id}",
        headers={**admin, "If-Match": etag},
        json={"document_id": await _numbered_document(ctx)},
    )
    return "POST", f"/api/v1/plans/{plan_id}/issue", {"headers": {"If-Match": r.headers["etag"]}}


async def _amend_issued(ctx: Ctx, caller: str) -> Request:
    plan_id, etag = await _issued_plan(ctx)
    return (
        "POST",
        f"/api/v1/plans/{plan_id}/amendments",
        {"headers": {"If-Match": etag}, "json": {"reason": "Điều chỉnh", "title": "Tên mới"}},
    )


async def _issued_plan_get(ctx: Ctx, caller: str) -> Request:
    plan_id, _ = await _issued_plan(ctx)
    return "GET", f"/api/v1/plans/{plan_id}/matrix", {}


def _on_issued_plan(
    method: str, suffix: str, **kw: Any
) -> Callable[[Ctx, str], Awaitable[Request]]:
    async def build(ctx: Ctx, caller: str) -> Request:
        plan_id, _ = await _issued_plan(ctx)
        return method, f"/api/v1/plans/{plan_id}{suffix}", kw

    return build


async def _create_child_plan(ctx: Ctx, caller: str) -> Request:
    plan_id, _ = await _issued_plan(ctx)
    body = {"owner_id": ctx.ids["sonhai"], "title": "Kế hoạch của đơn vị"}
    return "POST", f"/api/v1/plans/{plan_id}/children", {"json": body}


async def _create_plan(ctx: Ctx, caller: str) -> Request:
    return (
        "POST",
        "/api/v1/plans",
        {"json": {"owner_id": ctx.ids["sonhai"], "title": "Kế hoạch mới"}},
    )


async def _create_document(ctx: Ctx, caller: str) -> Request:
    return (
        "POST",
        "/api/v1/documents",
        {
            "json": {
                "type": "KH",
                "symbol": "KH-UBND",
                "issuer_id": ctx.ids["sonhai_ubnd"],
                "title": "Dự thảo kế hoạch",
            }
        },
    )


async def _draft_document(ctx: Ctx) -> tuple[str, str]:
    r = await ctx.client.post(
        "/api/v1/documents",
        headers=await ctx.login("admin"),
        json={
            "type": "KH",
            "symbol": "KH-UBND",
            "issuer_id": ctx.ids["sonhai_ubnd"],
            "title": "Dự thảo",
        },
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"]), r.headers["ETag"]


def _on_document_file(method: str, suffix: str) -> Callable[[Ctx, str], Awaitable[Request]]:
    async def build(ctx: Ctx, caller: str) -> Request:
        doc_id, version = await _draft_document(ctx)
        pdf = {"file": ("scan.pdf", b"%PDF-1.4 scan")}
        url = f"/api/v1/documents/{doc_id}/attachments"
        if method == "POST":
            return method, url, {"files": pdf, "headers": {"If-Match": version}}
        r = await ctx.client.post(
            url, files=pdf, headers={**await ctx.login("admin"), "If-Match": version}
        )
        assert r.status_code == 201, r.text
        return method, r.json()["url"] if suffix else url, {}

    return build


async def _get_document(ctx: Ctx, caller: str) -> Request:
    return "GET", f"/api/v1/documents/{await _numbered_document(ctx)}", {}


PLAN_READERS_OF_SONHAI_DRAFT = set(CALLERS) - {"lucngan.baocao", "backan.kehoach"}
MATRIX_ROWS = {
    "rows": [
        {"number": "I", "title": "Nhóm"},
        {"number": "1", "title": "Nhiệm vụ", "parent": "I", "lead": "BN-SONHAI-TYT"},
    ]
}


SONHAI_WRITERS = {"admin", "bn.quantri", "sonhai.baocao"}
INDICATOR_EDITORS = {"admin", "bn.quantri", "syt.kehoach", "backan.kehoach"}


# --- report requests and submissions ---------------------------------------------------------

REQUEST_MANAGERS = {"admin", "bn.quantri", "syt.kehoach"}
REVIEWERS_OF_SYT = {"admin", "bn.quantri", "syt.thamdinh"}
# The requesting side: roles reaching Sở Y tế (status and compilation are theirs).
REQUESTER_SIDE = {"admin", "bn.quantri", "syt.kehoach", "syt.thamdinh", "bn.xem"}
# A filed report: its unit, the requesting side, and those above the unit.
FILED_READERS = REQUESTER_SIDE | {"sonhai.baocao"}


async def _seed_request(ctx: Ctx) -> str:
    r = await ctx.client.get("/api/v1/report-requests", headers=await ctx.login("admin"))
    return str(next(i["id"] for i in r.json()["items"] if "2429" in (i["reference"] or "")))


async def _draft_request(ctx: Ctx, *, plan: bool = False) -> tuple[str, int]:
    """A new draft request from Sở Y tế to Xã Sơn Hải (on plan 142 if asked)."""
    manager = await ctx.login("syt.kehoach")
    body: dict[str, Any] = {
        "requester_id": await unit_id(ctx.client, manager, "BN-SYT"),
        "title": "Báo cáo thử",
        "period": "2026Q3",
        "due_date": "2099-12-31",
        "units": {"unit_ids": [ctx.ids["sonhai"]]},
    }
    if plan:
        plans = await ctx.client.get("/api/v1/plans", headers=manager, params={"limit": 500})
        body["plan_id"] = next(
            p["id"] for p in plans.json()["items"] if (p["reference"] or "").find("142/") >= 0
        )
    r = await ctx.client.post("/api/v1/report-requests", headers=manager, json=body)
    assert r.status_code == 201, r.text
    return r.json()["id"], r.json()["version"]


async def _open_request(ctx: Ctx, *, plan: bool = False) -> tuple[str, int]:
    request_id, version = await _draft_request(ctx, plan=plan)
    r = await ctx.client.post(
        f"/api/v1/report-requests/{request_id}/open",
        headers={**await ctx.login("syt.kehoach"), "If-Match": f'"{version}"'},
    )
    assert r.status_code == 200, r.text
    return request_id, r.json()["version"]


async def _sonhai_report(ctx: Ctx, *, submitted: bool, plan: bool = False) -> tuple[str, int]:
    request_id, _ = await _open_request(ctx, plan=plan)
    reporter = await ctx.login("sonhai.baocao")
    r = await ctx.client.get(
        "/api/v1/submissions", headers=reporter, params={"request_id": request_id}
    )
    sub = r.json()["items"][0]
    r = await ctx.client.patch(
        f"/api/v1/submissions/{sub['id']}",
        headers={**reporter, "If-Match": f'"{sub["version"]}"'},
        json={"sections": [{"key": "I", "heading": "I", "body": "Nội dung"}]},
    )
    assert r.status_code == 200, r.text
    version = r.json()["version"]
    if submitted:
        r = await ctx.client.post(
            f"/api/v1/submissions/{sub['id']}/submit",
            headers={**reporter, "If-Match": f'"{version}"'},
        )
        assert r.status_code == 200, r.text
        version = r.json()["version"]
    return sub["id"], version


def _on_request(
    method: str, suffix: str, *, state: str = "draft", **kw: Any
) -> Callable[[Ctx, str], Awaitable[Request]]:
    async def build(ctx: Ctx, caller: str) -> Request:
        if state == "seed":
            return method, f"/api/v1/report-requests/{await _seed_request(ctx)}{suffix}", kw
        make = _open_request if state == "open" else _draft_request
        request_id, version = await make(ctx)
        headers = {"If-Match": f'"{version}"'}
        return method, f"/api/v1/report-requests/{request_id}{suffix}", {"headers": headers, **kw}

    return build


def _on_report(
    method: str, suffix: str, *, submitted: bool, plan: bool = False, **kw: Any
) -> Callable[[Ctx, str], Awaitable[Request]]:
    async def build(ctx: Ctx, caller: str) -> Request:
        sub_id, version = await _sonhai_report(ctx, submitted=submitted, plan=plan)
        headers = {"If-Match": f'"{version}"'}
        return method, f"/api/v1/submissions/{sub_id}{suffix}", {"headers": headers, **kw}

    return build


def _on_attachment(method: str) -> Callable[[Ctx, str], Awaitable[Request]]:
    async def build(ctx: Ctx, caller: str) -> Request:
        sub_id, version = await _sonhai_report(ctx, submitted=False)
        r = await ctx.client.post(
            f"/api/v1/submissions/{sub_id}/attachments",
            files={"file": ("bien-ban.pdf", b"%PDF-1.4 test")},
            headers={**await ctx.login("sonhai.baocao"), "If-Match": f'"{version}"'},
        )
        assert r.status_code == 201, r.text
        headers = {"If-Match": r.headers["ETag"]}
        return method, r.json()["url"], {"headers": headers}

    return build


async def _create_request(ctx: Ctx, caller: str) -> Request:
    admin = await ctx.login("admin")
    body = {
        "requester_id": await unit_id(ctx.client, admin, "BN-SYT"),
        "title": "Báo cáo",
        "period": "2026Q3",
        "due_date": "2026-10-10",
        "units": {"unit_ids": [ctx.ids["sonhai"]]},
    }
    return "POST", "/api/v1/report-requests", {"json": body}


async def _edit_compilation(ctx: Ctx, caller: str) -> Request:
    url = f"/api/v1/report-requests/{await _seed_request(ctx)}/compilation"
    current = await ctx.client.get(url, headers=await ctx.login("admin"))
    headers = {"If-Match": current.headers["ETag"]}
    return "PATCH", url, {"json": {"signer_name": "Nguyễn Thị Bình"}, "headers": headers}


async def _bulk_accept(ctx: Ctx, caller: str) -> Request:
    sub_id, _ = await _sonhai_report(ctx, submitted=True)
    r = await ctx.client.get(f"/api/v1/submissions/{sub_id}", headers=await ctx.login("admin"))
    request_id = r.json()["request_id"]
    return (
        "POST",
        f"/api/v1/report-requests/{request_id}/accept",
        {"json": {"submission_ids": [sub_id]}},
    )


def _legacy_docx() -> bytes:
    import io

    from docx import Document

    doc = Document()
    table = doc.add_table(rows=2, cols=3)
    for cell, text in zip(
        table.rows[0].cells, ["STT", "Tên nhiệm vụ", "Kết quả thực hiện"], strict=True
    ):
        cell.text = text
    row = ["1", "Tuyên truyền, phổ biến kiến thức chăm sóc sức khỏe", "Đã thực hiện"]
    for cell, text in zip(table.rows[1].cells, row, strict=True):
        cell.text = text
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


async def _signing_session(ctx: Ctx) -> dict[str, Any]:
    """A signing session of the Sở's signer (no caller here holds a signer grant) on the
    seed request's compiled report, made with a certificate of a throwaway CA."""
    from api import signing_ca

    if "signing_session" in ctx.ids:
        return {"id": ctx.ids["signing_session"], "document_id": ctx.ids["signing_document"]}
    request_id = await _seed_request(ctx)
    url = f"/api/v1/report-requests/{request_id}/compilation"
    admin = await ctx.login("admin")
    etag = (await ctx.client.get(url, headers=admin)).headers["ETag"]
    r = await ctx.client.patch(
        url, json={"signer_name": "Nguyễn Văn Hùng"}, headers={**admin, "If-Match": etag}
    )
    assert r.status_code == 200, r.text
    ca = signing_ca.make_root()
    cert = signing_ca.pem(signing_ca.issue(ca, "Nguyễn Văn Hùng", "Sở Y tế").cert).decode()
    r = await ctx.client.post(
        f"{url}/signing-sessions",
        json={"certificates": [cert]},
        headers=await ctx.login("syt.pgd"),
    )
    assert r.status_code == 201, r.text
    ctx.ids["signing_session"] = r.json()["id"]
    ctx.ids["signing_document"] = r.json()["document_id"]
    return dict(r.json())


def _on_signing(method: str, suffix: str, **kw: Any) -> Callable[[Ctx, str], Awaitable[Request]]:
    async def build(ctx: Ctx, caller: str) -> Request:
        started = await _signing_session(ctx)
        return method, f"/api/v1/signing-sessions/{started['id']}{suffix}", kw

    return build


def _on_signable(suffix: str) -> Callable[[Ctx, str], Awaitable[Request]]:
    async def build(ctx: Ctx, caller: str) -> Request:
        started = await _signing_session(ctx)
        return "GET", f"/api/v1/signable-documents/{started['document_id']}{suffix}", {}

    return build


def _unsigned_pdf() -> bytes:
    from api.services import report_pdf
    from api.services.report_layout import ReportLayout

    return report_pdf.render(
        ReportLayout(
            None,
            "Sở Y tế",
            "Số: 1/BC-SYT",
            "Bắc Ninh",
            "Thử",
            "",
            [],
            [],
            None,
            None,
            None,
            None,
            [],
        )
    )


RULES: dict[str, Rule] = {
    "health": Rule(static("GET", "/api/v1/health"), everyone(), public=True),
    "ready": Rule(static("GET", "/api/v1/ready"), everyone(), public=True),
    "login": Rule(
        static("POST", "/api/v1/auth/token", data={"username": "bn.xem", "password": "healthplan"}),
        everyone(),
        public=True,
    ),
    # A fake refresh token is refused whoever sends it.
    "refresh": Rule(
        static("POST", "/api/v1/auth/refresh", json={"refresh_token": "x"}),
        set(),
        public=True,
        denied_status={401},
    ),
    "logout_everywhere": Rule(static("POST", "/api/v1/auth/logout-everywhere"), everyone()),
    "revoke_all_tokens": Rule(static("POST", "/api/v1/auth/revoke-all"), everyone()),
    # Everyone reaches their own password; this new one is refused as weak (422), which
    # shows the caller got past authorization without changing anything.
    "change_password": Rule(
        static(
            "POST",
            "/api/v1/auth/password",
            json={"current_password": "healthplan", "new_password": "healthplan"},
        ),
        everyone(),
        allowed_status={422},
    ),
    "me": Rule(static("GET", "/api/v1/auth/me"), everyone()),
    "list_api_tokens": Rule(static("GET", "/api/v1/auth/api-tokens"), everyone()),
    "create_api_token": Rule(
        static("POST", "/api/v1/auth/api-tokens", json={"name": "x"}), everyone()
    ),
    "revoke_api_token": Rule(_sonhai_reporters_token, {"sonhai.baocao"}),
    "list_org_units": Rule(static("GET", "/api/v1/org-units"), everyone()),
    "export_org_units": Rule(static("GET", "/api/v1/org-units/export"), everyone()),
    "get_org_unit_tree": Rule(static("GET", "/api/v1/org-units/tree"), everyone()),
    "get_org_unit": Rule(static("GET", "/api/v1/org-units/{sonhai}"), everyone()),
    "create_org_unit": Rule(_create_unit, ADMINS_OF_SONHAI),
    "update_org_unit": Rule(_unit_write("PATCH", "", {"name": "Đổi"}), ADMINS_OF_SONHAI),
    "move_org_unit": Rule(
        _unit_write("POST", "/move", {"parent_id": "$luc_ngan"}), ADMINS_OF_SONHAI
    ),
    "delete_org_unit": Rule(_unit_write("DELETE", "", None), ADMINS_OF_SONHAI),
    "list_users": Rule(static("GET", "/api/v1/users"), everyone()),
    "get_user": Rule(
        static("GET", "/api/v1/users/{sonhai_reporter}"), ADMINS_OF_SONHAI | {"sonhai.baocao"}
    ),
    "create_user": Rule(_create_user, ADMINS_OF_SONHAI),
    "update_user": Rule(_update_sonhai_user, ADMINS_OF_SONHAI),
    "list_audit_events": Rule(static("GET", "/api/v1/audit-events"), {"admin"}),
    "upload_import": Rule(
        static(
            "POST",
            "/api/v1/imports/org_units",
            data={"dry_run": "true"},
            files={"file": ("u.csv", b"code,name,type\nZ-2,Z,other\n", "text/csv")},
        ),
        # A unit at the root needs a system admin; anyone else gets the row
        # refused (422, code forbidden) and nothing written.
        {"admin"},
        denied_status={422},
    ),
    "list_imports": Rule(static("GET", "/api/v1/imports"), everyone()),
    "get_import": Rule(_on_import("GET", ""), {"admin", "sonhai.baocao"}),
    # The owner reaches the job but a finished one cannot be cancelled (409).
    "cancel_import": Rule(
        _on_import("POST", "/cancel"), {"admin", "sonhai.baocao"}, allowed_status={409}
    ),
    "download_import_conflicts": Rule(
        _on_import("GET", "/conflicts.csv"), {"admin", "sonhai.baocao"}
    ),
    "list_notifications": Rule(static("GET", "/api/v1/notifications"), everyone()),
    "count_unread_notifications": Rule(
        static("GET", "/api/v1/notifications/unread-count"), everyone()
    ),
    "mark_notification_read": Rule(_sonhai_notification, {"sonhai.baocao"}),
    "mark_all_notifications_read": Rule(
        static("POST", "/api/v1/notifications/read-all"), everyone()
    ),
    "list_indicators": Rule(static("GET", "/api/v1/indicators"), everyone()),
    "export_indicators": Rule(static("GET", "/api/v1/indicators/export"), everyone()),
    "get_indicator": Rule(_get_indicator, everyone()),
    "create_indicator": Rule(_create_indicator, INDICATOR_EDITORS),
    "update_indicator": Rule(_update_indicator, INDICATOR_EDITORS),
    "list_targets": Rule(static("GET", "/api/v1/targets"), everyone()),
    # Plan managers of the unit (or above) set its targets.
    "create_target": Rule(_create_target, ADMINS_OF_SONHAI),
    "parse_target_wording": Rule(
        static("POST", "/api/v1/targets/parse", json={"wording": "trên 95%"}), everyone()
    ),
    # A value outside the caller's units is refused (403, each row code forbidden).
    "upsert_data_values": Rule(
        static(
            "PUT",
            "/api/v1/data-values",
            json={
                "values": [
                    {"indicator": "KCB_BHYT", "org_unit": "BN-SONHAI", "period": "2030", "value": 5}
                ]
            },
        ),
        SONHAI_WRITERS,
    ),
    "list_data_values": Rule(static("GET", "/api/v1/data-values"), everyone()),
    # Drafts: only those who may write the unit's values see them.
    "get_data_value": Rule(_on_value("GET", ""), SONHAI_WRITERS),
    "get_data_value_history": Rule(_on_value("GET", "/history"), SONHAI_WRITERS),
    "delete_data_value": Rule(_on_value("DELETE", ""), SONHAI_WRITERS),
    # DHIS2's import: values outside the caller's units are conflicts (409), nothing written.
    "import_data_value_set": Rule(
        static(
            "POST",
            "/api/v1/dataValueSets",
            json={
                "period": "2031",
                "orgUnit": "BN-SONHAI",
                "dataValues": [{"dataElement": "KCB_BHYT", "value": "3"}],
            },
        ),
        SONHAI_WRITERS,
        denied_status={409},
    ),
    "export_data_value_set": Rule(static("GET", "/api/v1/dataValueSets"), everyone()),
    "search_measure_reports": Rule(
        static(
            "GET",
            "/api/v1/fhir/MeasureReport",
            params={"indicator": "TCDD", "org_unit": "BN", "period": "2026"},
        ),
        everyone(),
    ),
    "list_documents": Rule(static("GET", "/api/v1/documents"), everyone()),
    "get_document": Rule(_get_document, everyone()),
    "list_document_attachments": Rule(_on_document_file("GET", ""), everyone()),
    "download_document_attachment": Rule(_on_document_file("GET", "/file"), everyone()),
    "upload_document_attachment": Rule(_on_document_file("POST", ""), ADMINS_OF_SONHAI),
    "parse_document_reference": Rule(
        static(
            "GET",
            "/api/v1/documents/parse-reference",
            params={"text": "Kế hoạch số 142/KH-UBND ngày 21/11/2025"},
        ),
        everyone(),
    ),
    "create_document": Rule(_create_document, ADMINS_OF_SONHAI),
    "list_plans": Rule(static("GET", "/api/v1/plans"), everyone()),
    # Drafts: visible to those whose grants cover the owner unit (or who belong to it).
    "get_plan": Rule(_on_draft_plan("GET", ""), PLAN_READERS_OF_SONHAI_DRAFT),
    "get_plan_matrix": Rule(_on_draft_plan("GET", "/matrix"), PLAN_READERS_OF_SONHAI_DRAFT),
    "create_plan": Rule(_create_plan, ADMINS_OF_SONHAI),
    "create_child_plan": Rule(_create_child_plan, ADMINS_OF_SONHAI),
    "list_child_plans": Rule(_on_issued_plan("GET", "/children"), everyone()),
    "update_plan": Rule(_on_draft_plan("PATCH", "", json={"title": "Đổi tên"}), ADMINS_OF_SONHAI),
    "issue_plan": Rule(_issue_draft, ADMINS_OF_SONHAI),
    "amend_plan": Rule(_amend_issued, ADMINS_OF_SONHAI),
    "replace_plan_matrix": Rule(
        _on_draft_plan("PUT", "/matrix", json=MATRIX_ROWS), ADMINS_OF_SONHAI
    ),
    "export_plan_matrix": Rule(
        _on_draft_plan("GET", "/matrix/export"), PLAN_READERS_OF_SONHAI_DRAFT
    ),
    "upload_plan_matrix": Rule(
        _on_draft_plan(
            "PUT",
            "/matrix/file",
            files={
                "file": (
                    "p.csv",
                    "STT,Tên nhiệm vụ,Đơn vị chủ trì\nI,Nhóm,\n1,Việc,BN-SONHAI-TYT\n".encode(),
                    "text/csv",
                )
            },
        ),
        ADMINS_OF_SONHAI,
    ),
    "list_unit_assignments": Rule(
        static("GET", "/api/v1/org-units/{sonhai}/assignments"), everyone()
    ),
    "get_analytics": Rule(
        static(
            "GET",
            "/api/v1/analytics",
            params={"indicator": "TCDD", "org_unit": "BN", "period": "2026"},
        ),
        everyone(),
    ),
    "list_report_requests": Rule(static("GET", "/api/v1/report-requests"), everyone()),
    # The seed request is addressed to Sơn Hải and Lục Ngạn: their reporters see it too.
    "get_report_request": Rule(
        _on_request("GET", "", state="seed"), everyone() - {"backan.kehoach"}
    ),
    "create_report_request": Rule(_create_request, REQUEST_MANAGERS),
    "update_report_request": Rule(
        _on_request("PATCH", "", json={"title": "Đổi"}), REQUEST_MANAGERS
    ),
    "open_report_request": Rule(_on_request("POST", "/open"), REQUEST_MANAGERS),
    "close_report_request": Rule(_on_request("POST", "/close", state="open"), REQUEST_MANAGERS),
    "get_report_request_status": Rule(_on_request("GET", "/status", state="seed"), REQUESTER_SIDE),
    "get_report_compilation": Rule(
        _on_request("GET", "/compilation", state="seed"), REQUESTER_SIDE
    ),
    "bulk_accept_submissions": Rule(_bulk_accept, REVIEWERS_OF_SYT),
    "update_report_compilation": Rule(_edit_compilation, REQUEST_MANAGERS | REVIEWERS_OF_SYT),
    "list_submissions": Rule(static("GET", "/api/v1/submissions"), everyone()),
    "get_submission": Rule(_on_report("GET", "", submitted=False), SONHAI_WRITERS),
    "download_submission": Rule(_on_report("GET", "/download", submitted=False), SONHAI_WRITERS),
    "save_submission": Rule(
        _on_report("PATCH", "", submitted=False, json={"title": "Báo cáo"}), SONHAI_WRITERS
    ),
    "submit_submission": Rule(_on_report("POST", "/submit", submitted=False), SONHAI_WRITERS),
    "import_legacy_report": Rule(
        _on_report(
            "POST",
            "/legacy-docx",
            submitted=False,
            plan=True,
            files={"file": ("bc.docx", _legacy_docx())},
        ),
        SONHAI_WRITERS,
    ),
    "upload_submission_attachment": Rule(
        _on_report(
            "POST",
            "/attachments",
            submitted=False,
            files={"file": ("bien-ban.pdf", b"%PDF-1.4 test")},
        ),
        SONHAI_WRITERS,
    ),
    "download_submission_attachment": Rule(_on_attachment("GET"), SONHAI_WRITERS),
    "delete_submission_attachment": Rule(_on_attachment("DELETE"), SONHAI_WRITERS),
    "return_submission": Rule(
        _on_report("POST", "/return", submitted=True, json={"comment": "Sửa"}), REVIEWERS_OF_SYT
    ),
    "accept_submission": Rule(
        _on_report("POST", "/accept", submitted=True, json={}), REVIEWERS_OF_SYT
    ),
    "list_submission_revisions": Rule(
        _on_report("GET", "/revisions", submitted=True), FILED_READERS
    ),
    "get_submission_revision": Rule(
        _on_report("GET", "/revisions/1", submitted=True), FILED_READERS
    ),
    "diff_submission": Rule(_on_report("GET", "/diff", submitted=True), FILED_READERS),
    # Signing: only a signer of the issuing unit starts a session (no caller here is one:
    # tests/test_signing.py holds the signers' side), only its signer reads or completes it.
    "list_compilation_documents": Rule(
        _on_request("GET", "/compilation/documents", state="seed"), REQUESTER_SIDE
    ),
    "start_compilation_signing": Rule(
        _on_request(
            "POST", "/compilation/signing-sessions", state="seed", json={"certificates": ["x"]}
        ),
        set(),
    ),
    "list_submission_documents": Rule(
        _on_report("GET", "/documents", submitted=False), SONHAI_WRITERS
    ),
    "start_submission_signing": Rule(
        _on_report("POST", "/signing-sessions", submitted=False, json={"certificates": ["x"]}),
        set(),
    ),
    "seal_compilation": Rule(_on_request("POST", "/compilation/seal", state="seed"), set()),
    "seal_submission": Rule(_on_report("POST", "/seal", submitted=False), set()),
    "get_signing_session": Rule(_on_signing("GET", ""), set()),
    "complete_signing_session": Rule(
        _on_signing("POST", "/complete", json={"signature": "AAAA"}), set()
    ),
    "get_signable_document": Rule(_on_signable(""), REQUESTER_SIDE),
    "download_signable_document": Rule(_on_signable("/pdf"), REQUESTER_SIDE),
    "verify_signed_pdf": Rule(
        static(
            "POST",
            "/api/v1/signatures/verify",
            files={"file": ("a.pdf", _unsigned_pdf(), "application/pdf")},
        ),
        everyone(),
    ),
}


def _operations() -> dict[str, tuple[str, str]]:
    spec = create_app().openapi()
    return {
        op["operationId"]: (method.upper(), path)
        for path, item in spec["paths"].items()
        for method, op in item.items()
    }


def test_every_operation_has_a_rule() -> None:
    missing = set(_operations()) - set(RULES)
    assert not missing, f"operations without an authorization rule: {sorted(missing)}"
    assert not set(RULES) - set(_operations()), "rules for operations that no longer exist"


@pytest.fixture
async def ctx(client: httpx.AsyncClient, login: Login, session: AsyncSession) -> Ctx:
    admin = await login("admin")
    c = Ctx(client, login, session)
    c.ids["sonhai"] = await unit_id(client, admin, "BN-SONHAI")
    c.ids["luc_ngan"] = await unit_id(client, admin, "BN-LUCNGAN")
    c.ids["sonhai_reporter"] = await _user_id(c, "sonhai.baocao")
    c.ids["sonhai_ubnd"] = await unit_id(client, admin, "BN-SONHAI-UBND")
    return c


async def _send(ctx: Ctx, request: Request, headers: dict[str, str]) -> httpx.Response:
    method, url, kw = request
    kw = dict(kw)
    kw["headers"] = {**kw.get("headers", {}), **headers}
    return await ctx.client.request(method, url, **kw)


@pytest.mark.parametrize("operation", sorted(RULES))
async def test_who_may_call(ctx: Ctx, operation: str) -> None:
    rule = RULES[operation]
    for caller in CALLERS:
        if operation in ("logout_everywhere", "revoke_all_tokens"):
            # Ends the caller's session: send it last, with a token of its own.
            r = await ctx.client.post(
                "/api/v1/auth/token", data={"username": caller, "password": "healthplan"}
            )
            headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
        else:
            headers = await ctx.login(caller)
        request = await rule.build(ctx, caller)
        response = await _send(ctx, request, {} if rule.public else headers)
        expected = rule.allowed_status if caller in rule.allowed else rule.denied_status
        assert response.status_code in expected, (
            operation,
            caller,
            response.status_code,
            response.text[:300],
        )


@pytest.mark.parametrize("operation", sorted(op for op, r in RULES.items() if not r.public))
async def test_expired_and_read_only_tokens(ctx: Ctx, operation: str) -> None:
    rule = RULES[operation]
    admin_user = await ctx.session.scalar(select(User).where(User.username == "admin"))
    assert admin_user is not None
    expired, _ = create_jwt(
        get_settings(),
        user_id=admin_user.id,
        token_type="access",
        generation=admin_user.token_generation,
        now=datetime.now(UTC) - timedelta(days=1),
    )
    request = await rule.build(ctx, "admin")
    r = await _send(ctx, request, {"Authorization": f"Bearer {expired}"})
    assert r.status_code == 401, (operation, r.text)
    r = await _send(ctx, request, {})
    assert r.status_code == 401, (operation, r.text)

    token = await ctx.client.post(
        "/api/v1/auth/api-tokens",
        headers=await ctx.login("admin"),
        json={"name": "read only", "scopes": ["read"]},
    )
    read_only = {"Authorization": f"Bearer {token.json()['token']}"}
    r = await _send(ctx, await rule.build(ctx, "admin"), read_only)
    if request[0] == "GET":
        assert r.status_code not in (401, 403), (operation, r.text)
    else:
        assert r.status_code == 403, (operation, r.text)
