"""Login lockout (core.lockout) on the console and the admin: after 10 failures for one name, or from one
address, within 15 minutes, every attempt with that name or from that address is refused for 15 minutes,
the right password included, with a message saying so; a name's case and a forged X-Forwarded-For change
nothing. Each failure, the lock and each refused attempt are audit entries, never events."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client, override_settings

from sunlit.core.clock import FixedClock
from sunlit.core.models import AuditEntry, AuditKind, Event
from sunlit.org.models import Role, Unit
from tests import factories

pytestmark = pytest.mark.django_db

CONSOLE = "/console/login/"
ADMIN = "/admin/login/"
LOCKED = "登录失败次数过多"


def log_in(path: str, username: str, password: str, address: str = "203.0.113.7", **headers: str) -> Any:
    client = Client(REMOTE_ADDR=address)
    response = client.post(path, {"username": username, "password": password}, headers=headers)
    response.logged_in = "_auth_user_id" in client.session
    return response


@pytest.fixture
def clerk(county: dict[str, Unit]) -> User:
    return factories.staff("clerk", county["land"], Role.EDITOR)  # password pw-clerk


@pytest.fixture
def root(db: None) -> User:
    return User.objects.create_superuser("root", password="pw-root")


def test_the_eleventh_console_login_is_refused_with_the_right_password(clerk: User, clock: FixedClock) -> None:
    for n in range(9):
        failed = log_in(CONSOLE, "clerk", f"wrong-{n}")
        assert failed.status_code == 200 and "用户名或密码不正确" in failed.content.decode()
    tenth = log_in(CONSOLE, "clerk", "wrong-9")
    assert tenth.status_code == 429 and LOCKED in tenth.content.decode()

    right = log_in(CONSOLE, "clerk", "pw-clerk")

    assert right.status_code == 429 and not right.logged_in
    page = right.content.decode()
    assert "登录失败次数过多，为保护账号安全，登录已暂停，请15分钟后（10:15以后）再试" in page
    assert not Event.objects.filter(action="org.login").exists()


def test_the_eleventh_admin_login_is_refused_with_the_right_password(root: User, clock: FixedClock) -> None:
    for n in range(10):
        assert not log_in(ADMIN, "root", f"wrong-{n}").logged_in

    right = log_in(ADMIN, "root", "pw-root")

    assert not right.logged_in
    assert LOCKED in right.content.decode()
    assert not Event.objects.filter(action="org.login").exists()


def test_the_lock_lifts_after_15_minutes_and_refused_attempts_do_not_extend_it(clerk: User,
                                                                               clock: FixedClock) -> None:
    for n in range(10):
        log_in(CONSOLE, "clerk", f"wrong-{n}")
    clock.advance(minutes=10)
    assert not log_in(CONSOLE, "clerk", "pw-clerk").logged_in
    clock.advance(minutes=4, seconds=59)
    assert not log_in(CONSOLE, "clerk", "pw-clerk").logged_in
    clock.advance(seconds=1)

    lifted = log_in(CONSOLE, "clerk", "pw-clerk")

    assert lifted.status_code == 302 and lifted.logged_in


def test_a_name_is_locked_whatever_its_case_and_wherever_the_attempts_come_from(clerk: User,
                                                                               clock: FixedClock) -> None:
    for n, name in enumerate(["Clerk", "CLERK", "clerk ", "ｃｌｅｒｋ", "cLeRk"] * 2):
        log_in(CONSOLE, name, "wrong", address=f"198.51.100.{n + 1}")

    right = log_in(ADMIN, "clerk", "pw-clerk", address="192.0.2.200")

    assert not right.logged_in and LOCKED in right.content.decode()
    lock = AuditEntry.objects.get(kind=AuditKind.LOGIN_LOCKED)
    assert (lock.username, lock.address, lock.detail["by"]) == ("clerk", None, "username")


def test_an_address_is_locked_whatever_names_it_tries_and_whatever_it_forwards(clerk: User,
                                                                              clock: FixedClock) -> None:
    for n in range(10):
        log_in(CONSOLE, f"guess{n}", "wrong", **{"X-Forwarded-For": f"192.0.2.{n + 1}"})

    from_there = log_in(CONSOLE, "clerk", "pw-clerk", **{"X-Forwarded-For": "192.0.2.99"})
    from_elsewhere = log_in(CONSOLE, "clerk", "pw-clerk", address="198.51.100.20")

    assert from_there.status_code == 429 and not from_there.logged_in
    assert from_elsewhere.logged_in  # the name itself was never tried
    assert set(AuditEntry.objects.filter(kind=AuditKind.LOGIN_FAILED).values_list("address", flat=True)) == {
        "203.0.113.7"}


@override_settings(SUNLIT_TRUSTED_PROXIES=("10.0.0.0/8",))
def test_behind_a_trusted_proxy_the_client_it_names_is_locked_and_no_one_else(clerk: User,
                                                                             clock: FixedClock) -> None:
    for n in range(10):  # a client prepending addresses of its own changes nothing
        log_in(CONSOLE, f"guess{n}", "wrong", address="10.0.0.2",
               **{"X-Forwarded-For": f"192.0.2.{n + 1}, 203.0.113.50, 10.0.0.9"})

    same_client = log_in(CONSOLE, "clerk", "pw-clerk", address="10.0.0.2", **{"X-Forwarded-For": "203.0.113.50"})
    other_client = log_in(CONSOLE, "clerk", "pw-clerk", address="10.0.0.2", **{"X-Forwarded-For": "203.0.113.51"})

    assert not same_client.logged_in and other_client.logged_in
    assert AuditEntry.objects.filter(kind=AuditKind.LOGIN_FAILED, address="203.0.113.50").count() == 10


def test_failures_the_lock_and_refusals_are_in_the_audit_trail_and_not_in_the_log(clerk: User,
                                                                                 clock: FixedClock) -> None:
    for n in range(10):
        log_in(CONSOLE, "Clerk", f"wrong-{n}")
    log_in(ADMIN, "clerk", "pw-clerk")

    failed = AuditEntry.objects.filter(kind=AuditKind.LOGIN_FAILED)
    assert failed.count() == 10
    assert set(failed.values_list("username", "address")) == {("clerk", "203.0.113.7")}
    assert failed.first().detail == {"via": "console", "typed": "Clerk"}  # type: ignore[union-attr]
    locks = AuditEntry.objects.filter(kind=AuditKind.LOGIN_LOCKED)
    assert sorted(e.detail["by"] for e in locks) == ["address", "username"]
    assert {dt.datetime.fromisoformat(e.detail["until"]) for e in locks} == {clock.now() + dt.timedelta(minutes=15)}
    refused = AuditEntry.objects.get(kind=AuditKind.LOGIN_REFUSED)
    assert (refused.username, refused.address, refused.detail["via"]) == ("clerk", "203.0.113.7", "admin")
    assert not Event.objects.exists()


def test_failures_older_than_15_minutes_do_not_count(clerk: User, clock: FixedClock) -> None:
    for n in range(9):
        log_in(CONSOLE, "clerk", f"wrong-{n}")
    clock.advance(minutes=15)
    log_in(CONSOLE, "clerk", "wrong-again")

    assert log_in(CONSOLE, "clerk", "pw-clerk").logged_in
    assert not AuditEntry.objects.filter(kind=AuditKind.LOGIN_LOCKED).exists()
