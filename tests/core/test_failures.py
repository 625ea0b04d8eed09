"""What a request that cannot be served gets back (core.failures): the API always its JSON error shape,
pages an HTML page; a busy database 503 with Retry-After, never a 500."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import IntegrityError, OperationalError, connection
from django.test import Client

from sunlit.catalog import selectors
from sunlit.catalog.models import PowerItem
from sunlit.core import failures
from sunlit.core.models import ApiToken

JSON = "application/json; charset=utf-8"


def errors(response: Any) -> list[dict[str, Any]]:
    assert response["Content-Type"] == JSON
    body = response.json()
    assert set(body) == {"errors"}
    return list(body["errors"])


# --- bodies too large --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_api_body_over_the_limit_is_413_in_the_api_shape(settings: Any) -> None:
    response = Client().post("/api/v1/powers", "{}", content_type="application/json",
                             CONTENT_LENGTH=str(settings.SUNLIT_MAX_REQUEST_BYTES + 1))

    assert response.status_code == 413
    assert errors(response) == [{"field": "body", "message": "提交内容超过 60 MB，未被接收"}]


@pytest.mark.django_db
def test_a_page_body_over_the_limit_is_413_as_a_page(settings: Any) -> None:
    response = Client().post("/console/login/", {}, CONTENT_LENGTH=str(settings.SUNLIT_MAX_REQUEST_BYTES + 1))

    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html") and "提交内容过大" in response.content.decode()


# --- a busy database ---------------------------------------------------------------------------------


@contextmanager
def database_held_by_another_connection() -> Iterator[None]:
    """Another connection holds what the next write needs, as a long write elsewhere would: SQLite's write
    lock (Django then waits its busy timeout, shortened here), or PostgreSQL table locks (with a short
    lock_timeout on Django's connection)."""
    other = connection.get_new_connection(connection.get_connection_params())
    options = connection.settings_dict["OPTIONS"]
    timeout = options.get("timeout")
    try:
        if connection.vendor == "sqlite":
            other.execute("BEGIN IMMEDIATE")
            options["timeout"] = 0.1
            connection.close()  # reconnects with the short timeout
        else:
            other.execute("LOCK TABLE catalog_poweritem, django_session, auth_user IN ACCESS EXCLUSIVE MODE")
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '100ms'")
        yield
    finally:
        other.rollback()
        other.close()
        if timeout is None:
            options.pop("timeout", None)
        else:
            options["timeout"] = timeout
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_a_busy_database_is_503_with_retry_after_in_the_api_shape(county: Any, editor: Any) -> None:
    token = ApiToken.issue(editor, "test")[1]
    body = {"unit": "YD-ZRZY", "code": "XK-100", "name": "农村村民住宅建设审批", "category": "licensing",
            "legal_bases": [{"law": "《中华人民共和国行政许可法》", "article": "第二十九条"}], "reason": "新增事项"}

    with database_held_by_another_connection():
        response = Client().post("/api/v1/powers", body, content_type="application/json",
                                 headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 503
    assert response["Retry-After"] == str(failures.RETRY_AFTER_SECONDS)
    assert errors(response) == [{"field": None, "message": "系统繁忙，请稍后重试"}]
    assert not PowerItem.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_busy_database_is_503_with_a_short_page_for_pages(county: Any, editor: Any) -> None:
    editor.set_password("口令-足够长的测试口令")
    editor.save()

    with database_held_by_another_connection():
        response = Client().post("/console/login/", {"username": "editor", "password": "口令-足够长的测试口令"})

    assert response.status_code == 503
    assert response["Retry-After"] == str(failures.RETRY_AFTER_SECONDS)
    page = response.content.decode()
    assert response["Content-Type"].startswith("text/html") and "系统繁忙" in page and "没有保存任何内容" in page


@pytest.mark.django_db
def test_a_busy_database_as_a_middleware_saves_the_session_is_503_too(
        county: Any, editor: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Outside any view (handler500): the session is saved as the response leaves."""
    def locked(self: Any, request: Any, response: Any) -> Any:
        raise OperationalError("database is locked")

    monkeypatch.setattr(SessionMiddleware, "process_response", locked)
    client = Client(raise_request_exception=False)

    page, api = client.get("/console/login/"), client.get("/api/v1/powers")

    assert (page.status_code, api.status_code) == (503, 503)
    assert "系统繁忙" in page.content.decode() and page["Retry-After"] == api["Retry-After"] == "5"
    assert errors(api) == [{"field": None, "message": "系统繁忙，请稍后重试"}]


def _wrapped(cause: BaseException) -> OperationalError:
    """As Django's database wrapper raises a driver's error: its own class, the driver's as the cause."""
    error = OperationalError(str(cause))
    error.__cause__ = cause
    return error


def _sqlite_error(message: str, name: str) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(message)
    error.sqlite_errorname = name
    return error


@pytest.mark.parametrize("exc", [
    _wrapped(_sqlite_error("database is locked", "SQLITE_BUSY")),
    _wrapped(_sqlite_error("database table is locked", "SQLITE_LOCKED_SHAREDCACHE")),
    OperationalError("database is locked"),
    _wrapped(psycopg.errors.LockNotAvailable("canceling statement due to lock timeout")),
    _wrapped(psycopg.errors.SerializationFailure("could not serialize access due to concurrent update")),
    _wrapped(psycopg.errors.DeadlockDetected("deadlock detected")),
])
def test_lock_and_serialisation_failures_are_a_busy_database(exc: BaseException) -> None:
    assert failures.database_busy(exc)


@pytest.mark.parametrize("exc", [
    OperationalError("no such table: catalog_poweritem"),
    _wrapped(psycopg.errors.QueryCanceled("canceling statement due to statement timeout")),
    IntegrityError("UNIQUE constraint failed"),
    RuntimeError("database is locked"),  # not a database error, whatever it says
])
def test_other_errors_are_not_a_busy_database(exc: BaseException) -> None:
    assert not failures.database_busy(exc)


# --- anything else in the API ------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_unexpected_error_in_the_api_is_a_logged_json_500(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def broken(**kwargs: Any) -> Any:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(selectors, "public_powers", broken)

    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = Client(raise_request_exception=False).get("/api/v1/powers")

    assert response.status_code == 500
    assert errors(response) == [{"field": None, "message": "服务器内部错误，已记录，请稍后重试"}]
    logged = [r for r in caplog.records if r.getMessage() == "Internal Server Error: /api/v1/powers"]
    assert logged and logged[0].exc_info is not None and logged[0].exc_info[0] is ZeroDivisionError


@pytest.mark.django_db
def test_an_unexpected_error_in_a_page_is_left_to_djangos_500_page(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**kwargs: Any) -> Any:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(selectors, "public_powers", broken)  # the portal's list reads through it too
    response = Client(raise_request_exception=False).get("/powers/")

    assert response.status_code == 500 and response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_an_address_no_endpoint_answers_and_a_wrong_method_are_in_the_api_shape() -> None:
    missing = Client().get("/api/v1/无此接口")
    wrong = Client().delete("/api/v1/powers")

    assert missing.status_code == 404 and errors(missing) == [{"field": None, "message": "请求的地址或对象不存在"}]
    assert wrong.status_code == 405 and errors(wrong) == [{"field": None, "message": "不支持该请求方法"}]
    assert "GET" in wrong["Allow"]


@pytest.mark.django_db
def test_pages_keep_their_html_404() -> None:
    response = Client().get("/无此页面/")

    assert response.status_code == 404 and not response["Content-Type"].startswith("application/json")
