"""Refuse a request whose body is larger than any form takes (settings.SUNLIT_MAX_REQUEST_BYTES) before
anything reads it: the CSRF check parses a form, uploads and all, before any view runs, so a view's own
check would come after the whole body had been received and written to temporary files."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


class RequestSizeLimit:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = int(settings.SUNLIT_MAX_REQUEST_BYTES)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django then reads no body at all
        if length > limit:
            page = render_to_string("request_too_large.html", {"limit_mb": limit // (1024 * 1024)})
            return HttpResponse(page, status=413)
        return self.get_response(request)
