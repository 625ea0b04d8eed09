"""不直接分管: a unit's principal (党政正职) may not directly oversee personnel, finance, construction,
bulk procurement, administrative approval or law enforcement."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from sunlit.core.clock import FixedClock
from sunlit.core.errors import DomainError
from sunlit.core.models import Event
from sunlit.org import selectors, services
from sunlit.org.models import Appointment, Official, PortfolioArea, Post, Unit

TODAY = dt.date(2026, 11, 24)  # the clock fixture's day


@pytest.fixture
def admin(db: None) -> User:
    return User.objects.create(username="组织部")


@pytest.fixture
def areas(db: None) -> dict[str, PortfolioArea]:
    return {
        "finance": PortfolioArea.objects.create(code="CW", name="财务", principal_forbidden=True),
        "approval": PortfolioArea.objects.create(code="XZSP", name="行政审批", principal_forbidden=True),
        "party": PortfolioArea.objects.create(code="DJ", name="党建", principal_forbidden=False),
    }


@pytest.fixture
def posts(county: dict[str, Unit]) -> dict[str, Post]:
    town = county["town"]
    return {"secretary": Post.objects.create(unit=town, name="党委书记", is_principal=True, is_leader=True),
            "deputy": Post.objects.create(unit=town, name="副镇长", is_leader=True)}


def official(county: dict[str, Unit], name: str = "王强") -> Official:
    return Official.objects.create(name=name, unit=county["town"], title="党委书记")


def appoint(person: Official, post: Post, start: dt.date, end: dt.date | None = None) -> Appointment:
    """An appointment written directly, as history imported from before Sunlit would be."""
    return Appointment.objects.create(official=person, post=post, start=start, end=end)


def rows() -> tuple[int, int, int]:
    return (Event.objects.count(), Appointment.objects.count(),
            Official.portfolio.through.objects.count())


@pytest.mark.django_db
@pytest.mark.parametrize("area", ["finance", "approval"])
def test_a_serving_principal_may_not_be_given_a_forbidden_area(
    county: dict[str, Unit], areas: dict[str, PortfolioArea], posts: dict[str, Post], admin: User,
    clock: FixedClock, area: str
) -> None:
    secretary = official(county)
    appoint(secretary, posts["secretary"], dt.date(2025, 1, 1))
    before = rows()
    with pytest.raises(DomainError) as refused:
        services.official_assign_portfolio(official=secretary, area=areas[area], actor=admin)
    assert refused.value.field == "portfolio"
    assert f"不得直接分管「{areas[area].name}」" in refused.value.message
    assert "不直接分管" in refused.value.message.split("依据：")[1]
    assert list(secretary.portfolio.all()) == []
    assert rows() == before


@pytest.mark.django_db
def test_a_serving_principal_may_take_an_area_that_is_not_forbidden(
    county: dict[str, Unit], areas: dict[str, PortfolioArea], posts: dict[str, Post], admin: User,
    clock: FixedClock
) -> None:
    secretary = official(county)
    appoint(secretary, posts["secretary"], dt.date(2025, 1, 1))
    services.official_assign_portfolio(official=secretary, area=areas["party"], actor=admin)
    assert [a.name for a in secretary.portfolio.all()] == ["党建"]
    event = Event.objects.get(action="org.portfolio.assign")
    assert (event.object_id, event.after, event.actor) == (str(secretary.pk), {"area": "DJ"}, admin)


@pytest.mark.django_db
def test_a_deputy_may_oversee_finance(county: dict[str, Unit], areas: dict[str, PortfolioArea],
                                      posts: dict[str, Post], admin: User, clock: FixedClock) -> None:
    deputy = official(county, "李娜")
    appoint(deputy, posts["deputy"], dt.date(2025, 1, 1))
    services.official_assign_portfolio(official=deputy, area=areas["finance"], actor=admin)
    assert [a.name for a in deputy.portfolio.all()] == ["财务"]


@pytest.mark.django_db
def test_a_former_principal_may_oversee_finance(county: dict[str, Unit], areas: dict[str, PortfolioArea],
                                                posts: dict[str, Post], admin: User, clock: FixedClock) -> None:
    former = official(county)
    appoint(former, posts["secretary"], dt.date(2020, 1, 1), end=TODAY - dt.timedelta(days=1))
    services.official_assign_portfolio(official=former, area=areas["finance"], actor=admin)
    assert [a.name for a in former.portfolio.all()] == ["财务"]


@pytest.mark.django_db
def test_an_official_appointed_principal_from_next_month_may_not_take_a_forbidden_area_now(
    county: dict[str, Unit], areas: dict[str, PortfolioArea], posts: dict[str, Post], admin: User,
    clock: FixedClock
) -> None:
    incoming = official(county)
    services.appointment_start(official=incoming, post=posts["secretary"], start=dt.date(2026, 12, 1), actor=admin)
    with pytest.raises(DomainError, match="不得直接分管「财务」"):
        services.official_assign_portfolio(official=incoming, area=areas["finance"], actor=admin)
    assert selectors.principal_violations(day=dt.date(2026, 12, 1)) == []


@pytest.mark.django_db
def test_a_principal_whose_term_ends_today_is_still_serving(
    county: dict[str, Unit], areas: dict[str, PortfolioArea], posts: dict[str, Post], admin: User,
    clock: FixedClock
) -> None:
    leaving = official(county)
    appoint(leaving, posts["secretary"], dt.date(2020, 1, 1), end=TODAY)
    with pytest.raises(DomainError):
        services.official_assign_portfolio(official=leaving, area=areas["finance"], actor=admin)


@pytest.mark.django_db
def test_an_official_overseeing_a_forbidden_area_may_not_be_made_principal(
    county: dict[str, Unit], areas: dict[str, PortfolioArea], posts: dict[str, Post], admin: User,
    clock: FixedClock
) -> None:
    deputy = official(county, "李娜")
    deputy.portfolio.add(areas["finance"], areas["approval"], areas["party"])
    before = rows()
    with pytest.raises(DomainError) as refused:
        services.appointment_start(official=deputy, post=posts["secretary"], start=TODAY, actor=admin)
    assert refused.value.field == "post"
    assert "李娜分管财务、行政审批，不得担任党政正职" in refused.value.message
    assert "不直接分管" in refused.value.message
    assert rows() == before


@pytest.mark.django_db
def test_an_official_without_forbidden_areas_may_be_made_principal(
    county: dict[str, Unit], areas: dict[str, PortfolioArea], posts: dict[str, Post], admin: User,
    clock: FixedClock
) -> None:
    deputy = official(county, "李娜")
    deputy.portfolio.add(areas["party"])
    appointment = services.appointment_start(official=deputy, post=posts["secretary"], start=TODAY, actor=admin)
    assert (appointment.official, appointment.post, appointment.end) == (deputy, posts["secretary"], None)
    assert Event.objects.filter(action="org.appointment.start", object_id=str(appointment.pk)).exists()


@pytest.mark.django_db
def test_an_official_overseeing_finance_may_be_made_deputy(
    county: dict[str, Unit], areas: dict[str, PortfolioArea], posts: dict[str, Post], admin: User,
    clock: FixedClock
) -> None:
    person = official(county, "李娜")
    person.portfolio.add(areas["finance"])
    services.appointment_start(official=person, post=posts["deputy"], start=TODAY, actor=admin)
    assert person.appointments.count() == 1


@pytest.mark.django_db
def test_compliance_query_lists_a_principal_who_oversees_a_forbidden_area(
    county: dict[str, Unit], areas: dict[str, PortfolioArea], posts: dict[str, Post], clock: FixedClock
) -> None:
    # written past the service, as data imported from an old system could be
    secretary = official(county)
    secretary.portfolio.add(areas["finance"], areas["party"])
    appoint(secretary, posts["secretary"], dt.date(2025, 1, 1))
    found = selectors.principal_violations(day=TODAY)
    assert [(v.official, v.post_name, v.unit_name, v.areas) for v in found] == [
        (secretary, "党委书记", "贡江镇", ["财务"])]
    assert "不直接分管" in found[0].rule


@pytest.mark.django_db
def test_compliance_query_lists_each_violator_once_with_all_forbidden_areas(
    county: dict[str, Unit], areas: dict[str, PortfolioArea], posts: dict[str, Post], clock: FixedClock
) -> None:
    secretary = official(county)
    secretary.portfolio.add(areas["finance"], areas["approval"])
    appoint(secretary, posts["secretary"], dt.date(2025, 1, 1))
    found = selectors.principal_violations(day=TODAY)
    assert len(found) == 1
    assert sorted(found[0].areas) == ["行政审批", "财务"]


@pytest.mark.django_db
def test_compliance_query_leaves_out_ended_appointments_and_deputies(
    county: dict[str, Unit], areas: dict[str, PortfolioArea], posts: dict[str, Post], clock: FixedClock
) -> None:
    former = official(county, "王强")
    former.portfolio.add(areas["finance"])
    appoint(former, posts["secretary"], dt.date(2020, 1, 1), end=dt.date(2026, 11, 23))
    deputy = official(county, "李娜")
    deputy.portfolio.add(areas["finance"])
    appoint(deputy, posts["deputy"], dt.date(2025, 1, 1))
    future = official(county, "赵磊")
    future.portfolio.add(areas["approval"])
    appoint(future, posts["secretary"], dt.date(2026, 12, 1))
    assert selectors.principal_violations(day=TODAY) == []


@pytest.mark.django_db
def test_compliance_query_answers_for_the_day_asked(
    county: dict[str, Unit], areas: dict[str, PortfolioArea], posts: dict[str, Post], clock: FixedClock
) -> None:
    former = official(county)
    former.portfolio.add(areas["finance"])
    appoint(former, posts["secretary"], dt.date(2020, 1, 1), end=dt.date(2026, 6, 30))
    assert [v.official for v in selectors.principal_violations(day=dt.date(2026, 6, 30))] == [former]
    assert selectors.principal_violations(day=dt.date(2026, 7, 1)) == []
    assert selectors.principal_violations(day=dt.date(2019, 12, 31)) == []
