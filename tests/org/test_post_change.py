"""post_change: names and flags change with their event; a post cannot be made a principal one while
someone holding it oversees an area a principal may not (不直接分管)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sunlit.core.errors import Conflict, DomainError
from sunlit.core.models import Event
from sunlit.org import services
from sunlit.org.models import Appointment, Official, PortfolioArea, Post, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def deputy_post(county: dict[str, Unit]) -> Post:
    return Post.objects.create(unit=county["town"], name="副镇长", is_leader=True)


def holder(county: dict[str, Unit], post: Post, *areas: PortfolioArea, end: dt.date | None = None) -> Official:
    person = Official.objects.create(name="李娜", unit=county["town"], title="副镇长")
    person.portfolio.add(*areas)
    Appointment.objects.create(official=person, post=post, start=dt.date(2025, 1, 1), end=end)
    return person


def test_flags_change_with_before_and_after(deputy_post: Post, actor: Any) -> None:
    services.post_change(post=deputy_post, is_internal=True, is_sensitive=True, actor=actor)
    deputy_post.refresh_from_db()
    assert (deputy_post.is_internal, deputy_post.is_sensitive) == (True, True)
    event = Event.objects.get(action="org.post.change")
    assert event.before == {"is_sensitive": False, "is_internal": False}
    assert event.after == {"is_sensitive": True, "is_internal": True}


def test_a_post_whose_holder_oversees_finance_cannot_be_made_principal(
    county: dict[str, Unit], deputy_post: Post, actor: Any, trail: Any
) -> None:
    holder(county, deputy_post, PortfolioArea.objects.create(code="CW", name="财务", principal_forbidden=True))
    before = trail()
    with pytest.raises(DomainError) as refused:
        services.post_change(post=deputy_post, is_principal=True, actor=actor)
    assert refused.value.field == "is_principal"
    assert "李娜分管财务，不得担任党政正职" in refused.value.message
    assert trail() == before
    deputy_post.refresh_from_db()
    assert not deputy_post.is_principal


def test_a_post_whose_former_holder_oversaw_finance_can_be_made_principal(
    county: dict[str, Unit], deputy_post: Post, actor: Any
) -> None:
    holder(county, deputy_post, PortfolioArea.objects.create(code="CW", name="财务", principal_forbidden=True),
           end=dt.date(2026, 1, 31))
    services.post_change(post=deputy_post, is_principal=True, actor=actor)
    deputy_post.refresh_from_db()
    assert deputy_post.is_principal


def test_renaming_onto_another_post_of_the_unit_is_refused(
    county: dict[str, Unit], deputy_post: Post, actor: Any, trail: Any
) -> None:
    Post.objects.create(unit=county["town"], name="党委书记", is_principal=True)
    before = trail()
    with pytest.raises(Conflict) as refused:
        services.post_change(post=deputy_post, name="党委书记", actor=actor)
    assert refused.value.field == "name"
    assert trail() == before


def test_the_unit_of_a_post_is_not_changed_here(county: dict[str, Unit], deputy_post: Post, actor: Any) -> None:
    with pytest.raises(DomainError) as refused:
        services.post_change(post=deputy_post, unit=county["land"], actor=actor)
    assert refused.value.field == "unit"
