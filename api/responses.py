"""HTTP answers the routers build from plain domain values."""

from urllib.parse import quote

from fastapi import Response

from api.services.stored_files import Download


def download(file: Download) -> Response:
    """A stored file as the HTTP answer: always a download (never rendered in the page),
    private, its checksum as the ETag."""
    return Response(
        file.data,
        media_type=file.content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(file.filename)}",
            "ETag": f'"{file.sha256}"',
            "Cache-Control": "private, no-store",
        },
    )
