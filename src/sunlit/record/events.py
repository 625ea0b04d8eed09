"""Record events. Every service that changes state calls `record_event` in its transaction.

The event row (sunlit.core.models.Event) is written and its sealed leaf queued for the transparency log
in the same transaction, so a rolled-back change leaves neither an event nor a leaf. This sits in
`record`, above `core`, so that `core` imports no app; domain services (org, catalog, …) call it.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from sunlit.core import clock as clock_mod
from sunlit.core.clock import Clock
from sunlit.core.models import Event
from sunlit.record.services import enqueue_event


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
    with transaction.atomic(savepoint=False):
        event = Event.objects.create(
            at=clock_mod.now(clock),
            actor=actor if getattr(actor, "pk", None) else None,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            before=before,
            after=after,
            note=note,
        )
        enqueue_event(event, clock=clock)
    return event
