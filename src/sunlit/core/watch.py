"""Deadlines e-supervision watches (core.models.Watch), kept by the services that own them.

`watch(obj, {kind: (due, label)}, …)` after every action that can move a deadline: a new due date resets
the level (a new step, a moved limit starts unwarned); the same due date keeps it; `due=None` stops watching
(the case ended, its clock stopped). The sweep (supervision) never asks a domain what is due: it reads this
table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections, models

from sunlit.core import clock as clock_mod
from sunlit.core.clock import Clock
from sunlit.core.models import NATIONAL, Watch, WatchLevel
from sunlit.core.prepared import Writes, execute

_COLUMNS = ("kind", "target_type_id", "target_id", "unit_code", "calendar", "label", "due", "level", "changed_at")


def _upsert(connection: object, rows: int) -> str:
    """One statement for the watches of an object: each row is inserted, or updated in place, its level kept
    when the due date is the same and reset when it moved (or watching stopped)."""
    q = connection.ops.quote_name  # type: ignore[attr-defined]
    table = q(Watch._meta.db_table)
    values = ", ".join(["(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"] * rows)
    return (f"INSERT INTO {table} ({', '.join(q(c) for c in _COLUMNS)}) VALUES {values} "  # noqa: S608
            f"ON CONFLICT ({q('target_type_id')}, {q('target_id')}, {q('kind')}) DO UPDATE SET "
            f"{q('level')} = CASE WHEN excluded.{q('due')} IS NOT NULL AND {table}.{q('due')} = excluded.{q('due')} "
            f"THEN {table}.{q('level')} ELSE '' END, "
            + ", ".join(f"{q(c)} = excluded.{q(c)}" for c in ("due", "label", "unit_code", "calendar", "changed_at")))


def watch(obj: models.Model, deadlines: Mapping[str, tuple[dt.date | None, str]], *, unit_code: str,
          calendar: str = NATIONAL, clock: Clock | None = None, using: str = DEFAULT_DB_ALIAS,
          writes: Writes | None = None) -> None:
    """Keep the watches of `obj`, one per kind: `deadlines` maps each kind to its due date (None: not
    watched now) and the label cards will carry. One statement whatever the number of kinds; with `writes`,
    added to the action's other writes instead of run at once."""
    if not deadlines:
        return
    connection = connections[using]
    target_type = ContentType.objects.db_manager(using).get_for_model(obj).pk
    at = connection.ops.adapt_datetimefield_value(clock_mod.now(clock))
    params: list[Any] = []
    for kind, (due, label) in deadlines.items():
        params += [kind, target_type, obj.pk, unit_code, calendar, label[:200],
                   connection.ops.adapt_datefield_value(due), WatchLevel.NONE.value, at]
    if writes is not None:
        writes.add(_upsert(connection, len(deadlines)), params)
    else:
        execute(connection, _upsert(connection, len(deadlines)), params)
