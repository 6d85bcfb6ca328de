"""How much paper a report's text needs: widths measured with the embedded Liberation Serif
(Times New Roman's metrics, so Word and LibreOffice agree), appendix columns sized to their
content the way a browser sizes an auto table, and how each column's cells align."""

import re
from functools import lru_cache
from pathlib import Path

# A4 with Decree 30's margins (3 cm on the binding side, 1.5 cm on the other).
PAGE_CM = (21.0, 29.7)
MARGINS_CM = (3.0, 1.5)
TEXT_CM = PAGE_CM[0] - sum(MARGINS_CM)  # 16.5
LANDSCAPE_TEXT_CM = PAGE_CM[1] - sum(MARGINS_CM)  # 25.2
# The header's two columns: the issuer, and the motto (12 pt bold needs 8.9 cm on one line).
HEADER_CM = (6.0, TEXT_CM - 6.0)
FONTS = Path(__file__).resolve().parent.parent / "fonts"
CM_PER_PT = 2.54 / 72
# Word's and LibreOffice's default cell margins (0.19 cm each side) and a little air.
CELL_PADDING_CM = 0.45
# Past this many characters a cell's one-line width exceeds any page: measure no further.
LONG_TEXT = 240
NUMBER = re.compile(r"^[-−]?\d[\d.]*(,\d+)?(\s?%|\s\w{1,10})?$")
DATE = re.compile(r"^(\d{2}:\d{2} )?\d{1,2}/\d{1,2}/\d{4}$")
SERIAL = {"STT", "TT", "Số TT"}


@lru_cache(maxsize=2)
def _advances(bold: bool) -> tuple[dict[int, float], float]:
    """Each character's advance in ems, and the average for characters the font lacks."""
    from fontTools.ttLib import TTFont

    font = TTFont(FONTS / f"LiberationSerif-{'Bold' if bold else 'Regular'}.ttf", lazy=True)
    em = float(font["head"].unitsPerEm)
    metrics = font["hmtx"]
    advances = {code: metrics[glyph][0] / em for code, glyph in font.getBestCmap().items()}
    return advances, advances.get(ord("n"), 0.5)


def text_width_cm(text: str, size_pt: float, *, bold: bool = False) -> float:
    """The width of `text` on one line at `size_pt`."""
    advances, fallback = _advances(bold)
    ems = sum(advances.get(ord(ch), fallback) for ch in text)
    return ems * size_pt * CM_PER_PT


def _line_cm(text: str, size_pt: float, bold: bool, cap_cm: float) -> float:
    # No character is narrower than a quarter em: a text that long passes the cap unmeasured.
    if len(text) > LONG_TEXT or len(text) * 0.25 * size_pt * CM_PER_PT >= cap_cm:
        return cap_cm
    return min(text_width_cm(text, size_pt, bold=bold), cap_cm)


def column_widths(
    header: list[str], rows: list[list[str]], total_cm: float, size_pt: float
) -> list[float]:
    """Widths in cm that fill `total_cm`: each column at least its longest word (header in
    bold), the rest shared in proportion to how much wider each column's longest line would
    like to be, so a serial-number column stays narrow and a name or result column widest."""
    least: list[float] = []
    most: list[float] = []
    for n, title in enumerate(header):
        # Each distinct cell and word measured once: a province's compilation repeats them.
        cells = {row[n] for row in rows if n < len(row) and row[n]}
        words = {word for cell in cells for word in cell.split()}
        low = max(
            max((text_width_cm(w, size_pt, bold=True) for w in title.split()), default=0.0),
            max((text_width_cm(w, size_pt) for w in words), default=0.0),
        )
        high = _line_cm(title, size_pt, True, total_cm)
        for cell in cells:
            if high >= total_cm:
                break
            high = max(high, _line_cm(cell, size_pt, False, total_cm))
        # A header of several words may wrap when its column's content is narrow.
        if high > low and all(len(c) <= 4 for c in cells):
            high = max(low, max((text_width_cm(c, size_pt) for c in cells), default=0.0))
        least.append(low + CELL_PADDING_CM)
        most.append(max(high, low) + CELL_PADDING_CM)
    fixed = [title in SERIAL for title in header]
    return _share(least, most, total_cm, fixed)


def _share(least: list[float], most: list[float], total: float, fixed: list[bool]) -> list[float]:
    if sum(most) <= total:
        # Everything fits on one line: widen all but the serial numbers, in proportion.
        grow = sum(m for m, f in zip(most, fixed, strict=True) if not f)
        if not grow:
            return [m * total / sum(most) for m in most]
        scale = (total - (sum(most) - grow)) / grow
        return [m if f else m * scale for m, f in zip(most, fixed, strict=True)]
    if sum(least) >= total:
        scale = total / sum(least)
        return [w * scale for w in least]
    # Short columns (a status, a date, a number) keep their one line: each column whose
    # natural width is within an equal share of what is left gets it; the long ones wrap,
    # sharing the rest in proportion to their natural widths, none below its longest word.
    widths: dict[int, float] = {}
    left = list(range(len(most)))
    space = total
    while left:
        fair = space / len(left)
        short = [i for i in left if most[i] <= fair]
        if not short:
            break
        for i in short:
            widths[i] = most[i]
            space -= most[i]
            left.remove(i)
    while left:
        weight = sum(most[i] for i in left)
        narrow = [i for i in left if space * most[i] / weight < least[i]]
        if not narrow:
            break
        for i in narrow:
            widths[i] = least[i]
            space -= least[i]
            left.remove(i)
    if space < sum(least[i] for i in left):
        # The short columns took what the long ones need: scale every column between its
        # longest word and its one line alike, as a browser's automatic table layout does.
        spare = total - sum(least)
        wants = [m - lo for lo, m in zip(least, most, strict=True)]
        return [lo + spare * w / sum(wants) for lo, w in zip(least, wants, strict=True)]
    weight = sum(most[i] for i in left)
    for i in left:
        widths[i] = space * most[i] / weight
    return [widths[i] for i in range(len(most))]


def alignments(header: list[str], rows: list[list[str]]) -> list[str]:
    """ "center" for serial numbers and dates, "right" for numbers, "left" for text."""
    result = []
    for n, title in enumerate(header):
        cells = [row[n].strip() for row in rows if n < len(row) and row[n].strip()]
        if title in SERIAL or (cells and all(DATE.match(c) for c in cells)):
            result.append("center")
        elif cells and all(NUMBER.match(c) for c in cells):
            result.append("right")
        else:
            result.append("left")
    return result
