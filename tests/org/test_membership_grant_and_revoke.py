"""membership_grant / membership_revoke: a role in a unit reaches the units below; each grant and each
revocation is an event that names who, where and which role."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from sunlit.core.errors import Conflict, DomainError
from sunlit.core.models import Event
from sunlit.org import services
from sunlit.org.models import Membership, Role, Unit
from sunlit.org.permissions import has_role, units_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(db: None) -> User:
    return User.objects.create(username="clerk")


def test_a_grant_covers_the_unit_and_the_units_below(county: dict[str, Unit], clerk: User, actor: Any) -> None:
    services.membership_grant(user=clerk, unit=county["town"], role=Role.REVIEWER, actor=actor)
    assert has_role(clerk, county["village"], [Role.REVIEWER])
    assert not has_role(clerk, county["gov"], [Role.REVIEWER])
    assert not has_role(clerk, county["town"], [Role.EDITOR])
    assert set(units_for(clerk, [Role.REVIEWER]).values_list("code", flat=True)) == {"YD-GJ", "YD-GJ-CX"}
    event = Event.objects.get(action="org.membership.grant")
    assert event.after == {"user": "clerk", "unit": "YD-GJ", "role": "reviewer"}


def test_a_role_row_is_granted_as_well_as_its_code(county: dict[str, Unit], clerk: User, actor: Any) -> None:
    membership = services.membership_grant(user=clerk, unit=county["town"],
                                           role=Role.objects.get(code=Role.LEGAL_REVIEWER), actor=actor)
    assert membership.role.name == "法制审核"


def test_the_same_grant_twice_is_refused(county: dict[str, Unit], clerk: User, actor: Any, trail: Any) -> None:
    services.membership_grant(user=clerk, unit=county["town"], role=Role.EDITOR, actor=actor)
    before = (Membership.objects.count(), trail())
    with pytest.raises(Conflict) as refused:
        services.membership_grant(user=clerk, unit=county["town"], role=Role.EDITOR, actor=actor)
    assert refused.value.field == "role"
    assert (Membership.objects.count(), trail()) == before


def test_an_unknown_role_is_refused(county: dict[str, Unit], clerk: User, actor: Any, trail: Any) -> None:
    before = trail()
    with pytest.raises(DomainError) as refused:
        services.membership_grant(user=clerk, unit=county["town"], role="mayor", actor=actor)
    assert refused.value.field == "role"
    assert trail() == before


def test_a_revoked_role_no_longer_reaches_and_the_event_keeps_who_held_it(
    county: dict[str, Unit], clerk: User, actor: Any
) -> None:
    membership = services.membership_grant(user=clerk, unit=county["town"], role=Role.EDITOR, actor=actor)
    services.membership_revoke(membership=membership, actor=actor, note="调离")
    assert not has_role(clerk, county["village"], [Role.EDITOR])
    event = Event.objects.get(action="org.membership.revoke")
    assert (event.object_id, event.before, event.note) == (
        str(membership.pk), {"user": "clerk", "unit": "YD-GJ", "role": "editor"}, "调离")


def test_revoking_twice_is_refused(county: dict[str, Unit], clerk: User, actor: Any, trail: Any) -> None:
    membership = services.membership_grant(user=clerk, unit=county["town"], role=Role.EDITOR, actor=actor)
    services.membership_revoke(membership=membership, actor=actor)
    before = trail()
    with pytest.raises(Conflict) as refused:
        services.membership_revoke(membership=membership, actor=actor)
    assert refused.value.field == "membership"
    assert trail() == before
