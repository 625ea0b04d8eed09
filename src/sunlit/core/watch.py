"""Deadlines e-supervision watches (core.models.Watch), kept by the services that own them.

`watch(obj, kind, due=…)` after every action that can move a deadline: a new due date resets the level (a
new step, a moved limit starts unwarned); the same due date keeps it; `due=None` stops watching (the case
ended, its clock stopped). The sweep (supervision) never asks a domain what is due: it reads this table.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import models

from sunlit.core import clock as clock_mod
from sunlit.core.clock import Clock
from sunlit.core.models import NATIONAL, Watch, WatchLevel


def watch(obj: models.Model, kind: str, *, due: dt.date | None, unit_code: str, label: str,
          calendar: str = NATIONAL, clock: Clock | None = None) -> None:
    target_type = ContentType.objects.get_for_model(obj)
    row = Watch.objects.filter(target_type=target_type, target_id=obj.pk, kind=kind).first()
    if row is None:
        if due is None:
            return
        Watch.objects.create(target_type=target_type, target_id=obj.pk, kind=kind, unit_code=unit_code,
                             calendar=calendar, label=label[:200], due=due, changed_at=clock_mod.now(clock))
        return
    if row.due == due and row.label == label[:200]:
        return
    if row.due != due:
        row.level = WatchLevel.NONE
    row.due, row.label, row.unit_code, row.calendar = due, label[:200], unit_code, calendar
    row.changed_at = clock_mod.now(clock)
    row.save(update_fields=["due", "label", "unit_code", "calendar", "level", "changed_at"])
