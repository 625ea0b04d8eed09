"""Counting days as the law counts them (LAW.md, Counting time): pure arithmetic, no database, no clock.

A `WorkCalendar` holds a jurisdiction's rest days that fall on weekdays (public holidays) and worked days
that fall on weekends (调休), and the years whose official notice it knows. A working day is a weekday that
is not a rest day, or a weekend day that is worked.

- N working days from a day end on the Nth working day after it (the starting day is not counted).
- N calendar days from a day end N days after it; when that is a rest day, on the next working day.
- N = 0 is the day itself.

Nothing walks day by day: the working days of the known years are one sorted array of day numbers, so a
due date is a binary search and an index. Beyond the known years only weekends rest, counted in closed
form (five working days a week), and the answer is marked unconfirmed: a year is known only when its
notice is, never because of what year it is now.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from typing import NamedTuple


class Due(NamedTuple):
    """A due date, and whether every day counted lies in a year whose notice is known. (A named tuple:
    made a million times a second.)"""

    day: dt.date
    confirmed: bool


_fromordinal = dt.date.fromordinal


def _weekend(ordinal: int) -> bool:
    return (ordinal - 1) % 7 >= 5  # date.fromordinal(1) is a Monday


def _weekday_ordinal_after(ordinal: int, n: int) -> int:
    """The nth weekday (Monday to Friday) after day `ordinal`, n ≥ 1, in closed form."""
    weekday = (ordinal - 1) % 7
    if weekday >= 5:  # from a weekend, count from the Friday before it
        ordinal -= weekday - 4
        weekday = 4
    weeks, rest = divmod(weekday + n, 5)
    return ordinal - weekday + weeks * 7 + rest


def _weekdays_between(a: int, b: int) -> int:
    """How many weekdays lie in (a, b], a ≤ b, in closed form."""
    def upto(x: int) -> int:  # weekdays in [1, x]
        weeks, rest = divmod(x, 7)
        return weeks * 5 + min(rest, 5)
    return upto(b) - upto(a)


class WorkCalendar:
    """One jurisdiction's calendar. Built once from its rest days, worked days and known years."""

    def __init__(self, rest_days: Iterable[dt.date], worked_days: Iterable[dt.date], known_years: Iterable[int]):
        self.known_years = frozenset(known_years)
        rest = {d.toordinal() for d in rest_days}
        worked = {d.toordinal() for d in worked_days}
        if self.known_years:
            first, last = min(self.known_years), max(self.known_years)
        else:
            first = last = 2000
        self._lo = dt.date(first, 1, 1).toordinal()
        self._hi = dt.date(last, 12, 31).toordinal()
        # Rest and worked days outside the span (an override for a year with no notice yet) still count.
        for ordinal in rest | worked:
            self._lo, self._hi = min(self._lo, ordinal), max(self._hi, ordinal)
        self._working = [o for o in range(self._lo, self._hi + 1)
                         if o in worked or (o not in rest and not _weekend(o))]
        self._count = len(self._working)
        self._rest = frozenset(rest)
        self._worked = frozenset(worked)
        # confirmed_until[y]: the last year of the unbroken run of known years that starts at y
        self._confirmed_until: dict[int, int] = {}
        for year in sorted(self.known_years, reverse=True):
            self._confirmed_until[year] = self._confirmed_until.get(year + 1, year)

    # ----------------------------------------------------------------------------------------- days

    def is_working_day(self, day: dt.date) -> bool:
        ordinal = day.toordinal()
        if ordinal in self._worked:
            return True
        return ordinal not in self._rest and not _weekend(ordinal)

    def confirmed(self, first: dt.date, last: dt.date) -> bool:
        """Whether every year from `first` to `last` has a known notice."""
        return last.year <= self._confirmed_until.get(first.year, first.year - 1)

    # ----------------------------------------------------------------------------------------- sums

    def add_working_days(self, start: dt.date, n: int) -> Due:
        """The end of N working days counted from the day after `start` (N = 0: `start` itself)."""
        if n > 0:  # the usual case, kept short: a binary search, an index, a dictionary look-up
            ordinal = start.toordinal()
            if ordinal >= self._lo:
                i = bisect_right(self._working, ordinal) + n - 1
                if i < self._count:
                    day = _fromordinal(self._working[i])
                    return Due(day, day.year <= self._confirmed_until.get(start.year, 0))
        return self._add_working_days(start, n)

    def _add_working_days(self, start: dt.date, n: int) -> Due:
        if n < 0:
            raise ValueError("the number of days cannot be negative")
        if n == 0:
            return Due(start, self.confirmed(start, start))
        ordinal = start.toordinal()
        working = self._working
        if ordinal < self._lo:
            counted = _weekdays_between(ordinal, self._lo - 1)
            if counted >= n:
                day = dt.date.fromordinal(_weekday_ordinal_after(ordinal, n))
                return Due(day, False)
            n -= counted
            ordinal = self._lo - 1
        i = bisect_right(working, ordinal) + n - 1
        if i < len(working):
            day = dt.date.fromordinal(working[i])
            return Due(day, self.confirmed(start, day))
        n -= len(working) - bisect_right(working, ordinal)
        day = dt.date.fromordinal(_weekday_ordinal_after(max(ordinal, self._hi), n))
        return Due(day, False)

    def add_calendar_days(self, start: dt.date, n: int) -> Due:
        """N days after `start`; a rest day moves to the next working day (N = 0: `start` itself)."""
        if n < 0:
            raise ValueError("the number of days cannot be negative")
        if n == 0:
            return Due(start, self.confirmed(start, start))
        ordinal = start.toordinal() + n
        if not self.is_working_day(dt.date.fromordinal(ordinal)):
            if self._lo <= ordinal <= self._hi:
                i = bisect_left(self._working, ordinal)
                ordinal = self._working[i] if i < len(self._working) else _weekday_ordinal_after(ordinal, 1)
            else:
                ordinal = _weekday_ordinal_after(ordinal, 1)
        day = dt.date.fromordinal(ordinal)
        return Due(day, self.confirmed(start, day))

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """How many working days lie after `start` up to and including `end` (0 when end ≤ start): the
        working days a stopped clock did not count."""
        a, b = start.toordinal(), end.toordinal()
        if b <= a:
            return 0
        total = 0
        if a < self._lo:  # the part before the known span: weekdays only
            total += _weekdays_between(a, min(b, self._lo - 1))
            a = self._lo - 1
        if b > self._hi:  # the part after it
            total += _weekdays_between(max(a, self._hi), b)
            b = self._hi
        if a < b:
            total += bisect_right(self._working, b) - bisect_right(self._working, a)
        return total
