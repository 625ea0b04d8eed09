"""The Django admin writes 配权 only through org.services: each save has its event, a refused one shows
the reason and writes nothing, and what has no service is read-only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client

from sunlit.core.models import Event
from sunlit.org.models import Appointment, Membership, Official, Post, Role, Unit
from sunlit.record.models import LeafQueue
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db: None) -> User:
    return User.objects.create_superuser("root", password="pw-root")


@pytest.fixture
def browser(superuser: User) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


def unit_form(unit: Unit, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {"name": unit.name, "short_name": unit.short_name, "kind": unit.kind,
                               "parent": unit.parent_id or "", "sort_order": unit.sort_order,
                               "address": unit.address, "phone": unit.phone}
    data.update(changes)
    return data


def test_adding_a_post_is_the_service_with_its_event(county: dict[str, Unit], browser: Client,
                                                     superuser: User) -> None:
    response = browser.post("/admin/org/post/add/", {"unit": county["town"].pk, "name": "副镇长", "is_leader": "on"})
    assert response.status_code == 302
    post = Post.objects.get(name="副镇长")
    assert post.is_leader
    event = Event.objects.get(action="org.post.create")
    assert (event.object_id, event.actor) == (str(post.pk), superuser)


def test_changing_a_units_parent_in_the_admin_moves_everything_below(county: dict[str, Unit],
                                                                      browser: Client) -> None:
    town = county["town"]
    response = browser.post(f"/admin/org/unit/{town.pk}/change/",
                            unit_form(town, parent=county["finance"].pk, phone="0797-1"))
    assert response.status_code == 302
    assert Unit.objects.get(code="YD-GJ-CX").path == "/YD/YD-CZ/YD-GJ/YD-GJ-CX/"
    assert list(Event.objects.filter(action__startswith="org.unit.").values_list("action", flat=True)
                .order_by("id")) == ["org.unit.move", "org.unit.change"]


def test_a_refused_move_in_the_admin_shows_why_and_writes_nothing(county: dict[str, Unit],
                                                                   browser: Client) -> None:
    town = county["town"]
    before = (Event.objects.count(), LeafQueue.objects.count())
    response = browser.post(f"/admin/org/unit/{town.pk}/change/",
                            unit_form(town, parent=county["village"].pk, name="贡江镇（新）"), follow=True)
    assert "不能把贡江镇移到它自己或它的下级单位" in response.content.decode()
    assert (Event.objects.count(), LeafQueue.objects.count()) == before
    town.refresh_from_db()
    assert (town.name, town.parent) == ("贡江镇", county["gov"])


def test_linking_a_login_to_an_official_in_the_admin(county: dict[str, Unit], browser: Client) -> None:
    login = User.objects.create(username="lina")
    official = Official.objects.create(name="李娜", unit=county["town"], title="副镇长")
    response = browser.post(f"/admin/org/official/{official.pk}/change/", {
        "name": "李娜", "unit": county["town"].pk, "title": "副镇长", "duties": "", "public_phone": "",
        "sort_order": 0, "audience": "public", "exemption": "none", "user": login.pk})
    assert response.status_code == 302
    assert Official.objects.get(pk=official.pk).user == login
    assert Event.objects.get(action="org.official.change").after == {"user": "lina"}


def test_granting_and_revoking_a_role_in_the_admin(county: dict[str, Unit], browser: Client) -> None:
    clerk = User.objects.create(username="clerk")
    browser.post("/admin/org/membership/add/", {"user": clerk.pk, "unit": county["land"].pk, "role": Role.EDITOR})
    membership = Membership.objects.get(user=clerk)
    browser.post(f"/admin/org/membership/{membership.pk}/delete/", {"post": "yes"})
    assert not Membership.objects.filter(user=clerk).exists()
    assert list(Event.objects.filter(action__startswith="org.membership.").values_list("action", flat=True)
                .order_by("id")) == ["org.membership.grant", "org.membership.revoke"]


def test_what_has_no_service_is_read_only(county: dict[str, Unit], browser: Client) -> None:
    official = Official.objects.create(name="李娜", unit=county["town"], title="副镇长")
    post = Post.objects.create(unit=county["town"], name="副镇长")
    appointment = Appointment.objects.create(official=official, post=post, start=dt.date(2025, 1, 1))
    assert browser.get("/admin/org/appointment/add/").status_code == 403
    assert browser.post(f"/admin/org/appointment/{appointment.pk}/delete/", {"post": "yes"}).status_code == 403
    assert browser.post(f"/admin/org/unit/{county['village'].pk}/delete/", {"post": "yes"}).status_code == 403
    assert browser.get("/admin/org/role/add/").status_code == 403
    role = factories.role(Role.EDITOR)
    assert browser.post(f"/admin/org/role/{role.pk}/change/", {"name": "改名"}).status_code == 403
