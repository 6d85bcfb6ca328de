"""API CPU per request, one request at a time: where the load benchmark's time goes.

    .venv/bin/python benchmarks/cpu_probe.py [--tree PATH ...] [--blocks 6] [--requests 200]

Run `make bench-load` first: this uses the database it leaves (healthplan_bench_load), with its
users and report request. The probe puts 20 of that request's reports back to draft, starts
one API process (`serve --workers 1`) per code tree given (default: this one), and sends each
operation's requests one after another over one kept-alive connection, in blocks that
alternate between the trees. Per operation and tree it prints the API process's CPU
milliseconds per request (utime + stime from /proc, so the machine's other load does not count
unless it steals the core) and the client-side latency. Two trees on the same machine in
interleaved blocks compare code, not machines: `--tree /tmp/before --tree .`.
"""

import argparse
import asyncio
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from import_bench import machine_speed  # noqa: E402
from load_bench import (  # noqa: E402
    API,
    BENCH_PASSWORD,
    DEMO_PASSWORD,
    INDICATORS,
    free_port,
    process_table,
    save_body,
    stop,
    tree_cpu_seconds,
    wait_ready,
)

OPERATIONS = (
    "health",  # the framework alone: no caller, no database
    "me",  # + the caller's token and principal, two small reads
    "autosave",
    "load_form",
    "list_submitted",
    "status",
    "compilation",
    "pull_data_values",
    "dhis2_export",
    "submit_return",  # a reporter files the report, a reviewer returns it: two requests
)
FORMS = 20


@dataclass
class Server:
    tree: Path
    base: str
    proc: subprocess.Popen[bytes]
    cpu_ms: dict[str, list[float]] = field(default_factory=dict)
    db_ms: dict[str, list[float]] = field(default_factory=dict)
    wall_ms: dict[str, list[float]] = field(default_factory=dict)


@dataclass
class Scene:
    request_id: str
    forms: list[tuple[str, str]]  # (submission id, reporter's username)
    outline: list[tuple[str, str]]
    period: str


async def prepare(url: str) -> Scene:
    """The bench request reopened and FORMS of its reports (and their values) back to draft."""
    conn = await asyncpg.connect(url)
    try:
        request = await conn.fetchrow(
            "SELECT id, outline, period FROM report_request ORDER BY created_at DESC LIMIT 1"
        )
        if request is None:
            raise SystemExit("no report request: run `make bench-load` first")
        rows = await conn.fetch(
            "SELECT s.id, lower(o.code) || '.baocao' AS username, s.org_unit_id "
            "FROM submission s JOIN org_unit o ON o.id = s.org_unit_id "
            "WHERE s.request_id = $1 AND o.code LIKE 'BX-%' ORDER BY o.code LIMIT $2",
            request["id"],
            FORMS,
        )
        async with conn.transaction():
            await conn.execute(
                "UPDATE report_request SET status = 'open' WHERE id = $1", request["id"]
            )
            await conn.execute(
                "UPDATE submission SET status = 'draft' WHERE id = ANY($1::uuid[])",
                [r["id"] for r in rows],
            )
            await conn.execute(
                "UPDATE data_value SET status = 'draft' WHERE org_unit_id = ANY($1::uuid[]) "
                "AND period = $2",
                [r["org_unit_id"] for r in rows],
                request["period"],
            )
        # The load run moved every report on since its ANALYZE; autovacuum (off on some
        # machines) would have caught up by now in an installation.
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    outline = [(s["key"], s["heading"]) for s in json.loads(request["outline"] or "[]")]
    return Scene(
        str(request["id"]),
        [(str(r["id"]), r["username"]) for r in rows],
        outline or [("I", "Công tác chỉ đạo")],
        request["period"],
    )


async def login(client: httpx.AsyncClient, username: str, password: str) -> dict[str, str]:
    r = await client.post(f"{API}/auth/token", data={"username": username, "password": password})
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


