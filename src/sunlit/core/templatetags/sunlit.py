from django import template

from sunlit.catalog.rules import format_limit

register = template.Library()


@register.filter
def limit(days: int | None, unit: str) -> str:
    """{{ v.statutory_limit|limit:v.statutory_limit_unit }} → '20个工作日', '60日', '即办', '—'."""
    return format_limit(days, unit) or "—"
