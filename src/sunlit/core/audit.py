"""The audit trail (审计记录): refusals kept outside the transparency log (core.models.AuditEntry).

A failed login, or a refusal a rule says must be kept, is written here and not as an Event: anyone on
the internet can try a password, and what anyone can cause must not grow the log.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from sunlit.core import clock as clock_mod
from sunlit.core.clock import Clock
from sunlit.core.models import AuditEntry

USERNAME_MAX = AuditEntry._meta.get_field("username").max_length or 150


def audit_record(
    *,
    kind: str,
    username: str = "",
    actor: Any = None,
    address: str | None = None,
    detail: dict[str, Any] | None = None,
    clock: Clock | None = None,
) -> AuditEntry:
    """Append one audit entry. `username` is what was typed (cut to the column's length)."""
    return AuditEntry.objects.create(
        at=clock_mod.now(clock),
        kind=kind,
        username=(username or "")[:USERNAME_MAX],
        actor=actor if getattr(actor, "pk", None) else None,
        address=ip_text(address),
        detail=detail or {},
    )


def ip_text(address: str | None) -> str | None:
    """The address as the audit column keeps it (one spelling per address), or None if it is not one."""
    try:
        return str(ipaddress.ip_address((address or "").strip()))
    except ValueError:
        return None
