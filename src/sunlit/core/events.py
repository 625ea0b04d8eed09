"""Record events. Every service that changes state calls `record_event` in its transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from sunlit.core import clock as clock_mod
from sunlit.core.clock import Clock
from sunlit.core.models import Event


def record_event(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
    clock: Clock | None = None,
) -> Event:
    return Event.objects.create(
        at=clock_mod.now(clock),
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        before=before,
        after=after,
        note=note,
    )
