"""official_create: an official of a unit, with the staff login that is theirs (if any)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from sunlit.core.errors import Conflict, DomainError
from sunlit.core.models import Event
from sunlit.core.visibility import Audience
from sunlit.org import services
from sunlit.org.models import Official, Unit

pytestmark = pytest.mark.django_db


def test_an_official_is_created_with_a_login_and_an_event(county: dict[str, Unit], actor: Any) -> None:
    login = User.objects.create(username="lina")
    official = services.official_create(unit=county["town"], name="李娜", title="副镇长", user=login,
                                        audience=Audience.INTERNAL, actor=actor)
    assert login.official == official
    event = Event.objects.get(action="org.official.create")
    assert (event.after["name"], event.after["unit"], event.after["user"], event.after["audience"]) == (
        "李娜", "YD-GJ", "lina", "internal")


def test_an_official_needs_no_login(county: dict[str, Unit], actor: Any) -> None:
    official = services.official_create(unit=county["town"], name="王强", title="党委书记", actor=actor)
    assert official.user is None


def test_a_login_that_already_stands_for_someone_is_refused(county: dict[str, Unit], actor: Any,
                                                            trail: Any) -> None:
    login = User.objects.create(username="lina")
    services.official_create(unit=county["town"], name="李娜", title="副镇长", user=login, actor=actor)
    before = (Official.objects.count(), trail())
    with pytest.raises(Conflict) as refused:
        services.official_create(unit=county["town"], name="李娜（重复）", title="副镇长", user=login, actor=actor)
    assert refused.value.field == "user"
    assert "登录账号lina已关联干部李娜" in refused.value.message
    assert (Official.objects.count(), trail()) == before


@pytest.mark.parametrize(("name", "title", "audience", "field"), [
    ("", "副镇长", Audience.PUBLIC, "name"),
    ("李娜", " ", Audience.PUBLIC, "title"),
    ("李娜", "副镇长", "everyone", "audience"),
])
def test_bad_input_names_the_field(county: dict[str, Unit], actor: Any, trail: Any, name: str, title: str,
                                   audience: str, field: str) -> None:
    before = trail()
    with pytest.raises(DomainError) as refused:
        services.official_create(unit=county["town"], name=name, title=title, audience=audience, actor=actor)
    assert refused.value.field == field
    assert trail() == before
