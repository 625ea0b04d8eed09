"""A resident searches in their own words on a phone, in a real Chromium."""

from __future__ import annotations

from typing import Any

from sunlit.catalog.models import SearchSynonym
from sunlit.catalog.search import synonyms
from tests.browser.conftest import needs_chromium
from tests.catalog.test_search import LAND_LAW, publish

pytestmark = needs_chromium




def test_resident_types_gai_fangzi_on_a_phone_and_reaches_house_building(
        transactional_db: None, phone: Any, live_server: Any, county: Any, editor: Any, reviewer: Any) -> None:
    # The migration seeds this word; the live server's tests start from empty tables, so staff add it here.
    if not SearchSynonym.objects.filter(phrase="盖房子").exists():
        synonyms.synonym_create(phrase="盖房子", words="建房、宅基地、住宅", actor=editor)
    publish(county["land"], editor, reviewer, "XK-002", "农村村民住宅用地审批", LAND_LAW)
    publish(county["land"], editor, reviewer, "XK-010", "采矿许可证核发")

    phone.goto(live_server.url + "/")
    phone.fill("input[name=q]", "盖房子")
    phone.click("button[type=submit]")
    assert phone.locator("p.also").inner_text().startswith("也为您查找了：建房、宅基地、住宅")
    assert phone.locator("mark").first.inner_text() == "住宅"
    assert "采矿许可证核发" not in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # the results fit the phone
    phone.get_by_role("link", name="农村村民住宅用地审批").click()
    assert phone.locator("h1").inner_text() == "农村村民住宅用地审批"
    assert "《中华人民共和国土地管理法》第六十二条" in phone.content()
