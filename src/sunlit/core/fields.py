"""Text a person typed into a field, as every service takes it: trimmed, refused naming the field when it is
required and empty or longer than its limit. One rule for all the apps, each with its own limit."""

from __future__ import annotations

from sunlit.core.errors import DomainError


def text(value: str | None, field: str, label: str, *, limit: int, required: bool = True) -> str:
    """`value` trimmed; refused (`field` named, `label` in the message) when required and empty, or longer
    than `limit` characters."""
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise DomainError(f"请填写{label}", field=field)
    if len(cleaned) > limit:
        raise DomainError(f"{label}不能超过{limit}个字", field=field)
    return cleaned
