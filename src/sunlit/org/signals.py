"""Logins: a successful one is an event (org.services.login_record); a failed one is kept in the audit
trail (core.audit), outside the log, since anyone can try a password. Connected in OrgConfig.ready."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sunlit.core.audit import audit_record
from sunlit.core.models import AuditKind
from sunlit.org.services import login_record


def _via(request: HttpRequest | None) -> str:
    path = getattr(request, "path", "") or ""
    if path.startswith("/admin/"):
        return "admin"
    if path.startswith("/console/"):
        return "console"
    return "other"


def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    login_record(user=user, via=_via(request))


def on_login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None,
                    **kwargs: Any) -> None:
    meta = getattr(request, "META", {}) or {}
    audit_record(kind=AuditKind.LOGIN_FAILED, username=str(credentials.get("username") or ""),
                 address=meta.get("REMOTE_ADDR"), detail={"via": _via(request)})
