"""Load benchmark (issue 7): a realistic mix of users on loopback for a bounded time, then a
check in the database that every acknowledged write is there exactly once.

    .venv/bin/python benchmarks/load_bench.py [--duration 60] [--reporters 200]
        [--reviewers 20] [--integrations 5] [--upload-values 100000] [--workers CORES]

It creates its own database (healthplan_bench_load by default; dropped and recreated, left in
place afterwards for inspection), loads the demo data and 1 100 test communes, creates the
users over HTTP, sends a report request to R communes and opens it. Then, against
`healthplan serve --workers N` (N = the machine's cores by default) and one `healthplan
worker`, for the given duration:

- R reporters, each a commune officer with their own login and draft: load the form, then
  autosave every 1-3 s (a section's text and three indicator values), and submit once in the
  last half of the run;
- V reviewers of the Sở Y tế: the request's status, the list of submitted reports, open one and
  accept it; now and then the compiled report. Two reviewers racing on one report is expected
  contention: its 409/412 is counted as a conflict, not an error;
- I integrations, each with a read-only API token: incremental pulls of /data-values
  (updated_since, pages of 500) and a DHIS2 dataValueSets export of the request's values;
- one bulk upload of a DHIS2 CSV (other indicators and periods) processed by the worker.

It prints, per operation, the count, errors, conflicts, p50/p95/p99 (client side, loopback,
over answered requests) and requests/s; the bulk upload's values/s; the CPU seconds the client,
the API, the job worker, this database's PostgreSQL backends and any other busy process used in
the window (the machine may be shared); then checks that each acknowledged save, submit and
accept is in the audit trail (and the revisions) exactly once, that each report's version
and values are what the acknowledged writes left, and that the upload's values are all there.
Requests with no answer (timeout, 5xx) count as errors; their write may or may not have
happened, and the checks allow for exactly that. Exits 1 on any error or any write lost or
duplicated; slowness alone never fails it (the goal, p95 < 100 ms for form writes, is printed).
"""

import argparse
import asyncio
import functools
import json
import math
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import FrameType
from typing import Any

import aiohttp
import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from import_bench import (  # noqa: E402
    UNITS,
    machine_speed,
    periods_for,
    setup_database,
    write_csv,
)

API = "/api/v1"
DEMO_PASSWORD = "healthplan"
BENCH_PASSWORD = "Baocao-tai-2026"  # meets the policy: >= 10 characters, two classes
INDICATORS = ("TCDD", "BHYT", "KCB_BHYT")
FORM_WRITES = ("autosave", "submit")
FORM_WRITE_GOAL_MS = 100.0
SENTENCES = (
    "Ủy ban nhân dân xã đã ban hành kế hoạch triển khai và phân công cán bộ phụ trách.",
    "Trạm y tế phối hợp với các thôn tổ chức tiêm chủng mở rộng đúng lịch.",
    "Tuyên truyền về bảo hiểm y tế được thực hiện trên loa truyền thanh hằng tuần.",
    "Công tác kiểm tra an toàn thực phẩm tại các bếp ăn tập thể được duy trì.",
    "Một số hộ dân còn chưa tham gia bảo hiểm y tế do khó khăn về kinh tế.",
    "Đề nghị Sở Y tế hỗ trợ kinh phí mua sắm trang thiết bị cho trạm y tế.",
)


# --- measurements -----------------------------------------------------------------------------


@dataclass
class OpStats:
    latencies_ms: list[float] = field(default_factory=list)  # every answered request
    app_ms: list[float] = field(default_factory=list)  # their time inside the app (Server-Timing)
    finished_at: list[float] = field(default_factory=list)  # when each answer came (s, clock)
    no_answer: int = 0  # timeouts and connection errors (also counted in errors)
    errors: int = 0
    conflicts: int = 0
    samples: Counter[str] = field(default_factory=Counter)

    @property
    def count(self) -> int:
        return len(self.latencies_ms) + self.no_answer


