"""Showing search results: the words a resident searched, marked where they were found."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from sunlit.catalog.search.text import highlight
from sunlit.catalog.selectors import PowerSearch

register = template.Library()


@register.filter
def marked(text: str, needles: list[str] | None) -> SafeString | str:
    """{{ v.name|marked:needles }}: the text escaped, each match of a searched word in <mark>."""
    if not needles:
        return text
    return mark_safe(highlight(text or "", needles))  # noqa: S308  (highlight escapes the text first)


@register.filter
def found_count(search: PowerSearch) -> str:
    """How many items a search found: '12', or '1,000+' past the count's cap."""
    return f"{search.count():,}+" if search.capped else str(search.count())
