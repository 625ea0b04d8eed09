"""Logins: each successful one (console or admin) is an event; a failed one is an audit entry outside
the log, with the name tried and the address, and no event or leaf."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from sunlit.core.models import AuditEntry, AuditKind, Event
from sunlit.org.models import Role, Unit
from sunlit.record.models import LeafQueue
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_console_login_is_an_event_naming_the_login_and_not_its_address(county: dict[str, Unit]) -> None:
    clerk = factories.staff("clerk", county["land"], Role.EDITOR)
    response = Client(REMOTE_ADDR="203.0.113.7").post("/console/login/", {"username": "clerk", "password": "pw-clerk"})
    assert response.status_code == 302
    event = Event.objects.get(action="org.login")
    assert (event.actor, event.object_type, event.object_id) == (clerk, "auth.user", str(clerk.pk))
    assert event.after == {"username": "clerk", "via": "console"}
    assert "203.0.113.7" not in str(event.after) + event.note


def test_an_admin_login_is_an_event_too(db: None) -> None:
    User.objects.create_superuser("root", password="pw-root")
    Client().post("/admin/login/", {"username": "root", "password": "pw-root"})
    assert Event.objects.get(action="org.login").after == {"username": "root", "via": "admin"}


def test_a_failed_login_is_kept_outside_the_log(county: dict[str, Unit]) -> None:
    factories.staff("clerk", county["land"], Role.EDITOR)
    response = Client(REMOTE_ADDR="203.0.113.7").post("/console/login/", {"username": "clerk", "password": "wrong"})
    assert response.status_code == 200
    entry = AuditEntry.objects.get()
    assert (entry.kind, entry.username, entry.address, entry.actor, entry.detail) == (
        AuditKind.LOGIN_FAILED, "clerk", "203.0.113.7", None, {"via": "console"})
    assert not Event.objects.exists() and not LeafQueue.objects.exists()


def test_a_name_nobody_has_is_kept_as_typed(db: None) -> None:
    Client().post("/admin/login/", {"username": "x" * 300, "password": "guess"})
    entry = AuditEntry.objects.get()
    assert entry.username == "x" * 150
    assert entry.detail == {"via": "admin"}
