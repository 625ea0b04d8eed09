"""The sweep (电子监察) and what supervisors do with its cards.

`sweep(at)` reads the watched deadlines (core.models.Watch) by their indexed due date, never the domains'
tables: a red card for each deadline passed (due before the sweep's day), a yellow card for each due within
`yellow_days` working days on its own calendar. A watch moves from no card to yellow to red by
compare-and-swap (`UPDATE … WHERE level = old AND due … RETURNING`, in batches), and a card is written only
for the rows the sweep's own update raised:
two sweeps at once issue each card once, and a second sweep issues none (Healthchecks' sendalerts). Cards
carry the sweep's time, so a catch-up run (`--at`) dates them as they should have been.

Then the anomaly pass (supervision.anomalies): the rows the cases added since the last sweep, read by id above
a mark per rule family, each anomaly a card of level "anomaly" issued once by its key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from sunlit.core import calendar as official_calendar
from sunlit.core import clock as clock_mod
from sunlit.core.clock import Clock
from sunlit.core.errors import Conflict, DomainError
from sunlit.core.models import Watch, WatchLevel
from sunlit.org.models import Unit
from sunlit.record.events import record_event
from sunlit.supervision.anomalies import find_anomalies
from sunlit.supervision.models import Card, CardLevel, CardState

YELLOW_DAYS = 1
BATCH = 2000

Progress = Callable[[str], None]


@dataclass(frozen=True)
class SweepResult:
    yellow: int
    red: int
    anomalies: int

    @property
    def new(self) -> int:
        return self.yellow + self.red + self.anomalies

    def as_dict(self) -> dict[str, int]:
        return {"new": self.new, "yellow": self.yellow, "red": self.red, "anomalies": self.anomalies}


def _raise(ids: list[int], level: str, condition: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Raise these watches to `level` where they still meet `condition` (their level and due date as the
    sweep found them: an action may have moved the deadline meanwhile), in one statement; the rows this
    sweep raised. UPDATE … RETURNING: SQLite 3.35+ and PostgreSQL."""
    table = Watch._meta.db_table
    marks = ", ".join(["%s"] * len(ids))
    sql = (f"UPDATE {table} SET level = %s WHERE id IN ({marks}) AND {condition} "
           "RETURNING id, kind, target_type_id, target_id, unit_code, label, due")
    with connection.cursor() as cursor:
        cursor.execute(sql, [level, *ids, *params])
        return list(cursor.fetchall())


def _cards(rows: list[tuple[Any, ...]], level: str, at: dt.datetime, units: dict[str, int]) -> None:
    cards = []
    for _, kind, target_type_id, target_id, unit_code, label, due in rows:
        day = due if isinstance(due, dt.date) else dt.date.fromisoformat(str(due))
        if unit_code not in units:
            continue  # a unit since removed: the level is kept, the card has nowhere to go
        cards.append(Card(
            level=CardLevel.RED if level == WatchLevel.RED else CardLevel.YELLOW, trigger=kind,
            target_type_id=target_type_id, target_id=target_id, unit_id=units[unit_code], label=label, due=day,
            issued_at=at, detail=f"期限{day:%Y年%m月%d日}" + ("，已超期" if level == WatchLevel.RED else "，即将到期"),
            key=f"{kind}:{target_type_id}:{target_id}:{day:%Y%m%d}:{level}"))
    Card.objects.bulk_create(cards, ignore_conflicts=True)  # the key: belt and braces beside the swap


def _issue(candidates: Any, level: str, condition: str, params: list[Any], at: dt.datetime,
           units: dict[str, int]) -> int:
    """Raise the candidate watches in batches, one transaction each, and write a card for each raised."""
    issued = 0
    ids = list(candidates.values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        with transaction.atomic():
            rows = _raise(ids[start:start + BATCH], level, condition, params)
            _cards(rows, level, at, units)
        issued += len(rows)
    return issued


def sweep(*, at: dt.datetime | None = None, yellow_days: int = YELLOW_DAYS, progress: Progress | None = None,
          clock: Clock | None = None) -> SweepResult:
    """One sweep as of `at` (now by default)."""
    moment = at or clock_mod.now(clock)
    today = timezone.localtime(moment).date()
    units = dict(Unit.objects.values_list("code", "pk"))
    # Both reads are ranges of the (level, due) index: their cost follows what is due, not how much is open.
    overdue = Watch.objects.filter(level__in=[WatchLevel.NONE, WatchLevel.YELLOW], due__lt=today).order_by("due", "pk")
    red = _issue(overdue, WatchLevel.RED, "level <> %s AND due < %s", [WatchLevel.RED, today], moment, units)
    if progress:
        progress(f"红牌 {red}")
    yellow = 0
    # No calendar stretches N working days over more than N weeks and a fortnight of holidays.
    widest = today + dt.timedelta(days=7 * yellow_days + 15)
    for code in Watch.objects.filter(level=WatchLevel.NONE, due__gte=today, due__lte=widest).values_list(
            "calendar", flat=True).distinct():
        horizon = official_calendar.calendar_for(code).add_working_days(today, yellow_days).day
        soon = Watch.objects.filter(calendar=code, level=WatchLevel.NONE, due__gte=today, due__lte=horizon)
        yellow += _issue(soon.order_by("due", "pk"), WatchLevel.YELLOW, "level = %s AND due >= %s AND due <= %s",
                         [WatchLevel.NONE, today, horizon], moment, units)
    if progress:
        progress(f"黄牌 {yellow}")
    anomalies = find_anomalies(at=moment, clock=clock)
    if progress:
        progress(f"异常 {anomalies}")
    return SweepResult(yellow=yellow, red=red, anomalies=anomalies)


# ------------------------------------------------------------------------------------------- closing cards

@transaction.atomic
def card_resolve(*, card: Card, note: str, actor: Any, clock: Clock | None = None) -> Card:
    return _close(card, CardState.RESOLVED, note, actor, clock)


@transaction.atomic
def card_refer(*, card: Card, note: str, actor: Any, clock: Clock | None = None) -> Card:
    """A red card (or an anomaly) referred for accountability (问责)."""
    if card.level == CardLevel.YELLOW:
        raise DomainError("黄牌只需处理，不移送问责", field="card")
    return _close(card, CardState.REFERRED, note, actor, clock)


def _close(card: Card, state: str, note: str, actor: Any, clock: Clock | None) -> Card:
    text = (note or "").strip()
    if not text:
        raise DomainError("请写明处理说明", field="note")
    card = Card.objects.select_for_update().get(pk=card.pk)
    if card.state != CardState.OPEN:
        raise Conflict(f"该预警{card.get_state_display()}", field="card")
    card.state, card.note, card.closed_by, card.closed_at = state, text, actor, clock_mod.now(clock)
    card.save(update_fields=["state", "note", "closed_by", "closed_at"])
    record_event(actor=actor, action=f"supervision.card.{state}", obj=card, before={"state": CardState.OPEN},
                 after={"state": state}, note=text, clock=clock)
    return card
