"""posts_held: the posts a login's official holds by appointment on a given day (what case steps ask)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser, User

from sunlit.org.models import Appointment, Official, Post, Unit
from sunlit.org.selectors import posts_held

pytestmark = pytest.mark.django_db


@pytest.fixture
def lina(county: dict[str, Unit]) -> User:
    """李娜 was 审批岗 until 30 June 2026, then 副镇长; her login is linked to her record."""
    login = User.objects.create(username="lina")
    official = Official.objects.create(name="李娜", unit=county["town"], title="副镇长", user=login)
    approve = Post.objects.create(unit=county["town"], name="审批岗", is_sensitive=True)
    deputy = Post.objects.create(unit=county["town"], name="副镇长", is_leader=True)
    Appointment.objects.create(official=official, post=approve, start=dt.date(2023, 1, 1), end=dt.date(2026, 6, 30))
    Appointment.objects.create(official=official, post=deputy, start=dt.date(2026, 7, 1))
    return login


def names(user: object, day: dt.date) -> list[str]:
    return [p.name for p in posts_held(user=user, day=day)]


def test_the_post_held_on_each_day(lina: User) -> None:
    assert names(lina, dt.date(2026, 6, 30)) == ["审批岗"]
    assert names(lina, dt.date(2026, 7, 1)) == ["副镇长"]
    assert names(lina, dt.date(2022, 12, 31)) == []


def test_several_posts_at_once(county: dict[str, Unit], lina: User) -> None:
    Appointment.objects.create(official=lina.official, start=dt.date(2026, 9, 1),
                               post=Post.objects.create(unit=county["village"], name="驻村第一书记"))
    assert sorted(names(lina, dt.date(2026, 11, 24))) == ["副镇长", "驻村第一书记"]


def test_a_login_that_is_no_officials_holds_no_post(lina: User) -> None:
    assert names(User.objects.create(username="importer"), dt.date(2026, 11, 24)) == []
    assert names(AnonymousUser(), dt.date(2026, 11, 24)) == []


def test_another_officials_posts_are_not_mine(county: dict[str, Unit], lina: User) -> None:
    other = Official.objects.create(name="王强", unit=county["town"], title="党委书记")
    Appointment.objects.create(official=other, start=dt.date(2021, 1, 1),
                               post=Post.objects.create(unit=county["town"], name="党委书记", is_principal=True))
    assert names(lina, dt.date(2026, 11, 24)) == ["副镇长"]
