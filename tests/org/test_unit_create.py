"""unit_create: a unit below its parent, with its path and its event; a code is one unit's only."""

from __future__ import annotations

from typing import Any

import pytest

from sunlit.core.errors import Conflict, DomainError
from sunlit.core.models import Event
from sunlit.org import services
from sunlit.org.models import Unit, UnitKind

pytestmark = pytest.mark.django_db


def test_a_new_unit_sits_below_its_parent_and_records_its_event(county: dict[str, Unit], actor: Any) -> None:
    unit = services.unit_create(code="YD-GJ-XC", name=" 新村 ", kind=UnitKind.VILLAGE, parent=county["town"],
                                actor=actor)
    assert (unit.name, unit.path) == ("新村", "/YD/YD-GJ/YD-GJ-XC/")
    event = Event.objects.get(action="org.unit.create")
    assert (event.object_id, event.actor) == (str(unit.pk), actor)
    assert event.after["parent"] == "YD-GJ" and event.after["path"] == "/YD/YD-GJ/YD-GJ-XC/"


def test_a_code_already_used_is_refused_and_nothing_is_written(county: dict[str, Unit], actor: Any, trail: Any) -> None:
    before = (Unit.objects.count(), trail())
    with pytest.raises(Conflict) as refused:
        services.unit_create(code="YD-GJ", name="另一个贡江镇", kind=UnitKind.TOWNSHIP, parent=county["gov"],
                             actor=actor)
    assert refused.value.field == "code"
    assert "YD-GJ已存在" in refused.value.message
    assert (Unit.objects.count(), trail()) == before


@pytest.mark.parametrize(("code", "name", "kind", "field"), [
    ("", "无编码", UnitKind.VILLAGE, "code"),
    ("A/B", "斜杠", UnitKind.VILLAGE, "code"),
    ("YD-NEW", "  ", UnitKind.VILLAGE, "name"),
    ("YD-NEW", "未知类型", "ministry", "kind"),
])
def test_bad_input_names_the_field(county: dict[str, Unit], actor: Any, trail: Any, code: str, name: str,
                                   kind: str, field: str) -> None:
    before = trail()
    with pytest.raises(DomainError) as refused:
        services.unit_create(code=code, name=name, kind=kind, parent=county["gov"], actor=actor)
    assert refused.value.field == field
    assert trail() == before
