"""appointment_start: an official takes up a post from a date (the principal rule is in
test_principal_rule.py); holding the same post twice at once is refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sunlit.core.errors import Conflict
from sunlit.core.models import Event
from sunlit.org import services
from sunlit.org.models import Appointment, Official, Post, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(county: dict[str, Unit]) -> tuple[Official, Post]:
    return (Official.objects.create(name="李娜", unit=county["town"], title="副镇长"),
            Post.objects.create(unit=county["town"], name="副镇长", is_leader=True))


def test_an_appointment_starts_with_its_event(setting: tuple[Official, Post], actor: Any) -> None:
    official, post = setting
    appointment = services.appointment_start(official=official, post=post, start=dt.date(2026, 12, 1), actor=actor)
    assert (appointment.start, appointment.end) == (dt.date(2026, 12, 1), None)
    event = Event.objects.get(action="org.appointment.start")
    assert event.after == {"official": official.pk, "post": post.pk, "start": "2026-12-01"}


def test_holding_the_same_post_twice_is_refused(setting: tuple[Official, Post], actor: Any, trail: Any) -> None:
    official, post = setting
    services.appointment_start(official=official, post=post, start=dt.date(2025, 1, 1), actor=actor)
    before = (Appointment.objects.count(), trail())
    with pytest.raises(Conflict) as refused:
        services.appointment_start(official=official, post=post, start=dt.date(2026, 1, 1), actor=actor)
    assert refused.value.field == "post"
    assert (Appointment.objects.count(), trail()) == before


def test_the_same_post_again_after_an_ended_term(setting: tuple[Official, Post], actor: Any) -> None:
    official, post = setting
    first = services.appointment_start(official=official, post=post, start=dt.date(2020, 1, 1), actor=actor)
    services.appointment_end(appointment=first, end=dt.date(2022, 12, 31), actor=actor)
    services.appointment_start(official=official, post=post, start=dt.date(2026, 1, 1), actor=actor)
    assert official.appointments.count() == 2
