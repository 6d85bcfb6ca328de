"""The images a visible signature block shows, as the operator put them (docs/signing.md): a
signer's handwritten signature (SIGNING_IMAGE_DIR/<username>.png) and a unit's seal
(SIGNING_SEAL_DIR/<ORG_UNIT_CODE>.png), PNG with a transparent background as Decree 30 asks.
Each is checked when it is used, before anything is drawn or stored: a file that is not a
readable PNG, or a huge one, is refused (409) with its name."""

import io
from pathlib import Path

from PIL import Image

from api.errors import Conflict
from api.settings import get_settings

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# A scanned signature or seal at 300 dpi is a few hundred pixels a side and tens of kB; the
# block is 7 × 3 cm. Past these the file is a mistake (or a decompression bomb: the pixels
# are counted from the header, before a byte is inflated).
MAX_BYTES = 1024 * 1024
MAX_SIDE_PX = 2000


def of_signer(username: str) -> Image.Image | None:
    """The signer's handwritten signature, or None when none is configured."""
    path = get_settings().signature_image(username)
    return None if path is None else load(path, f"ảnh chữ ký SIGNING_IMAGE_DIR/{path.name}")


def of_seal(org_unit_code: str) -> Image.Image | None:
    """The unit's seal as drawn on paper, or None when none is configured."""
    path = get_settings().seal_image(org_unit_code)
    return None if path is None else load(path, f"ảnh con dấu SIGNING_SEAL_DIR/{path.name}")


def load(path: Path, label: str) -> Image.Image:
    """The PNG decoded, in a mode a PDF image takes (grey or RGB, with its alpha); `label`
    names it in a refusal ("ảnh chữ ký SIGNING_IMAGE_DIR/….png")."""
    named = label[:1].upper() + label[1:]
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:  # said before a byte of it is read
            raise Conflict(
                f"{named} nặng {size:,} byte, quá {MAX_BYTES:,} byte cho phép. Chưa ký gì."
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise Conflict(f"Không đọc được {label}: {exc.strerror}. Chưa ký gì.") from exc
    if not raw.startswith(PNG_MAGIC):
        raise Conflict(f"{named} không phải tệp PNG. Chưa ký gì.")
    try:
        image: Image.Image = Image.open(io.BytesIO(raw), formats=["PNG"])
        width, height = image.size
        if max(width, height) > MAX_SIDE_PX:
            raise Conflict(
                f"{named} có {width} × {height} điểm ảnh, quá {MAX_SIDE_PX} điểm "
                "mỗi chiều. Chưa ký gì."
            )
        image.load()
    except Conflict:
        raise
    except Exception as exc:  # truncated, a bad chunk or checksum: Pillow says which
        raise Conflict(f"{named} hỏng, không đọc được ({exc}). Chưa ký gì."[:500]) from exc
    if image.mode not in ("RGB", "RGBA", "L", "LA"):  # a palette, 1-bit, 16-bit: as RGBA
        image = image.convert("RGBA")
    return image
