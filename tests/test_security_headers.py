"""The headers a county's server sends (settings.py, core.middleware.SecurityHeaders, django-csp): a strict
Content-Security-Policy on every page, so no template may carry an inline style or script; Permissions-Policy,
nosniff and the Referrer-Policy on pages and static files alike; nothing private kept in a cache; and with
SUNLIT_HTTPS=1, a deployment check with nothing to say.

The browser's side (no page breaks the policy) is tests/browser/test_security_policy.py.
"""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponseBase
from django.test import Client

from sunlit.catalog.models import PowerItemVersion
from sunlit.flows import services as flows
from sunlit.org.models import Post, Role, Unit
from tests import factories
from tests.cases.conftest import licensing_flow
from tests.test_settings import clean_env, python

SRC = Path(__file__).resolve().parents[1] / "src" / "sunlit"
# Rendered to PDF by WeasyPrint (`sunlit handbook`, `sunlit boards`, the console's printing), never served as a
# page: their <style> is the print layout.
PRINTED = SRC / "handbook" / "templates"
# Files handed out as downloads (Content-Disposition: attachment) and opened from disk, never served as pages:
# their inline script and style are admitted by hash in their own policy (tests/portal/test_offline_verifier.py).
DOWNLOADED = SRC / "templates" / "downloads"

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy(response: HttpResponseBase) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    directives = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in directives}


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def item(county: dict[str, Unit], editor: User, reviewer: User) -> PowerItemVersion:
    return factories.published(county["land"], editor, reviewer)


@pytest.fixture
def admin(db: None) -> User:
    return User.objects.create_superuser("root", "root@example.org", "pw-root")


# The Content-Security-Policy

