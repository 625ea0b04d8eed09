"""unit_move: a unit moves with everything below it, and so do the roles that reach down the tree."""

from __future__ import annotations

from typing import Any

import pytest

from sunlit.core.errors import DomainError
from sunlit.core.models import Event
from sunlit.org import services
from sunlit.org.models import Role, Unit, UnitKind
from sunlit.org.permissions import has_role
from tests import factories

pytestmark = pytest.mark.django_db


def paths() -> dict[str, str]:
    return dict(Unit.objects.values_list("code", "path"))


def test_moving_a_township_repaths_every_unit_below_it(county: dict[str, Unit], actor: Any) -> None:
    group = factories.unit("YD-GJ-CX-1", "长新村一组", UnitKind.VILLAGE, parent=county["village"])
    services.unit_move(unit=county["town"], parent=county["finance"], actor=actor)
    assert paths() == {
        "YD": "/YD/", "YD-ZRZY": "/YD/YD-ZRZY/", "YD-CZ": "/YD/YD-CZ/",
        "YD-GJ": "/YD/YD-CZ/YD-GJ/", "YD-GJ-CX": "/YD/YD-CZ/YD-GJ/YD-GJ-CX/",
        "YD-GJ-CX-1": "/YD/YD-CZ/YD-GJ/YD-GJ-CX/YD-GJ-CX-1/",
    }
    group.refresh_from_db()
    assert group.parent == county["village"]
    event = Event.objects.get(action="org.unit.move")
    assert event.before == {"parent": "YD", "path": "/YD/YD-GJ/"}
    assert event.after == {"parent": "YD-CZ", "path": "/YD/YD-CZ/YD-GJ/", "units_below": 2}


def test_a_role_held_above_follows_the_moved_unit(county: dict[str, Unit], actor: Any) -> None:
    finance_clerk = factories.staff("finance-clerk", county["finance"], Role.EDITOR)
    assert not has_role(finance_clerk, county["village"], [Role.EDITOR])
    services.unit_move(unit=county["town"], parent=county["finance"], actor=actor)
    county["village"].refresh_from_db()
    assert has_role(finance_clerk, county["village"], [Role.EDITOR])


def test_a_unit_can_become_a_root(county: dict[str, Unit], actor: Any) -> None:
    services.unit_move(unit=county["town"], parent=None, actor=actor)
    assert paths()["YD-GJ-CX"] == "/YD-GJ/YD-GJ-CX/"


@pytest.mark.parametrize("target", ["town", "village"])
def test_a_unit_cannot_move_under_itself_or_a_unit_below_it(county: dict[str, Unit], actor: Any, trail: Any,
                                                           target: str) -> None:
    before = (paths(), trail())
    with pytest.raises(DomainError) as refused:
        services.unit_move(unit=county["town"], parent=county[target], actor=actor)
    assert refused.value.field == "parent"
    assert "不能把贡江镇移到它自己或它的下级单位" in refused.value.message
    assert (paths(), trail()) == before


def test_moving_to_the_parent_it_has_is_refused(county: dict[str, Unit], actor: Any, trail: Any) -> None:
    before = trail()
    with pytest.raises(DomainError) as refused:
        services.unit_move(unit=county["town"], parent=county["gov"], actor=actor)
    assert refused.value.field == "parent"
    assert trail() == before