def percentile(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list (nan when empty)."""
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


@dataclass
class Reply:
    """An HTTP answer, read whole."""

    status_code: int
    headers: Any  # case-insensitive, as the server sent them
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def _query(params: dict[str, Any] | None) -> list[tuple[str, str]]:
    """A query string's pairs, a list value repeating its key (dataElement=A&dataElement=B)."""
    pairs: list[tuple[str, str]] = []
    for key, value in (params or {}).items():
        for one in value if isinstance(value, list | tuple) else [value]:
            pairs.append((key, str(one)))
    return pairs


@dataclass
class Answer:
    """What a request got: an HTTP answer, or none (timeout, connection error)."""

    response: Reply | None
    ok: bool
    conflict: bool = False

    @property
    def unknown(self) -> bool:
        """A write whose outcome the client cannot know: no answer, or a server error."""
        return self.response is None or self.response.status_code >= 500

    def json(self) -> Any:
        assert self.response is not None
        return self.response.json()

    def version(self) -> int:
        assert self.response is not None
        return int(self.response.headers["ETag"].strip('W/"'))


@dataclass
class Form:
    """One commune's submission and the ledger of what the server acknowledged for it."""

    submission_id: str
    unit_id: str
    unit_code: str
    acked: list[tuple[str, int]] = field(default_factory=list)  # (action, version it made)
    unknown: Counter[str] = field(default_factory=Counter)  # writes with no clear answer
    last_save: int | None = None  # sequence number of the last acknowledged save
    later_unknown_saves: list[int] = field(default_factory=list)


@dataclass
class Upload:
    values: int
    path: Path
    status: str = "not started"
    http_status: int | None = None
    seconds: float = math.nan
    job: dict[str, Any] = field(default_factory=dict)
    span: tuple[float, float] | None = None  # seconds into the run: sent, finished


class Bench:
    """Shared state of one run: the client, the clock, the measurements and the ledger."""

    def __init__(self, client: httpx.AsyncClient, args: argparse.Namespace) -> None:
        self.client = client  # setup and checks
        # The virtual users' client during the run. aiohttp, not httpx: on this machine's two
        # cores the load generator competes with the server, and httpx spent about 8 ms of
        # CPU per request here (its pool with hundreds of connections), aiohttp well under 1.
        self.http: aiohttp.ClientSession | None = None
        self.base = str(client.base_url).rstrip("/")
        self.args = args
        self.stats: dict[str, OpStats] = defaultdict(OpStats)
        self.forms: dict[str, Form] = {}
        self.request_id = ""
        self.period = ""
        self.start = 0.0
        self.end = 0.0
        self.started_at = datetime.now(UTC)
        self.finished = 0.0
        self.cpu: dict[str, float] = {}
        # --trace: each answered request (operation, sent and answered in seconds into the
        # run, time in the app in ms) and the CPU seconds used so far, sampled every 0.25 s.
        self.requests: list[tuple[str, float, float, float | None]] = []
        self.samples: list[dict[str, float]] = []

    def over(self) -> bool:
        return time.perf_counter() >= self.end

    async def think(self, rng: random.Random, low: float | None = None) -> None:
        low = self.args.think_min if low is None else low
        pause = rng.uniform(low, max(low, self.args.think_max))
        await asyncio.sleep(max(0.0, min(pause, self.end - time.perf_counter())))

    async def call(
        self,
        op: str,
        method: str,
        url: str,
        *,
        auth: dict[str, str],
        expect: Iterable[int] = (200,),
        conflict: Iterable[int] = (),
        version: int | None = None,
        **kwargs: Any,
    ) -> Answer:
        headers = dict(auth)
        if version is not None:
            headers["If-Match"] = f'"{version}"'
        stats = self.stats[op]
        assert self.http is not None
        data: aiohttp.FormData | None = None
        for name, (filename, content, content_type) in kwargs.pop("files", {}).items():
            data = data or aiohttp.FormData()
            data.add_field(name, content, filename=filename, content_type=content_type)
        timeout = aiohttp.ClientTimeout(total=kwargs.pop("timeout", self.args.timeout))
        params = _query(kwargs.pop("params", None))
        started = time.perf_counter()
        try:
            async with self.http.request(
                method,
                self.base + API + url,
                headers=headers,
                params=params,
                data=data,
                timeout=timeout,
                **kwargs,
            ) as resp:
                r = Reply(resp.status, resp.headers, await resp.read())
        except TimeoutError as exc:
            stats.no_answer += 1
            stats.errors += 1
            stats.samples[f"timeout ({type(exc).__name__})"] += 1
            return Answer(None, ok=False)
        except aiohttp.ClientError as exc:
            stats.no_answer += 1
            stats.errors += 1
            stats.samples[f"{type(exc).__name__}: {exc}"[:200]] += 1
            return Answer(None, ok=False)
        stats.latencies_ms.append((time.perf_counter() - started) * 1000)
        timing = r.headers.get("Server-Timing", "")
        app_ms = float(timing.split("=", 1)[1]) if timing.startswith("app;dur=") else None
        if app_ms is not None:
            stats.app_ms.append(app_ms)
        stats.finished_at.append(time.perf_counter())
        if self.args.trace:
            answered = stats.finished_at[-1] - self.start
            self.requests.append((op, started - self.start, answered, app_ms))
        if r.status_code in expect:
            return Answer(r, ok=True)
        if r.status_code in conflict:
            stats.conflicts += 1
            return Answer(r, ok=False, conflict=True)
        stats.errors += 1
        detail = ""
        try:
            body = r.json()
            detail = str(body.get("detail") or body.get("title") or "")
        except ValueError:
            detail = r.text[:120]
        stats.samples[f"{r.status_code} {detail}"[:200]] += 1
        return Answer(r, ok=False)


# --- the virtual users ------------------------------------------------------------------------


def save_body(k: int, sections: list[tuple[str, str]], rng: random.Random) -> dict[str, Any]:
    """Autosave number k: the text of one section, and the three values, which encode k so
    the check can tell which save's values the database holds."""
    key, heading = sections[(k - 1) % len(sections)]
    text = " ".join(SENTENCES[(k + i) % len(SENTENCES)] for i in range(1 + k % 4))
    return {
        "sections": [{"key": key, "heading": heading, "body": f"{text} (lần lưu {k})"}],
        "values": [
            {"indicator": "TCDD", "numerator": str(k), "denominator": str(k + 100)},
            {"indicator": "BHYT", "value": f"{80 + k % 20},{rng.randrange(10)}"},
            {"indicator": "KCB_BHYT", "value": str(1000 + k)},
        ],
    }


def expected_values(k: int) -> dict[str, tuple[Decimal | None, ...]]:
    """What save k leaves per indicator: (numerator, denominator) or (value,)."""
    return {
        "TCDD": (Decimal(k), Decimal(k + 100)),
        "BHYT": (),  # random decimals: only its presence is checked
        "KCB_BHYT": (Decimal(1000 + k),),
    }


async def reporter(bench: Bench, auth: dict[str, str], form: Form, seed: int) -> None:
    rng = random.Random(seed)
    args = bench.args
    await asyncio.sleep(rng.uniform(0, args.think_max))  # arrivals spread over the first seconds
    if bench.over():
        return
    listed = await bench.call(
        "list_own",
        "GET",
        "/submissions",
        auth=auth,
        params={"request_id": bench.request_id, "limit": 50},
    )
    if listed.ok and [i["id"] for i in listed.json()["items"]] != [form.submission_id]:
        bench.stats["list_own"].errors += 1
        bench.stats["list_own"].samples["the reporter does not see exactly their report"] += 1

    async def load() -> tuple[int, list[tuple[str, str]]] | None:
        got = await bench.call("load_form", "GET", f"/submissions/{form.submission_id}", auth=auth)
        if not got.ok:
            return None
        outline = [(s["key"], s["heading"]) for s in got.json()["outline"]]
        return got.version(), outline or [("I", "Công tác chỉ đạo")]

    loaded = await load()
    if loaded is None:
        return
    version, sections = loaded
    submit_at = bench.start + rng.uniform(0.5, 0.85) * args.duration
    k = 0
    while True:
        await bench.think(rng)
        if bench.over():
            return
        if time.perf_counter() >= submit_at and form.last_save is not None:
            done = await bench.call(
                "submit",
                "POST",
                f"/submissions/{form.submission_id}/submit",
                auth=auth,
                version=version,
            )
            if done.ok:
                form.acked.append(("submit", done.version()))
            elif done.unknown:
                form.unknown["submit"] += 1
            return  # filed (or failed, counted): the form is locked either way
        k += 1
        saved = await bench.call(
            "autosave",
            "PATCH",
            f"/submissions/{form.submission_id}",
            auth=auth,
            version=version,
            json=save_body(k, sections, rng),
        )
        if saved.ok:
            version = int(saved.json()["version"])
            form.acked.append(("save", version))
            form.last_save, form.later_unknown_saves = k, []
            continue
        if saved.unknown:
            form.unknown["save"] += 1
            form.later_unknown_saves.append(k)
        # A refusal (412 would be a bug: nobody else edits this report) or no answer: reload.
        reloaded = await load()
        if reloaded is None:
            return
        version = reloaded[0]


async def reviewer(bench: Bench, auth: dict[str, str], seed: int) -> None:
    rng = random.Random(seed)
    await asyncio.sleep(rng.uniform(0, bench.args.think_max))
    request = bench.request_id
    while not bench.over():
        if rng.random() < 0.3:
            await bench.call(
                "request_status", "GET", f"/report-requests/{request}/status", auth=auth
            )
        listed = await bench.call(
            "list_submitted",
            "GET",
            "/submissions",
            auth=auth,
            params={"request_id": request, "status": "submitted", "limit": 500},
        )
        items = listed.json()["items"] if listed.ok else []
        if items and not bench.over():
            sid = rng.choice(items)["id"]
            opened = await bench.call("review_form", "GET", f"/submissions/{sid}", auth=auth)
            if opened.ok and opened.json()["status"] == "submitted":
                accepted = await bench.call(
                    "accept",
                    "POST",
                    f"/submissions/{sid}/accept",
                    auth=auth,
                    version=opened.version(),
                    json={},
                    conflict=(409, 412),  # another reviewer accepted it first
                )
                if accepted.ok:
                    bench.forms[sid].acked.append(("accept", accepted.version()))
                elif accepted.unknown:
                    bench.forms[sid].unknown["accept"] += 1
        if rng.random() < 0.1 and not bench.over():
            await bench.call(
                "compilation", "GET", f"/report-requests/{request}/compilation", auth=auth
            )
        await bench.think(rng)


async def integration(bench: Bench, auth: dict[str, str], seed: int) -> None:
    rng = random.Random(seed)
    await asyncio.sleep(rng.uniform(0, bench.args.think_max))
    since = bench.started_at  # synced up to the start of the run
    while not bench.over():
        # One incremental pull: every page changed since the last one, then move the mark.
        cursor: str | None = None
        newest = since
        while not bench.over():
            params: dict[str, Any] = {"updated_since": since.isoformat(), "limit": 500}
            if cursor:
                params["cursor"] = cursor
            page = await bench.call(
                "pull_data_values", "GET", "/data-values", auth=auth, params=params
            )
            if not page.ok:
                break
            body = page.json()
            if body["items"]:
                newest = max(newest, datetime.fromisoformat(body["items"][-1]["updated_at"]))
            cursor = body["page"]["next_cursor"]
            if not cursor:
                since = newest
                break
        if bench.over():
            break
        await bench.call(
            "dhis2_export",
            "GET",
            "/dataValueSets",
            auth=auth,
            params={
                "orgUnit": "BN",
                "children": "true",
                "period": bench.period,
                "dataElement": list(INDICATORS),
            },
        )
        await bench.think(rng, low=max(bench.args.think_min, 2.0))


async def bulk_upload(bench: Bench, auth: dict[str, str], upload: Upload, content: bytes) -> None:
    await asyncio.sleep(min(5.0, bench.args.duration * 0.1))
    started = time.perf_counter()
    sent = await bench.call(
        "import_upload",
        "POST",
        "/imports/data_values",
        auth=auth,
        expect=(200, 202),
        files={"file": (upload.path.name, content, "text/csv")},
        timeout=max(120.0, bench.args.timeout),
    )
    upload.http_status = sent.response.status_code if sent.response is not None else None
    if not sent.ok:
        upload.status = "refused" if sent.response is not None else "no answer"
        return
    job = sent.json()
    deadline = bench.end + bench.args.import_wait
    while job["status"] in ("queued", "running") and time.perf_counter() < deadline:
        await asyncio.sleep(1.0)
        polled = await bench.call("import_poll", "GET", f"/imports/{job['id']}", auth=auth)
        if polled.ok:
            job = polled.json()
    upload.job = job
    upload.status = job["status"]
    if job["status"] in ("queued", "running"):
        upload.status = f"still {job['status']} after the wait"
        bench.stats["import_poll"].errors += 1
        bench.stats["import_poll"].samples["import not finished in time"] += 1
    elif job["status"] != "succeeded":
        bench.stats["import_poll"].errors += 1
        bench.stats["import_poll"].samples[f"import {job['status']}: {job.get('error')}"] += 1
    upload.seconds = time.perf_counter() - started
    upload.span = (started - bench.start, time.perf_counter() - bench.start)


# --- setup over HTTP --------------------------------------------------------------------------


async def login(client: httpx.AsyncClient, username: str, password: str) -> dict[str, str]:
    r = await client.post(f"{API}/auth/token", data={"username": username, "password": password})
    if r.status_code != 200:
        raise SystemExit(f"login {username}: {r.status_code} {r.text[:300]}")
    pair = r.json()
    if pair.get("password_change_required"):
        # A password an admin set must be changed before anything else (403 otherwise).
        r = await client.post(
            f"{API}/auth/password",
            json={"current_password": password, "new_password": password + "-Own"},
            headers={"Authorization": f"Bearer {pair['access_token']}"},
        )
        if r.status_code != 200:
            raise SystemExit(f"password {username}: {r.status_code} {r.text[:300]}")
        pair = r.json()
    return {"Authorization": f"Bearer {pair['access_token']}"}


async def bounded(limit: int, jobs: Iterable[Any]) -> list[Any]:
    gate = asyncio.Semaphore(limit)

    async def one(job: Any) -> Any:
        async with gate:
            return await job

    return list(await asyncio.gather(*(one(j) for j in jobs)))


async def create_user(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    username: str,
    full_name: str,
    unit_id: str,
    roles: list[dict[str, Any]],
) -> None:
    body = {
        "username": username,
        "full_name": full_name,
        "password": BENCH_PASSWORD,
        "org_unit_id": unit_id,
        "roles": roles,
    }
    r = await client.post(f"{API}/users", json=body, headers=admin)
    if r.status_code != 201:
        raise SystemExit(f"create user {username}: {r.status_code} {r.text[:300]}")


def last_quarter(today: date) -> str:
    quarter = (today.month - 1) // 3  # the current quarter's index, 0-3
    return f"{today.year - 1}Q4" if quarter == 0 else f"{today.year}Q{quarter}"


async def setup(
    bench: Bench, url: str
) -> tuple[
    list[tuple[dict[str, str], Form]], list[dict[str, str]], list[dict[str, str]], dict[str, str]
]:
    """Users, the report request (opened: one draft per commune) and the integrations' tokens."""
    args, client = bench.args, bench.client
    conn = await asyncpg.connect(url)
    try:
        units = await conn.fetch(
            "SELECT id, code FROM org_unit WHERE code LIKE 'BX-%' ORDER BY code LIMIT $1",
            args.reporters,
        )
        syt = str(await conn.fetchval("SELECT id FROM org_unit WHERE code = 'BN-SYT'"))
        bn = str(await conn.fetchval("SELECT id FROM org_unit WHERE code = 'BN'"))
    finally:
        await conn.close()
    admin = await login(client, "admin", DEMO_PASSWORD)
    manager = await login(client, "syt.kehoach", DEMO_PASSWORD)

    t = time.perf_counter()
    reporters = [(f"{u['code'].lower()}.baocao", str(u["id"]), u["code"]) for u in units]
    reviewers = [f"syt.thamdinh.{n:02d}" for n in range(args.reviewers)]
    await bounded(
        4,
        [
            create_user(
                client,
                admin,
                name,
                f"Cán bộ báo cáo {code}",
                uid,
                [{"role": "reporter", "org_unit_id": uid, "include_subtree": True}],
            )
            for name, uid, code in reporters
        ]
        + [
            create_user(
                client,
                admin,
                name,
                f"Chuyên viên thẩm định {n}",
                syt,
                [
                    {"role": "reviewer", "org_unit_id": syt, "include_subtree": False},
                    {"role": "viewer", "org_unit_id": bn, "include_subtree": True},
                ],
            )
            for n, name in enumerate(reviewers)
        ],
    )
    print(f"  {len(reporters) + len(reviewers)} users created ({time.perf_counter() - t:.0f} s)")

    today = datetime.now(UTC).date()
    bench.period = last_quarter(today)
    created = await client.post(
        f"{API}/report-requests",
        headers=manager,
        json={
            "requester_id": syt,
            "title": f"Báo cáo kết quả thực hiện quý (thử tải, {bench.period})",
            "period": bench.period,
            "due_date": (today + timedelta(days=14)).isoformat(),
            "indicators": list(INDICATORS),
            "units": {"unit_ids": [uid for _, uid, _ in reporters]},
        },
    )
    if created.status_code != 201:
        raise SystemExit(f"report request: {created.status_code} {created.text[:500]}")
    bench.request_id = created.json()["id"]
    opened = await client.post(
        f"{API}/report-requests/{bench.request_id}/open",
        headers={**manager, "If-Match": created.headers["ETag"]},
    )
    if opened.status_code != 200:
        raise SystemExit(f"open the request: {opened.status_code} {opened.text[:500]}")
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            "SELECT s.id, s.org_unit_id, o.code FROM submission s "
            "JOIN org_unit o ON o.id = s.org_unit_id WHERE s.request_id = $1",
            uuid.UUID(bench.request_id),
        )
        # A fresh database has no planner statistics; a running installation has them.
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    by_unit = {
        str(r["org_unit_id"]): Form(str(r["id"]), str(r["org_unit_id"]), r["code"]) for r in rows
    }
    if len(by_unit) != len(reporters):
        raise SystemExit(f"opening made {len(by_unit)} drafts for {len(reporters)} communes")
    bench.forms = {f.submission_id: f for f in by_unit.values()}

    t = time.perf_counter()
    reporter_auth = await bounded(4, [login(client, n, BENCH_PASSWORD) for n, _, _ in reporters])
    reviewer_auth = await bounded(4, [login(client, n, BENCH_PASSWORD) for n in reviewers])
    print(f"  {len(reporter_auth) + len(reviewer_auth)} logins ({time.perf_counter() - t:.0f} s)")
    tokens = []
    for n in range(args.integrations):
        r = await client.post(
            f"{API}/auth/api-tokens",
            headers=manager,
            json={"name": f"Tích hợp thử tải {n}", "scopes": ["read"]},
        )
        if r.status_code != 201:
            raise SystemExit(f"API token: {r.status_code} {r.text[:300]}")
        tokens.append({"Authorization": f"Bearer {r.json()['token']}"})
    pairs = [(a, by_unit[uid]) for a, (_, uid, _) in zip(reporter_auth, reporters, strict=True)]
    return pairs, reviewer_auth, tokens, admin


