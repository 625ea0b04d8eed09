"""What a request that cannot be served gets back, decided here once for the whole site.

The API (/api/…) always answers in its JSON error shape, `{"errors": [{"field": …, "message": …}]}`,
never with an HTML page: a body too large (413), a busy database (503), an exception nothing else
handled (500, logged). Pages get a page in Chinese in the site's style (`error_page`: 400, 403, 404, 500,
and the status of a DomainError a view raised, with its message), with the portal's or the console's
header and ways on, and for a busy database a short page saying to try again (503). Both 503s carry
Retry-After. The project's handler400/403/404/500 and CSRF_FAILURE_VIEW are the functions below.

A busy database is SQLite's "database is locked" (another writer held the lock past the busy timeout)
or PostgreSQL giving up on a lock or a serialisable transaction; the same request a moment later
succeeds, so it is not a server error.

`ExceptionResponses` (core.middleware) applies `response_for_exception` to what a view raises and
`in_api_shape` to every /api/ response, the API's catch-all handler (api.api) the first to what a
handler raises, and `server_error` (the project's handler500) to what escapes a middleware, such as
a session saved as the response leaves.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
from typing import Any

from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.template.loader import render_to_string

from sunlit.core.errors import DomainError

API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = 5
JSON = "application/json; charset=utf-8"
# PostgreSQL: serialization_failure, deadlock_detected, lock_not_available (lock_timeout, NOWAIT)
BUSY_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
BUSY_MESSAGE = "系统繁忙，请稍后重试"
SERVER_ERROR_MESSAGE = "服务器内部错误，已记录，请稍后重试"

log = logging.getLogger("django.request")  # where Django logs its own 500s (and mails them to ADMINS)


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def json_errors(status: int, errors: list[dict[str, Any]]) -> JsonResponse:
    """The API's error shape: each error names its field (or null) and says why, in Chinese."""
    return JsonResponse({"errors": errors}, status=status, content_type=JSON, json_dumps_params={"ensure_ascii": False})


def json_error(status: int, message: str, field: str | None = None) -> JsonResponse:
    return json_errors(status, [{"field": field, "message": message}])


def too_large(request: HttpRequest, limit: int) -> HttpResponse:
    """413 for a body over `limit` bytes, refused before it was read."""
    megabytes = limit // (1024 * 1024)
    if wants_json(request):
        return json_error(413, f"提交内容超过 {megabytes} MB，未被接收", "body")
    return HttpResponse(render_to_string("request_too_large.html", {"limit_mb": megabytes}), status=413)


def database_busy(exc: BaseException) -> bool:
    """A lock or serialisation failure: the same request a moment later would succeed."""
    if not isinstance(exc, DatabaseError | sqlite3.Error):
        return False
    for error in (exc, exc.__cause__):
        if getattr(error, "sqlstate", None) in BUSY_SQLSTATES or getattr(error, "pgcode", None) in BUSY_SQLSTATES:
            return True
        if str(getattr(error, "sqlite_errorname", "")).startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            return True
    message = str(exc).lower()
    return "database is locked" in message or "database table is locked" in message


