"""Serving the built SPA: hashed assets precompressed and kept a year, index.html revalidated."""

import mimetypes
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse

from api.errors import NotFound

# Vite names every file under assets/ after a hash of its content: a new build is a new name.
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# The build writes name.br and name.gz beside each text file (frontend/vite.config.ts).
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


def accepted_encodings(header: str) -> set[str]:
    """The codings an Accept-Encoding header allows (q=0 refuses one)."""
    out = set()
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        q = params.strip().removeprefix("q=") if params.strip().startswith("q=") else "1"
        try:
            allowed = float(q) > 0
        except ValueError:
            allowed = False
        if name and allowed:
            out.add(name.strip().lower())
    return out


def file_response(path: Path, request: Request, cache_control: str) -> FileResponse:
    """The file, or its precompressed twin when the client takes that coding."""
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    headers = {"Cache-Control": cache_control}
    twins = [(enc, path.with_name(path.name + suffix)) for enc, suffix in ENCODINGS]
    twins = [(enc, twin) for enc, twin in twins if twin.is_file()]
    if twins:
        headers["Vary"] = "Accept-Encoding"
        accepted = accepted_encodings(request.headers.get("accept-encoding", ""))
        for enc, twin in twins:
            if enc in accepted or "*" in accepted:
                headers["Content-Encoding"] = enc
                return FileResponse(twin, media_type=media_type, headers=headers)
    return FileResponse(path, media_type=media_type, headers=headers)


def _built_since(folder: Path, name: str, compressed: tuple[str, ...]) -> Path | None:
    """A file a rebuild wrote after start-up (`make frontend` beside a running demo); only
    inside the assets folder."""
    path = (folder / name).resolve()
    if not path.is_relative_to(folder) or name.endswith(compressed) or not path.is_file():
        return None
    return path


def mount_spa(app: FastAPI, spa_dir: Path) -> None:
    """Serve the built SPA at / with index.html for client-side routes."""
    index = spa_dir / "index.html"
    if not index.is_file():
        return
    root = spa_dir.resolve()
    compressed = tuple(suffix for _, suffix in ENCODINGS)
    # The build's files, listed once at start-up: a request names one of them or nothing.
    assets = {
        p.relative_to(root / "assets").as_posix(): p
        for p in (root / "assets").rglob("*")
        if p.is_file() and not p.name.endswith(compressed)
    }
    top_files = {
        p.name: p for p in root.iterdir() if p.is_file() and not p.name.endswith(compressed)
    }

    @app.api_route("/assets/{name:path}", methods=["GET", "HEAD"], include_in_schema=False)
    def asset(name: str, request: Request) -> FileResponse:
        path = assets.get(name) or _built_since(root / "assets", name, compressed)
        if path is None:
            raise NotFound(f"Không có tệp /assets/{name}.")
        return file_response(path, request, IMMUTABLE)

    @app.api_route("/{path:path}", methods=["GET", "HEAD"], include_in_schema=False)
    def spa(path: str, request: Request) -> FileResponse:
        if path.startswith("api/"):
            raise NotFound(f"Không có đường dẫn /{path}.")
        if path in top_files and path != "index.html":
            return file_response(top_files[path], request, REVALIDATE)
        return file_response(index, request, REVALIDATE)
