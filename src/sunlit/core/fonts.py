"""The CJK font Sunlit prints with, and text widths measured with that font's own metrics.

Printed pages (the power handbook, the boards) embed Noto Sans SC (SIL Open Font License) from the pip
package `justmytype-intl-cjk`: one variable TrueType font (weights 100 to 900) that WeasyPrint instances
and subset-embeds at the weights a page uses, so nothing depends on the fonts a server happens to have.

Flow charts are laid out by a Graphviz build that knows no CJK metrics (STACK.md), so a box's width is
measured here: the sum of the glyph advances at the weight drawn, from the font's horizontal metrics with
its weight variations applied (`text_width`). A character the font does not hold (an emoji, a rare
character outside it) is counted as a fallback font would most likely set it: one em when wide, 0.6 em
otherwise.
"""

from __future__ import annotations

import functools
import threading
import unicodedata
from pathlib import Path
from typing import Any

import justmytype_intl_cjk
from fontTools.ttLib import TTFont

FAMILY = "Noto Sans SC"
REGULAR = 400
BOLD = 700


def font_path() -> Path:
    """The variable font file (NotoSansSC[wght].ttf) inside the installed package."""
    return Path(justmytype_intl_cjk.__file__).parent / "fonts" / "ofl" / "notosanssc" / "NotoSansSC[wght].ttf"


def font_face_css() -> str:
    """An `@font-face` rule declaring FAMILY from the packaged file at every weight, for WeasyPrint."""
    return (f'@font-face {{ font-family: "{FAMILY}"; src: url("{font_path().as_uri()}"); '
            "font-weight: 100 900; font-style: normal; }")


_lock = threading.Lock()


@functools.cache
def _font() -> Any:
    return TTFont(font_path(), lazy=True)


@functools.cache
def _advances(weight: int) -> tuple[dict[int, str], Any, int]:
    """(character map, glyph set at `weight`, units per em): loaded once per weight and process."""
    with _lock:
        font = _font()
        return font.getBestCmap(), font.getGlyphSet(location={"wght": weight}), font["head"].unitsPerEm


def _fallback_em(ch: str) -> float:
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 0.6


@functools.lru_cache(maxsize=65536)
def char_em(ch: str, weight: int = REGULAR) -> float:
    """One character's advance in em at `weight`: 0 for combining marks and format characters."""
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0.0
    cmap, glyphs, units = _advances(weight)
    name = cmap.get(ord(ch))
    if name is None:
        return _fallback_em(ch)
    with _lock:
        return float(glyphs[name].width) / units


def text_em(line: str, weight: int = REGULAR) -> float:
    """The width of one line in em, as FAMILY sets it at `weight` (no kerning: CJK text has none)."""
    return sum(char_em(ch, weight) for ch in line)


def text_width(line: str, size: float, weight: int = REGULAR) -> float:
    """The width of one line in points at font size `size`."""
    return text_em(line, weight) * size
