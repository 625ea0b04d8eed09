"""The official working-day calendar, one for the whole product: read from the CalendarDay and
CalendarNotice tables, counted by core.workdays.

The national entries are seeded from the `chinesecalendar` package (`seed_national`: every year it knows
and the table does not, each entry naming the State Council notice it comes from); administrators add the
rest (a county's local day off, next year's notice entered by hand in December) through org.services,
which records each change as an event. A jurisdiction's calendar is the national one with the entries of
every code above it and its own laid over it, the most specific winning (CN-45-0721 over CN-45 over CN).
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.dispatch import Signal

from sunlit.core.errors import DomainError
from sunlit.core.models import NATIONAL, CalendarDay, CalendarNotice, DayKind
from sunlit.core.workdays import Due, WorkCalendar

JURISDICTION = re.compile(r"^CN(-[0-9A-Z]{1,12}){0,4}$")

HOLIDAY_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节", "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节", "National Day": "国庆节", "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def notice_title(year: int) -> str:
    return f"国务院办公厅关于{year}年部分节假日安排的通知"


def chain(code: str) -> list[str]:
    """The codes a jurisdiction inherits from, national first: CN-45-0721 → [CN, CN-45, CN-45-0721]."""
    parts = code.split("-")
    return ["-".join(parts[: i + 1]) for i in range(len(parts))]


def valid_jurisdiction(code: str) -> bool:
    return bool(JURISDICTION.match(code))


def validate_jurisdiction(code: str) -> None:
    """A model field validator: a plain jurisdiction code (CN, CN-45, CN-36-0731)."""
    if code and not valid_jurisdiction(code):
        raise ValidationError(f"「{code}」不是适用范围代码，应为 CN 或 CN-省-县 形式（如 CN-36-0731）")


calendar_changed = Signal()
"""Sent (with `jurisdiction`, `days`: the dates whose status changed, and `actor`) after an entry of the
calendar is added, changed or removed, inside its transaction: what keeps deadlines on it (cases) moves
them, each move an event."""


def _forget_on_change(sender: object, **kwargs: object) -> None:
    forget_calendars()


calendar_changed.connect(_forget_on_change, dispatch_uid="core.calendar.forget")


MAX_DAYS = 99_999


def parse_date(raw: str | None, field: str) -> dt.date:
    """A YYYY-MM-DD date, or a DomainError naming `field`."""
    try:
        return dt.date.fromisoformat((raw or "").strip())
    except ValueError:
        raise DomainError(f"「{raw or ''}」不是 YYYY-MM-DD 形式的日期", field) from None


def parse_days(raw: str | None, field: str) -> int:
    """A number of days from 0 to MAX_DAYS, or a DomainError naming `field`."""
    text = (raw or "").strip()
    if not text.isdigit() or not text.isascii() or int(text) > MAX_DAYS:
        raise DomainError(f"期限天数「{raw or ''}」应为 0 到 {MAX_DAYS} 的整数", field)
    return int(text)


def parse_jurisdiction(raw: str | None, field: str) -> str:
    code = (raw or NATIONAL).strip().upper()
    if not valid_jurisdiction(code):
        raise DomainError(f"适用范围代码「{raw}」无法识别，应为 CN 或 CN-省-县 形式（如 CN-36-0731）", field)
    return code


# ------------------------------------------------------------------------------------------- reading

@dataclass(frozen=True)
class _Cached:
    stamp: tuple[object, ...]
    calendar: WorkCalendar
    checked: float  # time.monotonic() when the stamp was last read


RECHECK_SECONDS = 2.0
"""How long a calendar is used without asking the tables whether they changed. A change made in this
process drops the cache at once (calendar_changed); one made in another process is seen within this."""


_cache: dict[str, _Cached] = {}
_lock = threading.Lock()


def _stamp(codes: list[str]) -> tuple[object, ...]:
    """What changes whenever an entry of these jurisdictions is added, changed or removed."""
    days = CalendarDay.objects.filter(jurisdiction__in=codes).aggregate(n=Count("id"), at=Max("entered_at"),
                                                                         top=Max("id"))
    notices = CalendarNotice.objects.filter(jurisdiction__in=codes).aggregate(n=Count("id"), at=Max("entered_at"),
                                                                               top=Max("id"))
    return (days["n"], days["at"], days["top"], notices["n"], notices["at"], notices["top"])


def calendar_for(code: str = NATIONAL) -> WorkCalendar:
    """The working-day calendar of a jurisdiction, built from the tables once and kept until they change
    (two small aggregate queries tell)."""
    if not valid_jurisdiction(code):
        raise ValueError(f"适用范围代码「{code}」无法识别，应为 CN 或 CN-省-县 形式")
    codes = chain(code)
    cached = _cache.get(code)
    if cached is not None and time.monotonic() - cached.checked < RECHECK_SECONDS:
        return cached.calendar
    stamp = _stamp(codes)
    if cached is not None and cached.stamp == stamp:
        with _lock:
            _cache[code] = _Cached(stamp, cached.calendar, time.monotonic())
        return cached.calendar
    depth = {c: i for i, c in enumerate(codes)}
    by_day: dict[dt.date, tuple[int, str]] = {}
    for jurisdiction, day, kind in CalendarDay.objects.filter(jurisdiction__in=codes).values_list(
            "jurisdiction", "day", "kind"):
        if day not in by_day or depth[jurisdiction] > by_day[day][0]:
            by_day[day] = (depth[jurisdiction], kind)
    known = set(CalendarNotice.objects.filter(jurisdiction__in=codes).values_list("year", flat=True))
    calendar = WorkCalendar(rest_days=[d for d, (_, k) in by_day.items() if k == DayKind.REST],
                            worked_days=[d for d, (_, k) in by_day.items() if k == DayKind.WORK],
                            known_years=known)
    with _lock:
        _cache[code] = _Cached(stamp, calendar, time.monotonic())
    return calendar


def forget_calendars(**kwargs: object) -> None:
    """Drop every cached calendar (connected to calendar_changed, and for tests that write the tables
    directly)."""
    with _lock:
        _cache.clear()


def due(start: dt.date, n: int, *, calendar_days: bool = False, jurisdiction: str = NATIONAL, field: str = "n") -> Due:
    """When a limit of N working days (or N calendar days) from `start` ends: LAW.md, Counting time.
    Raises DomainError naming `field` (the number of days) when the end would fall past the year 9999."""
    calendar = calendar_for(jurisdiction)
    try:
        return calendar.add_calendar_days(start, n) if calendar_days else calendar.add_working_days(start, n)
    except (OverflowError, ValueError):
        raise DomainError("期限届满日超出可计算的日期范围", field) from None


def unknown_years(first: dt.date, last: dt.date, jurisdiction: str = NATIONAL) -> list[int]:
    """The years from `first` to `last` whose notice is not held: why an answer is unconfirmed."""
    known = set(held_years(jurisdiction))
    return [y for y in range(first.year, last.year + 1) if y not in known]


# ------------------------------------------------------------------------------------------- seeding

def seed_national(notice_model: Any = CalendarNotice, day_model: Any = CalendarDay) -> list[int]:
    """Enter every year the installed `chinesecalendar` knows and the table does not: its notice and its
    days, each naming the notice. Years already held (seeded or entered by hand) are left as they are.
    Returns the years entered. (A migration passes its historical models; `sunlit init` tops up after the
    package is upgraded.)"""
    from chinese_calendar import constants

    version = importlib.metadata.version("chinesecalendar")
    held = set(notice_model.objects.filter(jurisdiction=NATIONAL).values_list("year", flat=True))
    entries: dict[int, list[CalendarDay]] = {}
    for table, kind in ((constants.holidays, DayKind.REST), (constants.workdays, DayKind.WORK)):
        for day, name in table.items():
            if day.year in held or (kind == DayKind.REST and day.weekday() >= 5):
                continue  # a weekend inside a holiday rests anyway: only weekdays off are entered
            entries.setdefault(day.year, []).append(day_model(
                jurisdiction=NATIONAL, day=day, kind=kind, name=HOLIDAY_NAMES.get(str(name), str(name)),
                source=f"{notice_title(day.year)}（据 chinesecalendar {version} 收录）"))
    years = sorted(entries)
    for year in years:
        notice_model.objects.create(jurisdiction=NATIONAL, year=year,
                                    source=f"{notice_title(year)}（据 chinesecalendar {version} 收录）")
        day_model.objects.bulk_create(entries[year])
    return years


def held_years(jurisdiction: str = NATIONAL) -> list[int]:
    return sorted(set(CalendarNotice.objects.filter(jurisdiction__in=chain(jurisdiction)).values_list(
        "year", flat=True)))
