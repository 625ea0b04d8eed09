"""post_create: a post belongs to one unit, under a name no other post of that unit has."""

from __future__ import annotations

from typing import Any

import pytest

from sunlit.core.errors import Conflict, DomainError
from sunlit.core.models import Event
from sunlit.org import services
from sunlit.org.models import Post, Unit

pytestmark = pytest.mark.django_db


def test_a_post_is_created_with_its_flags_and_event(county: dict[str, Unit], actor: Any) -> None:
    post = services.post_create(unit=county["town"], name="财政所会计岗", is_sensitive=True, is_internal=True,
                                actor=actor)
    assert (post.unit, post.is_sensitive, post.is_internal, post.is_principal) == (county["town"], True, True, False)
    event = Event.objects.get(action="org.post.create")
    assert event.after == {"unit": "YD-GJ", "name": "财政所会计岗", "is_principal": False, "is_leader": False,
                           "is_sensitive": True, "is_internal": True}


def test_the_same_name_twice_in_a_unit_is_refused(county: dict[str, Unit], actor: Any, trail: Any) -> None:
    services.post_create(unit=county["town"], name="党委书记", is_principal=True, actor=actor)
    before = (Post.objects.count(), trail())
    with pytest.raises(Conflict) as refused:
        services.post_create(unit=county["town"], name=" 党委书记", actor=actor)
    assert refused.value.field == "name"
    assert (Post.objects.count(), trail()) == before


def test_the_same_name_in_another_unit_is_fine(county: dict[str, Unit], actor: Any) -> None:
    services.post_create(unit=county["town"], name="综合岗", actor=actor)
    services.post_create(unit=county["land"], name="综合岗", actor=actor)
    assert Post.objects.filter(name="综合岗").count() == 2


def test_a_post_without_a_name_is_refused(county: dict[str, Unit], actor: Any, trail: Any) -> None:
    before = trail()
    with pytest.raises(DomainError) as refused:
        services.post_create(unit=county["town"], name="", actor=actor)
    assert (refused.value.field, refused.value.message) == ("name", "请填写岗位名称")
    assert trail() == before