class Caller:
    """One server's client, logged in as the reporters and a reviewer."""

    def __init__(self, server: Server, scene: Scene, forms: list[tuple[str, str]]) -> None:
        self.server, self.scene, self.forms = server, scene, forms
        self.client = httpx.AsyncClient(base_url=server.base, timeout=60)
        self.reporters: list[dict[str, str]] = []
        self.reviewer: dict[str, str] = {}
        self.versions: dict[str, int] = {}
        self.k = 1000

    async def login(self) -> None:
        for _, username in self.forms:
            self.reporters.append(await login(self.client, username, BENCH_PASSWORD))
        self.reviewer = await login(self.client, "syt.thamdinh.00", BENCH_PASSWORD)
        manager = await login(self.client, "syt.kehoach", DEMO_PASSWORD)
        r = await self.client.post(
            f"{API}/auth/api-tokens",
            headers=manager,
            json={"name": "Đo CPU", "scopes": ["read"]},
        )
        r.raise_for_status()
        self.integration = {"Authorization": f"Bearer {r.json()['token']}"}

    async def one(self, op: str, n: int) -> None:
        sub, _ = self.forms[n % len(self.forms)]
        auth = self.reporters[n % len(self.reporters)]
        if op == "autosave":
            if sub not in self.versions:
                got = await self.client.get(f"{API}/submissions/{sub}", headers=auth)
                self.versions[sub] = int(got.headers["ETag"].strip('W/"'))
            self.k += 1
            r = await self.client.patch(
                f"{API}/submissions/{sub}",
                headers={**auth, "If-Match": f'"{self.versions[sub]}"'},
                json=save_body(self.k, self.scene.outline, _RNG),
            )
            if r.status_code == 200:
                self.versions[sub] = r.json()["version"]
        elif op == "submit_return":
            r = await self.submit_return(sub, auth)
        elif op == "health":
            r = await self.client.get(f"{API}/health")
        elif op == "me":
            r = await self.client.get(f"{API}/auth/me", headers=auth)
        elif op == "load_form":
            r = await self.client.get(f"{API}/submissions/{sub}", headers=auth)
        elif op == "list_submitted":
            r = await self.client.get(
                f"{API}/submissions",
                headers=self.reviewer,
                params={"request_id": self.scene.request_id, "limit": 500},
            )
        elif op == "status":
            r = await self.client.get(
                f"{API}/report-requests/{self.scene.request_id}/status", headers=self.reviewer
            )
        elif op == "compilation":
            r = await self.client.get(
                f"{API}/report-requests/{self.scene.request_id}/compilation",
                headers=self.reviewer,
            )
        elif op == "pull_data_values":  # a full page of 500, as after a bulk upload
            r = await self.client.get(
                f"{API}/data-values",
                headers=self.integration,
                params={"updated_since": "2000-01-01T00:00:00+00:00", "limit": 500},
            )
        else:
            r = await self.client.get(
                f"{API}/dataValueSets",
                headers=self.integration,
                params={
                    "orgUnit": "BN",
                    "children": "true",
                    "period": self.scene.period,
                    "dataElement": list(INDICATORS),
                },
            )
        if r.status_code != 200:
            raise SystemExit(f"{op} on {self.server.tree}: {r.status_code} {r.text[:300]}")

    async def submit_return(self, sub: str, auth: dict[str, str]) -> httpx.Response:
        """File the report, then send it back: the workflow's two writes, leaving it
        editable for the next round (a resubmission from then on)."""
        if sub not in self.versions:
            got = await self.client.get(f"{API}/submissions/{sub}", headers=auth)
            self.versions[sub] = int(got.headers["ETag"].strip('W/"'))
        filed = await self.client.post(
            f"{API}/submissions/{sub}/submit",
            headers={**auth, "If-Match": f'"{self.versions[sub]}"'},
        )
        if filed.status_code != 200:
            return filed
        r = await self.client.post(
            f"{API}/submissions/{sub}/return",
            headers={**self.reviewer, "If-Match": filed.headers["ETag"]},
            json={"comment": "Đề nghị bổ sung số liệu."},
        )
        if r.status_code == 200:
            self.versions[sub] = r.json()["version"]
        return r

    async def block(self, op: str, requests: int) -> None:
        pid = self.server.proc.pid
        cpu, db, wall = tree_cpu_seconds(pid), database_cpu_seconds(), time.perf_counter()
        for n in range(requests):
            await self.one(op, n)
        cpu, wall = tree_cpu_seconds(pid) - cpu, time.perf_counter() - wall
        db = database_cpu_seconds() - db
        self.server.cpu_ms.setdefault(op, []).append(cpu * 1000 / requests)
        self.server.db_ms.setdefault(op, []).append(db * 1000 / requests)
        self.server.wall_ms.setdefault(op, []).append(wall * 1000 / requests)


