"""Pages that never strand anyone: every error is a page in Chinese, in the site's style, with ways on;
the API keeps its JSON shape; a page number is never quietly the last page."""

import pytest
from django.test import Client, RequestFactory

from sunlit.core import failures
from sunlit.org.models import Role
from tests import factories


def test_an_unknown_address_is_a_chinese_page_with_ways_on(db):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "<title>页面不存在 · 阳光权力运行平台</title>" in page
    assert "Not Found" not in page
    assert 'href="/powers/"' in page and 'action="/powers/"' in page and 'href="/data/"' in page
    assert "sunlit/site.css" in page and "工作人员登录" in page  # the portal's own look and header


def test_a_missing_item_says_what_was_not_found(db):
    page = Client().get("/powers/999999/").content.decode()
    assert "事项不存在或未公开" in page and "页面不存在" in page


def test_django_internals_are_not_shown_to_residents(db):
    page = Client().get("/units/NO-SUCH/").content.decode()
    assert "单位不存在" in page
    assert "tried" not in page and "URLconf" not in page


def test_a_console_error_keeps_the_console_header(county):
    staff = factories.staff("clerk", county["land"], Role.EDITOR)
    client = Client()
    client.force_login(staff)
    response = client.get("/console/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "阳光权力运行平台 · 工作台" in page and 'href="/console/"' in page and "工作人员登录" not in page


def test_a_form_sent_from_an_expired_page_is_refused_in_chinese(db):
    response = Client(enforce_csrf_checks=True).post("/console/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "无权访问" in page and "页面已过期" in page and "CSRF verification failed" not in page


def test_forbidden_and_bad_request_pages_are_in_chinese(db):
    request = RequestFactory().get("/units/")
    forbidden = failures.permission_denied(request, None)
    assert forbidden.status_code == 403 and "无权访问" in forbidden.content.decode()
    bad = failures.bad_request(request, None)
    assert bad.status_code == 400 and "请求有误" in bad.content.decode()


def test_the_server_error_page_needs_no_database(db, django_assert_num_queries):
    request = RequestFactory().get("/console/powers/")
    with django_assert_num_queries(0):
        response = failures.server_error(request)
    assert response.status_code == 500
    page = response.content.decode()
    assert "服务器出错了" in page and "没有保存任何内容" in page and "Server Error" not in page


def test_the_api_keeps_its_json_shape(db):
    response = Client().get("/api/v1/no-such-endpoint")
    assert response.status_code == 404
    assert response.json() == {"errors": [{"field": None, "message": "请求的地址或对象不存在"}]}


@pytest.mark.parametrize("raw", ["0", "-1", "二", "1.5"])
def test_a_page_number_that_is_no_page_is_a_clear_400_on_the_portal_and_in_the_api(db, raw):
    portal = Client().get("/powers/", {"page": raw})
    assert portal.status_code == 400
    message = f"页码“{raw}”无效：页码是从 1 开始的整数"
    assert message in portal.content.decode()
    api = Client().get("/api/v1/powers", {"page": raw})
    assert api.status_code == 400
    assert api.json()["errors"][0]["field"] == "page" and api.json()["errors"][0]["message"].startswith(message)


def test_a_page_past_the_end_is_the_last_page_and_no_number_the_first(county, editor, reviewer):
    for n in range(21):
        factories.published(county["land"], editor, reviewer, code=f"XK-{n:03d}")
    assert "第 2 / 2 页" in Client().get("/powers/", {"page": "9"}).content.decode()
    assert "第 1 / 2 页" in Client().get("/powers/", {"page": ""}).content.decode()
    assert "第 1 / 2 页" in Client().get("/powers/").content.decode()


def test_the_favicon_is_served_where_browsers_look(db):
    response = Client().get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = Client().get("/").content.decode()
    assert 'rel="icon" href="/favicon.ico"' in page and "sunlit/favicon.svg" in page
