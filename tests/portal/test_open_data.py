"""Open data (开放数据): every public list as CSV (Excel opens the Chinese) and JSON at stable addresses,
linked from its page; the 开放数据 page lists them beside the API; a unit's list prints."""

import csv
import io
import json

import pytest
from django.test import Client

from sunlit.catalog import services
from sunlit.org.models import Official, PortfolioArea, UnitKind
from tests import factories


def body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def table(response) -> list[list[str]]:
    text = body(response)
    assert text.startswith("\ufeff")  # the byte-order mark: Excel reads UTF-8, not the local code page
    return list(csv.reader(io.StringIO(text[1:])))


def rows(response) -> list[dict]:
    return json.loads(body(response))["rows"]


@pytest.fixture
def listed(county, editor, reviewer):
    land = county["land"]
    house = factories.published(land, editor, reviewer, code="XK-001", name="农村村民建房用地审批")
    factories.published(land, editor, reviewer, code="CF-001", name="非法采矿处罚", category="penalty",
                        statutory_limit=90, statutory_limit_unit="calendar", promised_limit=None)
    factories.published(county["finance"], editor_of(county["finance"]), reviewer_of(county["finance"]),
                        code="XK-101", name="政府采购代理机构登记")
    mayor = Official.objects.create(name="欧阳明远", unit=county["town"], title="镇长", public_phone="0797-6221001",
                                    sort_order=1)
    mayor.portfolio.add(PortfolioArea.objects.create(code="QM", name="全面工作"))
    Official.objects.create(name="张明", unit=land, title="局长", duties="主持全面工作")
    return {"house": house}


def editor_of(unit):
    return factories.staff(f"editor-{unit.code}", unit, factories.Role.EDITOR)


def reviewer_of(unit):
    return factories.staff(f"reviewer-{unit.code}", unit, factories.Role.REVIEWER)


