"""`healthplan import` / `healthplan export` against a live server: exit codes and output."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import BASE_URL, ROOT, running_server

CLI_URL = os.environ.get("CLI_DATABASE_URL", BASE_URL + "_cli")


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, str]]:
    with running_server(CLI_URL) as base:
        r = httpx.post(
            f"{base}/api/v1/auth/token",
            data={"username": "sonhai.baocao", "password": "healthplan"},
        )
        yield base, r.json()["access_token"]


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        cwd=ROOT,
        text=True,
        capture_output=True,
        env={**os.environ, **env},
        timeout=120,
    )


def test_import_exit_codes_and_export(server: tuple[str, str], tmp_path: Path) -> None:
    base, token = server
    env = {"HEALTHPLAN_SERVER": base, "HEALTHPLAN_TOKEN": token, "COLUMNS": "200"}
    good = tmp_path / "good.csv"
    good.write_text(
        'dataelement,period,orgunit,value\nKCB_BHYT,202601,BN-SONHAI,"1.204"\n', encoding="utf-8"
    )
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "dataelement,period,orgunit,value\nKCB_BHYT,202613,BN-SONHAI,abc\n", encoding="utf-8"
    )

    r = cli("import", "data-values", str(bad), env=env)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "202613" in r.stderr and "conflicts.csv" in r.stderr
    r = cli("import", "data-values", str(good), "--dry-run", env=env)
    assert r.returncode == 0 and "dry run" in r.stderr, r.stderr
    r = cli("import", "data-values", str(good), env=env)
    assert r.returncode == 0 and "created 1" in r.stderr, r.stderr
    r = cli(
        "export",
        "--indicator",
        "KCB_BHYT",
        "--org-unit",
        "BN-SONHAI",
        "--period",
        "202601",
        env=env,
    )
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("indicator,org_unit,period")
    assert lines[1].startswith("KCB_BHYT,BN-SONHAI,202601,default,,,1204")
    r = cli("import", "data-values", str(good), env={**env, "HEALTHPLAN_TOKEN": "hp_x.y"})
    assert r.returncode == 2
    r = cli(
        "import", "data-values", str(good), env={**env, "HEALTHPLAN_SERVER": "http://127.0.0.1:9"}
    )
    assert r.returncode == 2 and "Không kết nối được" in r.stderr
