"""The visible signature block pyHanko draws (Decree 30): who signed, for which unit and
when, in the report's serif; with the signer's handwritten signature or the unit's seal
beside the text when one is configured (api.services.signature_image)."""

from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.layout import AxisAlignment, InnerScaling, Margins, SimpleBoxLayoutRule
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import TextStampStyle

FONT = Path(__file__).resolve().parent.parent / "fonts" / "LiberationSerif-Regular.ttf"
FONT_SIZE = 9
TIME_FORMAT = "%H:%M:%S %d/%m/%Y"
TEXT_MARGIN = 10  # pt, pyHanko's around a stamp's text
IMAGE_PAD = 4  # pt around the image
IMAGE_MIN_SHARE = 0.35  # of the block's width the image has, however long the text


def style(
    signer: str, unit: str, *, box: tuple[int, int, int, int], image: Image.Image | None
) -> TextStampStyle:
    """The block's style. With an image, the text keeps the width it needs at its size and
    the image takes what is left at the left (at least IMAGE_MIN_SHARE; the text then
    shrinks to fit), so the two never overlap and the text stays inside the box."""
    signer, unit = signer.replace("%", "%%"), unit.replace("%", "%%")  # a template's
    text = f"Ký bởi: {signer}\nĐơn vị: {unit}\nThời gian: %(ts)s"
    plain = TextStampStyle(
        stamp_text=text,
        timestamp_format=TIME_FORMAT,
        text_box_style=TextBoxStyle(
            font=_ThousandthsFactory(str(FONT), font_size=FONT_SIZE), font_size=FONT_SIZE
        ),
        border_width=1,
    )
    if image is None:
        return plain
    width = box[2] - box[0]
    sample = text % {"ts": datetime(2026, 12, 31, 23, 59, 59).strftime(TIME_FORMAT)}
    text_width = max(text_width_pt(line) for line in sample.split("\n")) + 2 * TEXT_MARGIN
    image_width = round(max(width - text_width, IMAGE_MIN_SHARE * width))
    return replace(
        plain,
        background=PdfImage(image),
        background_opacity=1.0,
        background_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MID,
            y_align=AxisAlignment.ALIGN_MID,
            margins=Margins(IMAGE_PAD, width - image_width + IMAGE_PAD, IMAGE_PAD, IMAGE_PAD),
            inner_content_scaling=InnerScaling.STRETCH_TO_FIT,
        ),
        inner_content_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MID,
            y_align=AxisAlignment.ALIGN_MID,
            margins=Margins(left=image_width),
            inner_content_scaling=InnerScaling.SHRINK_TO_FIT,
        ),
    )


@lru_cache(maxsize=1)
def _advances() -> tuple[dict[int, int], int, int]:
    """The font's advance widths by code point, the .notdef's, and its units per em."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(FONT), lazy=True)
    metrics = font["hmtx"]
    advances = {cp: metrics[glyph][0] for cp, glyph in font.getBestCmap().items()}
    return advances, metrics[".notdef"][0], font["head"].unitsPerEm


def text_width_pt(line: str) -> float:
    """The width in pt of a line of the block's text (no kerning: a little wider, never less)."""
    advances, notdef, per_em = _advances()
    return sum(advances.get(ord(c), notdef) for c in line) * FONT_SIZE / per_em


class _ThousandthsAccumulator(GlyphAccumulator):
    """pyHanko's glyph accumulator, its widths and advances in the thousandths of an em a PDF
    font's /W and TJ are read in. pyHanko writes the font's own units: Liberation Serif has
    2 048 to the em, so viewers drew each letter about twice as far from the last as it is
    wide and the text ran out of the block (fonts with 1 000 to the em were right)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._font_units = self.units_per_em
        self.units_per_em = 1000
        self.hb_font.scale = (1000, 1000)

    def _get_cid_and_width(self, glyph_id: int) -> tuple[int, int]:
        if glyph_id not in self._glyphs:
            cid, width = super()._get_cid_and_width(glyph_id)
            self._glyphs[glyph_id] = (cid, round(width * 1000 / self._font_units))
        found: tuple[int, int] = self._glyphs[glyph_id]
        return found


@dataclass(frozen=True)
class _ThousandthsFactory(GlyphAccumulatorFactory):
    def create_font_engine(self, writer: Any, obj_stream: Any = None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        # Left open, as pyHanko's own factory does: fontTools reads tables from it later.
        fh = open(self.font_file, "rb")  # noqa: SIM115
        return _ThousandthsAccumulator(
            writer=writer,
            font_handle=fh,
            font_size=self.font_size,
            ot_script_tag=self.ot_script_tag,
            ot_language_tag=self.ot_language_tag,
            writing_direction=self.writing_direction,
            bcp47_lang_code=self.bcp47_lang_code,
            obj_stream=obj_stream,
        )