def busy(request: HttpRequest, *, as_json: bool) -> HttpResponse:
    response: HttpResponse
    if as_json:
        response = json_error(503, BUSY_MESSAGE)
    else:
        # No request context: the page must render without the database, which is what is busy.
        page = render_to_string("busy.html", {"retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


_STATUS_MESSAGES = {
    400: "请求格式有误", 401: "请先登录或提供有效的令牌", 403: "无权访问", 404: "请求的地址或对象不存在",
    405: "不支持该请求方法", 413: "提交内容过大，未被接收", 429: "请求过于频繁，请稍后重试",
}


# What each page says: a title, and what happened in words a resident or a clerk can act on.
_PAGES = {
    400: ("请求有误", "这个地址或提交的内容有误，未能处理，也没有保存任何内容。"),
    403: ("无权访问", "您没有查看或办理这一内容的权限。工作人员请确认已用本人账号登录，或请本单位管理员授权。"),
    404: ("页面不存在", "您要找的页面不存在，或尚未公开、已经移除。请检查地址，或从下面的入口重新查找。"),
    409: ("无法完成", "这项操作与当前状态冲突，未能完成，也没有保存任何内容。"),
    410: ("已不存在", "您要找的内容已经取消或移除。"),
    429: ("请求过于频繁", "请稍等片刻再试。"),
    500: ("服务器出错了", "服务器处理这个请求时出错，错误已经记录，本次操作没有保存任何内容。请稍后重试。"),
}


def _said(exc: BaseException | None) -> str | None:
    """What a view said about the error, when it said it for people (a DomainError, or an Http404 or
    PermissionDenied raised with a Chinese message); Django's own English internals are not shown."""
    if isinstance(exc, DomainError):
        return exc.message
    text = exc.args[0] if exc is not None and exc.args else None
    if isinstance(text, str) and any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return text
    return None


def error_page(request: HttpRequest, status: int, exc: BaseException | None = None, *,
               with_request: bool = True) -> HttpResponse:
    """The error page for `status`, in Chinese, with the portal's header (the console's under /console/),
    saying what the view said (`exc`) and where to go on; in the API's JSON shape under /api/.
    `with_request=False` renders without the request's context (no session, no database): for a 500."""
    message = _said(exc)
    if wants_json(request):
        return json_error(status, message or _STATUS_MESSAGES.get(status, SERVER_ERROR_MESSAGE))
    title, text = _PAGES.get(status, _PAGES[500 if status >= 500 else 400])
    context = {"status": status, "title": title, "text": text, "message": message,
               "console": request.path.startswith("/console/"), "path": request.path}
    if with_request:
        response = render(request, "error.html", context, status=status)
    else:
        response = HttpResponse(render_to_string("error.html", context), status=status)
    retry_after = getattr(exc, "retry_after", None)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def bad_request(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    """handler400."""
    return error_page(request, 400, exception)


def permission_denied(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    """handler403."""
    return error_page(request, 403, exception)


def page_not_found(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    """handler404."""
    return error_page(request, 404, exception)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent from an expired page (or from another site) is refused, saying what to do."""
    return error_page(request, 403, PermissionDenied("页面已过期或来源校验未通过，本次提交没有保存。请返回上一页，刷新后重新提交。"))


def _client_status(exc: BaseException) -> int | None:
    """The status Django itself gives these exceptions (django.core.handlers.exception)."""
    if isinstance(exc, Http404):
        return 404
    if isinstance(exc, PermissionDenied):
        return 403
    if isinstance(exc, RequestDataTooBig):
        return 413
    if isinstance(exc, MultiPartParserError | BadRequest | SuspiciousOperation):
        return 400
    return None


def response_for_exception(request: HttpRequest, exc: BaseException, *, as_json: bool | None = None,
                           logged: bool = False) -> HttpResponse | None:
    """The response for an exception nothing else handled, or None to leave it to Django (pages only).
    `logged`: Django has logged it already (handler500), so it is not logged twice."""
    as_json = wants_json(request) if as_json is None else as_json
    if database_busy(exc):
        if not logged:
            log.warning("Database busy: %s %s", request.method, request.path, exc_info=exc)
        return busy(request, as_json=as_json)
    if not as_json:
        return error_page(request, exc.status, exc) if isinstance(exc, DomainError) else None
    status = _client_status(exc)
    if status is not None:
        return json_error(status, _STATUS_MESSAGES[status])
    if not logged:
        log.error("Internal Server Error: %s", request.path, exc_info=exc)
    return json_error(500, SERVER_ERROR_MESSAGE)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: called by Django inside its handling of the exception, so sys.exc_info() holds it;
    Django logs it when this returns."""
    exc = sys.exc_info()[1]
    response = response_for_exception(request, exc, logged=True) if exc is not None else None
    return response if response is not None else error_page(request, 500, with_request=False)


def in_api_shape(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """An error the API answered in some other shape (Django's 404 page for an address naming no
    endpoint, ninja's plain-text 405) in the JSON shape, keeping its status and headers such as Allow."""
    if not wants_json(request) or response.status_code < 400 or response.get("Content-Type", "").startswith(
            "application/json"):
        return response
    status = response.status_code
    message = _STATUS_MESSAGES.get(status, SERVER_ERROR_MESSAGE if status >= 500 else "请求未能完成")
    shaped = json_error(status, message)
    for header in ("Allow", "Retry-After", "WWW-Authenticate", "Vary"):
        if header in response:
            shaped[header] = response[header]
    shaped.cookies = response.cookies
    return shaped
