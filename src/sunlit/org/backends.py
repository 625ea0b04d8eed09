"""How a staff login proves its password: Django's own check, not even run while the name or the address
is locked out (core.lockout). Every password login goes through it, the console's and the admin's alike,
and every failure is counted here, in one place."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from sunlit.core import lockout
from sunlit.core.remote import client_address

LOCK_ATTRIBUTE = "sunlit_login_lock"
"""Set on the request when a login was refused for a lock, so that the form says so (sunlit.org.forms)."""


def login_via(request: HttpRequest | None) -> str:
    path = getattr(request, "path", "") or ""
    if path.startswith("/admin/"):
        return "admin"
    if path.startswith("/console/"):
        return "console"
    return "other"


def lock_of(request: HttpRequest | None) -> lockout.Lock | None:
    """The lock a login on this request was refused for, if it was."""
    return getattr(request, LOCK_ATTRIBUTE, None)


class LockoutBackend(ModelBackend):
    def authenticate(self, request: HttpRequest | None, username: str | None = None, password: str | None = None,
                     **kwargs: Any) -> Any:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None  # not a password login: nothing tried, nothing to count
        address, via = client_address(request), login_via(request)
        lock = lockout.current_lock(username=username, address=address)
        if lock is not None:
            lockout.refuse(lock=lock, username=username, address=address, via=via)
            if request is not None:
                setattr(request, LOCK_ATTRIBUTE, lock)
            raise PermissionDenied(lock.message())  # no other backend may try either
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            lock = lockout.record_failure(username=username, address=address, via=via)
            if lock is not None and request is not None:
                setattr(request, LOCK_ATTRIBUTE, lock)
        return user
