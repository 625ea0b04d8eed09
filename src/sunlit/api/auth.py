"""How staff clients prove who they are: a bearer token, or a console session.

A token is refused (JSON, in the API's error shape) with 429 while its client's address is locked out
after too many failed logins (core.lockout, shared with the console and the admin); with 401 when it is
no token at all (a failure, counted and audited) or one that has expired, been revoked or belongs to a
login since disabled (audited, not counted: a forgotten script is no guesser).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from sunlit.core import clock, lockout
from sunlit.core.audit import audit_record
from sunlit.core.errors import NotAuthenticated, TooMany
from sunlit.core.models import ApiToken, AuditKind, TokenState
from sunlit.core.remote import client_address

_REFUSED = {
    TokenState.EXPIRED: "令牌已过期，请重新签发",
    TokenState.REVOKED: "令牌已吊销，请重新签发",
}


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        address = client_address(request)
        lock = lockout.current_lock(username=None, address=address)
        if lock is not None:
            lockout.refuse(lock=lock, username=None, address=address, via="token")
            raise TooMany(lock.message(), field="Authorization", retry_after=lock.seconds_left())
        found = ApiToken.find(token)
        if found is None:  # a failed login: kept in the audit trail, never in the log
            lockout.record_failure(username=None, address=address, via="token",
                                   detail={"path": request.path[:200]})
            return None
        now = clock.now()
        state = found.state(now)
        if state != TokenState.ACTIVE or not found.user.is_active:
            audit_record(kind=AuditKind.TOKEN_REFUSED, username=found.user.get_username(), address=address,
                         detail={"token": found.pk, "state": state.value, "user_active": found.user.is_active,
                                 "path": request.path[:200]})
            raise NotAuthenticated(_REFUSED.get(state, "该账号已停用"), field="Authorization")
        found.note_use(now)
        request.user = found.user
        return found.user


class StaffSession(SessionAuth):
    """A console session; its CSRF token is checked only when there is a session to protect, so a
    client with no or a wrong token hears 401 (log in or send a token), not a CSRF failure."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


staff_auth = [TokenAuth(), StaffSession()]
