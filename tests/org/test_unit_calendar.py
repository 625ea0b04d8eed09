"""A unit's deadlines follow its jurisdiction's holidays: named on the unit or inherited from above; an
administrator's entry changes answers at once and tells whatever keeps deadlines (calendar_changed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User

from sunlit.core import calendar
from sunlit.core.errors import DomainError
from sunlit.org import services
from sunlit.org.models import Unit
from sunlit.org.selectors import unit_calendar

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin() -> User:
    return User.objects.create_superuser("root", password="pw-root")


def test_a_unit_inherits_the_nearest_jurisdiction_above_it(county: dict[str, Unit], admin: User) -> None:
    assert unit_calendar(county["village"]) == "CN"
    services.unit_change(unit=county["gov"], calendar="cn-36-0731", actor=admin)

    assert unit_calendar(county["village"]) == "CN-36-0731"
    assert unit_calendar(county["land"]) == "CN-36-0731"
    services.unit_change(unit=county["town"], calendar="CN-36-0731-GJ", actor=admin)
    assert unit_calendar(county["village"]) == "CN-36-0731-GJ"
    assert unit_calendar(county["land"]) == "CN-36-0731"


def test_a_unit_refuses_a_code_that_is_not_a_jurisdiction(county: dict[str, Unit], admin: User) -> None:
    with pytest.raises(DomainError) as refused:
        services.unit_change(unit=county["gov"], calendar="于都县", actor=admin)
    assert refused.value.field == "calendar"
    county["gov"].refresh_from_db()
    assert county["gov"].calendar == ""


def test_a_local_day_off_moves_answers_at_once_and_is_announced(admin: User) -> None:
    heard: list[dict[str, Any]] = []

    def listen(sender: Any, **kwargs: Any) -> None:
        heard.append(kwargs)

    calendar.calendar_changed.connect(listen)
    try:
        assert calendar.due(dt.date(2026, 4, 17), 1, jurisdiction="CN-45").day == dt.date(2026, 4, 20)
        services.calendar_day_set(day=dt.date(2026, 4, 20), kind="rest", name="壮族三月三", jurisdiction="CN-45",
                                  source="广西壮族自治区人民政府办公厅通知", actor=admin)
        assert calendar.due(dt.date(2026, 4, 17), 1, jurisdiction="CN-45").day == dt.date(2026, 4, 21)
        entry = services.calendar_day_set(day=dt.date(2026, 4, 20), kind="rest", name="三月三", jurisdiction="CN-45",
                                          source="更正后的通知", actor=admin)
        services.calendar_day_remove(entry=entry, reason="录入有误", actor=admin)
        assert calendar.due(dt.date(2026, 4, 17), 1, jurisdiction="CN-45").day == dt.date(2026, 4, 20)
    finally:
        calendar.calendar_changed.disconnect(listen)
    assert [(h["jurisdiction"], h["days"]) for h in heard] == [("CN-45", [dt.date(2026, 4, 20)])] * 3


def test_next_years_notice_entered_in_december_confirms_its_answers(admin: User) -> None:
    assert not calendar.due(dt.date(2026, 12, 30), 3).confirmed
    services.calendar_notice_enter(year=2027, source="国务院办公厅关于2027年部分节假日安排的通知", actor=admin)
    services.calendar_day_set(day=dt.date(2027, 1, 1), kind="rest", name="元旦",
                              source="国务院办公厅关于2027年部分节假日安排的通知", actor=admin)

    answer = calendar.due(dt.date(2026, 12, 30), 3)
    assert (answer.day, answer.confirmed) == (dt.date(2027, 1, 5), True)
