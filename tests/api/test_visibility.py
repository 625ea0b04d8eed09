"""The must-show of visibility: nothing that is not public leaves the public API, by any endpoint.

Every kind of non-public record carries its own marker text; every public GET endpoint is called;
no response may contain any marker, and the public records must still be there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

from sunlit.catalog import services
from sunlit.catalog.models import Category, PowerItem, PowerItemVersion
from sunlit.core.models import Event
from sunlit.core.visibility import Audience, Exemption, public_queryset
from sunlit.org.models import Official, PortfolioArea, Unit
from tests import factories

MARKERS = {
    "draft": "MARKER-草稿-7f3a",
    "draft_conditions": "MARKER-草稿条件-1c9e",
    "draft_basis": "MARKER-草稿依据-b2d4",
    "submitted": "MARKER-待审-3e8b",
    "rejected": "MARKER-退回-5a1c",
    "rejected_change": "MARKER-退回变更-9d02",
    "pending_change": "MARKER-变更草稿-44f0",
    "pending_change_basis": "MARKER-变更依据-0b7e",
    "cancelled": "MARKER-已取消-c6d1",
    "cancelled_conditions": "MARKER-已取消条件-2f5a",
    "cancelled_basis": "MARKER-已取消依据-8e3b",
    "cancelled_flag": "MARKER-取消标记-61ad",
    "internal": "MARKER-内部-e4a7",
    "secret_current": "MARKER-国家秘密-1d6f",
    "secret_old": "MARKER-旧版秘密-7b2c",
    "official": "MARKER-内部干部-a9c3",
    "official_duties": "MARKER-内部干部职责-53de",
}


def basis(excerpt: str) -> list[dict[str, str]]:
    return [{"law": "中华人民共和国行政许可法", "article": "第十二条", "excerpt": excerpt}]


def approve(version: PowerItemVersion, author: Any, reviewer: Any) -> PowerItemVersion:
    if version.status == "draft":
        services.power_version_submit(version=version, actor=author)
    return services.power_version_approve(version=version, reviewer=reviewer, comment="同意")


def change(item: PowerItem, author: Any, bases: list[dict[str, str]] | None = None,
           **content: Any) -> PowerItemVersion:
    return services.power_version_draft(item=item, content=factories.content(**content),
                                        legal_bases=bases or factories.LICENSING_BASIS, reason="调整",
                                        author=author)


@dataclass
class World:
    public_names: dict[int, str] = field(default_factory=dict)  # item id → name the public must see
    hidden_ids: list[int] = field(default_factory=list)  # items that must answer 404


@pytest.fixture
def world(county: dict[str, Unit], editor: Any, reviewer: Any) -> World:
    land = county["land"]
    w = World()

    # Public items, with the responsible leader an official the public may not see.
    hidden_official = Official.objects.create(
        name=MARKERS["official"], unit=land, title="副局长", duties=MARKERS["official_duties"],
        audience=Audience.INTERNAL)
    hidden_official.portfolio.add(PortfolioArea.objects.create(code="GT", name="国土规划"))
    Official.objects.create(name="张明", unit=land, title="局长", duties="主持全面工作")
    plain = approve(factories.draft(land, editor, "XK-001", name="农村村民住宅建设审批",
                                    responsible_leader=hidden_official.pk), editor, reviewer)
    w.public_names[plain.item_id] = "农村村民住宅建设审批"

    # A published item with a pending change draft on top: the published one still shows.
    pending_base = approve(factories.draft(land, editor, "XK-002", name="建设工程规划许可"), editor, reviewer)
    change(pending_base.item, editor, bases=basis(MARKERS["pending_change_basis"]),
           name=MARKERS["pending_change"], conditions=MARKERS["pending_change"])
    w.public_names[pending_base.item_id] = "建设工程规划许可"

    # A published item whose change was rejected.
    rejected_base = approve(factories.draft(land, editor, "XK-003", name="临时用地审批"), editor, reviewer)
    rejected_change = change(rejected_base.item, editor, name=MARKERS["rejected_change"])
    services.power_version_submit(version=rejected_change, actor=editor)
    services.power_version_reject(version=rejected_change, reviewer=reviewer, comment="依据不足")
    w.public_names[rejected_base.item_id] = "临时用地审批"

    # An item whose old approved version was a state secret, now replaced by a public one.
    secret_old = approve(factories.draft(land, editor, "XK-004", name=MARKERS["secret_old"],
                                         conditions=MARKERS["secret_old"],
                                         exemption=Exemption.STATE_SECRET), editor, reviewer)
    approve(change(secret_old.item, editor, name="采矿权登记"), editor, reviewer)
    w.public_names[secret_old.item_id] = "采矿权登记"

    # Items that must not show at all.
    draft = factories.draft(land, editor, "CG-001", bases=basis(MARKERS["draft_basis"]),
                            name=MARKERS["draft"], conditions=MARKERS["draft_conditions"])
    submitted = factories.draft(land, editor, "CG-002", name=MARKERS["submitted"])
    services.power_version_submit(version=submitted, actor=editor)
    rejected = factories.draft(land, editor, "CG-003", name=MARKERS["rejected"])
    services.power_version_submit(version=rejected, actor=editor)
    services.power_version_reject(version=rejected, reviewer=reviewer, comment="不属于本单位职权")
    cancelled = approve(factories.draft(land, editor, "CG-004", bases=basis(MARKERS["cancelled_basis"]),
                                        name=MARKERS["cancelled"], conditions=MARKERS["cancelled_conditions"]),
                        editor, reviewer)
    approve(services.power_item_cancel(item=cancelled.item, reason="职能划转", author=editor), editor, reviewer)
    internal = approve(factories.draft(land, editor, "CG-005", name=MARKERS["internal"],
                                       audience=Audience.INTERNAL), editor, reviewer)
    secret = approve(factories.draft(land, editor, "CG-006", name=MARKERS["secret_current"],
                                     exemption=Exemption.STATE_SECRET), editor, reviewer)
    # Marked cancelled while still pointing at its last version, as data written past the services
    # (an import from an old system) could leave it: the flag alone keeps it off the list.
    flagged = approve(factories.draft(land, editor, "CG-007", name=MARKERS["cancelled_flag"]), editor, reviewer)
    PowerItem.objects.filter(pk=flagged.item_id).update(is_cancelled=True)
    w.hidden_ids = [v.item_id for v in (draft, submitted, rejected, cancelled, internal, secret, flagged)]
    return w


def sweep(client: Client, world: World) -> dict[str, Any]:
    """Every public GET endpoint, with every filter, for every item id: url → response."""
    urls = ["/api/v1/units", "/api/v1/officials", "/api/v1/officials?unit=YD-ZRZY",
            "/api/v1/powers", "/api/v1/powers?page_size=100", "/api/v1/powers?q=MARKER",
            "/api/v1/powers?unit=YD-ZRZY", "/api/v1/powers?unit=YD&include_sub_units=true",
            f"/api/v1/powers?category={Category.LICENSING}", "/api/v1/openapi.json"]
    urls += [f"/api/v1/powers?q={marker}" for marker in MARKERS.values()]
    urls += [f"/api/v1/powers?q={marker}&unit=YD-ZRZY&category=licensing" for marker in MARKERS.values()]
    for item_id in [*world.public_names, *world.hidden_ids]:
        urls += [f"/api/v1/powers/{item_id}", f"/api/v1/powers/{item_id}/history"]
    return {url: client.get(url) for url in urls}


@pytest.mark.django_db
def test_no_public_endpoint_shows_any_non_public_record(client: Client, world: World) -> None:
    hidden = {f"/api/v1/powers/{i}{tail}" for i in world.hidden_ids for tail in ("", "/history")}
    responses = sweep(client, world)
    for url, response in responses.items():
        body = response.content.decode()
        leaked = [name for name, marker in MARKERS.items() if marker in body]
        assert not leaked, f"{url} shows {leaked}"
        assert response.status_code == (404 if url in hidden else 200), url


@pytest.mark.django_db
def test_public_items_still_appear_beside_hidden_ones(client: Client, world: World) -> None:
    listed = client.get("/api/v1/powers?page_size=100").json()
    assert {i["id"]: i["name"] for i in listed["items"]} == world.public_names
    assert listed["count"] == len(world.public_names)
    for item_id, name in world.public_names.items():
        detail = client.get(f"/api/v1/powers/{item_id}")
        assert detail.status_code == 200
        assert detail.json()["current"]["name"] == name
        history = client.get(f"/api/v1/powers/{item_id}/history").json()
        assert history[0]["name"] == name


@pytest.mark.django_db
def test_every_non_public_item_answers_404_in_json(client: Client, world: World) -> None:
    assert world.hidden_ids
    for item_id in world.hidden_ids:
        for url in (f"/api/v1/powers/{item_id}", f"/api/v1/powers/{item_id}/history"):
            response = client.get(url)
            assert response.status_code == 404, url
            assert response["Content-Type"].startswith("application/json")
            assert response.json() == {"errors": [{"field": "id", "message": "事项不存在或未公开"}]}


@pytest.mark.django_db
def test_history_leaves_out_an_old_version_that_was_a_state_secret(client: Client, world: World) -> None:
    item_id = next(i for i, name in world.public_names.items() if name == "采矿权登记")
    history = client.get(f"/api/v1/powers/{item_id}/history").json()
    assert [v["number"] for v in history] == [2]


@pytest.mark.django_db
def test_detail_does_not_name_a_responsible_leader_the_public_may_not_see(client: Client, world: World) -> None:
    item_id = next(i for i, name in world.public_names.items() if name == "农村村民住宅建设审批")
    assert client.get(f"/api/v1/powers/{item_id}").json()["current"]["responsible_leader"] is None


@pytest.mark.django_db
def test_only_public_officials_are_on_the_board(client: Client, world: World) -> None:
    assert [o["name"] for o in client.get("/api/v1/officials").json()] == ["张明"]


@pytest.mark.django_db
def test_public_queryset_refuses_a_model_with_no_public_rule() -> None:
    with pytest.raises(LookupError, match="Event has no public rule"):
        public_queryset(Event)
