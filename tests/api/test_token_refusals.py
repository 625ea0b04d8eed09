"""A wrong API token is a failed login: refused with 401, kept in the audit trail, never in the log."""

from __future__ import annotations

from typing import Any

from django.test import Client

from sunlit.core.models import AuditEntry, AuditKind, Event
from sunlit.record.models import LeafQueue


def test_a_wrong_token_is_refused_and_audited_without_a_leaf(county: Any, editor: Any) -> None:
    leaves, events = LeafQueue.objects.count(), Event.objects.count()

    response = Client().post("/api/v1/powers", {"unit": "YD-ZRZY"}, content_type="application/json",
                             headers={"Authorization": "Bearer sl_not-a-token"}, REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 401
    assert response.json()["errors"][0]["field"] == "Authorization"
    entry = AuditEntry.objects.get()
    assert entry.kind == AuditKind.LOGIN_FAILED and entry.address == "203.0.113.9"
    assert entry.detail["via"] == "token"
    assert (LeafQueue.objects.count(), Event.objects.count()) == (leaves, events)


def test_no_token_at_all_is_refused_without_an_audit_entry(county: Any) -> None:
    response = Client().post("/api/v1/powers", {"unit": "YD-ZRZY"}, content_type="application/json")

    assert response.status_code == 401
    assert not AuditEntry.objects.exists()
