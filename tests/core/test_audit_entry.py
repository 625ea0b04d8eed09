"""The audit trail is append-only, like events: an entry cannot be changed or deleted."""

from __future__ import annotations

import pytest

from sunlit.core.audit import audit_record
from sunlit.core.models import AppendOnlyError, AuditEntry, AuditKind

pytestmark = pytest.mark.django_db


def test_an_entry_is_written_and_never_changed_or_deleted() -> None:
    entry = audit_record(kind=AuditKind.REFUSED, username="clerk", address="not an address",
                         detail={"rule": "分岗设权"})
    assert (entry.address, entry.detail) == (None, {"rule": "分岗设权"})
    entry.detail = {}
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.update(username="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().username == "clerk"
