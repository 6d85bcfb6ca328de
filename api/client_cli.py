"""`healthplan import` and `healthplan export`: bulk data against a server, for IT staff.

These talk HTTP to any healthplan server (an API token from /auth/api-tokens works), so a
script on a laptop or a cron job on another host needs nothing but this package.
"""

import sys
import time
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

console = Console(stderr=True)
RESOURCES = ("org_units", "indicators", "data_values")


def _client(server: str, token: str) -> httpx.Client:
    return httpx.Client(
        base_url=server.rstrip("/"),
        timeout=httpx.Timeout(60, read=900),
        headers={"Authorization": f"Bearer {token}"},
    )


def _fail(response: httpx.Response) -> typer.Exit:
    try:
        body = response.json()
        console.print(
            f"[red]{response.status_code} {body.get('title', '')}[/red]: "
            f"{body.get('detail', response.text)}"
        )
    except ValueError:
        console.print(f"[red]{response.status_code}[/red] {response.text[:500]}")
    return typer.Exit(2)


def _report(job: dict[str, Any], server: str) -> int:
    counts = job["counts"]
    console.print(
        f"[bold]{job['status']}[/bold] · {job.get('rows_total') or 0} rows · "
        + " · ".join(f"{k} {v}" for k, v in counts.items())
        + (" · dry run (nothing written)" if job["dry_run"] else "")
    )
    if job["status"] == "rejected":
        for c in job["conflicts"][:20]:
            where = f"row {c['row']}, " if c.get("row") is not None else ""
            console.print(f"  {where}{c['column']}: {c['message']} [{c['code']}]")
        if job["conflicts_total"] > 20:
            console.print(f"  … {job['conflicts_total'] - 20} more")
        console.print(
            f"Error report: {server.rstrip('/')}/api/v1/imports/{job['id']}/conflicts.csv"
        )
        return 1
    if job["status"] != "succeeded":
        console.print(f"[red]{job.get('error') or job['status']}[/red]")
        return 2
    return 0


def _unreachable(server: str, exc: Exception) -> typer.Exit:
    console.print(f"[red]Không kết nối được {server}[/red]: {exc}")
    return typer.Exit(2)


def import_command(
    resource: Annotated[str, typer.Argument(help="org_units | indicators | data_values")],
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    server: Annotated[str, typer.Option(envvar="HEALTHPLAN_SERVER")] = "http://127.0.0.1:8000",
    token: Annotated[
        str, typer.Option(envvar="HEALTHPLAN_TOKEN", help="API token or access token")
    ] = "",
    dry_run: Annotated[bool, typer.Option(help="Check everything, write nothing")] = False,
    encoding: Annotated[str | None, typer.Option(help="e.g. windows-1258")] = None,
    idempotency_key: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Upload a CSV / XLSX / JSON file; exit 0 when imported, 1 when rejected, 2 on error."""
    resource = resource.replace("-", "_")
    if resource not in RESOURCES:
        raise typer.BadParameter(f"one of {', '.join(RESOURCES)}", param_hint="resource")
    if not token:
        raise typer.BadParameter("an API token is needed (--token or HEALTHPLAN_TOKEN)")
    try:
        _import(resource, file, server, token, dry_run, encoding, idempotency_key)
    except httpx.TransportError as exc:
        raise _unreachable(server, exc) from exc


def _import(
    resource: str,
    file: Path,
    server: str,
    token: str,
    dry_run: bool,
    encoding: str | None,
    idempotency_key: str | None,
) -> None:
    size = file.stat().st_size
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
    data = {"dry_run": str(dry_run).lower(), **({"encoding": encoding} if encoding else {})}
    with (
        _client(server, token) as client,
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        ) as progress,
    ):
        upload = progress.add_task(f"upload {file.name}", total=size)

        class Tracked:
            def __init__(self, f: Any) -> None:
                self.f = f

            def read(self, n: int = -1) -> bytes:
                chunk: bytes = self.f.read(n)
                progress.advance(upload, len(chunk))
                return chunk

        with file.open("rb") as f:
            r = client.post(
                f"/api/v1/imports/{resource}",
                headers=headers,
                data=data,
                files={"file": (file.name, Tracked(f))},  # type: ignore[dict-item]
            )
        if r.status_code == 422 and "import_job" in r.json():
            raise typer.Exit(_report(r.json()["import_job"], server))
        if r.status_code not in (200, 202):
            raise _fail(r)
        job = r.json()
        rows = progress.add_task("process", total=None)
        while job["status"] in ("queued", "running"):
            time.sleep(1)
            r = client.get(f"/api/v1/imports/{job['id']}")
            if r.status_code != 200:
                raise _fail(r)
            job = r.json()
            progress.update(
                rows,
                completed=job["rows_processed"],
                description=f"process ({job['status']}, rows)",
            )
    raise typer.Exit(_report(job, server))


def export_command(
    server: Annotated[str, typer.Option(envvar="HEALTHPLAN_SERVER")] = "http://127.0.0.1:8000",
    token: Annotated[str, typer.Option(envvar="HEALTHPLAN_TOKEN")] = "",
    indicator: Annotated[list[str] | None, typer.Option()] = None,
    org_unit: Annotated[str | None, typer.Option()] = None,
    descendants: bool = False,
    period: str | None = None,
    updated_since: Annotated[str | None, typer.Option(help="ISO time: changes at or since")] = None,
) -> None:
    """Write data values as CSV to standard output, following every page."""
    params: dict[str, Any] = {"format": "csv", "limit": 10_000}
    if indicator:
        params["indicator"] = indicator
    if org_unit:
        params["org_unit"] = org_unit
        if descendants:
            params["include_subtree"] = "true"
    if period:
        params["period"] = period
    if updated_since:
        params["updated_since"] = updated_since
    try:
        _export(server, token, params)
    except httpx.TransportError as exc:
        raise _unreachable(server, exc) from exc


def _export(server: str, token: str, params: dict[str, Any]) -> None:
    first = True
    total = 0
    with _client(server, token) as client:
        cursor = None
        while True:
            r = client.get(
                "/api/v1/data-values", params={**params, **({"cursor": cursor} if cursor else {})}
            )
            if r.status_code != 200:
                raise _fail(r)
            lines = r.text.lstrip("\ufeff").splitlines(keepends=True)
            sys.stdout.write("".join(lines if first else lines[1:]))
            total += max(0, len(lines) - 1)
            first = False
            cursor = r.headers.get("x-next-cursor")
            if not cursor:
                break
    console.print(f"{total} values")
