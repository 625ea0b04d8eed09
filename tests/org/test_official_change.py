"""official_change: the record changes with its event; portfolio and posts are not changed here."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from sunlit.core.errors import Conflict, DomainError
from sunlit.core.models import Event
from sunlit.org import services
from sunlit.org.models import Official, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def official(county: dict[str, Unit]) -> Official:
    return Official.objects.create(name="李娜", unit=county["town"], title="副镇长")


def test_title_and_unit_change_with_before_and_after(county: dict[str, Unit], official: Official,
                                                     actor: Any) -> None:
    services.official_change(official=official, title="县自然资源局副局长", unit=county["land"], actor=actor)
    official.refresh_from_db()
    assert (official.title, official.unit) == ("县自然资源局副局长", county["land"])
    event = Event.objects.get(action="org.official.change")
    assert event.before == {"unit": "YD-GJ", "title": "副镇长"}
    assert event.after == {"unit": "YD-ZRZY", "title": "县自然资源局副局长"}


def test_a_login_is_linked_and_unlinked(official: Official, actor: Any) -> None:
    login = User.objects.create(username="lina")
    services.official_change(official=official, user=login, actor=actor)
    assert User.objects.get(pk=login.pk).official == official
    services.official_change(official=official, user=None, actor=actor)
    assert Official.objects.get(pk=official.pk).user is None
    assert [e.after for e in Event.objects.filter(action="org.official.change").order_by("id")] == [
        {"user": "lina"}, {"user": None}]


def test_a_login_of_another_official_is_refused(county: dict[str, Unit], official: Official, actor: Any,
                                                trail: Any) -> None:
    login = User.objects.create(username="wq")
    Official.objects.create(name="王强", unit=county["town"], title="党委书记", user=login)
    before = trail()
    with pytest.raises(Conflict) as refused:
        services.official_change(official=official, user=login, actor=actor)
    assert refused.value.field == "user"
    assert trail() == before


def test_the_portfolio_is_not_changed_here(official: Official, actor: Any) -> None:
    with pytest.raises(DomainError) as refused:
        services.official_change(official=official, portfolio=[], actor=actor)
    assert refused.value.field == "portfolio"
