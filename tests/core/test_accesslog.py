"""The access log records each request (address, method, path, status, time) unless the route keeps out of it
or SUNLIT_ACCESS_LOG turns it off; errors go to the log with their tracebacks."""

from __future__ import annotations

import logging

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import path

from sunlit.core.accesslog import AccessLog, no_access_log


def _through(view, caplog: pytest.LogCaptureFixture, path: str = "/powers/?q=建房") -> list[str]:  # type: ignore[no-untyped-def]
    request = RequestFactory().get(path, REMOTE_ADDR="203.0.113.9")
    middleware = AccessLog(lambda req: (middleware.process_view(req, view), view(req))[1])
    with caplog.at_level(logging.INFO, logger="sunlit.access"):
        middleware(request)
    return [r.getMessage() for r in caplog.records if r.name == "sunlit.access"]


def _page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", status=200)


@no_access_log
def _tip_off(request: HttpRequest) -> HttpResponse:
    return HttpResponse("收到", status=201)


def test_a_request_is_logged_with_address_path_and_status(caplog: pytest.LogCaptureFixture) -> None:
    (line,) = _through(_page, caplog)
    assert line.startswith('203.0.113.9 "GET /powers/?q=') and '" 200 ' in line and line.endswith("ms")


def test_a_route_that_keeps_out_leaves_no_line_at_all(caplog: pytest.LogCaptureFixture) -> None:
    assert _through(_tip_off, caplog, "/complaints/new/") == []


def test_the_access_log_can_be_turned_off(caplog: pytest.LogCaptureFixture, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SUNLIT_ACCESS_LOG = False
    assert _through(_page, caplog) == []


def _broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("数据库连接中断（测试）")


urlpatterns = [path("broken/", _broken)]


@pytest.mark.urls(__name__)
def test_a_server_error_is_logged_with_its_traceback_and_its_access_line(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    (error,) = [r for r in caplog.records if r.name == "django.request" and r.levelno == logging.ERROR]
    assert error.exc_info is not None and "数据库连接中断" in str(error.exc_info[1])
    assert any('"GET /broken/" 500' in r.getMessage() for r in caplog.records if r.name == "sunlit.access")
