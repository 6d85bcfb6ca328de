"""The SPA in real headless Chromium against a real server with the demo data.

Starts `healthplan serve` on a free port over its own database, with the demo's signing CA
in its trust store (the journeys sign with the demo tokens: E2E_SIGNING_DIR), then runs the
playwright-core tests in `frontend/e2e/` with node's test runner.
"""

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api import signing_ca
from tests.conftest import BASE_URL, ROOT, running_server

E2E_URL = os.environ.get("E2E_DATABASE_URL", BASE_URL + "_e2e")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="module")
def signing_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo CA and the signers' PKCS#12 "tokens", as `make demo` makes them; and the Sở's
    seal (an organisation key from a CA of its own, trusted too) in `seals/`."""
    folder = tmp_path_factory.mktemp("data") / "signing"
    signing_ca.write_demo_ca(folder, folder / "trust")
    ca = signing_ca.make_root("healthplan e2e seal CA")
    (folder / "trust" / "seal-ca.pem").write_bytes(signing_ca.pem(ca.cert))
    (folder / "trust" / "seal-ca.crl").write_bytes(signing_ca.crl(ca))
    seal = signing_ca.issue(ca, "Sở Y tế tỉnh Bắc Ninh", "Sở Y tế tỉnh Bắc Ninh")
    (folder / "seals").mkdir()
    (folder / "seals" / "BN-SYT.p12").write_bytes(signing_ca.p12(seal, ca, b"con-dau"))
    (folder / "seals" / "BN-SYT.password").write_text("con-dau\n")
    return folder


@pytest.fixture(scope="module")
def live_server(signing_dir: Path) -> Iterator[str]:
    dist = ROOT / "frontend" / "dist" / "index.html"
    assert dist.is_file(), "the SPA is not built: run `make frontend` (make test does)"
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"no Chromium at {CHROMIUM}: run `make chromium` (make test does)")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SIGNING_TRUST_DIR", str(signing_dir / "trust"))
        mp.setenv("SIGNING_SEAL_DIR", str(signing_dir / "seals"))
        with running_server(E2E_URL, spa_dir=dist.parent) as base:
            yield base


def test_spa_is_served_with_security_headers(live_server: str) -> None:
    r = httpx.get(f"{live_server}/org-units")
    assert r.status_code == 200 and '<div id="root">' in r.text
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert httpx.get(f"{live_server}/api/v1/nope").status_code == 404


def test_browser_suite(live_server: str, signing_dir: Path) -> None:
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
            "E2E_SIGNING_DIR": str(signing_dir),
        },
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    passed = re.search(r"ℹ pass (\d+)", output)
    assert passed and int(passed.group(1)) >= 39, output
