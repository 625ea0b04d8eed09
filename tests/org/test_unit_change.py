"""unit_change: address, telephone, order and kind; name and place have their own services."""

from __future__ import annotations

from typing import Any

import pytest

from sunlit.core.errors import DomainError
from sunlit.core.models import Event
from sunlit.org import services
from sunlit.org.models import Unit

pytestmark = pytest.mark.django_db


def test_contact_details_change_with_their_event(county: dict[str, Unit], actor: Any) -> None:
    services.unit_change(unit=county["land"], address="县城人民路9号", phone="0797-6210000", actor=actor)
    county["land"].refresh_from_db()
    assert (county["land"].address, county["land"].phone) == ("县城人民路9号", "0797-6210000")
    event = Event.objects.get(action="org.unit.change")
    assert event.before == {"address": "", "phone": ""}
    assert event.after == {"address": "县城人民路9号", "phone": "0797-6210000"}


@pytest.mark.parametrize(("changes", "field"), [({"parent": None}, "parent"), ({"code": "X"}, "code"),
                                                ({"kind": "ministry"}, "kind")])
def test_what_this_service_does_not_change_is_refused(county: dict[str, Unit], actor: Any, trail: Any,
                                                       changes: dict[str, Any], field: str) -> None:
    before = trail()
    with pytest.raises(DomainError) as refused:
        services.unit_change(unit=county["land"], actor=actor, **changes)
    assert refused.value.field == field
    assert trail() == before
