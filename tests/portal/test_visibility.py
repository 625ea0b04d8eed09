"""The must-show of visibility, for the portal and open data: a marker planted in every kind of record the
public must not see (tests/planted.py) appears on no portal page and in no download, while the public
records are all there."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from sunlit.catalog.models import Category
from sunlit.org.models import Unit
from tests.planted import CANCEL_REASON, CANCELLED_NAME, MARKERS, World, leaked

DATASETS = ("units", "officials", "powers")


def text(response: Any) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode()


def portal_urls(world: World) -> list[str]:
    """Every public page and every open-data download, with every filter, for every unit and item id."""
    units = list(Unit.objects.values_list("code", flat=True))
    ids = [*world.public_names, world.cancelled_id, *world.hidden_ids]
    urls = ["/", "/powers/", "/powers/?page=2", "/verify/", "/cases/", "/data/", "/no-such-page/"]
    # A search page shows the words searched: search by the tail of each marker, so that only a record
    # found, never the echo, could show a whole marker.
    tails = [marker.split("-", 1)[1] for marker in MARKERS.values()]
    urls += [f"/powers/?q={tail}" for tail in tails]
    urls += [f"/powers/?category={c}" for c in Category.values]
    urls += [f"/data/{name}.{fmt}" for name in DATASETS for fmt in ("csv", "json")]
    urls += [f"/data/powers.{fmt}?category={c}" for c in Category.values for fmt in ("csv", "json")]
    urls += [f"/data/powers.{fmt}?q={tail}" for tail in tails for fmt in ("csv", "json")]
    for code in units:
        urls += [f"/units/{code}/", f"/units/{code}/powers/print/", f"/powers/?unit={code}",
                 *(f"/data/{name}.{fmt}?unit={code}" for name in ("officials", "powers") for fmt in ("csv", "json")),
                 *(f"/units/{code}/flows/{c}/" for c in Category.values)]
    for item_id in ids:
        urls += [f"/powers/{item_id}/", f"/powers/{item_id}/apply/",
                 f"/data/powers/{item_id}/history.csv", f"/data/powers/{item_id}/history.json"]
    return urls


@pytest.mark.django_db
def test_no_portal_page_or_download_shows_any_non_public_record(client: Client, world: World) -> None:
    hidden = {f"/powers/{i}/" for i in world.hidden_ids} | {
        f"/data/powers/{i}/history.{fmt}" for i in world.hidden_ids for fmt in ("csv", "json")}
    urls = portal_urls(world)
    assert len(urls) > 150
    for url in urls:
        response = client.get(url)
        shown = leaked(text(response))
        assert not shown, f"{url} shows {shown}"
        if url in hidden:
            assert response.status_code == 404, url
        elif url.startswith(("/data/", "/powers/", "/units/")) and "/flows/" not in url and "/apply/" not in url:
            assert response.status_code == 200, url


@pytest.mark.django_db
def test_public_items_are_all_in_the_list_and_its_downloads(client: Client, world: World) -> None:
    listed = text(client.get("/powers/"))
    downloaded = json.loads(text(client.get("/data/powers.json")))["rows"]
    assert {r["id"]: r["name"] for r in downloaded} == world.public_names
    assert all(name in listed for name in world.public_names.values())
    assert CANCELLED_NAME not in listed and CANCELLED_NAME not in text(client.get("/data/powers.csv"))
    for item_id, name in world.public_names.items():
        assert name in text(client.get(f"/powers/{item_id}/"))
        assert name in text(client.get(f"/data/powers/{item_id}/history.csv"))


@pytest.mark.django_db
def test_the_cancelled_item_keeps_its_page_and_history_download(client: Client, world: World) -> None:
    page = text(client.get(f"/powers/{world.cancelled_id}/"))
    assert CANCELLED_NAME in page and "已取消" in page and CANCEL_REASON in page
    history = json.loads(text(client.get(f"/data/powers/{world.cancelled_id}/history.json")))["rows"]
    assert [(h["number"], h["change_kind"]) for h in history] == [(3, "取消"), (1, "新增")]


@pytest.mark.django_db
def test_the_leaders_board_and_its_download_hold_public_officials_only(client: Client, world: World) -> None:
    board = text(client.get("/units/YD-ZRZY/"))
    assert "张明" in board
    assert [o["name"] for o in json.loads(text(client.get("/data/officials.json")))["rows"]] == ["张明"]