async def drive(
    args: argparse.Namespace,
    base: str,
    url: str,
    upload: Upload,
    snapshot: Callable[..., dict[str, Any]],
    database: str,
) -> Bench:
    users = args.reporters + args.reviewers + args.integrations + 10
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx.AsyncClient(
        base_url=base, timeout=httpx.Timeout(args.timeout), limits=limits
    ) as client:
        bench = Bench(client, args)
        print("setting up users, the report request and tokens ...")
        reporters, reviewers, tokens, admin = await setup(bench, url)
        content = await asyncio.to_thread(upload.path.read_bytes) if upload.values else b""
        think = (args.think_min + max(args.think_min, args.think_max)) / 2
        print(
            f"running {args.duration:.0f} s: {len(reporters)} reporters, {len(reviewers)} "
            f"reviewers, {len(tokens)} integrations"
            + (f", one bulk upload of {upload.values:,} values" if upload.values else "")
            + f"; offered: about {len(reporters) / think:.0f} autosaves/s if answered at once"
        )
        # Idle connections are dropped before the server's keep-alive ends (75 s), so no
        # request goes out on a connection the server is closing.
        connector = aiohttp.TCPConnector(limit=users, keepalive_timeout=30)
        bench.http = aiohttp.ClientSession(connector=connector)
        before = snapshot()
        bench.started_at = datetime.now(UTC)
        bench.start = time.perf_counter()
        bench.end = bench.start + args.duration
        tasks = [
            reporter(bench, auth, form, args.seed * 100_000 + n)
            for n, (auth, form) in enumerate(reporters)
        ]
        tasks += [
            reviewer(bench, auth, args.seed * 200_000 + n) for n, auth in enumerate(reviewers)
        ]
        tasks += [
            integration(bench, auth, args.seed * 300_000 + n) for n, auth in enumerate(tokens)
        ]
        load = asyncio.gather(*tasks)
        upload_task = (
            asyncio.ensure_future(bulk_upload(bench, admin, upload, content))
            if upload.values
            else None
        )
        sampler = asyncio.ensure_future(sample(bench, snapshot)) if args.trace else None
        await load
        bench.finished = time.perf_counter()
        if sampler is not None:
            sampler.cancel()
        bench.cpu = cpu_used(before, snapshot(), database)
        if upload_task is not None:
            if not upload_task.done():
                print("waiting for the bulk upload to finish ...")
            await upload_task
        await bench.http.close()
        return bench


