"""Middleware of Sunlit's own.

SecurityHeaders sets the headers Django and django-csp do not set.

RequestSizeLimit refuses a request whose body is larger than any form takes
(settings.SUNLIT_MAX_REQUEST_BYTES) before anything reads it: the CSRF check parses a form, uploads and
all, before any view runs, so a view's own check would come after the whole body had been received
and written to temporary files. It answers through core.failures, so the API always gets its JSON shape.

ExceptionResponses maps what a view raises (a busy database; under /api/, anything) to a response, and
puts an /api/ error answered in another shape (Django's 404 page, ninja's plain 405) into the API's.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from sunlit.core import failures

# Pages for staff, and what the API answers about cases (an applicant's receipt, query password and progress):
# no browser, proxy or shared computer keeps a copy.
PRIVATE_PREFIXES = ("/console/", "/admin/", "/api/v1/cases")


def from_staff(request: HttpRequest) -> bool:
    """A staff client: a bearer token (authenticated by the API's handler, after the other middleware) or a
    console session."""
    user = getattr(request, "user", None)
    return "HTTP_AUTHORIZATION" in request.META or bool(user is not None and user.is_authenticated)


def _private(request: HttpRequest) -> bool:
    path = request.path_info
    if path.startswith(PRIVATE_PREFIXES):
        return True
    return path.startswith("/api/v1/") and from_staff(request)  # any API answer to a staff client


class SecurityHeaders:
    """Permissions-Policy (settings.SUNLIT_PERMISSIONS_POLICY) on every response, and `Cache-Control: no-store` on
    every private one (_private). It stands before WhiteNoise in settings.MIDDLEWARE, so static files have the
    first too; SecurityMiddleware, before it, gives them nosniff and the Referrer-Policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.SUNLIT_PERMISSIONS_POLICY)
        if _private(request) and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store"
        return response


class RequestSizeLimit:
    """Refuse a request whose body is larger than any form takes (settings.SUNLIT_MAX_REQUEST_BYTES) before
    anything reads it: the CSRF check parses a form, uploads and all, before any view runs, so a view's own
    check would come after the whole body had been received and written to temporary files."""

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
