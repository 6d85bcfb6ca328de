"""The SPA in real headless Chromium against a real server with the demo data.

Starts `healthplan serve` on a free port over its own database, then runs the
playwright-core tests in `frontend/e2e/` with node's test runner.
"""

import asyncio
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import BASE_URL, recreate_database, run_migrations

ROOT = Path(__file__).resolve().parent.parent
E2E_URL = os.environ.get("E2E_DATABASE_URL", BASE_URL + "_e2e")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def live_server() -> Iterator[str]:
    dist = ROOT / "frontend" / "dist" / "index.html"
    assert dist.is_file(), "the SPA is not built: run `make frontend` (make test does)"
    asyncio.run(recreate_database(E2E_URL))
    run_migrations(E2E_URL)
    env = {
        **os.environ,
        "DATABASE_URL": E2E_URL,
        "SPA_DIR": str(dist.parent),
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "-m", "api.cli", "load-demo"],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/api/v1/ready", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                out = server.stdout.read().decode() if server.stdout else ""
                pytest.fail(f"server did not become ready:\n{out}")
            time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_spa_is_served_with_security_headers(live_server: str) -> None:
    r = httpx.get(f"{live_server}/org-units")
    assert r.status_code == 200 and '<div id="root">' in r.text
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert httpx.get(f"{live_server}/api/v1/nope").status_code == 404


def test_browser_suite(live_server: str) -> None:
    result = subprocess.run(
        ["node", "--test", "--test-reporter=spec", "e2e/"],
        cwd=ROOT / "frontend",
        env={**os.environ, "E2E_BASE_URL": live_server},
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    passed = re.search(r"ℹ pass (\d+)", output)
    assert passed and int(passed.group(1)) >= 2, output
