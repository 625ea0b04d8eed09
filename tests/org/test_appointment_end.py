"""appointment_end: a term ends on its last day served, once, and not before it began."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sunlit.core.errors import Conflict, DomainError
from sunlit.core.models import Event
from sunlit.org import services
from sunlit.org.models import Appointment, Official, Post, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def appointment(county: dict[str, Unit]) -> Appointment:
    official = Official.objects.create(name="李娜", unit=county["town"], title="副镇长")
    post = Post.objects.create(unit=county["town"], name="副镇长", is_leader=True)
    return Appointment.objects.create(official=official, post=post, start=dt.date(2024, 3, 1))


def test_a_term_ends_with_its_event(appointment: Appointment, actor: Any) -> None:
    services.appointment_end(appointment=appointment, end=dt.date(2026, 11, 30), actor=actor)
    appointment.refresh_from_db()
    assert appointment.end == dt.date(2026, 11, 30)
    event = Event.objects.get(action="org.appointment.end")
    assert (event.before, event.after) == ({"end": None}, {"end": "2026-11-30"})


def test_an_end_before_the_start_is_refused(appointment: Appointment, actor: Any, trail: Any) -> None:
    before = trail()
    with pytest.raises(DomainError) as refused:
        services.appointment_end(appointment=appointment, end=dt.date(2024, 2, 29), actor=actor)
    assert refused.value.field == "end"
    assert "不能早于任职日期" in refused.value.message
    assert trail() == before


def test_a_term_ends_once(appointment: Appointment, actor: Any, trail: Any) -> None:
    services.appointment_end(appointment=appointment, end=dt.date(2026, 11, 30), actor=actor)
    before = trail()
    with pytest.raises(Conflict) as refused:
        services.appointment_end(appointment=appointment, end=dt.date(2026, 12, 31), actor=actor)
    assert refused.value.field == "end"
    assert trail() == before