async def sample(bench: Bench, snapshot: Callable[..., dict[str, Any]]) -> None:
    """--trace: the CPU seconds used so far by the client, the API, the worker and the
    machine, every 0.25 s (the processes' table is left out: reading it costs a core)."""
    while True:
        shot = await asyncio.to_thread(snapshot, False)
        bench.samples.append(
            {
                "at": time.perf_counter() - bench.start,
                **{k: shot[k] for k in ("client", "API", "job worker")},
                "machine": shot["machine"]["busy"],
            }
        )
        await asyncio.sleep(0.25)


# --- the check in the database ----------------------------------------------------------------


@dataclass
class Findings:
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    checked: Counter[str] = field(default_factory=Counter)


async def verify(url: str, bench: Bench, upload: Upload) -> Findings:
    found = Findings()
    conn = await asyncpg.connect(url)
    try:
        ids = [uuid.UUID(s) for s in bench.forms]
        subs = {
            str(r["id"]): r
            for r in await conn.fetch(
                "SELECT id, version, status FROM submission WHERE id = ANY($1)", ids
            )
        }
        audits: dict[str, Counter[tuple[str, int]]] = defaultdict(Counter)
        for r in await conn.fetch(
            "SELECT entity_id, action, (after->>'version')::int AS version FROM audit_event "
            "WHERE entity_type = 'submission' AND entity_id = ANY($1::varchar[]) "
            "AND action IN ('save', 'submit', 'accept')",
            list(bench.forms),
        ):
            audits[r["entity_id"]][(r["action"], r["version"])] += 1
        revisions: dict[str, Counter[tuple[str, int]]] = defaultdict(Counter)
        for r in await conn.fetch(
            "SELECT submission_id, action, version FROM submission_revision "
            "WHERE submission_id = ANY($1)",
            ids,
        ):
            action = "submit" if r["action"] == "resubmit" else r["action"]
            revisions[str(r["submission_id"])][(action, r["version"])] += 1
        values: dict[tuple[str, str], list[asyncpg.Record]] = defaultdict(list)
        for r in await conn.fetch(
            "SELECT i.code, d.org_unit_id, d.numerator, d.denominator, d.value, d.status "
            "FROM data_value d JOIN indicator i ON i.id = d.indicator_id "
            "WHERE d.period = $1 AND d.option = 'default' AND d.deleted_at IS NULL "
            "AND d.org_unit_id = ANY($2) AND i.code = ANY($3)",
            bench.period,
            [uuid.UUID(f.unit_id) for f in bench.forms.values()],
            list(INDICATORS),
        ):
            values[(str(r["org_unit_id"]), r["code"])].append(r)

        for sid, form in bench.forms.items():
            where = f"{form.unit_code} ({sid})"
            acked = Counter(form.acked)
            # Two acknowledged accepts (or submits) of one report: written twice.
            for action in ("submit", "accept"):
                n = sum(1 for a, _ in form.acked if a == action)
                if n > 1:
                    found.duplicated.append(f"{where}: {n} acknowledged {action}s")
            # Each acknowledged write is in the audit trail exactly once, with its version.
            trail = audits.get(sid, Counter())
            for write in acked:
                found.checked["audited writes"] += 1
                if trail[write] == 0:
                    found.lost.append(f"{where}: acknowledged {write[0]} v{write[1]} not audited")
                elif trail[write] > 1:
                    found.duplicated.append(
                        f"{where}: {write[0]} v{write[1]} audited {trail[write]}×"
                    )
            for action in ("save", "submit", "accept"):
                extra = sum(n for (a, v), n in trail.items() if a == action and (a, v) not in acked)
                if extra > form.unknown[action]:
                    found.duplicated.append(
                        f"{where}: {extra} unacknowledged {action}s audited "
                        f"({form.unknown[action]} had no answer)"
                    )
            # Each acknowledged submit and accept kept exactly one revision of that version.
            kept = revisions.get(sid, Counter())
            for write in acked:
                if write[0] == "save":
                    continue
                found.checked["revisions"] += 1
                if kept[write] == 0:
                    found.lost.append(f"{where}: no revision for {write[0]} v{write[1]}")
                elif kept[write] > 1:
                    found.duplicated.append(
                        f"{where}: {kept[write]} revisions for {write[0]} v{write[1]}"
                    )
            extra = sum(n for w, n in kept.items() if w not in acked)
            if extra > form.unknown["submit"] + form.unknown["accept"]:
                found.duplicated.append(f"{where}: {extra} revisions nobody was told about")
            # The version counts the writes: 1 + one per acknowledged write (+ unanswered ones).
            row = subs.get(sid)
            found.checked["versions"] += 1
            if row is None:
                found.lost.append(f"{where}: submission missing")
                continue
            low = 1 + len(form.acked)
            high = low + sum(form.unknown.values())
            if row["version"] < low:
                found.lost.append(
                    f"{where}: version {row['version']}, {len(form.acked)} writes acknowledged"
                )
            elif row["version"] > high:
                found.duplicated.append(
                    f"{where}: version {row['version']}, expected {low}"
                    + (f"-{high}" if high > low else "")
                )
            actions = {a for a, _ in form.acked}
            found.checked["statuses"] += 1
            if "accept" in actions and row["status"] != "accepted":
                found.lost.append(f"{where}: accepted, but the status is {row['status']}")
            elif "submit" in actions and row["status"] not in ("submitted", "accepted"):
                found.lost.append(f"{where}: submitted, but the status is {row['status']}")
            # The values are those of the last acknowledged save (or a later unanswered one).
            last = form.last_save
            candidates = [last, *form.later_unknown_saves] if last is not None else []
            want_status = (
                "accepted"
                if "accept" in actions
                else "submitted"
                if "submit" in actions
                else "draft"
            )
            for code in INDICATORS:
                rows = values.get((form.unit_id, code), [])
                if not candidates:
                    if rows and not form.unknown["save"]:
                        found.duplicated.append(f"{where}: {code} stored but never saved")
                    continue
                found.checked["report values"] += 1
                if not rows:
                    found.lost.append(f"{where}: {code} missing after save {candidates[0]}")
                    continue
                if len(rows) > 1:
                    found.duplicated.append(f"{where}: {code} stored {len(rows)}×")
                stored = rows[0]
                numbers = {
                    "TCDD": (stored["numerator"], stored["denominator"]),
                    "BHYT": (),
                    "KCB_BHYT": (stored["value"],),
                }[code]
                if not any(expected_values(k)[code] == numbers for k in candidates):
                    found.lost.append(
                        f"{where}: {code} is {numbers}, save {candidates[0]} wrote "
                        f"{expected_values(candidates[0])[code]}"
                    )
                if not form.unknown and stored["status"] != want_status:
                    found.lost.append(f"{where}: {code} is {stored['status']}, not {want_status}")
        # The bulk upload: each of its values in data_value, once.
        if upload.values and upload.status == "succeeded":
            found.checked["uploaded values"] += upload.values
            stored_count = await conn.fetchval(
                "SELECT count(*) FROM data_value d JOIN indicator i ON i.id = d.indicator_id "
                "WHERE i.code LIKE 'BI\\_%' AND d.period = ANY($1) AND d.deleted_at IS NULL",
                periods_for(upload.values),
            )
            if stored_count < upload.values:
                found.lost.append(f"bulk upload: {stored_count} of {upload.values} values stored")
            elif stored_count > upload.values:
                found.duplicated.append(
                    f"bulk upload: {stored_count} values for {upload.values} rows"
                )
    finally:
        await conn.close()
    return found


