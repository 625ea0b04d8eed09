"""Public reads on a replica (SUNLIT_REPLICA_DATABASE_URL): the one rule for which requests may read there.

An anonymous GET or HEAD of the public portal or the public API reads from the replica; everything else stays
on the primary: staff (a session or a token), every write, an applicant's own case and application (they must
see what they just did), and the log (witnesses compare checkpoints with what they were just given). Without a
replica configured, nothing changes.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.http import HttpRequest, HttpResponse

from sunlit.core.middleware import PRIVATE_PREFIXES, from_staff

REPLICA = "replica"
PRIMARY_ONLY = (*PRIVATE_PREFIXES, "/cases/", "/log/", "/add-checkpoint")

_public_read: contextvars.ContextVar[bool] = contextvars.ContextVar("sunlit_public_read", default=False)


def reads_from_replica(request: HttpRequest) -> bool:
    if REPLICA not in settings.DATABASES or request.method not in {"GET", "HEAD"}:
        return False
    if request.path.startswith(PRIMARY_ONLY) or request.path.endswith("/apply/"):
        return False
    return not from_staff(request)


class PublicReadsOnReplica:
    """Middleware, after authentication: marks the request's reads for the router below."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _public_read.set(reads_from_replica(request))
        try:
            return self.get_response(request)
        finally:
            _public_read.reset(token)


class PublicReadRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str:
        return REPLICA if _public_read.get() else DEFAULT_DB_ALIAS

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
