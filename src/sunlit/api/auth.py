"""How staff clients prove who they are: a bearer token, or a console session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from sunlit.core.audit import audit_record
from sunlit.core.models import ApiToken, AuditKind


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = ApiToken.user_for(token)
        if user is None:  # a failed login: kept in the audit trail, never in the log
            audit_record(kind=AuditKind.LOGIN_FAILED, address=request.META.get("REMOTE_ADDR"),
                         detail={"via": "token", "path": request.path[:200]})
            return None
        request.user = user
        return user


class StaffSession(SessionAuth):
    """A console session; its CSRF token is checked only when there is a session to protect, so a
    client with no or a wrong token hears 401 (log in or send a token), not a CSRF failure."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


staff_auth = [TokenAuth(), StaffSession()]
