"""A unit's category flow (类别流程图) has its own public page and API: the chart with its text alternative,
and the items that follow it (those without a flow of their own)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from sunlit.catalog.models import PowerItemVersion
from sunlit.flows import services
from sunlit.org.models import Post, Unit
from tests import factories
from tests.flows.conftest import LICENSING_TRANSITIONS, licensing_steps

pytestmark = pytest.mark.django_db


@pytest.fixture
def template(county: dict[str, Unit], posts: dict[str, Post], editor: Any, reviewer: Any) -> None:
    version = services.flow_version_create(unit=county["land"], category="licensing", steps=licensing_steps(posts),
                                           transitions=LICENSING_TRANSITIONS, reason="编制类别流程图", author=editor,
                                           submit=True)
    services.flow_version_approve(version=version, reviewer=reviewer)


def test_the_category_page_shows_the_chart_its_steps_and_the_items_that_follow_it(
        county: dict[str, Unit], template: None, item: PowerItemVersion, posts: dict[str, Post], editor: Any,
        reviewer: Any) -> None:
    own = factories.published(county["land"], editor, reviewer, code="XK-002", name="采矿权审批", promised_limit=20)
    version = services.flow_version_create(item=own.item, steps=licensing_steps(posts),
                                           transitions=LICENSING_TRANSITIONS, reason="项目流程图", author=editor,
                                           submit=True)
    services.flow_version_approve(version=version, reviewer=reviewer)

    page = Client().get("/units/YD-ZRZY/flows/licensing/")
    text = page.content.decode()

    assert page.status_code == 200 and "县自然资源局行政许可类事项流程图" in text
    assert '<img src="/api/v1/units/YD-ZRZY/flows/licensing/flow.svg"' in text
    assert "审批岗" in text and "不计时" in text  # the steps as text, for screen readers and phones
    assert item.name in text and "采矿权审批" not in text  # an item with its own flow follows that one
    unit_page = Client().get("/units/YD-ZRZY/").content.decode()
    assert 'href="/units/YD-ZRZY/flows/licensing/"' in unit_page
    item_page = Client().get(f"/powers/{item.item_id}/").content.decode()
    assert 'href="/units/YD-ZRZY/flows/licensing/"' in item_page


def test_the_category_flow_in_the_api(template: None) -> None:
    svg = Client().get("/api/v1/units/YD-ZRZY/flows/licensing/flow.svg")
    document = Client().get("/api/v1/units/YD-ZRZY/flows/licensing").json()

    assert svg["Content-Type"].startswith("image/svg+xml") and "受理" in svg.content.decode()
    assert document["source"] == "category" and [s["key"] for s in document["steps"]][:2] == ["apply", "accept"]


@pytest.mark.parametrize("path", ["/units/YD-ZRZY/flows/penalty/", "/units/YD-ZRZY/flows/nonsense/",
                                  "/units/NOPE/flows/licensing/"])
def test_a_category_without_a_published_flow_is_not_found(template: None, path: str) -> None:
    assert Client().get(path).status_code == 404
    api = Client().get("/api/v1" + path.rstrip("/"))
    assert api.status_code == 404 and api.json()["errors"][0]["field"] == "category"


def test_a_draft_category_flow_is_not_shown(county: dict[str, Unit], posts: dict[str, Post], editor: Any) -> None:
    services.flow_version_create(unit=county["land"], category="licensing", steps=licensing_steps(posts),
                                 transitions=LICENSING_TRANSITIONS, reason="草稿", author=editor)
    assert Client().get("/units/YD-ZRZY/flows/licensing/").status_code == 404
