"""unit_rename: a new name keeps the code and the path (and so every permission below it)."""

from __future__ import annotations

from typing import Any

import pytest

from sunlit.core.errors import DomainError
from sunlit.core.models import Event
from sunlit.org import services
from sunlit.org.models import Unit

pytestmark = pytest.mark.django_db


def test_rename_keeps_code_and_path_and_records_old_and_new_name(county: dict[str, Unit], actor: Any) -> None:
    unit = services.unit_rename(unit=county["land"], name="县自然资源和规划局", short_name="县自然资源局",
                                actor=actor)
    assert (unit.code, unit.path, unit.name) == ("YD-ZRZY", "/YD/YD-ZRZY/", "县自然资源和规划局")
    event = Event.objects.get(action="org.unit.rename")
    assert event.before == {"name": "县自然资源局", "short_name": ""}
    assert event.after == {"name": "县自然资源和规划局", "short_name": "县自然资源局"}


def test_an_empty_name_is_refused(county: dict[str, Unit], actor: Any, trail: Any) -> None:
    before = trail()
    with pytest.raises(DomainError) as refused:
        services.unit_rename(unit=county["land"], name=" ", actor=actor)
    assert refused.value.field == "name"
    assert trail() == before
    county["land"].refresh_from_db()
    assert county["land"].name == "县自然资源局"


def test_the_same_name_again_is_not_a_change(county: dict[str, Unit], actor: Any, trail: Any) -> None:
    before = trail()
    with pytest.raises(DomainError, match="没有需要修改的内容"):
        services.unit_rename(unit=county["land"], name="县自然资源局", actor=actor)
    assert trail() == before
