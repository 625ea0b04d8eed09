"""API tokens under the login lockout (core.lockout): after 10 wrong tokens from one address within 15
minutes, that address is refused for 15 minutes with 429 in the API's error shape, a right token included;
failed console logins from the address count too. An expired or revoked token is refused with 401 and
audited, but counts towards no lock: a forgotten script is no guesser."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from sunlit.core.clock import FixedClock
from sunlit.core.models import ApiToken, AuditEntry, AuditKind, Event
from sunlit.org import services

pytestmark = pytest.mark.django_db

URL = "/api/v1/versions/999"  # a staff read: 401/429 before the token is accepted, 404 after


def call(raw: str, address: str = "203.0.113.9", **headers: str) -> Any:
    return Client(REMOTE_ADDR=address).get(URL, headers={"Authorization": f"Bearer {raw}", **headers})


@pytest.fixture
def raw(editor: User) -> str:
    return services.api_token_issue(user=editor, name="同步脚本", actor=editor)[1]


def test_the_eleventh_token_is_refused_with_429_even_when_it_is_right(raw: str, clock: FixedClock) -> None:
    for n in range(10):
        assert call(f"sl_guess-{n}", **{"X-Forwarded-For": f"192.0.2.{n}"}).status_code == 401

    response = call(raw)

    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    [error] = response.json()["errors"]
    assert error["field"] == "Authorization" and error["message"].startswith("登录失败次数过多")
    assert call(raw, address="198.51.100.3").status_code == 404  # another address is not locked


def test_the_lock_lifts_after_15_minutes(raw: str, clock: FixedClock) -> None:
    for n in range(10):
        call(f"sl_guess-{n}")
    clock.advance(minutes=14, seconds=59)
    assert call(raw).status_code == 429
    clock.advance(seconds=1)
    assert call(raw).status_code == 404


def test_failed_console_logins_lock_the_address_for_tokens_too(raw: str, clock: FixedClock) -> None:
    for n in range(10):
        Client(REMOTE_ADDR="203.0.113.9").post("/console/login/", {"username": f"guess{n}", "password": "x"})
    assert call(raw).status_code == 429


def test_wrong_tokens_and_the_refusals_are_audited_outside_the_log(raw: str, clock: FixedClock) -> None:
    events = Event.objects.count()
    for n in range(10):
        call(f"sl_guess-{n}")
    call(raw)

    failed = AuditEntry.objects.filter(kind=AuditKind.LOGIN_FAILED)
    assert failed.count() == 10 and set(failed.values_list("address", "username")) == {("203.0.113.9", "")}
    assert failed.first().detail == {"via": "token", "path": URL}  # type: ignore[union-attr]
    lock = AuditEntry.objects.get(kind=AuditKind.LOGIN_LOCKED)
    assert (lock.address, lock.detail["by"]) == ("203.0.113.9", "address")
    assert AuditEntry.objects.get(kind=AuditKind.LOGIN_REFUSED).detail["via"] == "token"
    assert Event.objects.count() == events


def test_an_expired_token_gets_401_and_is_audited_but_locks_nothing(editor: User, clock: FixedClock) -> None:
    token, raw = services.api_token_issue(user=editor, name="旧脚本", actor=editor, days=1)
    clock.advance(days=1)
    for _ in range(12):
        response = call(raw)
        assert response.status_code == 401
        assert response.json() == {"errors": [{"field": "Authorization", "message": "令牌已过期，请重新签发"}]}
    refused = AuditEntry.objects.filter(kind=AuditKind.TOKEN_REFUSED)
    assert refused.count() == 12
    assert refused.first().detail["state"] == "expired"  # type: ignore[union-attr]
    assert not AuditEntry.objects.filter(kind__in=[AuditKind.LOGIN_FAILED, AuditKind.LOGIN_LOCKED]).exists()
    fresh = services.api_token_issue(user=editor, name="新脚本", actor=editor)[1]
    assert call(fresh).status_code == 404


def test_a_revoked_token_gets_401(editor: User, clock: FixedClock) -> None:
    token, raw = services.api_token_issue(user=editor, name="旧脚本", actor=editor)
    assert call(raw).status_code == 404
    services.api_token_revoke(token=token, actor=editor)

    response = call(raw)

    assert response.status_code == 401
    assert response.json() == {"errors": [{"field": "Authorization", "message": "令牌已吊销，请重新签发"}]}
    assert AuditEntry.objects.get(kind=AuditKind.TOKEN_REFUSED).detail["state"] == "revoked"


def test_the_token_of_a_disabled_login_gets_401(editor: User, raw: str, clock: FixedClock) -> None:
    User.objects.filter(pk=editor.pk).update(is_active=False)
    response = call(raw)
    assert response.status_code == 401
    assert response.json() == {"errors": [{"field": "Authorization", "message": "该账号已停用"}]}
    assert AuditEntry.objects.get(kind=AuditKind.TOKEN_REFUSED).detail["user_active"] is False


def test_a_use_is_noted_at_most_every_few_minutes(editor: User, clock: FixedClock) -> None:
    token, raw = services.api_token_issue(user=editor, name="同步脚本", actor=editor)
    used_at = clock.now()
    call(raw)
    clock.advance(minutes=4)
    call(raw)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == used_at
    clock.advance(minutes=1)
    call(raw)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == clock.now()
