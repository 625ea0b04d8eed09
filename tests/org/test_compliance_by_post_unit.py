"""principal_violations for a viewer: a violation is seen by staff of the unit whose principal post it
is on (or a unit above), whatever unit the official is listed under."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client

from sunlit.org.models import Appointment, Official, PortfolioArea, Post, Role, Unit
from sunlit.org.selectors import principal_violations
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def seconded(county: dict[str, Unit]) -> Official:
    """Listed under the land bureau, serving as 贡江镇's party secretary while overseeing finance."""
    person = Official.objects.create(name="王强", unit=county["land"], title="县自然资源局副局长（挂职）")
    person.portfolio.add(PortfolioArea.objects.create(code="CW", name="财务", principal_forbidden=True))
    post = Post.objects.create(unit=county["town"], name="党委书记", is_principal=True)
    Appointment.objects.create(official=person, post=post, start=dt.date(2025, 1, 1))
    return person


def seen_by(user: User) -> list[str]:
    return [v.official.name for v in principal_violations(day=TODAY, viewer=user)]


def test_staff_of_the_posts_unit_and_above_see_it(county: dict[str, Unit], seconded: Official) -> None:
    assert seen_by(factories.staff("town", county["town"], Role.SUPERVISOR)) == ["王强"]
    assert seen_by(factories.staff("county", county["gov"], Role.SUPERVISOR)) == ["王强"]


def test_staff_of_the_officials_own_unit_do_not(county: dict[str, Unit], seconded: Official) -> None:
    assert seen_by(factories.staff("land", county["land"], Role.SUPERVISOR)) == []
    assert seen_by(factories.staff("village", county["village"], Role.EDITOR)) == []


def test_without_a_viewer_everything_is_listed(seconded: Official) -> None:
    assert [v.unit_name for v in principal_violations(day=TODAY)] == ["贡江镇"]


def test_the_console_page_asks_the_selector(county: dict[str, Unit], seconded: Official) -> None:
    town, land = Client(), Client()
    town.force_login(factories.staff("town", county["town"], Role.REVIEWER))
    land.force_login(factories.staff("land", county["land"], Role.REVIEWER))
    assert "王强" in town.get("/console/compliance/").content.decode()
    assert "王强" not in land.get("/console/compliance/").content.decode()
