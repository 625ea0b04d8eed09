"""A law's name is stored without book-title marks and shown with exactly one pair, wherever it came from
(console form, API, Excel) and wherever it is read (pages, API, export)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from sunlit.catalog.models import LegalBasis
from sunlit.catalog.rules import format_legal_bases, parse_legal_bases
from sunlit.core.lawnames import law_name, law_title
from sunlit.org.models import Unit
from tests import factories


@pytest.mark.parametrize(("written", "stored"), [
    ("中华人民共和国土地管理法", "中华人民共和国土地管理法"),
    ("《中华人民共和国土地管理法》", "中华人民共和国土地管理法"),
    ("《《中华人民共和国土地管理法》》", "中华人民共和国土地管理法"),
    (" 《 中华人民共和国土地管理法 》 ", "中华人民共和国土地管理法"),
    ("<城乡规划法>", "城乡规划法"),
    ("〈村庄和集镇规划建设管理条例〉", "村庄和集镇规划建设管理条例"),
    ("《关于修改〈中华人民共和国行政许可法〉的决定》", "关于修改〈中华人民共和国行政许可法〉的决定"),
    ("《中华人民共和国行政许可法》（2019年修正）", "中华人民共和国行政许可法（2019年修正）"),
])
def test_the_stored_name_has_no_marks_around_it(written: str, stored: str) -> None:
    assert law_name(written) == stored
    assert law_title(written) == f"《{stored}》"


@given(st.text(alphabet="《》〈〉<>土地管理法 ", max_size=12))
def test_a_title_never_doubles_its_marks_and_naming_twice_changes_nothing(text: str) -> None:
    assert law_name(law_name(text)) == law_name(text)
    title = law_title(text)
    assert not title.startswith("《《") or law_name(text).startswith("《")


def test_a_cell_with_doubled_marks_reads_as_one_law() -> None:
    bases = parse_legal_bases("《《中华人民共和国土地管理法》》第六十二条：农村村民一户只能拥有一处宅基地。")
    assert bases == [{"law": "中华人民共和国土地管理法", "article": "第六十二条",
                      "excerpt": "农村村民一户只能拥有一处宅基地。"}]
    assert format_legal_bases(bases) == "《中华人民共和国土地管理法》第六十二条：农村村民一户只能拥有一处宅基地。"


def test_a_law_that_is_only_marks_is_refused(county: dict[str, Unit], editor: User) -> None:
    from sunlit.catalog.services import ContentInvalid

    with pytest.raises(ContentInvalid) as refused:
        factories.draft(county["land"], editor, bases=[{"law": "《》", "article": "第一条"}])
    assert [(e.field, e.message) for e in refused.value.errors] == [("legal_bases[0].law", "设定依据缺少法律法规名称")]


def test_the_api_stores_the_name_bare_and_every_reader_shows_one_pair(county: dict[str, Unit], editor: User,
                                                                     reviewer: User) -> None:
    version = factories.published(county["land"], editor, reviewer,
                                  bases=[{"law": "《中华人民共和国土地管理法》", "article": "第六十二条"}])
    assert LegalBasis.objects.get(version=version).law == "中华人民共和国土地管理法"
    api = Client().get(f"/api/v1/powers/{version.item_id}").json()
    assert api["current"]["legal_bases"][0]["law"] == "中华人民共和国土地管理法"
    page = Client().get(f"/powers/{version.item_id}/").content.decode()
    assert "《中华人民共和国土地管理法》第六十二条" in page and "《《" not in page


def test_a_name_stored_with_marks_before_the_rule_reads_right(county: dict[str, Unit], editor: User,
                                                              reviewer: User) -> None:
    version = factories.published(county["land"], editor, reviewer)
    LegalBasis.objects.filter(version=version).update(law="《中华人民共和国行政许可法》")  # as stored before
    api = Client().get(f"/api/v1/powers/{version.item_id}").json()
    assert api["current"]["legal_bases"][0]["law"] == "中华人民共和国行政许可法"
    page = Client().get(f"/powers/{version.item_id}/").content.decode()
    assert "《中华人民共和国行政许可法》第二十九条" in page and "《《" not in page
