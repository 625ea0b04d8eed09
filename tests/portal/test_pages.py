import io

import pytest
from django.test import Client

from sunlit.catalog import services
from tests import factories


@pytest.fixture
def items(county, editor, reviewer):
    land = county["land"]
    house = factories.published(land, editor, reviewer, code="XK-001", name="农村村民建房用地审批")
    mine = factories.published(land, editor, reviewer, code="CF-001", name="非法采矿处罚",
                               category="penalty", statutory_limit=90, statutory_limit_unit="calendar",
                               promised_limit=None)
    draft = factories.draft(land, editor, code="XK-002", name="草稿中的秘密事项")
    return {"house": house, "mine": mine, "draft": draft}


def test_home_shows_search_and_units(items):
    page = Client().get("/").content.decode()
    assert "权力清单公开查询" in page
    assert "县自然资源局" in page
    assert "已公开 <strong>2</strong> 项" in page


def unmarked(response) -> str:
    """A results page as read, without the <mark> highlighting."""
    return response.content.decode().replace("<mark>", "").replace("</mark>", "")


def test_search_finds_house_building_and_hides_drafts(items):
    page = unmarked(Client().get("/powers/", {"q": "建房"}))
    assert "共 1 项" in page and "农村村民建房用地审批" in page
    assert "非法采矿处罚" not in page
    everything = Client().get("/powers/").content.decode()
    assert "共 2 项" in everything
    assert "农村村民建房用地审批" in everything and "非法采矿处罚" in everything
    assert "草稿中的秘密事项" not in everything


def test_item_page_shows_basis_limits_and_history(items):
    item_id = items["mine"].item_id
    page = Client().get(f"/powers/{item_id}/").content.decode()
    assert "《中华人民共和国行政许可法》第二十九条" in page
    assert "90日" in page
    assert "第1版" in page


def test_draft_item_page_is_not_found(items):
    response = Client().get(f"/powers/{items['draft'].item_id}/")
    assert response.status_code == 404
    assert "草稿中的秘密事项" not in response.content.decode()


def test_cancelled_item_leaves_the_list_and_keeps_a_page_saying_when_and_why(items, editor, reviewer):
    assert "农村村民建房用地审批" in unmarked(Client().get("/powers/", {"q": "建房"}))
    version = services.power_item_cancel(item=items["house"].item, reason="职能调整", author=editor)
    services.power_version_approve(version=version, reviewer=reviewer)
    assert "农村村民建房用地审批" not in Client().get("/powers/", {"q": "建房"}).content.decode()
    response = Client().get(f"/powers/{items['house'].item_id}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "农村村民建房用地审批" in page and "已取消" in page
    assert "本事项已于 2026年11月24日 取消" in page and "取消理由：职能调整" in page
    assert "第2版" in page and "第1版" in page  # the cancellation and the version it ended
    assert "在线申请" not in page


def test_list_page_query_count_does_not_grow_with_rows(county, editor, reviewer, django_assert_max_num_queries):
    for n in range(25):
        factories.published(county["land"], editor, reviewer, code=f"XK-{n:03d}")
    with django_assert_max_num_queries(4):
        page = Client().get("/powers/").content.decode()
    assert "共 25 项" in page
    assert page.count('<td data-label="编码" class="small">XK-0') == 20  # a full page of rows rendered


def test_item_page_offers_a_proof_that_verifies_offline(items, tmp_path):
    from django.core.management import call_command

    from sunlit.record.selectors import verifier_key
    from sunlit.record.sequencer import sequence_all

    item_id = items["house"].item_id
    assert "记录中，稍后可核验" in Client().get(f"/powers/{item_id}/").content.decode()
    sequence_all()
    page = Client().get(f"/powers/{item_id}/").content.decode()
    proof_url = page.split('href="/log/proof/')[1].split('"')[0]
    index = int(proof_url)
    (tmp_path / "p.tlog-proof").write_bytes(Client().get(f"/log/proof/{index}").content)
    (tmp_path / "leaf").write_bytes(Client().get(f"/log/leaf/{index}").content)
    assert "农村村民建房用地审批" in (tmp_path / "leaf").read_text()
    out = io.StringIO()
    call_command("verify", str(tmp_path / "p.tlog-proof"), "--key", verifier_key(),
                 "--leaf-file", str(tmp_path / "leaf"), stdout=out)
    assert out.getvalue().startswith("ok:")
    (tmp_path / "leaf").write_text((tmp_path / "leaf").read_text().replace("建房", "建楼"))
    with pytest.raises(SystemExit) as done:
        call_command("verify", str(tmp_path / "p.tlog-proof"), "--key", verifier_key(),
                     "--leaf-file", str(tmp_path / "leaf"))
    assert done.value.code == 1


def test_verify_page_publishes_the_log_key(db):
    from sunlit.record.selectors import verifier_key

    assert verifier_key() in Client().get("/verify/").content.decode()


def test_supervision_phone_link_dials_the_first_number(county, editor, reviewer):
    version = factories.published(county["land"], editor, reviewer, code="XK-009",
                                  complaint_phone="0797-6213228（县纪委监委：0797-6213002）")
    page = Client().get(f"/powers/{version.item_id}/").content.decode()
    assert 'href="tel:0797-6213228"' in page
    assert "县纪委监委：0797-6213002" in page
