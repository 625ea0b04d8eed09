"""The printed font's own metrics, and the printed pages' font when the static weights cannot be cached."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sunlit.core import fonts


def test_widths_come_from_the_font_not_from_a_rule_of_thumb() -> None:
    assert fonts.text_em("村民建房") == 4.0  # a CJK ideograph is one em in Noto Sans SC
    assert fonts.text_em("MMMM") > 3.0 > 1.5 > fonts.text_em("iiii")  # Latin letters are proportional
    assert fonts.text_width("受理", 14) == 28.0
    assert fonts.text_em("e\u0301") == fonts.text_em("e")  # a combining accent takes no width


def test_a_character_the_font_lacks_is_counted_as_a_fallback_font_sets_it() -> None:
    assert fonts.text_em("😀") == 1.0  # wide: one em
    assert fonts.text_em("\u0e01") == 0.6  # Thai: not in Noto Sans SC, narrow


def test_bold_is_measured_at_its_own_weight() -> None:
    assert fonts.text_em("Sunlit", fonts.BOLD) > fonts.text_em("Sunlit", fonts.REGULAR)


def test_without_a_writable_cache_pages_use_the_variable_font(settings: Any, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.SUNLIT_CACHE_DIR = blocker

    css = fonts.font_face_css()

    assert fonts.static_font(fonts.REGULAR) is None
    assert css.count("@font-face") == 1 and "font-weight: 100 900" in css and "NotoSansSC%5Bwght%5D.ttf" in css
