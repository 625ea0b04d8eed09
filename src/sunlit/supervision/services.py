"""The sweep (电子监察) and what supervisors do with its cards.

`sweep(at)` reads the watched deadlines (core.models.Watch) by their indexed due date, never the domains'
tables: a red card for each deadline passed (due before the sweep's day), a yellow card for each due within
`yellow_days` working days on its own calendar. A watch moves from no card to yellow to red by
compare-and-swap (`UPDATE … WHERE level = old`), and a card is written only by the sweep whose update took:
two sweeps at once issue each card once, and a second sweep issues none (Healthchecks' sendalerts). Cards
carry the sweep's time, so a catch-up run (`--at`) dates them as they should have been.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from sunlit.core import calendar as official_calendar
from sunlit.core import clock as clock_mod
from sunlit.core.clock import Clock
from sunlit.core.errors import Conflict, DomainError
from sunlit.core.models import Watch, WatchLevel
from sunlit.org.models import Unit
from sunlit.record.events import record_event
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


def _issue(watch: Watch, level: str, at: dt.datetime, units: dict[str, int]) -> bool:
    """Raise the watch to `level` if it is still where this sweep found it, and write its card. False when
    another sweep (or an action moving the deadline) got there first."""
    old = WatchLevel.NONE if level == WatchLevel.YELLOW else watch.level
    with transaction.atomic():
        took = Watch.objects.filter(pk=watch.pk, level=old, due=watch.due).update(level=level)
        if took != 1:
            return False
        unit_id = units.get(watch.unit_code)
        if unit_id is None:
            return True  # a unit since removed: the level is kept, no card has anywhere to go
        try:
            with transaction.atomic():
                Card.objects.create(
                    level=CardLevel.RED if level == WatchLevel.RED else CardLevel.YELLOW, trigger=watch.kind,
                    target_type_id=watch.target_type_id, target_id=watch.target_id, unit_id=unit_id,
                    label=watch.label, due=watch.due, issued_at=at,
                    detail=f"期限{watch.due:%Y年%m月%d日}" + ("，已超期" if level == WatchLevel.RED else "，即将到期"),
                    key=f"{watch.kind}:{watch.target_type_id}:{watch.target_id}:{watch.due:%Y%m%d}:{level}")
        except IntegrityError:
            return False  # the card exists already: belt and braces beside the compare-and-swap
    return True


def sweep(*, at: dt.datetime | None = None, yellow_days: int = YELLOW_DAYS, progress: Progress | None = None,
          clock: Clock | None = None) -> SweepResult:
    """One sweep as of `at` (now by default)."""
    moment = at or clock_mod.now(clock)
    today = timezone.localtime(moment).date()
    units = dict(Unit.objects.values_list("code", "pk"))
    red = yellow = 0
    overdue = Watch.objects.filter(due__isnull=False, due__lt=today).exclude(level=WatchLevel.RED).order_by("due", "pk")
    for watch in overdue.iterator(chunk_size=BATCH):
        red += _issue(watch, WatchLevel.RED, moment, units)
    if progress:
        progress(f"红牌 {red}")
    for code in Watch.objects.filter(due__isnull=False, level=WatchLevel.NONE).values_list(
            "calendar", flat=True).distinct():
        horizon = official_calendar.calendar_for(code).add_working_days(today, yellow_days).day
        soon = Watch.objects.filter(calendar=code, level=WatchLevel.NONE, due__gte=today, due__lte=horizon)
        for watch in soon.order_by("due", "pk").iterator(chunk_size=BATCH):
            yellow += _issue(watch, WatchLevel.YELLOW, moment, units)
    if progress:
        progress(f"黄牌 {yellow}")
    return SweepResult(yellow=yellow, red=red, anomalies=0)


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
