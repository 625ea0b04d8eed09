"""A sub-item (子项) is public only while its main item (主项) is: cancel or withdraw the main item and its
sub-items leave the portal and the API with it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.test import Client

from sunlit.catalog import services
from sunlit.catalog.models import PowerItem, PowerItemVersion
from sunlit.core.errors import DomainError
from sunlit.core.visibility import public_queryset
from sunlit.org.models import Unit
from tests import factories


@dataclass
class Family:
    main: PowerItemVersion
    sub: PowerItemVersion


@pytest.fixture
def family(county: dict[str, Unit], editor: User, reviewer: User) -> Family:
    land = county["land"]
    main = factories.published(land, editor, reviewer, code="XK-001", name="乡村建设规划许可")
    sub = services.power_item_create(unit=land, code="XK-001-1", parent=main.item, author=editor, submit=True,
                                     content=factories.content(name="乡村建设规划许可（村民住宅）"),
                                     legal_bases=factories.LICENSING_BASIS, reason="新增子项")
    services.power_version_approve(version=sub, reviewer=reviewer)
    return Family(main, sub)


def public_everywhere(item_id: int) -> list[bool]:
    """Whether the item shows: in the API's list and detail, on the portal's list and its own page."""
    client = Client()
    listed = [i["id"] for i in client.get("/api/v1/powers", {"page_size": 100}).json()["items"]]
    portal = client.get("/powers/").content.decode()
    return [item_id in listed, client.get(f"/api/v1/powers/{item_id}").status_code == 200,
            f'href="/powers/{item_id}/"' in portal, client.get(f"/powers/{item_id}/").status_code == 200]


def test_a_sub_item_is_public_while_its_main_item_is(family: Family) -> None:
    assert public_everywhere(family.sub.item_id) == [True, True, True, True]


def test_cancelling_the_main_item_takes_its_sub_items_off_the_portal_and_the_api(
        family: Family, editor: User, reviewer: User) -> None:
    cancel = services.power_item_cancel(item=family.main.item, reason="职能划转", author=editor)
    services.power_version_approve(version=cancel, reviewer=reviewer)
    assert public_everywhere(family.sub.item_id) == [False, False, False, False]
    assert not public_queryset(PowerItemVersion).filter(item=family.sub.item).exists()  # its history too


def test_making_the_main_item_internal_takes_its_sub_items_off_too(family: Family, editor: User,
                                                                   reviewer: User) -> None:
    internal = services.power_version_revise(item=family.main.item, changes={"audience": "internal"},
                                             reason="调整为内部事项", author=editor, submit=True)
    services.power_version_approve(version=internal, reviewer=reviewer)
    assert public_everywhere(family.main.item_id) == [False, False, False, False]
    assert public_everywhere(family.sub.item_id) == [False, False, False, False]


def test_a_sub_item_of_an_unpublished_main_item_stays_off(county: dict[str, Unit], editor: User,
                                                          reviewer: User) -> None:
    main = factories.draft(county["land"], editor, code="XK-002")
    sub = services.power_item_create(unit=county["land"], code="XK-002-1", parent=main.item, author=editor,
                                     submit=True, content=factories.content(), legal_bases=factories.LICENSING_BASIS,
                                     reason="新增子项")
    services.power_version_approve(version=sub, reviewer=reviewer)
    assert PowerItem.objects.get(pk=sub.item_id).published_version_id == sub.pk
    assert public_everywhere(sub.item_id) == [False, False, False, False]


def test_a_sub_item_cannot_hang_under_another_sub_item(family: Family, county: dict[str, Unit],
                                                       editor: User) -> None:
    with pytest.raises(DomainError) as refused:
        services.power_item_create(unit=county["land"], code="XK-001-1-1", parent=family.sub.item, author=editor,
                                   content=factories.content(), legal_bases=factories.LICENSING_BASIS, reason="新增")
    assert refused.value.field == "main_item"
