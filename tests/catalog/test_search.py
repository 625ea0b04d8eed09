"""Search residents can use, on the public API and the portal (both databases run these)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from sunlit.catalog import services
from sunlit.catalog.models import Category, PowerItemVersion, PowerSearchEntry, SearchSynonym
from sunlit.catalog.search import index, synonyms
from sunlit.catalog.search.text import MAX_QUERY_LENGTH, NAME_CHARS, indexed, parse
from sunlit.core.models import Event
from sunlit.org.models import Unit
from tests import factories
from tests.planted import MARKERS, World, world  # noqa: F401  (the planted non-public records)

LAND_LAW = [{"law": "中华人民共和国土地管理法", "article": "第六十二条", "excerpt": "农村村民一户只能拥有一处宅基地。"}]
ROAD_LAW = [{"law": "中华人民共和国公路法", "article": "第四十四条", "excerpt": "任何单位和个人不得擅自占用、挖掘公路。"}]


def publish(unit: Unit, editor: Any, reviewer: Any, code: str, name: str, bases: list[dict[str, str]] | None = None,
            **content: Any) -> PowerItemVersion:
    version = factories.draft(unit, editor, code, bases=bases, name=name, **content)
    services.power_version_submit(version=version, actor=editor)
    return services.power_version_approve(version=version, reviewer=reviewer, comment="同意")


def found(client: Client, q: str, **params: Any) -> list[str]:
    response = client.get("/api/v1/powers", {"q": q, **params})
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


def portal(client: Client, q: str) -> str:
    return client.get("/powers/", {"q": q}).content.decode()


@pytest.fixture
def listed(county: dict[str, Unit], editor: Any, reviewer: Any) -> dict[str, PowerItemVersion]:
    land = county["land"]
    return {
        "house": publish(land, editor, reviewer, "XK-001", "农村村民建房审批", LAND_LAW),
        "home": publish(land, editor, reviewer, "XK-002", "农村村民住宅用地审批", LAND_LAW),
        "mine": publish(land, editor, reviewer, "XK-010", "采矿许可证核发"),
        "help": publish(land, editor, reviewer, "QT-001", "土地执法（协助）", LAND_LAW, category=Category.OTHER),
        "fine": publish(land, editor, reviewer, "CF-001", "对违法占用土地的处罚", LAND_LAW, category=Category.PENALTY),
    }


def test_terms_separated_by_a_space_must_all_match(client: Client, listed: dict[str, PowerItemVersion]) -> None:
    assert found(client, "村民 建房") == ["农村村民建房审批"]
    assert found(client, "村民　审批") == ["农村村民建房审批", "农村村民住宅用地审批"]  # an ideographic space too
    assert found(client, "村民 采矿") == []


def test_two_character_words_and_single_characters_are_found(client: Client, listed: dict[str, PowerItemVersion]) -> None:
    assert found(client, "建房") == ["农村村民建房审批"]
    assert found(client, "罚") == ["对违法占用土地的处罚"]


def test_pairs_that_occur_apart_do_not_make_a_match(client: Client, county: dict[str, Unit], editor: Any,
                                                    reviewer: Any) -> None:
    publish(county["land"], editor, reviewer, "XK-020", "村民建设与建房审批")  # 村民, 民建 and 建房, apart
    assert found(client, "村民建房") == []
    assert found(client, "村民建设") == ["村民建设与建房审批"]


def test_brackets_width_and_case_do_not_matter(client: Client, listed: dict[str, PowerItemVersion]) -> None:
    assert found(client, "(协助)") == found(client, "（协助）") == found(client, "【协助】") == ["土地执法（协助）"]
    assert found(client, "ｘｋ－００２") == found(client, "XK-002") == ["农村村民住宅用地审批"]


def test_codes_are_found_by_prefix_not_by_a_middle_part(client: Client, listed: dict[str, PowerItemVersion]) -> None:
    assert found(client, "xk-00") == ["农村村民建房审批", "农村村民住宅用地审批"]
    assert found(client, "XK") == ["农村村民建房审批", "农村村民住宅用地审批", "采矿许可证核发"]
    assert found(client, "K-00") == []


def test_results_rank_the_name_then_the_code_then_the_legal_basis(client: Client, county: dict[str, Unit],
                                                                 editor: Any, reviewer: Any) -> None:
    land = county["land"]
    # Written in the reverse of their rank, so the order shown is the ranking's, not the rows'.
    publish(land, editor, reviewer, "ZF-009", "占用挖掘道路许可", ROAD_LAW)  # 公路 in its legal basis only
    publish(land, editor, reviewer, "公路-001", "超限运输车辆行驶审批")  # a code starting 公路
    publish(land, editor, reviewer, "JT-003", "公路超限检测站设置审批")  # 公路 in its name
    assert found(client, "公路") == ["公路超限检测站设置审批", "超限运输车辆行驶审批", "占用挖掘道路许可"]


@pytest.mark.parametrize(("dense", "head"), [(1, 0), (2, 0), (1000, 0), (1000, 2), (1, 3), (1000, 4000)])
def test_the_ranking_is_the_same_however_many_matches_a_tier_has(client: Client, listed: dict[str, PowerItemVersion],
                                                                 monkeypatch: pytest.MonkeyPatch, dense: int,
                                                                 head: int) -> None:
    # PostgreSQL reads the HEAD rows at the list's head first, then a tier with DENSE matches or more in item
    # order, a smaller one whole (index.HEAD, index.DENSE): every way gives the same ranking.
    monkeypatch.setattr(index, "DENSE", dense)
    monkeypatch.setattr(index, "HEAD", head)
    assert found(client, "土地") == ["土地执法（协助）", "对违法占用土地的处罚", "农村村民建房审批", "农村村民住宅用地审批"]
    assert found(client, "xk", page_size=2, page=2) == ["采矿许可证核发"]


def test_the_legal_basis_is_searched_by_law_name_and_article(client: Client, listed: dict[str, PowerItemVersion]) -> None:
    assert "农村村民建房审批" in found(client, "土地管理法 第六十二条")
    assert found(client, "一户只能拥有一处") == []  # excerpts are not searched: their words are everywhere


def test_filters_combine_with_a_search(client: Client, listed: dict[str, PowerItemVersion], county: dict[str, Unit],
                                       town_staff: tuple[Any, Any]) -> None:
    publish(county["town"], *town_staff, "GJ-001", "个人建房规划许可")
    assert found(client, "建房") == ["农村村民建房审批", "个人建房规划许可"]
    assert found(client, "建房", unit="YD-GJ") == ["个人建房规划许可"]
    assert found(client, "建房", unit="YD", include_sub_units="true") == ["农村村民建房审批", "个人建房规划许可"]
    assert found(client, "土地", category="penalty") == ["对违法占用土地的处罚"]


def test_pages_of_results_follow_the_ranking_without_repeats(client: Client, county: dict[str, Unit], editor: Any,
                                                             reviewer: Any) -> None:
    for n in range(5):
        publish(county["land"], editor, reviewer, f"JC-{n}", f"建房质量检查{n}", LAND_LAW)
        publish(county["land"], editor, reviewer, f"ZZ-{n}", f"宅基地审批{n}", [{"law": "建房管理办法"}])
    first = found(client, "建房", page_size=4)
    rest = found(client, "建房", page_size=4, page=2) + found(client, "建房", page_size=4, page=3)
    assert first + rest == [f"建房质量检查{n}" for n in range(5)] + [f"宅基地审批{n}" for n in range(5)]


def test_matches_are_marked_on_the_results_page_escaped_first(client: Client, county: dict[str, Unit], editor: Any,
                                                             reviewer: Any) -> None:
    publish(county["land"], editor, reviewer, "XK-030", "<b>村民</b>建房审批")
    page = portal(client, "建房")
    assert "&lt;b&gt;村民&lt;/b&gt;<mark>建房</mark>审批" in page
    assert "<b>村民</b>" not in page


def test_residents_words_widen_the_search_and_the_page_says_so(client: Client,
                                                               listed: dict[str, PowerItemVersion]) -> None:
    # Seeded by the migration (a test after a flushed live-server test finds the table empty: add it back).
    SearchSynonym.objects.get_or_create(phrase="盖房子", defaults={"words": "建房、宅基地、住宅、农房"})
    response = client.get("/api/v1/powers", {"q": "盖房子"}).json()
    assert [i["name"] for i in response["items"]] == ["农村村民建房审批", "农村村民住宅用地审批"]
    assert response["terms"] == ["盖房子"]
    assert {"建房", "宅基地", "住宅"} <= set(response["also_searched"])
    page = portal(client, "盖房子")
    assert "也为您查找了：<strong>建房</strong>、<strong>宅基地</strong>" in page
    assert "农村村民<mark>住宅</mark>用地审批" in page
    assert "也为您查找了" not in portal(client, "建房")


def test_staff_add_a_residents_word_and_it_counts_at_once(client: Client, listed: dict[str, PowerItemVersion],
                                                          editor: Any) -> None:
    assert found(client, "挖矿") == []
    synonym = synonyms.synonym_create(phrase="挖矿", words="采矿、矿产", actor=editor)
    assert found(client, "挖矿") == ["采矿许可证核发"]
    synonyms.synonym_change(synonym=synonym, phrase="挖矿", words="矿产", actor=editor)
    assert found(client, "挖矿") == []
    actions = list(Event.objects.filter(object_type="catalog.searchsynonym").values_list("action", flat=True))
    assert actions == ["catalog.synonym.create", "catalog.synonym.change"]


def test_a_residents_word_is_refused_naming_the_field(editor: Any, county: dict[str, Unit]) -> None:
    from sunlit.core.errors import DomainError

    with pytest.raises(DomainError) as no_words:
        synonyms.synonym_create(phrase="开矿", words=" 、 ", actor=editor)
    assert no_words.value.field == "words"
    with pytest.raises(DomainError) as again:
        synonyms.synonym_create(phrase="盖房子", words="建房", actor=editor)
    assert (again.value.field, again.value.message) == ("phrase", "“盖房子”已有对应用语，请修改原条目")
    outsider = factories.staff("outsider", county["land"])
    with pytest.raises(DomainError) as refused:
        synonyms.synonym_create(phrase="开矿", words="采矿", actor=outsider)
    assert refused.value.status == 403
    assert not SearchSynonym.objects.filter(phrase="开矿").exists()


def test_the_admin_saves_a_residents_word_through_the_service(client: Client, county: dict[str, Unit]) -> None:
    from django.contrib.auth.models import User

    User.objects.create_superuser("root", password="pw-root-123456")
    client.login(username="root", password="pw-root-123456")
    response = client.post("/admin/catalog/searchsynonym/add/", {"phrase": "ＫＴＶ", "words": "娱乐场所"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SearchSynonym.objects.get(phrase="ktv").words == "娱乐场所"
    assert Event.objects.filter(action="catalog.synonym.create").count() == 1


def test_a_too_long_query_gets_the_same_message_on_the_portal_and_in_the_api(client: Client,
                                                                            listed: dict[str, PowerItemVersion]) -> None:
    q = "建" * (MAX_QUERY_LENGTH + 1)
    api = client.get("/api/v1/powers", {"q": q})
    page = client.get("/powers/", {"q": q})
    assert api.status_code == page.status_code == 400
    message = api.json()["errors"][0]["message"]
    assert api.json()["errors"][0]["field"] == "q" and f"最多{MAX_QUERY_LENGTH}个字" in message
    assert message in page.content.decode()
    assert client.get("/api/v1/powers", {"q": "建" * MAX_QUERY_LENGTH}).status_code == 200


def test_more_than_the_cap_is_counted_as_cap_plus(client: Client, listed: dict[str, PowerItemVersion],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index, "COUNT_CAP", 2)
    response = client.get("/api/v1/powers", {"q": "土地"}).json()
    assert (response["count"], response["count_capped"]) == (2, True)
    assert len(response["items"]) == 4  # every match can still be paged through
    assert "共 2+ 项" in portal(client, "土地")
    exact = client.get("/api/v1/powers", {"q": "村民"}).json()
    assert (exact["count"], exact["count_capped"]) == (2, False)


@pytest.mark.parametrize("shares", [{"nc": 0.0, "ncb": 0.0}, {"nc": 0.5, "ncb": 0.5}, {"nc": 0.0, "ncb": 0.5},
                                    {"nc": 0.5, "ncb": 1.0}])
@pytest.mark.parametrize("rows", [1, 2, 3, 12])
def test_the_count_is_the_same_whichever_way_it_is_taken(client: Client, listed: dict[str, PowerItemVersion],
                                                         county: dict[str, Unit], editor: Any, reviewer: Any,
                                                         monkeypatch: pytest.MonkeyPatch, shares: dict[str, float],
                                                         rows: int) -> None:
    # PostgreSQL counts a word its statistics call common by reading rows in item order (names from the covering
    # index, or every field when the legal bases make it common): a sample, then as many rows as the sample says
    # (up to a limit), before the GIN index.
    publish(county["land"], editor, reviewer, "GL-001", "公路路政许可", ROAD_LAW)
    publish(county["land"], editor, reviewer, "GL-002", "超限运输审批", ROAD_LAW)  # 公路 in its legal basis only
    monkeypatch.setattr(index, "share", lambda query, marks, _: shares[marks])
    monkeypatch.setattr(index, "COUNT_CAP", 2)
    for name in ("NAME_SAMPLE", "BASIS_SAMPLE"):  # a sample of `rows`, then the rest as the sample says
        monkeypatch.setattr(index, name, rows)
    for name in ("PROVE_ROWS", "BASIS_ROWS"):
        monkeypatch.setattr(index, name, 12)
    counted = {q: (body["count"], body["count_capped"])
               for q in ("土地", "村民", "公路", "土地管理法", "采矿", "无此事项")
               for body in [client.get("/api/v1/powers", {"q": q}).json()]}
    assert counted == {"土地": (2, True), "村民": (2, False), "公路": (2, False), "土地管理法": (2, True),
                       "采矿": (1, False), "无此事项": (0, False)}


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL only: SQLite keeps no such statistics")
def test_postgresql_statistics_say_how_common_each_gram_is(listed: dict[str, PowerItemVersion],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index, "_statistics", None)  # read afresh, not from an earlier test's database
    index.rebuild()  # takes the table's statistics at its end, as after any bulk load
    with connection.cursor() as cursor:
        shares = index.gram_shares(cursor)
    assert shares["n村民"] == pytest.approx(2 / 5) and shares["b土地"] == pytest.approx(4 / 5)
    assert index.share(parse("村民建房"), "n", shares) == pytest.approx(1 / 5)  # its rarest pair, 民建
    assert index.share(parse("土地"), "nb", shares) == pytest.approx(2 / 5 + 4 / 5)  # in a name, or a basis
    # Both terms must match: the rarer bounds the query; 村民 is in no basis, so its share there is at most the
    # rarest listed gram's.
    rarest = min(shares.values())
    assert index.share(parse("土地 村民"), "nb", shares) == pytest.approx(2 / 5 + rarest)


def test_a_name_that_normalisation_lengthens_is_still_published_and_found(client: Client, county: dict[str, Unit],
                                                                         editor: Any, reviewer: Any) -> None:
    # NFKC makes each ﷺ 18 characters: 200 of them would be 10 kB, past what PostgreSQL's B-tree takes.
    publish(county["land"], editor, reviewer, "XK-099", "ﷺ" * 198 + "审批")
    entry = PowerSearchEntry.objects.get(item__code="XK-099")
    assert len(entry.name) == NAME_CHARS
    assert found(client, "ﷺ") == ["ﷺ" * 198 + "审批"]


def test_a_new_version_moves_the_item_in_the_index(client: Client, listed: dict[str, PowerItemVersion], editor: Any,
                                                   reviewer: Any) -> None:
    new = services.power_version_draft(item=listed["mine"].item, content=factories.content(name="矿产资源开采许可"),
                                       legal_bases=factories.LICENSING_BASIS, reason="更名", author=editor, submit=True)
    assert found(client, "矿产") == []  # pending: the published name stands
    services.power_version_approve(version=new, reviewer=reviewer)
    assert found(client, "矿产") == ["矿产资源开采许可"]
    assert found(client, "采矿许可证") == []


def test_cancelled_items_leave_the_index(client: Client, listed: dict[str, PowerItemVersion], editor: Any,
                                         reviewer: Any) -> None:
    cancel = services.power_item_cancel(item=listed["house"].item, reason="职能划转", author=editor)
    services.power_version_approve(version=cancel, reviewer=reviewer)
    assert found(client, "建房") == []
    assert not PowerSearchEntry.objects.filter(item=listed["house"].item).exists()


def test_search_never_shows_what_the_public_path_refuses_even_if_the_index_holds_it(
        client: Client, listed: dict[str, PowerItemVersion], county: dict[str, Unit], editor: Any) -> None:
    marker = "未公开标记事项"
    draft = factories.draft(county["land"], editor, "CG-001", name=marker)
    # Planted past the services, as a stale or corrupted index could hold it.
    PowerSearchEntry.objects.create(item=draft.item, unit=county["land"], category=Category.LICENSING,
                                    **indexed(name=marker, code="CG-001", basis=""))
    for q in ("标记", "公开标记", "cg-001", "CG"):
        assert client.get("/api/v1/powers", {"q": q}).json()["items"] == []
        assert marker not in portal(client, q)
    assert found(client, "村民 审批 标记") == []


def test_reindexing_rebuilds_what_the_services_kept(client: Client, listed: dict[str, PowerItemVersion]) -> None:
    kept = sorted(PowerSearchEntry.objects.values_list("item_id", "grams"))
    PowerSearchEntry.objects.all().delete()
    assert found(client, "建房") == []
    call_command("reindex_search")
    assert sorted(PowerSearchEntry.objects.values_list("item_id", "grams")) == kept
    assert found(client, "建房") == ["农村村民建房审批"]


@pytest.fixture
def town_staff(county: dict[str, Unit]) -> tuple[Any, Any]:
    return (factories.staff("town-editor", county["town"], factories.Role.EDITOR),
            factories.staff("town-reviewer", county["town"], factories.Role.REVIEWER))


def test_no_search_shows_any_planted_non_public_marker(client: Client, world: World) -> None:  # noqa: F811
    """Every kind of non-public record of the visibility sweep (drafts, pending and rejected changes,
    cancelled items — one flagged past the services, so the index still holds it —, internal and secret
    ones) searched by its marker's parts on the API and the portal: none is ever shown."""
    parts = {"marker", "草稿", "待审"}
    for marker in MARKERS.values():
        _, words, tag = marker.split("-")
        parts |= {words, tag, words[:2]}
    for q in sorted(parts):
        api = client.get("/api/v1/powers", {"q": q, "page_size": 100})
        page = client.get("/powers/", {"q": q})
        for body in (api.content.decode(), page.content.decode()):
            leaked = [name for name, marker in MARKERS.items() if marker in body]
            assert not leaked, f"{q} shows {leaked}"
        assert {i["id"] for i in api.json()["items"]} <= set(world.public_names), q
    assert [i["name"] for i in client.get("/api/v1/powers", {"q": "采矿权"}).json()["items"]] == ["采矿权登记"]
