"""The official working-day calendar: both counting rules of LAW.md on the 2025 and 2026 State Council
notices, years with no notice yet, local days off, and `sunlit due` / `GET /api/v1/calendar/due`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from sunlit.core import calendar
from sunlit.core.models import NATIONAL, CalendarDay, CalendarNotice, DayKind
from sunlit.core.workdays import WorkCalendar

D = dt.date
pytestmark = pytest.mark.django_db


def working(start: dt.date, n: int, jurisdiction: str = NATIONAL) -> tuple[str, bool]:
    answer = calendar.due(start, n, jurisdiction=jurisdiction)
    return answer.day.isoformat(), answer.confirmed


def days(start: dt.date, n: int) -> tuple[str, bool]:
    answer = calendar.due(start, n, calendar_days=True)
    return answer.day.isoformat(), answer.confirmed


@pytest.mark.parametrize(("start", "n", "expected"), [
    # 2025 Spring Festival: 1/28–2/4 off, Sunday 1/26 and Saturday 2/8 worked
    (D(2025, 1, 24), 1, "2025-01-26"), (D(2025, 1, 24), 2, "2025-01-27"), (D(2025, 1, 24), 3, "2025-02-05"),
    (D(2025, 2, 7), 1, "2025-02-08"),
    # 2025 National Day and Mid-autumn: 10/1–10/8 off, Sunday 9/28 and Saturday 10/11 worked
    (D(2025, 9, 26), 1, "2025-09-28"), (D(2025, 9, 30), 1, "2025-10-09"), (D(2025, 9, 30), 3, "2025-10-11"),
    # 2026 Spring Festival: 2/15–2/23 off, Saturdays 2/14 and 2/28 worked
    (D(2026, 2, 13), 1, "2026-02-14"), (D(2026, 2, 13), 2, "2026-02-24"), (D(2026, 2, 27), 1, "2026-02-28"),
    # 2026 National Day: 10/1–10/7 off, Sunday 9/20 and Saturday 10/10 worked; Mid-autumn Friday 9/25 off
    (D(2026, 9, 19), 1, "2026-09-20"), (D(2026, 9, 24), 1, "2026-09-28"), (D(2026, 9, 30), 1, "2026-10-08"),
    (D(2026, 9, 30), 3, "2026-10-10"),
    # month and year ends: Labour Day 2026 (5/1–5/5 off), New Year 2026 (1/1–1/3 off, Sunday 1/4 worked)
    (D(2026, 4, 30), 1, "2026-05-06"), (D(2025, 12, 31), 1, "2026-01-04"), (D(2025, 12, 31), 2, "2026-01-05"),
    # a limit of 20 working days across the 2026 Spring Festival (行政许可法 Art. 42)
    (D(2026, 2, 2), 20, "2026-03-06"),  # 2/3–2/6, 2/9–2/14, 2/24–2/28, 3/2–3/6
    (D(2026, 3, 2), 0, "2026-03-02"),
])
def test_working_days_follow_the_notices(start: dt.date, n: int, expected: str) -> None:
    assert working(start, n) == (expected, True)


@pytest.mark.parametrize(("start", "n", "expected"), [
    (D(2026, 9, 25), 5, "2026-09-30"),  # a working day: as is
    (D(2026, 9, 26), 5, "2026-10-08"),  # National Day: the next working day
    (D(2026, 9, 20), 5, "2026-09-28"),  # Mid-autumn Friday off, then a weekend
    (D(2026, 2, 9), 5, "2026-02-14"),   # a swapped Saturday is a working day
    (D(2025, 1, 24), 4, "2025-02-05"),  # Spring Festival 2025
    (D(2026, 5, 2), 30, "2026-06-01"),  # a month end: 6/1 is a Monday
    (D(2025, 12, 2), 30, "2026-01-04"),  # 1/1 off, 1/4 (Sunday) worked
    (D(2026, 1, 31), 0, "2026-01-31"),  # 0 is the day itself, even a Saturday
])
def test_calendar_days_move_off_a_rest_day(start: dt.date, n: int, expected: str) -> None:
    assert days(start, n) == (expected, True)


def test_a_year_without_its_notice_is_answered_on_weekends_only_and_unconfirmed() -> None:
    assert 2027 not in calendar.held_years()
    assert working(D(2026, 12, 30), 3) == ("2027-01-04", False)  # 12/31, 1/1 (not known to be off), 1/4
    assert working(D(2026, 12, 28), 3) == ("2026-12-31", True)
    assert days(D(2026, 12, 30), 3) == ("2027-01-04", False)  # 1/2 is a Saturday
    assert working(D(2040, 6, 1), 20) == ("2040-06-29", False)
    assert working(D(1990, 6, 1), 5) == ("1990-06-08", False)


def test_when_the_notice_is_entered_the_same_question_is_answered_and_confirmed() -> None:
    source = "国务院办公厅关于2027年部分节假日安排的通知"
    CalendarNotice.objects.create(year=2027, source=source)
    CalendarDay.objects.create(day=D(2027, 1, 1), kind=DayKind.REST, name="元旦", source=source)

    assert working(D(2026, 12, 30), 3) == ("2027-01-05", True)


def test_a_local_day_off_counts_for_that_county_and_below_only() -> None:
    CalendarDay.objects.create(jurisdiction="CN-45", day=D(2026, 4, 20), kind=DayKind.REST, name="壮族三月三",
                               source="广西壮族自治区人民政府办公厅关于2026年“壮族三月三”放假的通知")

    assert working(D(2026, 4, 17), 1) == ("2026-04-20", True)
    assert working(D(2026, 4, 17), 1, "CN-45") == ("2026-04-21", True)
    assert working(D(2026, 4, 17), 1, "CN-45-0721") == ("2026-04-21", True)
    assert working(D(2026, 4, 17), 1, "CN-36") == ("2026-04-20", True)


def test_a_county_may_work_a_national_holiday_it_overrides() -> None:
    CalendarDay.objects.create(jurisdiction="CN-36-0797", day=D(2026, 10, 8), kind=DayKind.REST, name="本县调休",
                               source="县政府通知")
    assert working(D(2026, 9, 30), 1, "CN-36-0797") == ("2026-10-09", True)
    assert working(D(2026, 9, 30), 1) == ("2026-10-08", True)


def test_every_seeded_entry_names_its_notice() -> None:
    assert CalendarNotice.objects.filter(year=2026).get().source.startswith("国务院办公厅关于2026年部分节假日安排的通知")
    assert not CalendarDay.objects.filter(source="").exists()
    assert CalendarDay.objects.get(day=D(2026, 2, 14)).name == "春节"


# --------------------------------------------------------------------------------------- properties

SPAN = WorkCalendar(
    rest_days=[D(2026, 2, d) for d in (16, 17, 18, 19, 20, 23)] + [D(2026, 10, d) for d in (1, 2, 5, 6, 7)],
    worked_days=[D(2026, 2, 14), D(2026, 2, 28), D(2026, 9, 20), D(2026, 10, 10)],
    known_years=[2025, 2026],
)
dates = st.dates(min_value=D(2023, 1, 1), max_value=D(2029, 12, 31))
counts = st.integers(min_value=0, max_value=400)


@settings(max_examples=300, deadline=None)
@given(start=dates, n=counts, m=counts)
def test_n_then_m_working_days_is_n_plus_m(start: dt.date, n: int, m: int) -> None:
    first = SPAN.add_working_days(start, n).day
    assert SPAN.add_working_days(first, m).day == SPAN.add_working_days(start, n + m).day


@settings(max_examples=300, deadline=None)
@given(start=dates, n=st.integers(min_value=1, max_value=400), pause_at=counts, pause=st.integers(0, 60))
def test_a_stopped_clock_adds_exactly_the_stopped_working_days(start: dt.date, n: int, pause_at: int,
                                                               pause: int) -> None:
    """The clock stops from a day before the due date for `pause` calendar days: the new due date is the old
    one moved on by the working days the pause covered, and N working days are counted outside it."""
    stop = start + dt.timedelta(days=min(pause_at, (SPAN.add_working_days(start, n).day - start).days - 1))
    restart = stop + dt.timedelta(days=pause)
    stopped = SPAN.working_days_between(stop, restart)
    due = SPAN.add_working_days(start, n + stopped).day

    counted = SPAN.working_days_between(start, due) - stopped
    assert counted == n
    assert SPAN.working_days_between(start, due) == n + stopped
    assert SPAN.is_working_day(due)


@settings(max_examples=200, deadline=None)
@given(start=dates, n=st.integers(min_value=1, max_value=400))
def test_a_due_date_is_a_working_day_n_working_days_on(start: dt.date, n: int) -> None:
    due = SPAN.add_working_days(start, n)
    assert SPAN.is_working_day(due.day) and SPAN.working_days_between(start, due.day) == n
    assert due.confirmed == (start.year >= 2025 and due.day.year <= 2026)


# --------------------------------------------------------------------------------------- CLI and API

def test_sunlit_due_prints_the_date_first(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("due", "2026-09-30", "1")
    assert capsys.readouterr().out.splitlines()[0] == "2026-10-08"
    call_command("due", "2026-12-30", "3", "--calendar-days")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "2027-01-04 unconfirmed" and "尚未收录2027年" in lines[1]
    call_command("due", "2026-02-13", "1", "--jurisdiction", "cn-36")
    assert capsys.readouterr().out.splitlines()[0] == "2026-02-14"


@pytest.mark.parametrize(("args", "named"), [
    (["2026-13-01", "1"], "YYYY-MM-DD"), (["2026-01-01", "-1"], "N"), (["2026-01-01", "x"], "N"),
    (["2026-01-01", "1", "--jurisdiction", "US"], "--jurisdiction"), (["9999-12-30", "5"], "N"),
])
def test_sunlit_due_refuses_bad_input_with_exit_status_2(args: list[str], named: str) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("due", *args)
    assert refused.value.returncode == 2 and str(refused.value).startswith(f"{named}: ")


def test_the_api_answers_both_rules() -> None:
    client = Client()
    assert client.get("/api/v1/calendar/due", {"from": "2026-09-30", "working_days": "1"}).json() == {
        "from": "2026-09-30", "working_days": 1, "jurisdiction": "CN", "due": "2026-10-08", "confirmed": True}
    assert client.get("/api/v1/calendar/due", {"from": "2026-12-30", "calendar_days": "3"}).json() == {
        "from": "2026-12-30", "calendar_days": 3, "jurisdiction": "CN", "due": "2027-01-04", "confirmed": False}


@pytest.mark.parametrize(("query", "field"), [
    ({"from": "2026-09-30"}, "working_days"),
    ({"from": "2026-09-30", "working_days": "1", "calendar_days": "1"}, "calendar_days"),
    ({"from": "30/09/2026", "working_days": "1"}, "from"),
    ({"working_days": "1"}, "from"),
    ({"from": "2026-09-30", "working_days": "1.5"}, "working_days"),
    ({"from": "2026-09-30", "calendar_days": "１"}, "calendar_days"),  # a full-width digit
    ({"from": "2026-09-30", "working_days": "1", "jurisdiction": "CN-<script>"}, "jurisdiction"),
    ({"from": "9999-12-30", "calendar_days": "5"}, "calendar_days"),
])
def test_the_api_refuses_with_a_400_naming_the_field(query: dict[str, str], field: str) -> None:
    response = Client().get("/api/v1/calendar/due", query)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field
