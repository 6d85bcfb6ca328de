"""What `make test` and `make demo` need on a machine with no PostgreSQL server and no Chromium:
the embedded PostgreSQL stops with the process that started it, however it is stopped; the
tests find a database on their own; a missing Chromium is installed or named, never skipped."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT, choose_database_url, free_port


def processes_of(path: Path) -> list[str]:
    """Command lines of the live processes that name `path` (postmaster -D, pg_ctl, watchdog)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if str(path) in cmdline and state != "Z":
            found.append(f"{entry.name}: {cmdline}")
    return found


def wait_until_gone(path: Path, seconds: float = 120) -> list[str]:
    deadline = time.monotonic() + seconds
    while (left := processes_of(path)) and time.monotonic() < deadline:
        time.sleep(0.3)
    return left


@pytest.mark.parametrize(
    "sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=["SIGTERM", "SIGINT", "SIGKILL"]
)
def test_stopping_the_demo_stops_its_postgresql(tmp_path: Path, sig: signal.Signals) -> None:
    """`make demo` stopped with Ctrl-C, a SIGTERM to its process group or even a SIGKILL
    leaves no PostgreSQL of its data folder behind (before: SIGTERM and SIGKILL did)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DATA_DIR=str(tmp_path), SPA_DIR="/nonexistent", LOG_LEVEL="WARNING")
    port = free_port()
    demo = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "demo", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # a group of its own, as `make demo` in a terminal
    )
    pgdata = (tmp_path / "pgdata").resolve()
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v1/ready", timeout=2).is_success:
                    break
            except httpx.TransportError:
                pass
            assert demo.poll() is None and time.monotonic() < deadline, "the demo did not start"
            time.sleep(0.5)
        assert any(" -D " in p for p in processes_of(pgdata)), "no embedded server to stop"
        os.killpg(demo.pid, sig)
        demo.wait(timeout=60)
        assert wait_until_gone(pgdata) == []
        assert not (pgdata / "postmaster.pid").exists()
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
        subprocess.run(
            [sys.executable, "-m", "api.embedded_pg", "0", str(pgdata)],
            stdin=subprocess.DEVNULL,
            check=False,
            timeout=60,
        )


async def _select_one(port: int) -> int:
    conn = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres")
    try:
        return int(await conn.fetchval("SELECT 1"))
    finally:
        await conn.close()


def test_the_tests_embedded_server_stops_with_the_last_process_using_it(tmp_path: Path) -> None:
    """The embedded server the tests start when no server answers listens on 127.0.0.1 (one
    URL names every test database), is joined by a second process, and stops only when the
    last of them ends."""
    pgdata = tmp_path / "pg"
    start = (
        "import sys; from pathlib import Path; from api.embedded_pg import start_on_tcp;"
        f"print(start_on_tcp(Path({str(pgdata)!r})), flush=True); sys.stdin.read()"
    )
    users = []
    for _ in range(2):
        user = subprocess.Popen(
            [sys.executable, "-c", start],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert user.stdout is not None
        users.append((user, int(user.stdout.readline())))
    try:
        assert users[0][1] == users[1][1]  # the second joined the first's server
        assert asyncio.run(_select_one(users[0][1])) == 1
        first, _ = users[0]
        first.kill()  # outright: no atexit hook of its own runs
        first.wait()
        time.sleep(2)
        assert any(" -D " in p for p in processes_of(pgdata.resolve())), "stopped under a user"
        last, _ = users[1]
        assert last.stdin is not None
        last.stdin.close()
        last.wait(timeout=30)
        assert wait_until_gone(pgdata.resolve()) == []
    finally:
        for user, _ in users:
            if user.poll() is None:
                user.kill()


@settings(max_examples=50, deadline=None)
@given(
    url=st.one_of(st.none(), st.just(""), st.text(min_size=1, max_size=20)),
    probe=st.one_of(st.none(), st.just(""), st.sampled_from(["127.0.0.1:5499", "db:6543"])),
    answers=st.booleans(),
)
def test_the_tests_database_is_chosen_in_order(
    url: str | None, probe: str | None, answers: bool
) -> None:
    """TEST_DATABASE_URL when set; else the probed server (127.0.0.1:5432 unless TEST_PG_PROBE)
    when it answers; else None, and the embedded server is started."""
    environ = {}
    if url is not None:
        environ["TEST_DATABASE_URL"] = url
    if probe is not None:
        environ["TEST_PG_PROBE"] = probe
    probed: list[str] = []

    def answer(address: str) -> bool:
        probed.append(address)
        return answers

    chosen = choose_database_url(environ, answers=answer)
    if url:
        assert chosen == url and probed == []
    elif answers:
        assert probed == [probe or "127.0.0.1:5432"]
        assert chosen == f"postgresql://postgres@{probe or '127.0.0.1:5432'}/healthplan_test"
    else:
        assert chosen is None


def run_ensure_chromium(tmp_path: Path, *, uid: int, apt_installs: bool) -> tuple[int, str, str]:
    """scripts/ensure-chromium with `id` and `apt-get` replaced by fakes that log their calls."""
    fakes = tmp_path / "bin"
    fakes.mkdir(exist_ok=True)
    calls = tmp_path / "apt.log"
    chromium = tmp_path / "chromium"
    (fakes / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    install = f'printf "#!/bin/sh\\n" > {chromium}; chmod +x {chromium}' if apt_installs else ":"
    (fakes / "apt-get").write_text(
        f'#!/bin/sh\necho "$*" >> {calls}\ncase "$*" in *install*) {install};; esac\n'
    )
    for fake in fakes.iterdir():
        fake.chmod(0o755)
    result = subprocess.run(
        [str(ROOT / "scripts" / "ensure-chromium")],
        env={**os.environ, "PATH": f"{fakes}:/usr/bin:/bin", "CHROMIUM_PATH": str(chromium)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    return result.returncode, result.stderr, calls.read_text() if calls.exists() else ""


def test_chromium_present_needs_nothing(tmp_path: Path) -> None:
    (tmp_path / "chromium").write_text("#!/bin/sh\n")
    (tmp_path / "chromium").chmod(0o755)
    assert run_ensure_chromium(tmp_path, uid=1000, apt_installs=True) == (0, "", "")


def test_missing_chromium_not_as_root_names_the_one_command_and_fails(tmp_path: Path) -> None:
    code, message, apt = run_ensure_chromium(tmp_path, uid=1000, apt_installs=True)
    assert code == 1 and apt == ""
    assert (
        "sudo sh -c 'apt-get update && apt-get install -y --no-install-recommends "
        "chromium fonts-dejavu-core'" in message
    )


def test_missing_chromium_as_root_is_installed_through_apt(tmp_path: Path) -> None:
    code, _, apt = run_ensure_chromium(tmp_path, uid=0, apt_installs=True)
    assert code == 0
    lines = apt.splitlines()
    assert lines[0] == "update -qq"
    assert lines[1].startswith("install") and lines[1].endswith("chromium fonts-dejavu-core")


def test_apt_without_chromium_after_it_still_fails(tmp_path: Path) -> None:
    code, message, _ = run_ensure_chromium(tmp_path, uid=0, apt_installs=False)
    assert code == 1 and "still missing" in message


def test_make_test_checks_chromium_first() -> None:
    # Run under `make test` itself, a nested make would print "Entering directory" first.
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    plan = subprocess.run(
        ["make", "--no-print-directory", "-n", "test"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    assert plan.splitlines()[0] == "scripts/ensure-chromium"


def run_ensure_softhsm(tmp_path: Path, *, uid: int, apt_installs: bool) -> tuple[int, str, str]:
    """scripts/ensure-softhsm on a PATH of fakes only (`id`, `apt-get`; no softhsm2-util until
    the fake apt-get "installs" it with the module at SOFTHSM2_MODULE)."""
    fakes = tmp_path / "bin"
    fakes.mkdir(exist_ok=True)
    calls = tmp_path / "apt.log"
    module = tmp_path / "libsofthsm2.so"
    util = fakes / "softhsm2-util"
    (fakes / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    install = (
        f'printf "#!/bin/sh\\n" > {util}; /bin/chmod +x {util}; : > {module}'
        if apt_installs
        else ":"
    )
    (fakes / "apt-get").write_text(
        f'#!/bin/sh\necho "$*" >> {calls}\ncase "$*" in *install*) {install};; esac\n'
    )
    for fake in fakes.iterdir():
        fake.chmod(0o755)
    result = subprocess.run(
        ["/bin/bash", str(ROOT / "scripts" / "ensure-softhsm")],
        env={"PATH": str(fakes), "SOFTHSM2_MODULE": str(module)},
        capture_output=True,
        text=True,
        timeout=30,
    )
    return result.returncode, result.stderr, calls.read_text() if calls.exists() else ""


def test_missing_softhsm_not_as_root_names_the_one_command_and_fails(tmp_path: Path) -> None:
    code, message, apt = run_ensure_softhsm(tmp_path, uid=1000, apt_installs=True)
    assert code == 1 and apt == ""
    assert (
        "sudo sh -c 'apt-get update && apt-get install -y --no-install-recommends softhsm2'"
        in message
    )


def test_missing_softhsm_as_root_is_installed_through_apt(tmp_path: Path) -> None:
    code, message, apt = run_ensure_softhsm(tmp_path, uid=0, apt_installs=True)
    assert code == 0, message
    lines = apt.splitlines()
    assert lines[0] == "update -qq"
    assert lines[1].startswith("install") and lines[1].endswith("softhsm2")
    # Installed: a second run needs nothing.
    assert run_ensure_softhsm(tmp_path, uid=0, apt_installs=True)[0] == 0
    assert len((tmp_path / "apt.log").read_text().splitlines()) == 2


def test_apt_without_softhsm_after_it_still_fails(tmp_path: Path) -> None:
    code, message, _ = run_ensure_softhsm(tmp_path, uid=0, apt_installs=False)
    assert code == 1 and "still missing" in message


def test_make_test_installs_softhsm_before_the_tests() -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    plan = subprocess.run(
        ["make", "--no-print-directory", "-n", "test"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.splitlines()
    assert "scripts/ensure-softhsm" in plan
    assert plan.index("scripts/ensure-softhsm") < plan.index(".venv/bin/pytest")


def test_a_killed_user_not_yet_reaped_does_not_keep_the_server() -> None:
    """A user killed outright stays a zombie until its parent (or an init slow to reap, in a
    container) reaps it; signal 0 still answers for it, yet it uses nothing: the watchdog must
    count it gone, or the demo's server outlives a SIGKILL."""
    from api.embedded_pg import _alive

    running = subprocess.Popen(["sleep", "30"])
    ended = subprocess.Popen(["true"])
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            stat = Path(f"/proc/{ended.pid}/stat").read_text()
            if stat.rsplit(")", 1)[1].split()[0] == "Z":
                break
            time.sleep(0.05)
        assert _alive(running.pid)
        assert not _alive(ended.pid)  # a zombie: ended, not reaped
        os.kill(ended.pid, 0)  # …though signal 0 still finds it
    finally:
        running.kill()
        running.wait()
        ended.wait()
