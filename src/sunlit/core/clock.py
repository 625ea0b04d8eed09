"""The one clock (DESIGN.md, Time). Code asks `clock.now()`; tests set a fixed clock.

No other module calls `timezone.now()` or `date.today()` directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from django.utils import timezone


class Clock(Protocol):
    def now(self) -> dt.datetime: ...


class SystemClock:
    def now(self) -> dt.datetime:
        return timezone.now()


class FixedClock:
    """A clock that says what it is told; `advance` moves it."""

    def __init__(self, at: dt.datetime) -> None:
        if timezone.is_naive(at):
            at = timezone.make_aware(at)
        self.at = at

    def now(self) -> dt.datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at = self.at + dt.timedelta(**delta)


_current: Clock = SystemClock()


def get_clock() -> Clock:
    return _current


def set_clock(clock: Clock) -> Clock:
    """Install a clock for the whole process; returns the previous one."""
    global _current
    previous, _current = _current, clock
    return previous


@contextmanager
def using_clock(clock: Clock) -> Iterator[Clock]:
    previous = set_clock(clock)
    try:
        yield clock
    finally:
        set_clock(previous)


def now(clock: Clock | None = None) -> dt.datetime:
    return (clock or _current).now()


def local_day(moment: dt.datetime) -> dt.date:
    """The day `moment` falls on in the county's time (settings.TIME_ZONE), which is the day limits count
    in whatever time zone a request may have activated."""
    return moment.astimezone(timezone.get_default_timezone()).date()


def today(clock: Clock | None = None) -> dt.date:
    return local_day(now(clock))
