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
from sunlit.core.prepared import PreparedInsert, Writes
from sunlit.record.leaf import Leaf, event_leaf
from sunlit.record.services import enqueue, enqueue_event

_FIELDS = ("at", "actor_id", "action", "object_type", "object_id", "before", "after", "note")
_INSERT = PreparedInsert(Event, _FIELDS)  # compiled once: every service writes events


def record_event(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
    published: Leaf | None = None,
    clock: Clock | None = None,
    writes: Writes | None = None,
) -> Event:
    """Write the event and queue its sealed leaf; `published`: the leaf of a record the same action
    publishes (record.services.record_leaf_for), queued right after it in the same statement. `writes`: the
    action's writes gathered so far (core.prepared.Writes), sent with the event's own insert."""
    event = Event(at=clock_mod.now(clock), actor_id=getattr(actor, "pk", None) or None, action=action,
                  object_type=obj._meta.label_lower, object_id=str(obj.pk), before=before, after=after, note=note)
    values = {name: getattr(event, name) for name in _FIELDS}
    with transaction.atomic(savepoint=False):
        if writes is None:
            event.pk = _INSERT.run(**values)
        else:
            position = writes.add(*_INSERT.statement([values]))
            event.pk = int(writes.send()[position][0][0][0])
        event._state.adding = False
        enqueue_event(event, published=published, clock=clock)
    return event


def record_events(
    *, actor: Any, action: str, entries: list[tuple[models.Model, dict[str, Any] | None, str]],
    clock: Clock | None = None,
) -> list[Event]:
    """`record_event` for many objects of one action at once (a chunk of an import): each (obj, after, note)
    its own event and its own sealed leaf, as if recorded one by one, in two statements."""
    if not entries:
        return []
    at = clock_mod.now(clock)
    actor_id = getattr(actor, "pk", None) or None
    events = [Event(at=at, actor_id=actor_id, action=action, object_type=obj._meta.label_lower,
                    object_id=str(obj.pk), before=None, after=after, note=note) for obj, after, note in entries]
    with transaction.atomic(savepoint=False):
        pks = []
        for start in range(0, len(events), _MANY):
            rows = [{name: getattr(e, name) for name in _FIELDS} for e in events[start:start + _MANY]]
            pks.extend(_INSERT.run_many(rows))
        for event, pk in zip(events, pks, strict=True):
            event.pk = pk
            event._state.adding = False
        enqueue([event_leaf(e) for e in events], clock=clock)
    return events


_MANY = 500  # events a statement carries (8 parameters each: within SQLite's and PostgreSQL's limits)
