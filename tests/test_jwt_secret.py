"""The signing secret (issue 18 B): `healthplan serve` refuses the default or a short one with a
clear message; `healthplan demo` makes one per DATA_DIR and keeps it."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from api.settings import DEFAULT_JWT_SECRET, Settings, demo_jwt_secret, get_settings
from tests.conftest import ROOT

STRONG = "s" * 40


def _serve(tmp_path: Path, secret: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "JWT_SECRET"}
    env.update({"PYTHONPATH": str(ROOT), "DATA_DIR": str(tmp_path / "data")})
    if secret is not None:
        env["JWT_SECRET"] = secret
    # From an empty directory: no .env there to supply a secret.
    return subprocess.run(
        [sys.executable, "-m", "api.cli", "serve", "--port", "9"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "secret",
    [None, DEFAULT_JWT_SECRET, "short-secret", "é" * 15],
    ids=["unset", "default", "short", "15x2-bytes"],
)
def test_serve_refuses_the_default_or_a_short_secret(tmp_path: Path, secret: str | None) -> None:
    done = _serve(tmp_path, secret)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "JWT_SECRET" in done.stderr and "32" in done.stderr
    assert 'python -c "import secrets; print(secrets.token_urlsafe(48))"' in done.stderr


def test_a_long_enough_secret_passes_the_check() -> None:
    from api.settings import jwt_secret_problem

    assert jwt_secret_problem(Settings(jwt_secret=STRONG)) is None
    assert jwt_secret_problem(Settings(jwt_secret="x" * 31)) is not None
    assert jwt_secret_problem(Settings(jwt_secret=DEFAULT_JWT_SECRET)) is not None


def test_demo_makes_one_secret_per_data_dir_and_keeps_it(tmp_path: Path) -> None:
    first = demo_jwt_secret(tmp_path / "var")
    path = tmp_path / "var" / "jwt_secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first.encode()) >= 32 and first != DEFAULT_JWT_SECRET
    assert demo_jwt_secret(tmp_path / "var") == first
    assert demo_jwt_secret(tmp_path / "other") != first


def test_demo_signs_with_its_data_dirs_secret_unless_one_is_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.cli import _demo_secret

    try:
        monkeypatch.delenv("JWT_SECRET")
        monkeypatch.setenv("DATA_DIR", str(tmp_path))
        get_settings.cache_clear()
        _demo_secret()
        kept = (tmp_path / "jwt_secret").read_text().strip()
        assert os.environ["JWT_SECRET"] == kept
        assert get_settings().jwt_secret.get_secret_value() == kept
        monkeypatch.setenv("JWT_SECRET", STRONG)
        get_settings.cache_clear()
        _demo_secret()
        assert get_settings().jwt_secret.get_secret_value() == STRONG
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