# --- report -----------------------------------------------------------------------------------


def timeline(bench: Bench, upload: Upload, step: float = 5.0) -> None:
    """Form writes' p95 in each `step` seconds of the run, the upload's span marked: where
    the slow answers are."""
    buckets: dict[int, list[float]] = defaultdict(list)
    for name in FORM_WRITES:
        s = bench.stats[name]
        for at, ms in zip(s.finished_at, s.latencies_ms, strict=True):
            buckets[int((at - bench.start) // step)].append(ms)
    cells = []
    for n in sorted(buckets):
        lo, hi = n * step, (n + 1) * step
        busy = upload.span is not None and lo < upload.span[1] and hi > upload.span[0]
        mark = "*" if busy else ""
        cells.append(f"{lo:.0f}s{mark} {percentile(sorted(buckets[n]), 95):.0f}")
    print("form writes p95 (ms) by time, * = bulk upload running: " + ", ".join(cells))


def report(bench: Bench, upload: Upload) -> tuple[int, float]:
    window = bench.finished - bench.start
    order = [
        "list_own",
        "load_form",
        "autosave",
        "submit",
        "request_status",
        "list_submitted",
        "review_form",
        "accept",
        "compilation",
        "pull_data_values",
        "dhis2_export",
        "import_upload",
        "import_poll",
    ]
    names = [n for n in order if n in bench.stats] + sorted(set(bench.stats) - set(order))
    print()
    print(
        f"{'operation':<18} {'count':>7} {'errors':>7} {'conflicts':>9} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>8} {'in app p50/p95':>15}"
    )
    total = errors = conflicts = 0
    every: list[float] = []
    for name in names:
        s = bench.stats[name]
        ordered, app = sorted(s.latencies_ms), sorted(s.app_ms)
        every += ordered
        total, errors, conflicts = total + s.count, errors + s.errors, conflicts + s.conflicts
        print(
            f"{name:<18} {s.count:>7} {s.errors:>7} {s.conflicts:>9} "
            f"{percentile(ordered, 50):>8.1f} {percentile(ordered, 95):>8.1f} "
            f"{percentile(ordered, 99):>8.1f} {s.count / window:>8.1f} "
            f"{percentile(app, 50):>7.1f}/{percentile(app, 95):<7.1f}"
        )
    every.sort()
    print(
        f"{'all':<18} {total:>7} {errors:>7} {conflicts:>9} {percentile(every, 50):>8.1f} "
        f"{percentile(every, 95):>8.1f} {percentile(every, 99):>8.1f} {total / window:>8.1f}"
    )
    print(
        f"(window {window:.1f} s; conflicts: expected races between reviewers, not errors; "
        "in app: from the request reaching the app to its answer starting, Server-Timing)"
    )
    writes = sorted(x for n in FORM_WRITES for x in bench.stats[n].latencies_ms)
    p95 = percentile(writes, 95)
    verdict = "met" if p95 < FORM_WRITE_GOAL_MS else "NOT met"
    print(
        f"form writes (autosave + submit): n={len(writes)}, p95 {p95:.1f} ms, "
        f"p99 {percentile(writes, 99):.1f} ms - goal p95 < {FORM_WRITE_GOAL_MS:.0f} ms: {verdict}"
    )
    timeline(bench, upload)
    if upload.values:
        how = {202: "queued for the worker", 200: "processed inline"}.get(
            upload.http_status or 0, f"HTTP {upload.http_status}"
        )
        rate = upload.values / upload.seconds if upload.seconds == upload.seconds else math.nan
        print(
            f"bulk upload: {upload.values:,} values, {upload.status} in {upload.seconds:.1f} s "
            f"({rate:,.0f} values/s, {how}); counts {upload.job.get('counts')}"
        )
    print(
        f"CPU seconds in the window ({window * (os.cpu_count() or 1):.0f} available): "
        + ", ".join(f"{k} {v:.1f}" for k, v in bench.cpu.items())
    )
    for name in names:
        for sample, n in bench.stats[name].samples.most_common(5):
            print(f"  {name}: {n}× {sample}")
    return errors, p95


# --- processes --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM if the benchmark dies, however it dies."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def start(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            cmd,
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _cpu_of(pid: int) -> float:
    """CPU seconds of a process and of its children already reaped (utime, stime, cutime,
    cstime): PostgreSQL's backends that exit are counted in the postmaster."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> set[int]:
    """A process and its live descendants (Linux /proc)."""
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        found.add(p)
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return found


def tree_cpu_seconds(pid: int) -> float:
    """utime + stime of a process and its live descendants."""
    total = 0.0
    for p in descendants(pid):
        try:
            total += _cpu_of(p)
        except (OSError, IndexError, ValueError):
            continue
    return total


def process_table() -> dict[int, tuple[str, float]]:
    """Every process: a short label from its command line, and its CPU seconds so far."""
    out = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
            words = [a.decode(errors="replace") for a in args if a]
            if words and words[0].startswith("postgres: "):
                # "postgres: 15/main: user database host(port) state", or a background
                # process: "postgres: 15/main: walwriter", "...: autovacuum worker database".
                parts = words[0].split()
                label = " ".join(
                    ["postgres", parts[3]] if len(parts) >= 6 else parts[:1] + parts[2:]
                )
            elif words and Path(words[0]).name == "postgres":
                label = "PostgreSQL, ended backends (any database)"
            else:
                label = " ".join([Path(words[0]).name, *words[1:3]]) if words else ""
            label = " ".join(label.split())[:60]
            out[int(proc.name)] = (label or proc.name, _cpu_of(int(proc.name)))
        except (OSError, IndexError, ValueError):
            continue
    return out


def machine_seconds() -> dict[str, float]:
    """CPU seconds since boot, all cores (/proc/stat): busy, of which interrupts, and stolen
    by the hypervisor."""
    ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    ticks += [0] * (8 - len(ticks))
    tick = os.sysconf("SC_CLK_TCK")
    return {
        "busy": (sum(ticks) - ticks[3] - ticks[4] - ticks[7]) / tick,
        "interrupts": (ticks[5] + ticks[6]) / tick,
        "steal": ticks[7] / tick,
    }


def cpu_snapshot(server: int, worker: int, every_process: bool = True) -> dict[str, Any]:
    light = {
        "client": time.process_time(),
        "API": tree_cpu_seconds(server),
        "job worker": tree_cpu_seconds(worker),
        "machine": machine_seconds(),
    }
    if not every_process:
        return light
    return {
        **light,
        "processes": process_table(),
        "pids": {os.getpid()} | descendants(server) | descendants(worker),
    }


def cpu_used(before: dict[str, Any], after: dict[str, Any], database: str) -> dict[str, float]:
    """CPU seconds between two snapshots: ours, this database's backends, and the rest by
    command (processes that both started and ended in between are only in the remainder)."""
    used = {k: after[k] - before[k] for k in ("client", "API", "job worker")}
    others: Counter[str] = Counter()
    pg = 0.0
    for pid, (label, seconds) in after["processes"].items():
        delta = seconds - before["processes"].get(pid, (label, 0.0))[1]
        if delta <= 0 or pid in after["pids"] | before["pids"]:
            continue  # ours, counted above
        if label.startswith("postgres") and database in label.split():
            pg += delta
        else:
            others[label] += delta
    used["PostgreSQL (this database)"] = pg
    for label, seconds in others.most_common(4):
        if seconds >= 1.0:
            used[label] = seconds
    machine = {k: after["machine"][k] - before["machine"][k] for k in before["machine"]}
    used["kernel interrupts"] = machine["interrupts"]
    used["unattributed"] = max(0.0, machine["busy"] - sum(used.values()))
    if machine["steal"] >= 1.0:
        used["stolen by the hypervisor"] = machine["steal"]
    return used


def wait_ready(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(200):
        if server.poll() is not None:
            raise SystemExit(f"the API exited ({server.returncode}):\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base}{API}/ready", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"the API is not ready after 60 s:\n{log.read_text()[-3000:]}")


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # the finally blocks stop the server and the worker


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (60)")
    parser.add_argument("--reporters", type=int, default=200)
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--integrations", type=int, default=5)
    parser.add_argument(
        "--upload-values", type=int, default=100_000, help="rows of the bulk upload (0: none)"
    )
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="API processes (cores)"
    )
    parser.add_argument("--think-min", type=float, default=1.0, help="seconds between actions")
    parser.add_argument("--think-max", type=float, default=3.0)
    parser.add_argument("--timeout", type=float, default=30.0, help="per request, seconds")
    parser.add_argument(
        "--import-wait", type=float, default=300.0, help="seconds to wait for the upload after"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--trace", type=Path, help="write every request's timing and CPU samples to this JSON"
    )
    parser.add_argument("--port", type=int, default=0, help="API port (0: a free one)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/healthplan_bench_load"
        ),
    )
    args = parser.parse_args()
    if not 1 <= args.reporters <= UNITS:
        parser.error(f"--reporters must be between 1 and {UNITS}")
    signal.signal(signal.SIGTERM, _terminate)
    url = args.database_url
    env = {
        **os.environ,
        "JWT_SECRET": os.environ.get("JWT_SECRET") or secrets.token_urlsafe(48),
        "DATABASE_URL": url,
        "LOG_LEVEL": "WARNING",
        "SPA_DIR": "/nonexistent",
    }

    print(f"this machine: {machine_speed():.0f} ms for a fixed pure-Python loop (lower is faster)")
    print(f"preparing {url} ...")
    setup_database(url, env)
    work = Path(tempfile.mkdtemp(prefix="hp-load-bench-"))
    upload = Upload(values=0, path=work / "bulk-values.csv")
    if args.upload_values:
        upload.values = write_csv(upload.path, args.upload_values)

    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    server_log, worker_log = work / "api.log", work / "worker.log"
    procs: list[subprocess.Popen[bytes]] = []
    try:
        server = start(
            [
                sys.executable,
                "-m",
                "api.cli",
                "serve",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
            ],
            env,
            server_log,
        )
        procs.append(server)
        worker = start([sys.executable, "-m", "api.cli", "worker"], env, worker_log)
        procs.append(worker)
        wait_ready(base, server, server_log)
        print(f"API on {base} with {args.workers} workers; one job worker; logs in {work}")
        database = url.rsplit("/", 1)[1]
        snapshot = functools.partial(cpu_snapshot, server.pid, worker.pid)
        bench = asyncio.run(drive(args, base, url, upload, snapshot, database))
    finally:
        stop(procs)
    errors, _ = report(bench, upload)
    if args.trace:
        trace = {"requests": bench.requests, "cpu": bench.samples, "upload": upload.span}
        args.trace.write_text(json.dumps(trace))
        print(f"trace written to {args.trace}")
    print()
    print("checking the database ...")
    found = asyncio.run(verify(url, bench, upload))
    print("checked: " + ", ".join(f"{k} {n}" for k, n in found.checked.items()))
    unknown = sum(sum(f.unknown.values()) for f in bench.forms.values())
    if unknown:
        print(f"{unknown} writes had no answer: each was allowed to have happened once, or not")
    for line in (found.lost + found.duplicated)[:30]:
        print(f"  {line}")
    print(f"writes lost: {len(found.lost)}, duplicated: {len(found.duplicated)}")
    print(f"errors: {errors}; database {url.rsplit('/', 1)[1]} left for inspection")
    failed = bool(errors or found.lost or found.duplicated)
    if failed:
        print(f"logs kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("interrupted: the API and the worker were stopped", file=sys.stderr)
        sys.exit(130)
