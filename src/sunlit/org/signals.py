"""Logins: a successful one is an event (org.services.login_record). A failed one is counted and kept in
the audit trail by the backend that checked the password (org.backends, core.lockout), outside the log,
since anyone can try a password. Connected in OrgConfig.ready."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sunlit.org.backends import login_via
from sunlit.org.services import login_record


def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    login_record(user=user, via=login_via(request))
