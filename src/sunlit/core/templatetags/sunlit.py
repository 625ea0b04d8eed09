import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from sunlit.core import lawnames
from sunlit.core.timelimits import format_limit

register = template.Library()


@register.filter
def limit(days: int | None, unit: str) -> str:
    """{{ v.statutory_limit|limit:v.statutory_limit_unit }} → '20个工作日', '60日', '即办', '—'."""
    return format_limit(days, unit) or "—"


_PHONE = re.compile(r"\+?\d[\d-]{5,}\d")


@register.filter
def tel(text: str) -> str:
    """The first dialable number in a phone cell ('0797-6213228（县纪委监委：0797-6213002）' → '0797-6213228')."""
    found = _PHONE.search(text or "")
    return found.group(0) if found else ""


@register.filter
def law_title(name: str) -> str:
    """{{ b.law|law_title }} → '《中华人民共和国土地管理法》': one pair of book-title marks, whatever was stored."""
    return lawnames.law_title(name)


@register.filter
def thousands(number: int | None) -> str:
    """20000 → '20,000' (figures clerks read at a glance)."""
    return "" if number is None else f"{number:,}"


@register.filter
def whole_numbers(text: str) -> SafeString:
    """A phone cell with each number kept on one line ('0797-6213228（县纪委监委：0797-6213002）': a line may
    break between the numbers, never inside one)."""
    escaped = str(conditional_escape(text or ""))
    # Safe: the text is escaped first, and a number is digits, '+' and '-' only.
    return mark_safe(_PHONE.sub(lambda m: f'<span class="nowrap">{m.group(0)}</span>', escaped))
