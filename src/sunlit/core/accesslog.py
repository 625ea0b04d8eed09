"""The access log: one line per request (time, address, method, path, status, milliseconds) on the
`sunlit.access` logger, which settings.LOGGING sends to stderr and the rotating file in the data folder.

A route can keep out of it entirely with `@no_access_log` (a complaint or a tip-off must leave no address
behind, not even in a log). SUNLIT_ACCESS_LOG=0 turns it off everywhere.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

log = logging.getLogger("sunlit.access")
V = TypeVar("V", bound=Callable[..., Any])


def no_access_log(view: V) -> V:
    """Mark a view whose requests the access log never records."""
    view.no_access_log = True  # type: ignore[attr-defined]
    return view


class AccessLog:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.monotonic()
        response = self.get_response(request)
        if settings.SUNLIT_ACCESS_LOG and not getattr(request, "_no_access_log", False):
            log.info('%s "%s %s" %s %.0fms', request.META.get("REMOTE_ADDR", "-"), request.method,
                     request.get_full_path()[:500], response.status_code, (time.monotonic() - started) * 1000)
        return response

    def process_view(self, request: HttpRequest, view: Callable[..., Any], *args: Any) -> None:
        if getattr(view, "no_access_log", False):
            request._no_access_log = True  # type: ignore[attr-defined]
