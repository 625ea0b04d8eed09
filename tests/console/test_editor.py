"""The console's item editor (编制): a new item and a new version in a form, legal bases as rows, errors in
Chinese beside the field, nothing written on a refusal; only a unit's editors open it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from sunlit.catalog import services
from sunlit.catalog.models import LegalBasis, PowerItem, PowerItemVersion, VersionStatus
from sunlit.core.models import Event
from sunlit.org.models import Post, Role, Unit
from tests import factories


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(bases: list[dict[str, str]] | None = None, **fields: Any) -> dict[str, Any]:
    """What the form posts: every content field, the reason, and the legal bases as rows."""
    data: dict[str, Any] = {
        "name": "农村村民住宅用地审批", "category": "licensing", "implementing_body": "县自然资源局",
        "handling_office": "", "handling_post": "", "responsible_leader": "", "conditions": "", "materials": "",
        "statutory_limit": "20", "statutory_limit_unit": "working", "promised_limit": "10",
        "promised_limit_unit": "working", "fees": "", "fee_basis": "", "service_commitment": "",
        "responsibilities": "", "accountability": "", "complaint_phone": "0797-1234567", "remarks": "",
        "audience": "public", "exemption": "none", "reason": "新增事项", "action": "draft",
    }
    data.update(fields)
    rows = factories.LICENSING_BASIS if bases is None else bases
    data.update({"bases-TOTAL_FORMS": str(len(rows)), "bases-INITIAL_FORMS": "0", "bases-MIN_NUM_FORMS": "0",
                 "bases-MAX_NUM_FORMS": "50"})
    for i, row in enumerate(rows):
        for key in ("law", "article", "excerpt", "DELETE"):
            if row.get(key):
                data[f"bases-{i}-{key}"] = row[key]
    return data


def rows() -> dict[str, int]:
    return {m.__name__: m._default_manager.count() for m in (PowerItem, PowerItemVersion, LegalBasis, Event)}


def error_beside(page: str, field_id: str) -> str:
    """The message shown beside the field with this id (the span the field's aria-describedby names)."""
    found = re.search(rf'<span class="small field-error" id="{field_id}-error">(.*?)</span>', page)
    assert found, f"no error beside {field_id}"
    assert f'aria-describedby="{field_id}-error' in page and 'aria-invalid="true"' in page
    return found.group(1)


@pytest.fixture
def published(county: dict[str, Unit], editor: User, reviewer: User) -> PowerItemVersion:
    return factories.staffed(county["land"], editor, reviewer)


# ---------------------------------------------------------------- a new item


def test_an_editor_adds_an_item_with_its_legal_bases_and_submits_it(county: dict[str, Unit], editor: User) -> None:
    client = login(editor)
    page = client.get("/console/powers/new/").content.decode()
    assert "新增事项" in page and 'name="code"' in page and 'name="bases-0-law"' in page
    bases = [{"law": "《中华人民共和国土地管理法》", "article": "第六十二条", "excerpt": "农村村民一户只能拥有一处宅基地。"},
             {"law": "江西省农村村民建房管理办法", "article": "第十条"}]
    response = client.post("/console/powers/new/", form_data(bases, code="XK-007", action="submit"), follow=True)
    item = PowerItem.objects.get(unit=county["land"], code="XK-007")
    version = item.versions.get()
    assert (version.status, version.name, version.promised_limit) == (VersionStatus.SUBMITTED, "农村村民住宅用地审批", 10)
    assert [(b.law, b.article) for b in version.legal_bases.all()] == [
        ("中华人民共和国土地管理法", "第六十二条"), ("江西省农村村民建房管理办法", "第十条")]
    assert "已保存第1版并提交审核" in response.content.decode()


def test_a_sub_item_is_added_under_a_main_item_of_the_unit(county: dict[str, Unit], editor: User,
                                                          published: PowerItemVersion) -> None:
    page = login(editor).get("/console/powers/new/").content.decode()
    assert f'<option value="{published.item_id}">XK-001 {published.name}</option>' in page
    login(editor).post("/console/powers/new/", form_data(code="XK-001-1", main_item=str(published.item_id)))
    assert PowerItem.objects.get(code="XK-001-1").parent_id == published.item_id


def test_a_code_already_used_is_refused_beside_the_code(county: dict[str, Unit], editor: User,
                                                       published: PowerItemVersion) -> None:
    client = login(editor)
    before = rows()
    page = client.post("/console/powers/new/", form_data(code="XK-001")).content.decode()
    assert error_beside(page, "id_code") == "事项编码XK-001在县自然资源局已存在"
    assert "未保存" in page and rows() == before


# ---------------------------------------------------------------- a new version


def test_the_form_starts_from_the_published_version(published: PowerItemVersion, editor: User) -> None:
    page = login(editor).get(f"/console/powers/{published.item_id}/edit/").content.decode()
    assert 'value="农村村民住宅建设审批"' in page and "本集体经济组织成员</textarea>" in page
    assert f'<option value="{published.handling_post_id}" selected>用地审批岗</option>' in page
    assert 'value="中华人民共和国行政许可法"' in page and "以第1版（已批准）为基础" in page


def test_changing_one_limit_keeps_every_other_field(published: PowerItemVersion, editor: User) -> None:
    client = login(editor)
    page = client.get(f"/console/powers/{published.item_id}/edit/").content.decode()
    data = form_data(name="农村村民住宅建设审批", promised_limit="5", reason="压缩承诺时限",
                     handling_post=str(published.handling_post_id),
                     responsible_leader=str(published.responsible_leader_id), conditions="本集体经济组织成员",
                     fees="不收费", remarks="按月公示", action="submit")
    assert 'name="promised_limit" value="10"' in page
    client.post(f"/console/powers/{published.item_id}/edit/", data)
    second = PowerItemVersion.objects.get(item=published.item, number=2)
    before, after = published.snapshot(), second.snapshot()
    assert {k: (before[k], after[k]) for k in before if before[k] != after[k]} == {"promised_limit": (10, 5)}
    assert (second.status, second.reason) == (VersionStatus.SUBMITTED, "压缩承诺时限")


def test_a_promised_limit_longer_than_the_statutory_one_is_shown_beside_it(published: PowerItemVersion,
                                                                          editor: User) -> None:
    client = login(editor)
    before = rows()
    page = client.post(f"/console/powers/{published.item_id}/edit/",
                              form_data(promised_limit="30", reason="调整")).content.decode()
    assert error_beside(page, "id_promised_limit") == "承诺时限（30个工作日）长于法定时限（20个工作日）"
    assert 'name="promised_limit" value="30"' in page  # what the clerk typed stays
    assert rows() == before


@pytest.mark.parametrize(("fields", "field_id", "message"), [
    ({"name": ""}, "id_name", "请填写事项名称"),
    ({"reason": ""}, "id_reason", "请填写变更理由"),
    ({"category": "approval"}, "id_category", "请从列表中选择职权类别"),
    ({"statutory_limit": "二十"}, "id_statutory_limit", "法定时限应为整数天数"),
    ({"statutory_limit": "-1"}, "id_statutory_limit", "确保该值大于或等于0。"),
    ({"handling_post": "999999"}, "id_handling_post", "请从列表中选择承办岗位"),
])
def test_bad_fields_are_refused_in_chinese_beside_the_field(published: PowerItemVersion, editor: User,
                                                            fields: dict[str, str], field_id: str, message: str) -> None:
    client = login(editor)
    before = rows()
    page = client.post(f"/console/powers/{published.item_id}/edit/",
                              form_data(**{"reason": "调整", **fields})).content.decode()
    assert error_beside(page, field_id) == message
    assert rows() == before


def test_every_problem_shows_at_once_and_is_listed_above_the_form(published: PowerItemVersion,
                                                                   editor: User) -> None:
    page = login(editor).post(f"/console/powers/{published.item_id}/edit/",
                              form_data(bases=[], name="", promised_limit="30", reason="调整")).content.decode()
    assert error_beside(page, "id_name") == "请填写事项名称"
    assert error_beside(page, "id_promised_limit") == "承诺时限（30个工作日）长于法定时限（20个工作日）"
    assert 'id="bases-error">行政许可事项必须写明设定依据</p>' in page
    summary = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert summary.count("<li>") == 3
    assert re.findall(r'<a href="#(.*?)">(.*?)</a>', summary) == [
        ("id_name", "事项名称"), ("id_promised_limit", "承诺时限"), ("bases-error", "设定依据")]


def test_a_post_of_another_unit_is_not_offered(county: dict[str, Unit], published: PowerItemVersion,
                                               editor: User) -> None:
    other = Post.objects.create(unit=county["finance"], name="财政审批岗")
    page = login(editor).get(f"/console/powers/{published.item_id}/edit/").content.decode()
    assert "用地审批岗" in page and "财政审批岗" not in page
    client = login(editor)
    before = rows()
    page = client.post(f"/console/powers/{published.item_id}/edit/",
                              form_data(handling_post=str(other.pk), reason="调整")).content.decode()
    assert error_beside(page, "id_handling_post") == "请从列表中选择承办岗位"
    assert rows() == before


def test_a_licensing_item_without_legal_basis_is_refused_beside_the_legal_bases(published: PowerItemVersion,
                                                                               editor: User) -> None:
    client = login(editor)
    before = rows()
    page = client.post(f"/console/powers/{published.item_id}/edit/",
                              form_data(bases=[], reason="调整")).content.decode()
    assert '<p class="small field-error wide" id="bases-error">行政许可事项必须写明设定依据</p>' in page
    assert rows() == before


def test_a_basis_row_without_its_law_is_refused_beside_that_row(published: PowerItemVersion, editor: User) -> None:
    bases = [*factories.LICENSING_BASIS, {"article": "第六十二条"}]
    page = login(editor).post(f"/console/powers/{published.item_id}/edit/",
                              form_data(bases=bases, reason="调整")).content.decode()
    assert error_beside(page, "id_bases-1-law") == "请填写法律法规名称"
    assert PowerItemVersion.objects.filter(item=published.item).count() == 1


def test_a_row_is_added_without_saving_or_complaining(published: PowerItemVersion, editor: User) -> None:
    data = {**form_data(name="", reason="调整"), "add_basis": "1"}
    page = login(editor).post(f"/console/powers/{published.item_id}/edit/", data).content.decode()
    assert 'name="bases-1-law"' in page and 'name="bases-2-law"' not in page
    assert "field-error" not in page and "未保存" not in page
    assert PowerItemVersion.objects.filter(item=published.item).count() == 1


def test_a_row_marked_for_removal_is_left_out(published: PowerItemVersion, editor: User) -> None:
    bases = [{**factories.LICENSING_BASIS[0], "DELETE": "on"}, {"law": "中华人民共和国土地管理法", "article": "第六十二条"}]
    login(editor).post(f"/console/powers/{published.item_id}/edit/", form_data(bases=bases, reason="更换依据"))
    second = PowerItemVersion.objects.get(item=published.item, number=2)
    assert [b.law for b in second.legal_bases.all()] == ["中华人民共和国土地管理法"]


def test_an_item_with_an_open_version_shows_why_it_cannot_be_edited(published: PowerItemVersion,
                                                                    editor: User) -> None:
    services.power_version_revise(item=published.item, changes={"fees": "每宗10元"}, reason="收费", author=editor)
    client = login(editor)
    page = client.get(f"/console/powers/{published.item_id}/edit/").content.decode()
    assert "第2版（草稿）" in page and "尚未审结" in page and 'name="name"' not in page
    before = rows()
    assert client.post(f"/console/powers/{published.item_id}/edit/", form_data(reason="x")).status_code == 409
    assert rows() == before


def test_a_version_sent_back_can_be_the_starting_point(published: PowerItemVersion, editor: User,
                                                       reviewer: User) -> None:
    returned = services.power_version_revise(item=published.item, changes={"name": "宅基地审批"}, reason="改名",
                                             author=editor, submit=True)
    services.power_version_reject(version=returned, reviewer=reviewer, comment="请写全称")
    page = login(editor).get(f"/console/powers/{published.item_id}/edit/").content.decode()
    assert 'value="农村村民住宅建设审批"' in page and 'href="?from=2"' in page
    page = login(editor).get(f"/console/powers/{published.item_id}/edit/?from=2").content.decode()
    assert 'value="宅基地审批"' in page and "以第2版（已退回）为基础" in page


def test_a_draft_with_a_mistake_is_withdrawn_and_written_again_from_it(published: PowerItemVersion,
                                                                       editor: User) -> None:
    draft = services.power_version_revise(item=published.item, changes={"fees": "每宗10圆"}, reason="收费",
                                          author=editor)
    client = login(editor)
    page = client.post(f"/console/versions/{draft.pk}/withdraw/", {"comment": "金额单位写错"}, follow=True)
    assert "已撤回，可以重新编制" in page.content.decode()
    page = client.get(f"/console/powers/{published.item_id}/edit/?from=2").content.decode()
    assert "以第2版（已撤回）为基础" in page and "每宗10圆</textarea>" in page
    client.post(f"/console/powers/{published.item_id}/edit/?from=2",
                form_data(fees="每宗10元", reason="收费", action="submit"))
    third = PowerItemVersion.objects.get(item=published.item, number=3)
    assert (third.fees, third.status) == ("每宗10元", VersionStatus.SUBMITTED)


def test_a_reviewer_cannot_withdraw(published: PowerItemVersion, editor: User, reviewer: User) -> None:
    draft = services.power_version_revise(item=published.item, changes={"fees": "x"}, reason="收费", author=editor,
                                          submit=True)
    page = login(reviewer).post(f"/console/versions/{draft.pk}/withdraw/", {"comment": "x"}, follow=True)
    assert "您没有县自然资源局的编制权限" in page.content.decode()
    draft.refresh_from_db()
    assert draft.status == VersionStatus.SUBMITTED


# ---------------------------------------------------------------- who may


@pytest.mark.parametrize("url", ["/console/powers/{item}/edit/", "/console/powers/new/?unit=YD-ZRZY"])
def test_only_editors_of_the_unit_open_the_forms(county: dict[str, Unit], published: PowerItemVersion,
                                                 reviewer: User, url: str) -> None:
    outsider = factories.staff("outsider", county["finance"], Role.EDITOR)
    supervisor = factories.staff("supervisor", county["land"], Role.SUPERVISOR)
    address = url.format(item=published.item_id)
    for user in (reviewer, outsider, supervisor):
        client = login(user)
        before = rows()
        assert client.get(address).status_code == 403, user
        assert client.post(address, form_data(code="XK-009", reason="x")).status_code == 403, user
        assert rows() == before
    assert Client().get(address).status_code == 302  # to the login page


def test_staff_who_edit_no_unit_cannot_add_items(county: dict[str, Unit], reviewer: User) -> None:
    assert login(reviewer).get("/console/powers/new/").status_code == 403
    assert "新增事项" not in login(reviewer).get("/console/powers/").content.decode()


def test_an_item_that_does_not_exist_is_not_found(editor: User) -> None:
    assert login(editor).get("/console/powers/987654/edit/").status_code == 404


def test_an_editor_of_the_county_chooses_the_unit_first(county: dict[str, Unit]) -> None:
    chief = factories.staff("chief", county["gov"], Role.EDITOR)
    page = login(chief).get("/console/powers/new/").content.decode()
    assert '<option value="YD-GJ-CX">长新村</option>' in page and 'name="code"' not in page
    page = login(chief).get("/console/powers/new/?unit=YD-GJ-CX").content.decode()
    assert 'name="code"' in page and "长新村" in page


# ---------------------------------------------------------------- the list


def test_the_list_shows_each_items_newest_name_with_its_state(county: dict[str, Unit], editor: User,
                                                              reviewer: User, published: PowerItemVersion) -> None:
    factories.draft(county["land"], editor, code="XK-002", name="临时用地审批")
    services.power_version_revise(item=published.item, changes={"name": "农村宅基地审批"}, reason="改名",
                                  author=editor, submit=True)
    page = login(editor).get("/console/powers/").content.decode()
    assert "尚未发布" not in page
    assert re.search(r"临时用地审批</a>.*?<span class=\"tag draft\">草稿 第1版</span>", page, re.S)
    assert re.search(r"农村宅基地审批</a><br><span class=\"small muted\">现行名称：农村村民住宅建设审批</span>.*?"
                     r"已公开 第1版.*?<span class=\"tag submitted\">待审核 第2版</span>", page, re.S)


@pytest.mark.parametrize(("status", "shown"), [("draft", ["临时用地审批"]), ("submitted", ["农村宅基地审批"]),
                                              ("rejected", ["乡村建设规划许可"]), ("approved", ["土地复垦验收"])])
def test_the_list_filters_by_the_newest_versions_state(county: dict[str, Unit], editor: User, reviewer: User,
                                                       status: str, shown: list[str]) -> None:
    land = county["land"]
    factories.draft(land, editor, code="XK-002", name="临时用地审批")
    pending = factories.published(land, editor, reviewer, code="XK-003", name="宅基地审批")
    services.power_version_revise(item=pending.item, changes={"name": "农村宅基地审批"}, reason="改名", author=editor,
                                  submit=True)
    returned = services.power_version_submit(version=factories.draft(land, editor, code="XK-004",
                                                                      name="乡村建设规划许可"), actor=editor)
    services.power_version_reject(version=returned, reviewer=reviewer, comment="依据不全")
    factories.published(land, editor, reviewer, code="XK-005", name="土地复垦验收")
    page = login(editor).get("/console/powers/", {"status": status}).content.decode()
    names = re.findall(r'<a href="/console/powers/\d+/">(.*?)</a>', page)
    assert names == shown
