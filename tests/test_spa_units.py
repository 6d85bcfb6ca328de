"""The SPA's own unit and property tests (frontend/test/, node's test runner, no browser):
the autosave's bookkeeping never drops an entry and maps every refusal back to its field."""

import re
import shutil
import subprocess

from tests.conftest import ROOT


def test_spa_unit_tests() -> None:
    node = shutil.which("node")
    assert node, "node is needed for the SPA's tests"
    modules = ROOT / "frontend" / "node_modules"
    assert modules.is_dir(), "run `npm ci` in frontend/ (make test does)"
    result = subprocess.run(
        [node, "--test", "test/"],
        cwd=ROOT / "frontend",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout and re.search(r"# pass [1-9]", result.stdout), result.stdout
