"""Stored files (attachments of submissions and documents) as they leave the domain."""

from dataclasses import dataclass

from api.models.base import StoredFileMixin
from api.schemas.common import StoredFileRead


@dataclass(frozen=True)
class Download:
    """A stored file as it leaves the domain: bytes and what the answer needs to name them."""

    data: bytes
    filename: str
    content_type: str
    sha256: str


def as_download(file: StoredFileMixin) -> Download:
    return Download(file.data, file.filename, file.content_type, file.sha256)


def file_read(file: StoredFileMixin, url: str) -> StoredFileRead:
    return StoredFileRead(
        id=file.id,  # type: ignore[attr-defined]
        filename=file.filename,
        content_type=file.content_type,
        size=file.size,
        sha256=file.sha256,
        url=url,
        created_at=file.created_at,
        signatures=file.signatures,
    )
