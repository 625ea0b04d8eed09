"""The one rule for a typed text field every service uses (cases, decisions): trimmed, refused naming the field
when required and blank, or past its limit."""

from __future__ import annotations

import pytest

from sunlit.core.errors import DomainError
from sunlit.core.fields import text


def test_text_is_trimmed() -> None:
    assert text("  同意  ", "opinion", "意见", limit=10) == "同意"
    assert text(None, "opinion", "意见", limit=10, required=False) == ""


def test_a_blank_required_field_is_refused_naming_it() -> None:
    with pytest.raises(DomainError) as refused:
        text(" \n", "opinion", "审查意见", limit=10)
    assert (refused.value.field, refused.value.message) == ("opinion", "请填写审查意见")


def test_text_past_its_limit_is_refused_naming_the_limit() -> None:
    assert text("一" * 10, "title", "事项名称", limit=10) == "一" * 10
    with pytest.raises(DomainError) as refused:
        text("一" * 11, "title", "事项名称", limit=10)
    assert (refused.value.field, refused.value.message) == ("title", "事项名称不能超过10个字")
