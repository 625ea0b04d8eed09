"""Two middlewares, both answering through core.failures so the API always gets its JSON shape.

RequestSizeLimit refuses a request whose body is larger than any form takes
(settings.SUNLIT_MAX_REQUEST_BYTES) before anything reads it: the CSRF check parses a form, uploads and
all, before any view runs, so a view's own check would come after the whole body had been received
and written to temporary files.

ExceptionResponses maps what a view raises (a busy database; under /api/, anything) to a response, and
puts an /api/ error answered in another shape (Django's 404 page, ninja's plain 405) into the API's.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from sunlit.core import failures


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
            return failures.too_large(request, limit)
        return self.get_response(request)


class ExceptionResponses:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return failures.in_api_shape(request, self.get_response(request))

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return failures.response_for_exception(request, exception)