@pytest.mark.django_db
def test_portal_pages_have_the_strict_policy(item: PowerItemVersion) -> None:
    client = Client()
    for path in ("/", "/powers/", f"/powers/{item.item_id}/", "/cases/", "/verify/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert policy(response) == STRICT, path


@pytest.mark.django_db
def test_console_pages_have_the_strict_policy(item: PowerItemVersion, editor: User) -> None:
    assert policy(Client().get("/console/login/")) == STRICT
    client = logged_in(editor)
    for path in ("/console/", "/console/powers/", f"/console/powers/{item.item_id}/", "/console/cases/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert policy(response) == STRICT, path


@pytest.mark.django_db
def test_admin_pages_have_the_strict_policy_too(admin: User, county: dict[str, Unit]) -> None:
    """Django 5.2's admin loads every script and stylesheet from files: it needs no exception."""
    assert policy(Client().get("/admin/login/")) == STRICT
    client = logged_in(admin)
    for path in ("/admin/", "/admin/org/unit/", f"/admin/org/unit/{county['land'].pk}/change/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert policy(response) == STRICT, path


@pytest.mark.django_db
def test_the_flow_chart_keeps_its_own_stricter_policy(item: PowerItemVersion, editor: User,
                                                      reviewer: User) -> None:
    """The SVG is opened on its own (打开大图): no script at all, its inline styles only."""
    land = item.item.unit
    posts = {key: Post.objects.create(unit=land, name=name)
             for key, name in (("window", "窗口受理岗"), ("review", "审批岗"), ("deputy", "分管副局长"))}
    steps, links = licensing_flow(posts)
    flows.flow_version_approve(version=flows.flow_version_create(
        item=item.item, steps=steps, transitions=links, reason="编制", author=editor, submit=True), reviewer=reviewer)
    svg = Client().get(f"/api/v1/powers/{item.item_id}/flow.svg")
    assert svg.status_code == 200
    assert policy(svg) == {"default-src": "'none'", "style-src": "'unsafe-inline'"}


@pytest.mark.django_db
def test_only_the_api_docs_may_show_data_images() -> None:
    """Swagger UI (ninja's browsable docs, from static files) draws a few icons as data: images."""
    assert policy(Client().get("/api/v1/docs")) == {**STRICT, "img-src": "'self' data:"}
    assert policy(Client().get("/api/v1/units")) == STRICT


# Templates served to browsers carry no inline style or script

INLINE = [
    (re.compile(r"\sstyle\s*=", re.I), "a style attribute"),
    (re.compile(r"<style\b", re.I), "a <style> block"),
    # A data block (type="application/json", what json_script writes) is never run: the policy has nothing to block.
    (re.compile(r"<script\b(?![^>]*\s(?:src\s*=|type=\"application/json\"))", re.I), "an inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an on… event handler"),
    (re.compile(r"javascript:", re.I), "a javascript: address"),
]


def served_templates() -> list[Path]:
    folders = [folder for folder in SRC.rglob("templates") if folder.is_dir() and folder != PRINTED]
    return sorted(path for folder in folders for path in folder.rglob("*.html") if DOWNLOADED not in path.parents)


def test_no_served_template_has_an_inline_style_or_script() -> None:
    templates = served_templates()
    assert SRC / "templates" / "base.html" in templates and not any(PRINTED in p.parents for p in templates)
    found = [f"{path.relative_to(SRC.parent)}:{number}: {what}"
             for path in templates
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             for pattern, what in INLINE if pattern.search(line)]
    assert not found, "the Content-Security-Policy blocks these; use a class in site.css or a static .js file:\n" \
        + "\n".join(found)


# The other headers, on pages and on static files

@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/static/sunlit/site.css", "/static/sunlit/board.js",
                                  "/static/admin/css/base.css"])
def test_pages_and_static_files_have_permissions_policy_nosniff_and_referrer_policy(path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    features = dict(part.strip().split("=", 1) for part in response["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "serial", "hid"):
        assert features[feature] == "()", feature
    assert set(features.values()) == {"()"}


# Nothing private kept in a cache

def no_store(response: HttpResponseBase) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


@pytest.mark.django_db
def test_console_pages_are_never_stored(item: PowerItemVersion, editor: User) -> None:
    assert no_store(Client().get("/console/login/"))
    client = logged_in(editor)
    for path in ("/console/", "/console/powers/", f"/console/powers/{item.item_id}/", "/console/cases/"):
        assert no_store(client.get(path)), path


@pytest.mark.django_db
def test_staff_api_answers_are_never_stored(item: PowerItemVersion, county: dict[str, Unit]) -> None:
    supervisor = factories.staff("sup", county["gov"], Role.SUPERVISOR)
    token = Client(headers=factories.bearer(supervisor))
    assert no_store(token.get("/api/v1/cases"))
    assert no_store(token.get(f"/api/v1/powers/{item.item_id}"))  # a public answer, to a staff client
    assert no_store(logged_in(supervisor).get("/api/v1/powers"))


@pytest.mark.django_db
def test_the_applicants_case_answers_are_never_stored(item: PowerItemVersion) -> None:
    lookup = Client().post("/api/v1/cases/lookup", {"receipt": "YD-ZRZY-20261124-0001-0", "password": "wrong"},
                           content_type="application/json")
    assert lookup.status_code in {400, 404, 422} and no_store(lookup)
    assert no_store(Client().get("/cases/"))  # the portal's lookup page (never_cache)


@pytest.mark.django_db
def test_public_pages_and_answers_may_be_cached(item: PowerItemVersion) -> None:
    client = Client()
    for path in ("/", "/powers/", f"/powers/{item.item_id}/", "/api/v1/powers", f"/api/v1/powers/{item.item_id}"):
        response = client.get(path)
        assert response.status_code == 200 and not no_store(response), path


# HTTPS

DEPLOYED = {"SUNLIT_HTTPS": "1", "SUNLIT_DEBUG": "0", "SUNLIT_SECRET_KEY": secrets.token_urlsafe(50),
            "SUNLIT_ALLOWED_HOSTS": "sunlit.example.gov.cn,.county.example.gov.cn"}


def test_with_https_the_deployment_check_finds_nothing(tmp_path: Path) -> None:
    """`sunlit check --deploy` on a server's settings: only HSTS preload is silenced (the domain owner's call)."""
    env = clean_env(DJANGO_SETTINGS_MODULE="sunlit.settings", SUNLIT_DATA_DIR=str(tmp_path / "data"), **DEPLOYED)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the browser tests' switch, which the check rightly warns about
    done = subprocess.run([sys.executable, "-m", "sunlit.cli", "check", "--deploy"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "System check identified no issues (1 silenced).", done.stdout + done.stderr


def test_with_https_cookies_are_secure_http_is_redirected_and_the_proxy_is_believed(tmp_path: Path) -> None:
    done = python("import sunlit.settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
                  "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS); "
                  "print(s.SECURE_PROXY_SSL_HEADER); print(s.CSRF_TRUSTED_ORIGINS); print(s.SILENCED_SYSTEM_CHECKS)",
                  tmp_path, SUNLIT_DATA_DIR=str(tmp_path / "data"), **DEPLOYED)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "True True True 31536000 True",
        "('HTTP_X_FORWARDED_PROTO', 'https')",
        "['https://sunlit.example.gov.cn', 'https://*.county.example.gov.cn']",
        "['security.W021']",
    ]


def test_without_https_the_local_demo_runs_on_plain_http(tmp_path: Path, editor: User) -> None:
    done = python("from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
                  "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER)",
                  tmp_path, SUNLIT_DATA_DIR=str(tmp_path / "data"), DJANGO_SETTINGS_MODULE="sunlit.settings")
    assert done.stdout.split() == ["False", "False", "False", "0", "None"], done.stderr
    client = Client()
    assert client.get("/console/login/").status_code == 200  # not redirected to https
    client.post("/console/login/", {"username": "editor", "password": "pw-editor"})
    assert not client.cookies["sessionid"]["secure"]
