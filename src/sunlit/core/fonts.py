"""The CJK font Sunlit prints with, and text widths measured with that font's own metrics.

Printed pages (the power handbook, the boards) embed Noto Sans SC (SIL Open Font License) from the pip
package `justmytype-intl-cjk`: one variable TrueType font (weights 100 to 900), so nothing depends on the
fonts a server happens to have. WeasyPrint can instance a variable font itself, but does so for every
document (about 2.5 s a weight); so the regular and bold weights are instanced once per machine into
static fonts in SUNLIT_CACHE_DIR (`static_font`, about 20 s a weight, the first time only), and pages use
those. Should the cache not be writable, pages fall back to the variable font.

Flow charts are laid out by a Graphviz build that knows no CJK metrics (STACK.md), so a box's width is
measured here: the sum of the glyph advances at the weight drawn, from the font's horizontal metrics with
its weight variations applied (`text_width`). A character the font does not hold (an emoji, a rare
character outside it) is counted as a fallback font would most likely set it: one em when wide, 0.6 em
otherwise.
"""

from __future__ import annotations

import fcntl
import functools
import importlib.metadata
import logging
import os
import threading
import unicodedata
from pathlib import Path
from typing import Any

import justmytype_intl_cjk
from django.conf import settings
from fontTools.ttLib import TTFont
from fontTools.varLib import instancer

log = logging.getLogger(__name__)

FAMILY = "Noto Sans SC"
REGULAR = 400
BOLD = 700


def font_path() -> Path:
    """The variable font file (NotoSansSC[wght].ttf) inside the installed package."""
    return Path(justmytype_intl_cjk.__file__).parent / "fonts" / "ofl" / "notosanssc" / "NotoSansSC[wght].ttf"


_lock = threading.Lock()
_instancing = threading.Lock()


def static_font(weight: int) -> Path | None:
    """FAMILY instanced at `weight` as a static TrueType file in the cache: made on first use (one process at
    a time, under a file lock; written to a temporary name, then renamed), then reused. None when the cache
    cannot be written."""
    target = _static_path(weight)
    folder = target.parent
    if target.exists():
        return target
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with _instancing, open(folder / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not target.exists():
                font = instancer.instantiateVariableFont(TTFont(font_path()), {"wght": weight}, static=True,
                                                         updateFontNames=True)
                part = target.with_name(f".{target.name}.{os.getpid()}.part")
                font.save(part)
                part.replace(target)
    except OSError as exc:
        log.warning("cannot cache the static %s %s font in %s (%s): pages use the variable font", FAMILY,
                    weight, folder, exc)
        return None
    return target


def _static_path(weight: int) -> Path:
    version = importlib.metadata.version("justmytype-intl-cjk")
    return Path(settings.SUNLIT_CACHE_DIR) / "fonts" / f"NotoSansSC-{weight}-{version}.ttf"


def static_fonts_ready() -> bool:
    """Whether the static weights are cached already (else the next printed page makes them, once)."""
    return all(_static_path(weight).exists() for weight in (REGULAR, BOLD))


def font_face_css() -> str:
    """`@font-face` rules declaring FAMILY for WeasyPrint: the cached static regular and bold weights, or the
    packaged variable font at every weight when they cannot be made."""
    faces = [(static_font(weight), weight) for weight in (REGULAR, BOLD)]
    if all(path is not None for path, _ in faces):
        return "\n".join(f'@font-face {{ font-family: "{FAMILY}"; src: url("{path.as_uri()}"); '  # type: ignore[union-attr]
                         f"font-weight: {weight}; font-style: normal; }}" for path, weight in faces)
    return (f'@font-face {{ font-family: "{FAMILY}"; src: url("{font_path().as_uri()}"); '
            "font-weight: 100 900; font-style: normal; }")


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
