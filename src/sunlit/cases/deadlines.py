"""A case's deadlines, recomputed from what it stores (LAW.md, Counting time), on the unit's calendar.

- The current step is due its own limit after the day it began.
- The case is due its promised limit (and the statutory one) after the day it was accepted, plus an
  approved extension, plus the days its clock stood still after acceptance (补正, 听证 …): a stop from day
  S to day R does not count the days after S up to and including R.
- A date that crosses a year whose notice is not known is unconfirmed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sunlit.core.timelimits import LimitUnit
from sunlit.core.workdays import Due, WorkCalendar


@dataclass(frozen=True)
class Deadlines:
    step_due: dt.date | None
    due: dt.date | None
    statutory_due: dt.date | None
    confirmed: bool


def _add(calendar: WorkCalendar, unit: str, start: dt.date, days: int) -> Due:
    if unit == LimitUnit.CALENDAR_DAYS:
        return calendar.add_calendar_days(start, days)
    return calendar.add_working_days(start, days)


def stopped_days(calendar: WorkCalendar, unit: str, stops: Iterable[tuple[dt.date, dt.date]],
                 after: dt.date) -> int:
    """The days the closed stops took out of the count, those after `after` (the day of acceptance) only."""
    total = 0
    for stopped, restarted in stops:
        stopped = max(stopped, after)
        if restarted <= stopped:
            continue
        if unit == LimitUnit.CALENDAR_DAYS:
            total += (restarted - stopped).days
        else:
            total += calendar.working_days_between(stopped, restarted)
    return total


def compute(calendar: WorkCalendar, *, unit: str, step_started: dt.date | None, step_limit: int | None,
            accepted_on: dt.date | None, promised: int | None, promised_unit: str, statutory: int | None,
            extension: int, stops: Iterable[tuple[dt.date, dt.date]]) -> Deadlines:
    """`unit` counts the steps, the statutory limit and the extension; `promised_unit` the promised limit
    (a county may promise in working days a limit the law sets in days)."""
    stops = list(stops)
    confirmed = True
    step_due = None
    if step_started is not None and step_limit is not None:
        answer = _add(calendar, unit, step_started, step_limit)
        step_due, confirmed = answer.day, answer.confirmed
    due = statutory_due = None
    if accepted_on is not None:
        paused = stopped_days(calendar, unit, stops, accepted_on)
        if promised is not None:
            promised_paused = paused if promised_unit == unit else stopped_days(calendar, promised_unit, stops,
                                                                                 accepted_on)
            answer = _add(calendar, promised_unit, accepted_on, promised + extension + promised_paused)
            due, confirmed = answer.day, confirmed and answer.confirmed
        if statutory is not None:
            answer = _add(calendar, unit, accepted_on, statutory + extension + paused)
            statutory_due, confirmed = answer.day, confirmed and answer.confirmed
    return Deadlines(step_due, due, statutory_due, confirmed)
