"""The SPA in real headless Chromium against a real server with the demo data.

Starts `healthplan serve` on a free port over its own database, then runs the
playwright-core tests in `frontend/e2e/` with node's test runner.
"""

import os
import re
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import BASE_URL, ROOT, running_server

E2E_URL = os.environ.get("E2E_DATABASE_URL", BASE_URL + "_e2e")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def live_server() -> Iterator[str]:
    dist = ROOT / "frontend" / "dist" / "index.html"
    assert dist.is_file(), "the SPA is not built: run `make frontend` (make test does)"
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"no Chromium at {CHROMIUM}: run `make chromium` (make test does)")
    with running_server(E2E_URL, spa_dir=dist.parent) as base:
        yield base


def test_spa_is_served_with_security_headers(live_server: str) -> None:
    r = httpx.get(f"{live_server}/org-units")
    assert r.status_code == 200 and '<div id="root">' in r.text
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert httpx.get(f"{live_server}/api/v1/nope").status_code == 404


def test_browser_suite(live_server: str) -> None:
    result = subprocess.run(
        ["node", "--test", "--test-reporter=spec", "e2e/"],
        cwd=ROOT / "frontend",
        # The database and Python too: a journey that follows an upload's job starts the job
        # worker itself, when it wants it to run (frontend/e2e/imports.test.mjs).
        env={
            **os.environ,
            "E2E_BASE_URL": live_server,
            "E2E_DATABASE_URL": E2E_URL,
            "E2E_PYTHON": sys.executable,
        },
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    passed = re.search(r"ℹ pass (\d+)", output)
    assert passed and int(passed.group(1)) >= 35, output
