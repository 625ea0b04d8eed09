"""JSON API at /api/v1/: the NinjaAPI, its renderer and its error shape. The handlers live in
`sunlit.api.routers`, one module per domain; they parse, call, shape, and the rules live in the
services and selectors."""

from __future__ import annotations

from typing import Any

from csp.decorators import csp_update
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from sunlit.api.messages import chinese_message
from sunlit.api.routers import calendar, cases, decisions, flows, org, powers, supervision
from sunlit.core import failures
from sunlit.core.errors import DomainError


class ChineseJSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="Sunlit 阳光权力运行平台 API",
    version="1",
    description="公开数据无需登录；编制、提交、审核需令牌（Authorization: Bearer …）或登录会话。",
    renderer=ChineseJSONRenderer(),
    urls_namespace="api",
    # The browsable docs (Swagger UI, served from static files) draw a few icons as data: images: that page
    # alone may show them; everything else stays under the site's policy (settings.CONTENT_SECURITY_POLICY).
    docs_decorator=csp_update({"img-src": ["data:"]}),
    # Without deep links each operation's path is text, not a link inside the button that opens it (a control
    # within a control, which screen readers cannot reach: WCAG 4.1.2). The page's template is
    # templates/ninja/swagger.html.
    docs=Swagger(settings={"deepLinking": False}),
)


def openapi_document(request: HttpRequest) -> HttpResponse:
    """The OpenAPI document with Chinese as written (ninja's own view escapes it as \\uXXXX)."""
    return JsonResponse(api.get_openapi_schema(), json_dumps_params={"ensure_ascii": False})


def _errors(request: HttpRequest, status: int, errors: list[dict[str, Any]]) -> HttpResponse:
    return failures.json_errors(status, errors)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    listed = getattr(exc, "errors", None) or [exc]
    response = _errors(request, exc.status, [{"field": e.field, "message": e.message} for e in listed])
    if getattr(exc, "retry_after", None):
        response["Retry-After"] = str(exc.retry_after)  # type: ignore[attr-defined]
    return response


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "payload", "query", "path", "filters")]
        errors.append({"field": ".".join(loc) or None, "message": chinese_message(err)})
    return _errors(request, 422, errors)


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _errors(request, 401, [{"field": "Authorization", "message": "请先登录或提供有效的令牌"}])


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and "parse" in str(exc).lower():
        return _errors(request, 400, [{"field": "body", "message": "请求体不是有效的JSON"}])
    if exc.status_code == 403 and "csrf" in str(exc).lower():
        return _errors(request, 403, [{"field": "csrfmiddlewaretoken", "message": "CSRF校验失败，请刷新页面后重试"}])
    return _errors(request, exc.status_code, [{"field": None, "message": str(exc)}])


@api.exception_handler(Http404)  # ninja's own answers these in another shape
@api.exception_handler(Exception)
def unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Anything else (a busy database → 503, a bug → 500, logged) in the same shape: core.failures."""
    response = failures.response_for_exception(request, exc, as_json=True)
    assert response is not None  # as_json: never left to Django's HTML pages
    return response


api.add_router("/", org.router)
api.add_router("/", powers.router)
api.add_router("/", flows.router)
api.add_router("/", calendar.router)
api.add_router("/", cases.router)
api.add_router("/", supervision.router)
api.add_router("/", decisions.router)

__all__ = ["api"]
