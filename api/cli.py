"""`healthplan`: serve, migrate, load demo data, run the demo, manage users, the contract."""

import asyncio
import contextlib
import getpass
import logging
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Annotated

import typer

app = typer.Typer(
    help="healthplan: kế hoạch, phân công, báo cáo và chỉ số y tế.", no_args_is_help=True
)
log = logging.getLogger("healthplan.cli")


def _prepare_database_url() -> None:
    """With no DATABASE_URL, start the embedded server once and pin its URL for this process.

    Alembic, the demo loader and uvicorn then share it instead of each starting one.
    """
    from api.db import start_embedded_postgres
    from api.settings import get_settings

    settings = get_settings()
    if not settings.database_url:
        os.environ["DATABASE_URL"] = start_embedded_postgres(settings)
        get_settings.cache_clear()


def _refuse_weak_secret(command: str) -> None:
    """Stop here, with a message and no traceback, when the JWT secret may not sign tokens."""
    from api.settings import get_settings, jwt_secret_problem

    problem = jwt_secret_problem(get_settings())
    if problem:
        typer.echo(f"healthplan {command}: {problem}", err=True)
        raise typer.Exit(2)


def _demo_secret() -> None:
    """The demo signs with a secret of its own, made once per DATA_DIR and kept there, unless
    JWT_SECRET is set; the worker and uvicorn's processes inherit it."""
    from api.settings import DEFAULT_JWT_SECRET, demo_jwt_secret, get_settings

    settings = get_settings()
    if settings.jwt_secret.get_secret_value() == DEFAULT_JWT_SECRET:
        os.environ["JWT_SECRET"] = demo_jwt_secret(settings.data_dir)
        get_settings.cache_clear()


@app.command()
def migrate(revision: str = "head") -> None:
    """Upgrade the database schema (Alembic) to a revision, head by default."""
    from alembic import command

    from api.migrations_state import alembic_config

    _prepare_database_url()
    command.upgrade(alembic_config(), revision)
    typer.echo(f"database at {revision}")


async def _load_demo() -> dict[str, int]:
    from api.db import dispose_engine, unit_of_work
    from api.demo.load import load_demo

    try:
        async with unit_of_work() as session:
            return await load_demo(session)
    finally:
        await dispose_engine()


@app.command("load-demo")
def load_demo_command() -> None:
    """Load the demo data set built from the seed documents (idempotent)."""
    _prepare_database_url()
    created = asyncio.run(_load_demo())
    typer.echo(f"demo data: {created}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(envvar="HOST")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PORT")] = 8000,
    workers: Annotated[int, typer.Option(envvar="WEB_CONCURRENCY")] = 1,
    keep_alive: Annotated[
        int,
        typer.Option(
            envvar="KEEP_ALIVE_SECONDS",
            help="Idle seconds before a kept-alive connection is closed; longer than any "
            "client's or proxy's own, or a request sent as the server closes it is lost.",
        ),
    ] = 75,
) -> None:
    """Run the API (and the built SPA) with uvicorn. Refuses a missing, default or short
    JWT_SECRET."""
    import uvicorn

    _refuse_weak_secret("serve")
    _prepare_database_url()
    uvicorn.run(
        "api.main:app",
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        timeout_keep_alive=keep_alive,
        log_config=None,
        access_log=False,
    )


def task_modules() -> tuple[ModuleType, ...]:
    """Every domain module that defines background jobs; importing one registers its tasks on
    the queue. The composition root lists them so that the queue knows no domain module."""
    from api.services import (
        data_values,
        housekeeping,
        imports,
        indicator_import,
        matrix_files,
        notifications,
        org_unit_import,
        report_request_schedule,
    )

    return (
        housekeeping,
        imports,
        org_unit_import,
        data_values,
        indicator_import,
        matrix_files,
        notifications,
        report_request_schedule,
    )


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(envvar="WORKER_CONCURRENCY")] = 4,
    queue: Annotated[list[str] | None, typer.Option(help="Only these queues (repeatable)")] = None,
) -> None:
    """Run a background worker (imports, reminders, e-mail); run as many as needed."""
    from api import db
    from api.observability import configure_logging
    from api.queue import run_worker
    from api.settings import get_settings

    _prepare_database_url()
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)
    if settings.worker_nice:
        # Background work yields the CPU to people's requests, and so do its database
        # backends on this machine (api.db._nice_local_backends).
        os.nice(settings.worker_nice)
    db.application_name = "healthplan worker"
    asyncio.run(
        run_worker(task_modules=task_modules(), concurrency=concurrency, queues=queue or None)
    )


