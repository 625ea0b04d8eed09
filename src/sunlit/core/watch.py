"""Deadlines e-supervision watches (core.models.Watch), kept by the services that own them.

`watch(obj, kind, due=…)` after every action that can move a deadline: a new due date resets the level (a
new step, a moved limit starts unwarned); the same due date keeps it; `due=None` stops watching (the case
ended, its clock stopped). The sweep (supervision) never asks a domain what is due: it reads this table.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Case, F, Value, When

from sunlit.core import clock as clock_mod
from sunlit.core.clock import Clock
from sunlit.core.models import NATIONAL, Watch, WatchLevel


def watch(obj: models.Model, kind: str, *, due: dt.date | None, unit_code: str, label: str,
          calendar: str = NATIONAL, clock: Clock | None = None) -> None:
    """Keep the (obj, kind) watch at `due`, in one UPDATE (a moved date resets the level in the same
    statement), or one INSERT when there was none to update."""
    target_type = ContentType.objects.get_for_model(obj)
    text = label[:200]
    rows = Watch.objects.filter(target_type=target_type, target_id=obj.pk, kind=kind)
    changed = rows.update(
        level=Case(When(due=due, then=F("level")), default=Value(WatchLevel.NONE)) if due is not None
        else Value(WatchLevel.NONE),
        due=due, label=text, unit_code=unit_code, calendar=calendar, changed_at=clock_mod.now(clock))
    if not changed and due is not None:
        Watch.objects.create(target_type=target_type, target_id=obj.pk, kind=kind, unit_code=unit_code,
                             calendar=calendar, label=text, due=due, changed_at=clock_mod.now(clock))
