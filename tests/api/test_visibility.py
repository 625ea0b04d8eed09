"""The must-show of visibility: nothing that is not public leaves the public API, by any endpoint.

Every kind of non-public record carries its own marker text; every public GET endpoint is called;
no response may contain any marker, and the public records must still be there.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sunlit.catalog.models import Category
from sunlit.core.models import Event
from sunlit.core.visibility import public_queryset
from tests.planted import CANCEL_REASON, CANCELLED_NAME, MARKERS, World, leaked


def sweep(client: Client, world: World) -> dict[str, Any]:
    """Every public GET endpoint, with every filter, for every item id: url → response."""
    urls = ["/api/v1/units", "/api/v1/officials", "/api/v1/officials?unit=YD-ZRZY",
            "/api/v1/powers", "/api/v1/powers?page_size=100", "/api/v1/powers?q=MARKER",
            "/api/v1/powers?unit=YD-ZRZY", "/api/v1/powers?unit=YD&include_sub_units=true",
            f"/api/v1/powers?category={Category.LICENSING}", "/api/v1/openapi.json"]
    urls += [f"/api/v1/powers?q={marker}" for marker in MARKERS.values()]
    urls += [f"/api/v1/powers?q={marker}&unit=YD-ZRZY&category=licensing" for marker in MARKERS.values()]
    for item_id in [*world.public_names, world.cancelled_id, *world.hidden_ids]:
        urls += [f"/api/v1/powers/{item_id}", f"/api/v1/powers/{item_id}/history"]
    return {url: client.get(url) for url in urls}


@pytest.mark.django_db
def test_no_public_endpoint_shows_any_non_public_record(client: Client, world: World) -> None:
    hidden = {f"/api/v1/powers/{i}{tail}" for i in world.hidden_ids for tail in ("", "/history")}
    gone = f"/api/v1/powers/{world.cancelled_id}"
    responses = sweep(client, world)
    for url, response in responses.items():
        assert not leaked(response.content.decode()), f"{url} shows {leaked(response.content.decode())}"
        assert response.status_code == (404 if url in hidden else 410 if url == gone else 200), url


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
def test_a_cancelled_item_keeps_its_history_and_says_when_and_why(client: Client, world: World) -> None:
    history = client.get(f"/api/v1/powers/{world.cancelled_id}/history").json()
    assert [(v["number"], v["change_kind"]) for v in history] == [(3, "cancel"), (1, "create")]  # not the rejected 2
    assert history[0]["reason"] == CANCEL_REASON and history[1]["name"] == CANCELLED_NAME
    detail = client.get(f"/api/v1/powers/{world.cancelled_id}")
    assert detail.status_code == 410
    message = detail.json()["errors"][0]["message"]
    assert "已于2026年11月24日取消" in message and CANCEL_REASON in message
    assert f"/api/v1/powers/{world.cancelled_id}/history" in message
    assert CANCELLED_NAME not in client.get("/api/v1/powers?page_size=100").content.decode()


@pytest.mark.django_db
def test_history_leaves_out_an_old_version_that_was_a_state_secret(client: Client, world: World) -> None:
    item_id = next(i for i, name in world.public_names.items() if name == "采矿权登记")
    history = client.get(f"/api/v1/powers/{item_id}/history").json()
    assert [v["number"] for v in history] == [2]


@pytest.mark.django_db
def test_detail_does_not_name_a_leader_or_post_the_public_may_not_see(client: Client, world: World) -> None:
    item_id = next(i for i, name in world.public_names.items() if name == "农村村民住宅建设审批")
    current = client.get(f"/api/v1/powers/{item_id}").json()["current"]
    assert current["responsible_leader"] is None and current["handling_post"] is None


@pytest.mark.django_db
def test_only_public_officials_are_on_the_board(client: Client, world: World) -> None:
    assert [o["name"] for o in client.get("/api/v1/officials").json()] == ["张明"]


@pytest.mark.django_db
def test_public_queryset_refuses_a_model_with_no_public_rule() -> None:
    with pytest.raises(LookupError, match="Event has no public rule"):
        public_queryset(Event)
