"""The public power list: search, filters, pages, details and history, as anyone sees them."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sunlit.catalog import services
from sunlit.catalog.models import Category, LimitUnit, PowerItemVersion
from sunlit.core.clock import FixedClock
from sunlit.org.models import Official, Post, Unit
from tests import factories

ROAD_BASIS = {"law": "中华人民共和国公路法", "article": "第四十四条",
              "excerpt": "任何单位和个人不得擅自占用、挖掘公路。"}


def publish(unit: Unit, editor: Any, reviewer: Any, code: str, bases: list[dict[str, str]] | None = None,
            **content: Any) -> PowerItemVersion:
    version = factories.draft(unit, editor, code, bases=bases, **content)
    services.power_version_submit(version=version, actor=editor)
    return services.power_version_approve(version=version, reviewer=reviewer, comment="同意")


def republish(version: PowerItemVersion, editor: Any, reviewer: Any, reason: str,
              **content: Any) -> PowerItemVersion:
    new = services.power_version_draft(item=version.item, content=factories.content(**content),
                                       legal_bases=factories.LICENSING_BASIS, reason=reason, author=editor,
                                       submit=True)
    return services.power_version_approve(version=new, reviewer=reviewer, comment="同意")


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


@pytest.fixture
def town_staff(county: dict[str, Unit]) -> tuple[Any, Any]:
    return (factories.staff("town-editor", county["town"], factories.Role.EDITOR),
            factories.staff("town-reviewer", county["town"], factories.Role.REVIEWER))


@pytest.fixture
def listed(county: dict[str, Unit], editor: Any, reviewer: Any, town_staff: tuple[Any, Any]) -> None:
    land, town = county["land"], county["town"]
    publish(land, editor, reviewer, "XK-001", name="农村村民建房审批")
    publish(land, editor, reviewer, "XK-002", name="采矿许可证核发")
    publish(land, editor, reviewer, "CF-001", name="对违法占用土地的处罚", category=Category.PENALTY)
    publish(town, *town_staff, "XK-101", name="个人建房规划许可")
    publish(town, *town_staff, "JC-101", name="农房建设质量检查", category=Category.INSPECTION)


@pytest.mark.django_db
def test_list_orders_items_by_unit_then_code(client: Client, listed: None) -> None:
    # /YD/YD-GJ/ (贡江镇) sorts before /YD/YD-ZRZY/ (县自然资源局)
    assert names(client.get("/api/v1/powers")) == [
        "农房建设质量检查", "个人建房规划许可", "对违法占用土地的处罚", "农村村民建房审批", "采矿许可证核发"]


@pytest.mark.django_db
def test_filter_by_unit_shows_only_that_units_items(client: Client, listed: None) -> None:
    response = client.get("/api/v1/powers?unit=YD-GJ")
    assert names(response) == ["农房建设质量检查", "个人建房规划许可"]
    assert {i["unit_name"] for i in response.json()["items"]} == {"贡江镇"}


@pytest.mark.django_db
def test_filter_by_unit_with_sub_units_takes_in_the_whole_branch(client: Client, listed: None) -> None:
    assert client.get("/api/v1/powers?unit=YD&include_sub_units=true").json()["count"] == 5
    assert client.get("/api/v1/powers?unit=YD").json()["count"] == 0


@pytest.mark.django_db
def test_filter_by_category(client: Client, listed: None) -> None:
    response = client.get("/api/v1/powers?category=penalty")
    assert names(response) == ["对违法占用土地的处罚"]
    assert response.json()["items"][0]["category_label"] == "行政处罚"


@pytest.mark.django_db
def test_filters_combine(client: Client, listed: None) -> None:
    assert names(client.get("/api/v1/powers?unit=YD-ZRZY&category=licensing&q=建房")) == ["农村村民建房审批"]


@pytest.mark.django_db
def test_unknown_category_filter_is_refused_naming_the_field(client: Client, listed: None) -> None:
    response = client.get("/api/v1/powers?category=行政许可")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "category"


@pytest.mark.django_db
def test_two_character_chinese_term_finds_every_item_containing_it(client: Client, listed: None) -> None:
    assert sorted(names(client.get("/api/v1/powers?q=建房"))) == sorted(["个人建房规划许可", "农村村民建房审批"])


@pytest.mark.django_db
def test_search_finds_a_single_character_and_a_longer_phrase(client: Client, listed: None) -> None:
    assert names(client.get("/api/v1/powers?q=罚")) == ["对违法占用土地的处罚"]
    assert names(client.get("/api/v1/powers?q=违法占用土地")) == ["对违法占用土地的处罚"]


@pytest.mark.django_db
def test_search_by_exact_item_code(client: Client, listed: None) -> None:
    assert names(client.get("/api/v1/powers?q=xk-002")) == ["采矿许可证核发"]


@pytest.mark.django_db
def test_search_with_no_match_gives_an_empty_page(client: Client, listed: None) -> None:
    assert client.get("/api/v1/powers?q=婚姻登记").json() == {
        "count": 0, "page": 1, "page_size": 20, "items": [], "count_capped": False, "terms": ["婚姻登记"],
        "also_searched": []}


@pytest.mark.django_db
def test_search_term_with_like_wildcards_is_taken_literally(client: Client, listed: None) -> None:
    assert client.get("/api/v1/powers?q=%25").json()["count"] == 0
    assert client.get("/api/v1/powers?q=_").json()["count"] == 0


@pytest.mark.django_db
def test_pages_split_the_list_and_say_how_many_there_are(
    client: Client, county: dict[str, Unit], editor: Any, reviewer: Any
) -> None:
    for n in range(1, 26):
        publish(county["land"], editor, reviewer, f"XK-{n:03d}", name=f"事项{n:02d}")
    first = client.get("/api/v1/powers?page_size=10").json()
    third = client.get("/api/v1/powers?page=3&page_size=10").json()
    assert (first["count"], first["page"], first["page_size"]) == (25, 1, 10)
    assert [i["name"] for i in first["items"]] == [f"事项{n:02d}" for n in range(1, 11)]
    assert [i["name"] for i in third["items"]] == [f"事项{n:02d}" for n in range(21, 26)]
    assert client.get("/api/v1/powers").json()["page_size"] == 20


@pytest.mark.django_db
def test_a_page_beyond_the_end_is_empty_but_keeps_the_count(
    client: Client, county: dict[str, Unit], editor: Any, reviewer: Any
) -> None:
    publish(county["land"], editor, reviewer, "XK-001")
    assert client.get("/api/v1/powers?page=2").json() == {
        "count": 1, "page": 2, "page_size": 20, "items": [], "count_capped": False, "terms": [], "also_searched": []}


@pytest.mark.django_db
@pytest.mark.parametrize("query, field, status", [
    ("page=0", "page", 400), ("page=-1", "page", 400), ("page=二", "page", 400),  # the portal's rule (core.paging)
    ("page_size=0", "page_size", 422), ("page_size=101", "page_size", 422)])
def test_bad_paging_is_refused_naming_the_field(client: Client, listed: None, query: str, field: str,
                                                status: int) -> None:
    response = client.get(f"/api/v1/powers?{query}")
    assert response.status_code == status
    assert [e["field"] for e in response.json()["errors"]] == [field]


@pytest.mark.django_db
def test_detail_shows_the_published_content_with_legal_bases_and_limits(
    client: Client, county: dict[str, Unit], editor: Any, reviewer: Any, clock: FixedClock
) -> None:
    land = county["land"]
    post = Post.objects.create(unit=land, name="用途管制股")
    leader = Official.objects.create(name="李华", unit=land, title="副局长")
    version = publish(land, editor, reviewer, "XK-009",
                      bases=[*factories.LICENSING_BASIS, ROAD_BASIS],
                      name="公路用地许可", conditions="持有用地批准文件", materials="申请书\n用地批准文件",
                      statutory_limit=60, statutory_limit_unit=LimitUnit.CALENDAR_DAYS,
                      promised_limit=20, promised_limit_unit=LimitUnit.WORKING_DAYS,
                      handling_post=post.pk, responsible_leader=leader.pk, fees="不收费")
    detail = client.get(f"/api/v1/powers/{version.item_id}").json()
    current = detail["current"]
    assert (detail["code"], detail["unit"], detail["unit_name"]) == ("XK-009", "YD-ZRZY", "县自然资源局")
    assert current["name"] == "公路用地许可"
    assert current["category_label"] == "行政许可"
    assert current["statutory_limit_text"] == "60日"
    assert current["promised_limit_text"] == "20个工作日"
    assert (current["handling_post"], current["responsible_leader"]) == ("用途管制股", "李华")
    assert current["materials"] == "申请书\n用地批准文件"
    assert current["legal_bases"] == [
        {"law": "中华人民共和国行政许可法", "article": "第二十九条",
         "excerpt": factories.LICENSING_BASIS[0]["excerpt"]},
        ROAD_BASIS,
    ]
    assert current["reviewed_at"] == "2026-11-24T10:00:00+08:00"


@pytest.mark.django_db
def test_an_on_the_spot_limit_reads_jiban(client: Client, county: dict[str, Unit], editor: Any,
                                          reviewer: Any) -> None:
    version = publish(county["land"], editor, reviewer, "QR-001", name="土地权属确认",
                      category=Category.CONFIRMATION, promised_limit=0)
    summary = client.get("/api/v1/powers").json()["items"][0]
    assert (summary["statutory_limit"], summary["promised_limit"]) == ("20个工作日", "即办")
    assert client.get(f"/api/v1/powers/{version.item_id}").json()["current"]["promised_limit_text"] == "即办"


@pytest.mark.django_db
def test_after_a_second_approval_list_and_detail_show_the_new_content(
    client: Client, county: dict[str, Unit], editor: Any, reviewer: Any
) -> None:
    first = publish(county["land"], editor, reviewer, "XK-001", name="农村村民住宅建设审批")
    republish(first, editor, reviewer, "名称按省级目录规范", name="农村宅基地和村民建房审批", promised_limit=5)
    detail = client.get(f"/api/v1/powers/{first.item_id}").json()["current"]
    assert (detail["number"], detail["name"], detail["promised_limit_text"]) == (2, "农村宅基地和村民建房审批", "5个工作日")
    summary = client.get("/api/v1/powers").json()["items"]
    assert [(s["name"], s["version"]) for s in summary] == [("农村宅基地和村民建房审批", 2)]
    assert client.get("/api/v1/powers?q=住宅").json()["count"] == 0


@pytest.mark.django_db
def test_history_lists_approved_versions_newest_first_with_their_reasons(
    client: Client, county: dict[str, Unit], editor: Any, reviewer: Any, clock: FixedClock
) -> None:
    first = publish(county["land"], editor, reviewer, "XK-001", name="农村村民住宅建设审批")
    clock.advance(days=30)
    republish(first, editor, reviewer, "名称按省级目录规范", name="农村宅基地和村民建房审批")
    clock.advance(days=30)
    services.power_version_draft(item=first.item, content=factories.content(name="尚未审核的名称"),
                                 legal_bases=factories.LICENSING_BASIS, reason="草稿", author=editor)
    history = client.get(f"/api/v1/powers/{first.item_id}/history").json()
    assert [(v["number"], v["name"], v["reason"], v["change_kind"]) for v in history] == [
        (2, "农村宅基地和村民建房审批", "名称按省级目录规范", "change"),
        (1, "农村村民住宅建设审批", "新增事项", "create"),
    ]
    assert [v["reviewed_at"][:10] for v in history] == ["2026-12-24", "2026-11-24"]


@pytest.mark.django_db
def test_unknown_item_answers_404_naming_the_id(client: Client, county: dict[str, Unit]) -> None:
    response = client.get("/api/v1/powers/987654")
    assert response.status_code == 404
    assert response.json()["errors"] == [{"field": "id", "message": "事项不存在或未公开"}]


def _count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_list_takes_the_same_number_of_queries_for_10_or_50_items(
    client: Client, county: dict[str, Unit], editor: Any, reviewer: Any
) -> None:
    leader = Official.objects.create(name="李华", unit=county["land"], title="副局长")
    main = publish(county["land"], editor, reviewer, "XK-000", name="主项")
    for n in range(1, 50):
        version = factories.draft(county["land"], editor, f"XK-{n:03d}", responsible_leader=leader.pk)
        if n % 2:
            # sub-items show their main item; a lazy parent lookup would add a query per row
            version.item.parent = main.item
            version.item.save(update_fields=["parent"])
        services.power_version_submit(version=version, actor=editor)
        services.power_version_approve(version=version, reviewer=reviewer)
    ten = _count_queries(client, "/api/v1/powers?page_size=10")
    fifty = _count_queries(client, "/api/v1/powers?page_size=50")
    assert ten == fifty <= 2
    assert len(client.get("/api/v1/powers?page_size=50").json()["items"]) == 50


@pytest.mark.django_db
def test_detail_takes_the_same_number_of_queries_for_1_or_5_legal_bases(
    client: Client, county: dict[str, Unit], editor: Any, reviewer: Any
) -> None:
    land = county["land"]
    post = Post.objects.create(unit=land, name="审批股")
    leader = Official.objects.create(name="李华", unit=land, title="副局长")
    five = [{"law": f"法规{n}", "article": f"第{n}条", "excerpt": f"条文{n}"} for n in range(1, 6)]
    one = publish(land, editor, reviewer, "XK-001", handling_post=post.pk, responsible_leader=leader.pk)
    many = publish(land, editor, reviewer, "XK-002", bases=five, handling_post=post.pk,
                   responsible_leader=leader.pk)
    assert _count_queries(client, f"/api/v1/powers/{one.item_id}") == \
        _count_queries(client, f"/api/v1/powers/{many.item_id}")
    assert len(client.get(f"/api/v1/powers/{many.item_id}").json()["current"]["legal_bases"]) == 5


@pytest.mark.django_db
def test_history_takes_the_same_number_of_queries_for_1_or_4_versions(
    client: Client, county: dict[str, Unit], editor: Any, reviewer: Any
) -> None:
    land = county["land"]
    post = Post.objects.create(unit=land, name="审批股")
    leader = Official.objects.create(name="李华", unit=land, title="副局长")
    one = publish(land, editor, reviewer, "XK-001", handling_post=post.pk, responsible_leader=leader.pk)
    many = publish(land, editor, reviewer, "XK-002", handling_post=post.pk, responsible_leader=leader.pk)
    for n in range(3):
        republish(many, editor, reviewer, f"第{n}次调整", handling_post=post.pk, responsible_leader=leader.pk)
    assert _count_queries(client, f"/api/v1/powers/{one.item_id}/history") == \
        _count_queries(client, f"/api/v1/powers/{many.item_id}/history")
    assert len(client.get(f"/api/v1/powers/{many.item_id}/history").json()) == 4


@pytest.mark.django_db
def test_openapi_document_lists_the_public_and_staff_paths(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/units", "/api/v1/officials", "/api/v1/powers", "/api/v1/powers/{item_id}",
                 "/api/v1/powers/{item_id}/history", "/api/v1/powers/{item_id}/versions",
                 "/api/v1/versions/{version_id}/approve"):
        assert path in paths
    assert "post" in paths["/api/v1/powers"] and "get" in paths["/api/v1/powers"]


@pytest.mark.django_db
def test_json_carries_chinese_as_written_not_escaped(client: Client, listed: None) -> None:
    item_id = client.get("/api/v1/powers").json()["items"][0]["id"]
    for url in ("/api/v1/powers?q=建房", "/api/v1/units", f"/api/v1/powers/{item_id}",
                f"/api/v1/powers/{item_id}/history", "/api/v1/powers/0", "/api/v1/powers?page=0"):
        raw = client.get(url).content
        assert b"\\u" not in raw, url
    assert "农村村民建房审批".encode() in client.get("/api/v1/powers?q=建房").content


def test_openapi_document_lists_the_paths_in_readable_chinese(db: None) -> None:
    from django.test import Client

    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/powers" in response.json()["paths"]
    assert "权力清单" in response.content.decode()