def test_units_download_lists_them_by_kind_with_chinese_headers(county):
    factories.unit("YD-XW", "中共于都县委员会", UnitKind.PARTY_COMMITTEE)
    response = Client().get("/data/units.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="units.csv"')
    header, *lines = table(response)
    assert header[:4] == ["单位编码", "单位名称", "简称", "类型"]
    # 党委, 政府, 部门 by code, then each 乡镇 followed by its villages
    assert [line[0] for line in lines] == ["YD-XW", "YD", "YD-CZ", "YD-ZRZY", "YD-GJ", "YD-GJ-CX"]
    assert lines[-1][3] == "村（社区）" and lines[-1][4] == "YD-GJ"
    as_json = json.loads(body(Client().get("/data/units.json")))
    assert as_json["title"] == "单位名录" and {"key": "code", "label": "单位编码"} in as_json["fields"]
    assert [u["code"] for u in as_json["rows"]] == ["YD-XW", "YD", "YD-CZ", "YD-ZRZY", "YD-GJ", "YD-GJ-CX"]


def test_home_page_lists_units_by_kind_townships_with_their_villages(county):
    page = Client().get("/").content.decode()
    order = [page.index(name) for name in ("政府", "于都县人民政府", "部门", "县财政局", "县自然资源局",
                                           "乡镇及所属村（社区）", "贡江镇", "长新村")]
    assert order == sorted(order)
    assert 'href="/data/units.csv"' in page and 'href="/data/"' in page


def test_powers_download_holds_each_public_item_with_bases_and_limits(listed):
    header, *lines = table(Client().get("/data/powers.csv"))
    assert header[:4] == ["事项ID", "事项编码", "事项名称", "职权类别"]
    by_code = {line[1]: dict(zip(header, line, strict=True)) for line in lines}
    assert set(by_code) == {"XK-001", "CF-001", "XK-101"}
    house = by_code["XK-001"]
    assert house["事项名称"] == "农村村民建房用地审批" and house["实施单位"] == "县自然资源局"
    assert house["设定依据"] == "《中华人民共和国行政许可法》第二十九条"
    assert (house["法定时限"], house["承诺时限"]) == ("20个工作日", "10个工作日")
    assert by_code["CF-001"]["法定时限"] == "90日" and by_code["CF-001"]["职权类别"] == "行政处罚"
    assert house["网址"] == f"/powers/{listed['house'].item_id}/"


def test_powers_download_takes_the_list_pages_filters(listed):
    unit = rows(Client().get("/data/powers.json?unit=YD-ZRZY"))
    assert {r["code"] for r in unit} == {"XK-001", "CF-001"}
    assert {r["code"] for r in rows(Client().get("/data/powers.json?unit=YD"))} == {"XK-001", "CF-001", "XK-101"}
    penalties = json.loads(body(Client().get("/data/powers.json?category=penalty")))
    assert [r["code"] for r in penalties["rows"]] == ["CF-001"] and penalties["title"] == "权力清单（行政处罚）"
    assert penalties["rows"][0]["legal_bases"][0]["law"] == "中华人民共和国行政许可法"
    assert Client().get("/data/powers.csv?unit=NO-SUCH").status_code == 404


def test_a_cell_excel_would_run_as_a_formula_is_written_as_text(county, editor, reviewer):
    factories.published(county["land"], editor, reviewer, code="XK-009", name="=HYPERLINK(\"http://x\")")
    header, line = table(Client().get("/data/powers.csv"))
    assert line[2] == "'=HYPERLINK(\"http://x\")"
    assert rows(Client().get("/data/powers.json"))[0]["name"] == "=HYPERLINK(\"http://x\")"  # JSON as written


def test_officials_download_by_unit(listed):
    header, *lines = table(Client().get("/data/officials.csv?unit=YD-GJ"))
    assert header == ["姓名", "职务", "单位编码", "所在单位", "分管工作", "职责", "公开电话"]
    assert lines == [["欧阳明远", "镇长", "YD-GJ", "贡江镇", "全面工作", "", "0797-6221001"]]
    everyone = rows(Client().get("/data/officials.json"))
    assert [o["name"] for o in everyone] == ["张明", "欧阳明远"]  # a department before a township
    assert Client().get("/data/officials.json?unit=NO-SUCH").status_code == 404


def test_an_items_history_downloads_and_a_cancelled_item_keeps_it(listed, editor, reviewer):
    item = listed["house"].item
    version = services.power_item_cancel(item=item, reason="职能调整", author=editor)
    services.power_version_approve(version=version, reviewer=reviewer)
    history = rows(Client().get(f"/data/powers/{item.pk}/history.json"))
    assert [(h["number"], h["change_kind"], h["reason"]) for h in history] == [(2, "取消", "职能调整"), (1, "新增", "新增事项")]
    header, *lines = table(Client().get(f"/data/powers/{item.pk}/history.csv"))
    assert header[:4] == ["版本", "变更类型", "批准日期", "变更理由"] and lines[0][2] == "2026-11-24"
    page = Client().get(f"/powers/{item.pk}/").content.decode()
    assert f'href="/data/powers/{item.pk}/history.csv"' in page


def test_an_unpublished_items_history_is_not_found(county, editor):
    draft = factories.draft(county["land"], editor, "XK-404", name="草稿")
    assert Client().get(f"/data/powers/{draft.item_id}/history.csv").status_code == 404


def test_every_list_page_links_its_downloads(listed):
    unit_page = Client().get("/units/YD-ZRZY/").content.decode()
    assert 'href="/data/officials.csv?unit=YD-ZRZY"' in unit_page
    assert 'href="/data/powers.csv?unit=YD-ZRZY"' in unit_page and 'href="/units/YD-ZRZY/powers/print/"' in unit_page
    list_page = Client().get("/powers/", {"unit": "YD-ZRZY", "category": "penalty"}).content.decode()
    assert 'href="/data/powers.csv?unit=YD-ZRZY&amp;category=penalty"' in list_page
    assert 'href="/data/"' in Client().get("/").content.decode()  # the portal's navigation


def test_the_open_data_page_lists_every_dataset_beside_the_api(listed):
    page = Client().get("/data/").content.decode()
    assert "<h1>开放数据</h1>" in page
    for url in ("/data/units.csv", "/data/units.json", "/data/officials.csv", "/data/powers.csv",
                "/data/powers.json", "/data/powers.csv?unit=YD-ZRZY", "/data/powers.csv?category=licensing",
                "/api/v1/docs", "/api/v1/openapi.json"):
        assert f'href="{url}"' in page, url
    assert "事项变更记录" in page and "Excel" in page


def test_a_units_power_list_prints(listed):
    response = Client().get("/units/YD-ZRZY/powers/print/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>县自然资源局权力清单</h1>" in page and "截至 2026年11月24日，共 2 项公开事项" in page
    assert 'class="list print-list"' in page and "<thead>" in page
    assert "农村村民建房用地审批" in page and "《中华人民共和国行政许可法》第二十九条" in page
    assert "政府采购代理机构登记" not in page  # another unit's
    assert Client().get("/units/NO-SUCH/powers/print/").status_code == 404
