"""Printed pages as PDF: the power handbook (权力手册, A4) and the boards (图板, A3).

HTML templates (handbook/templates) laid out by WeasyPrint, with Noto Sans SC embedded at the weights used
(core.fonts: a printed page does not depend on the fonts of the machine that prints it), page numbers,
a table of contents with page references, PDF bookmarks from the headings, and on every item page and
board a QR code (templatetags/printed.py) to the live page it came from.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from sunlit.core import clock as clock_mod
from sunlit.core import fonts
from sunlit.handbook import content
from sunlit.org.models import Unit

Stage = Callable[[str], None]
"""Told what the renderer is doing ("排版…"), for a terminal or a page to show."""


def _pdf(template: str, context: dict[str, Any], *, title: str, clock: clock_mod.Clock | None) -> bytes:
    from weasyprint import HTML  # loads pango through cffi: only when printing

    html = render_to_string(template, {**context, "font_face": fonts.font_face_css(), "font_family": fonts.FAMILY,
                                       "title": title, "today": clock_mod.today(clock)})
    return HTML(string=html).write_pdf(metadata={"title": title, "creator": "Sunlit 阳光权力运行平台"}) or b""


def handbook_pdf(unit: Unit, *, with_sub_units: bool = False, progress: content.Progress | None = None,
                 stage: Stage | None = None, clock: clock_mod.Clock | None = None) -> bytes:
    """The power handbook of `unit` (and its sub-units): cover, contents, per unit its items, each item
    with its fields, legal bases, chart, steps, risk points with measures and a QR code to its page."""
    sections = content.handbook_sections(unit, with_sub_units=with_sub_units, progress=progress)
    if stage:
        stage("排版 PDF…")
    return _pdf("handbook/handbook.html", {
        "unit": unit, "sections": sections, "with_sub_units": with_sub_units,
        "count": sum(len(s.items) for s in sections), "unit_url": content.unit_url(unit),
    }, title=f"{unit.name}权力手册", clock=clock)


def officials_board_pdf(unit: Unit, *, clock: clock_mod.Clock | None = None) -> bytes:
    """The A3 officials' board (干部公示栏) of `unit`: photo, name, post, duties, portfolio, public phone."""
    return _pdf("handbook/officials_board.html", {
        "unit": unit, "officials": list(content.board_officials(unit)), "url": content.unit_url(unit),
    }, title=f"{unit.name}领导干部公示", clock=clock)


def flow_board_pdf(item_id: int, *, clock: clock_mod.Clock | None = None) -> bytes | None:
    """The A3 flow-chart board (流程图板) of a public item, or None when it is not public or has no
    published flow."""
    page = content.item_page(item_id)
    if page is None or page.chart_svg is None:
        return None
    return _pdf("handbook/flow_board.html", {"page": page, "unit": page.item.unit},
                title=f"{page.version.name}办理流程图", clock=clock)


def write(path: Path, data: bytes) -> None:
    """Write a PDF whole or not at all: to a temporary file beside it, then renamed over it."""
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_bytes(data)
    tmp.replace(path)