@app.command()
def demo(
    host: Annotated[str, typer.Option(envvar="HOST")] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PORT")] = 8000,
) -> None:
    """Migrate, load the demo data, print the demo logins, and serve on HOST:PORT."""
    from api.demo.load import DEMO_PASSWORD, DEMO_USERS

    _demo_secret()
    _refuse_weak_secret("demo")
    migrate()
    load_demo_command()
    tokens = _demo_signing_ca()
    typer.echo("")
    typer.echo(f"healthplan demo: http://{host}:{port}/  (API: http://{host}:{port}/api/v1/docs)")
    typer.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for user in DEMO_USERS:
        roles = ", ".join(f"{r.value}@{u or 'all'}" for r, u, _ in user.grants)
        typer.echo(f"  {user.username:<16} {user.full_name:<22} {roles}")
    typer.echo("Demo signing (test CA, PKCS#12 password healthplan; docs/signing.md):")
    for path in tokens:
        what = "--compilation REQUEST_ID" if path.name.startswith("syt.") else "--submission ID"
        typer.echo(f"  healthplan sign --p12 {path} --password healthplan {what} --token ...")
    typer.echo("")
    # The worker runs beside the API, as its own process, exactly as in production.
    background = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "worker"], preexec_fn=_die_with_parent
    )
    try:
        serve(host=host, port=port, workers=1)
    finally:
        background.terminate()
        background.wait(timeout=30)


def _demo_signing_ca() -> list[Path]:
    """The demo's test CA under DATA_DIR/signing (made once), its root and CRL added to the
    trust store, one PKCS#12 "token" per demo signer."""
    from api.settings import get_settings
    from api.signing_ca import write_demo_ca

    settings = get_settings()
    return write_demo_ca(settings.data_dir / "signing", settings.trust_dir)


def _die_with_parent() -> None:
    """Linux: the demo's worker gets SIGTERM when the demo process dies, however it dies."""
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@app.command("create-user")
def create_user(
    username: str,
    unit: Annotated[str, typer.Option(help="Mã đơn vị (org unit code)")],
    full_name: Annotated[str, typer.Option()],
    role: Annotated[list[str], typer.Option(help="role[@UNIT_CODE][/subtree], lặp lại được")],
    password: Annotated[str | None, typer.Option(help="Bỏ trống để nhập ẩn")] = None,
) -> None:
    """Create a user from the command line (first admin of a new installation, say)."""
    _prepare_database_url()
    secret = password or getpass.getpass("Mật khẩu: ")
    asyncio.run(_create_user(username, unit, full_name, role, secret))


async def _create_user(
    username: str, unit: str, full_name: str, roles: list[str], password: str
) -> None:
    from sqlalchemy import select

    from api.db import dispose_engine, unit_of_work
    from api.models import OrgUnit, Role, RoleAssignment, User
    from api.schemas.user import normalise_username
    from api.security import hash_password, password_problems

    try:
        username = normalise_username(username)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="username") from exc
    problems = password_problems(password, username=username)
    if problems:
        raise typer.BadParameter(" ".join(problems), param_hint="password")
    try:
        async with unit_of_work() as session:
            codes = dict((await session.execute(select(OrgUnit.code, OrgUnit.id))).tuples())
            if unit not in codes:
                raise typer.BadParameter(f"không có đơn vị mã {unit}", param_hint="--unit")
            grants = []
            for spec in roles:
                name, _, rest = spec.partition("@")
                where, _, subtree = rest.partition("/")
                grants.append(
                    RoleAssignment(
                        role=Role(name).value,
                        org_unit_id=codes[where] if where else None,
                        include_subtree=subtree == "subtree",
                    )
                )
            session.add(
                User(
                    username=username,
                    full_name=full_name,
                    org_unit_id=codes[unit],
                    password_hash=hash_password(password),
                    roles=grants,
                )
            )
    finally:
        await dispose_engine()
    typer.echo(f"created {username}")


@app.command()
def openapi(check: bool = False) -> None:
    """Write openapi.yaml from the app (or, with --check, fail when it differs)."""
    from api.openapi import CONTRACT, contract, render

    text = render(contract())
    if check:
        if CONTRACT.read_text(encoding="utf-8") != text:
            typer.echo("openapi.yaml is out of date: run `make openapi`", err=True)
            raise typer.Exit(1)
        return
    CONTRACT.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {CONTRACT}")


def _register_client_commands() -> None:
    from api.client_cli import export_command, import_command
    from api.signing_client import sign_command

    app.command("import")(import_command)
    app.command("export")(export_command)
    app.command("sign")(sign_command)


_register_client_commands()

if __name__ == "__main__":
    app()
