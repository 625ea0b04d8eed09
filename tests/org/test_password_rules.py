"""Passwords set through Django's forms (the admin, `createsuperuser`, `changepassword`): at least ten
characters, not a common one, not all digits, not like the login's own name."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

USER = User(username="zhangwei", first_name="张伟", email="zhangwei@example.cn")


@pytest.mark.parametrize(("password", "why"), [
    ("Sh0rt-pw", "太短"),
    ("qwertyuiop", "太常见"),
    ("2026112410", "只包含数字"),
    ("zhangwei2026", "相似"),
])
def test_a_weak_password_is_refused_saying_why(password: str, why: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_password(password, USER)
    assert why in " ".join(refused.value.messages)


def test_a_long_unusual_password_passes() -> None:
    validate_password("Qingshui-river-7-bridges", USER)
