"""The login forms of the console and the admin: Django's, saying so when a login is locked out
(org.backends, core.lockout) instead of calling the password wrong."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from sunlit.org.backends import lock_of


class _SaysLocked(AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError:
            lock = lock_of(self.request)
            if lock is not None:
                raise ValidationError(lock.message(), code="locked") from None
            raise

    @property
    def locked(self) -> bool:
        return lock_of(self.request) is not None


class LoginForm(_SaysLocked):
    error_messages = {**AuthenticationForm.error_messages, "invalid_login": "用户名或密码不正确，请重新输入。"}


class AdminLoginForm(_SaysLocked, AdminAuthenticationForm):
    pass