def database_cpu_seconds() -> float:
    """PostgreSQL's CPU seconds: every backend, and those already ended (the blocks run one
    at a time, so a block's share is the difference)."""
    return sum(
        seconds
        for label, seconds in process_table().values()
        if label.startswith("PostgreSQL") or label.startswith("postgres")
    )


class _Rng:
    def randrange(self, n: int) -> int:
        return 3 % n


_RNG: Any = _Rng()


async def probe(servers: list[Server], scene: Scene, args: argparse.Namespace) -> None:
    # Each server its own reports: two writing one report would refuse each other (412).
    callers = [Caller(s, scene, scene.forms[n :: len(servers)]) for n, s in enumerate(servers)]
    for c in callers:
        await c.login()
        for op in args.ops:
            await c.block(op, 50)  # warm-up: statement caches, connections
        c.server.cpu_ms.clear()
        c.server.wall_ms.clear()
    for b in range(args.blocks):
        for op in args.ops:
            order = callers if b % 2 == 0 else callers[::-1]
            for c in order:
                await c.block(op, args.requests)
    for c in callers:
        await c.client.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tree", action="append", type=Path, help="code tree (repeatable)")
    parser.add_argument("--blocks", type=int, default=6)
    parser.add_argument("--requests", type=int, default=200, help="per block")
    parser.add_argument("--ops", nargs="+", default=list(OPERATIONS), choices=OPERATIONS)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/healthplan_bench_load"
        ),
    )
    args = parser.parse_args()
    trees = [t.resolve() for t in (args.tree or [ROOT])]
    print(f"this machine: {machine_speed():.0f} ms for a fixed pure-Python loop (lower is faster)")
    scene = asyncio.run(prepare(args.database_url))
    env = {
        **os.environ,
        "JWT_SECRET": os.environ.get("JWT_SECRET") or secrets.token_urlsafe(48),
        "DATABASE_URL": args.database_url,
        "LOG_LEVEL": "WARNING",
        "SPA_DIR": "/nonexistent",
    }
    servers: list[Server] = []
    logs = Path(tempfile.mkdtemp(prefix="hp-cpu-probe-"))
    try:
        for n, tree in enumerate(trees):
            port = free_port()
            log = logs / f"api-{n}.log"
            cmd = [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers", "1"]
            proc = subprocess.Popen(
                cmd, env=env, cwd=tree, stdout=log.open("wb"), stderr=subprocess.STDOUT
            )
            servers.append(Server(tree, f"http://127.0.0.1:{port}", proc))
            wait_ready(servers[-1].base, proc, log)
        asyncio.run(probe(servers, scene, args))
    finally:
        stop([s.proc for s in servers])
    print(
        f"\nCPU per request (ms; median of {args.blocks} blocks of {args.requests}; the API's "
        "range), PostgreSQL's (all of it: keep the machine otherwise idle), and the wall time:"
    )
    for op in args.ops:
        for s in servers:
            cpu, db, wall = s.cpu_ms[op], s.db_ms[op], s.wall_ms[op]
            print(
                f"  {op:<15} {s.tree!s:<40} cpu {statistics.median(cpu):6.2f} "
                f"({min(cpu):.2f}-{max(cpu):.2f})   PostgreSQL {statistics.median(db):6.2f}   "
                f"wall {statistics.median(wall):6.2f}"
            )


if __name__ == "__main__":
    main()
