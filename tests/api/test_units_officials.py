"""The public units tree and officials' board (亮权), as anyone reads them without a login."""

from __future__ import annotations

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from sunlit.core.visibility import Audience, Exemption
from sunlit.org.models import Official, PortfolioArea, Unit


@pytest.fixture
def board(county: dict[str, Unit]) -> dict[str, Official]:
    land, town = county["land"], county["town"]
    planning = PortfolioArea.objects.create(code="GH", name="规划管理")
    party = PortfolioArea.objects.create(code="DJ", name="党建")
    head = Official.objects.create(name="张明", unit=land, title="局长", duties="主持全面工作",
                                   public_phone="0797-6221001", sort_order=1)
    deputy = Official.objects.create(name="李华", unit=land, title="副局长", duties="分管规划", sort_order=2)
    deputy.portfolio.add(planning, party)
    mayor = Official.objects.create(name="王强", unit=town, title="镇长", sort_order=1)
    Official.objects.create(name="赵内", unit=land, title="科员", audience=Audience.INTERNAL)
    Official.objects.create(name="钱密", unit=town, title="专职", exemption=Exemption.PERSONAL_PRIVACY)
    return {"head": head, "deputy": deputy, "mayor": mayor}


@pytest.mark.django_db
def test_units_are_listed_as_a_tree_with_chinese_kinds(client: Client, county: dict[str, Unit]) -> None:
    units = client.get("/api/v1/units").json()
    assert [u["code"] for u in units] == ["YD", "YD-CZ", "YD-GJ", "YD-GJ-CX", "YD-ZRZY"]
    village = next(u for u in units if u["code"] == "YD-GJ-CX")
    assert village == {"code": "YD-GJ-CX", "name": "长新村", "kind": "village", "kind_label": "村（社区）",
                       "parent": "YD-GJ"}
    assert units[0]["parent"] is None


@pytest.mark.django_db
def test_board_shows_public_officials_by_unit_then_rank(client: Client, board: dict[str, Official]) -> None:
    # /YD/YD-GJ/ (贡江镇) sorts before /YD/YD-ZRZY/ (县自然资源局)
    assert [o["name"] for o in client.get("/api/v1/officials").json()] == ["王强", "张明", "李华"]


@pytest.mark.django_db
def test_an_official_shows_title_duties_phone_and_portfolio(client: Client, board: dict[str, Official]) -> None:
    shown = {o["name"]: o for o in client.get("/api/v1/officials").json()}
    assert shown["李华"]["portfolio"] == ["党建", "规划管理"]
    assert shown["张明"] == {"id": board["head"].pk, "name": "张明", "title": "局长", "duties": "主持全面工作",
                            "unit": "YD-ZRZY", "unit_name": "县自然资源局", "public_phone": "0797-6221001",
                            "photo": None, "portfolio": []}


@pytest.mark.django_db
def test_internal_and_exempt_officials_are_not_on_the_board(client: Client, board: dict[str, Official]) -> None:
    assert Official.objects.filter(name__in=["赵内", "钱密"]).count() == 2  # they exist, in both units
    names = {o["name"] for o in client.get("/api/v1/officials").json()}
    assert names == {"王强", "张明", "李华"}
    assert [o["name"] for o in client.get("/api/v1/officials?unit=YD-GJ").json()] == ["王强"]


@pytest.mark.django_db
def test_board_of_one_unit(client: Client, board: dict[str, Official]) -> None:
    assert [o["name"] for o in client.get("/api/v1/officials?unit=YD-ZRZY").json()] == ["张明", "李华"]
    assert client.get("/api/v1/officials?unit=YD-NOPE").json() == []


@pytest.mark.django_db
def test_board_answers_in_a_constant_number_of_queries(client: Client, board: dict[str, Official],
                                                       django_assert_max_num_queries: DjangoAssertNumQueries) -> None:
    for n in range(20):
        Official.objects.create(name=f"干部{n}", unit=board["head"].unit, title="干部").portfolio.add(
            *PortfolioArea.objects.all())
    with django_assert_max_num_queries(2):
        assert len(client.get("/api/v1/officials").json()) == 23
