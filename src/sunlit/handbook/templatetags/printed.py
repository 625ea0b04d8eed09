"""Filters for printed pages: everything a PDF shows is inside it (data URIs), nothing is fetched."""

from __future__ import annotations

import base64
import re
from typing import Any

import segno
from django import template

register = template.Library()

PHOTO_MAX_BYTES = 5 * 1024 * 1024
_PHOTO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def _data_uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


@register.filter
def qr(url: str) -> str:
    """{{ page.url|qr }}: a QR code of the address as an SVG data URI, error correction M (print)."""
    svg = segno.make(url, error="m", micro=False).svg_inline(scale=4, border=4, omitsize=False)
    return _data_uri("image/svg+xml", svg.encode())


@register.filter
def svg_uri(svg: str) -> str:
    """{{ page.chart_svg|svg_uri }}: an SVG as a data URI, so an <img> scales it to the page."""
    return _data_uri("image/svg+xml", svg.encode())


_SIZE = re.compile(r'<svg\b[^>]*?\bwidth="([\d.]+)pt"[^>]*?\bheight="([\d.]+)pt"')
MM_PER_PT = 25.4 / 72


@register.filter
def chart_box(svg: str, limits: str) -> str:
    """{{ svg|chart_box:"269,290,2" }}: `width:…mm;height:…mm` scaling a chart (drawn in pt) to fit a box of
    269 × 290 mm, enlarged at most 2 times (a board) or never (1: a handbook page keeps type at its size)."""
    max_w, max_h, max_scale = (float(x) for x in limits.split(","))
    found = _SIZE.search(svg)
    if not found:
        return f"max-width:{max_w:g}mm;max-height:{max_h:g}mm"
    w, h = float(found.group(1)) * MM_PER_PT, float(found.group(2)) * MM_PER_PT
    scale = min(max_w / w, max_h / h, max_scale) if w and h else 1.0
    return f"width:{w * scale:.1f}mm;height:{h * scale:.1f}mm"


@register.filter
def photo_uri(photo: Any) -> str:
    """{{ official.photo|photo_uri }}: an uploaded PNG or JPEG photo (≤ 5 MB) as a data URI, else ""."""
    if not photo:
        return ""
    try:
        with photo.open("rb") as f:
            data = f.read(PHOTO_MAX_BYTES + 1)
    except (OSError, ValueError):
        return ""
    mime = next((m for magic, m in _PHOTO_TYPES.items() if data.startswith(magic)), None)
    return _data_uri(mime, data) if mime and len(data) <= PHOTO_MAX_BYTES else ""
