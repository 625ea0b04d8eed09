"""A new version through the API names only what changes: a field left out keeps the published value,
null or "" clears one that may be empty."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from sunlit.catalog import services
from sunlit.catalog.models import PowerItemVersion
from sunlit.org.models import Unit
from tests import factories
from tests.api.test_write_endpoints import Api, created


@pytest.fixture
def published(county: dict[str, Unit], editor: User, reviewer: User) -> PowerItemVersion:
    return factories.staffed(county["land"], editor, reviewer)


def new_version(api: Api, item_id: int, body: dict[str, Any]) -> PowerItemVersion:
    return PowerItemVersion.objects.get(pk=created(api.post(f"/powers/{item_id}/versions", body))["id"])


@pytest.mark.django_db
def test_a_change_to_one_limit_keeps_every_other_field(published: PowerItemVersion, editor: User) -> None:
    second = new_version(Api(editor), published.item_id, {"promised_limit": 5, "reason": "压缩承诺时限"})
    before, after = published.snapshot(), second.snapshot()
    assert after["promised_limit"] == 5
    assert {k: v for k, v in after.items() if k != "promised_limit"} == \
        {k: v for k, v in before.items() if k != "promised_limit"}
    assert after["legal_bases"] == factories.LICENSING_BASIS
    assert after["handling_post"] is not None and after["conditions"] == "本集体经济组织成员"


@pytest.mark.django_db
def test_null_or_empty_clears_a_field_that_may_be_empty(published: PowerItemVersion, editor: User) -> None:
    second = new_version(Api(editor), published.item_id, {"handling_post": None, "responsible_leader": None,
                                                          "fees": "", "statutory_limit": None,
                                                          "promised_limit": None, "reason": "清理"})
    assert (second.handling_post_id, second.responsible_leader_id, second.fees) == (None, None, "")
    assert (second.statutory_limit, second.promised_limit) == (None, None)
    assert (second.name, second.remarks) == (published.name, "按月公示")


@pytest.mark.django_db
def test_an_empty_list_clears_the_legal_bases_and_is_refused_for_a_licensing_item(
        published: PowerItemVersion, editor: User) -> None:
    response = Api(editor).post(f"/powers/{published.item_id}/versions", {"legal_bases": [], "reason": "x"})
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "legal_bases", "message": "行政许可事项必须写明设定依据"}]


@pytest.mark.django_db
def test_a_change_builds_on_the_published_version_not_on_one_sent_back(
        published: PowerItemVersion, editor: User, reviewer: User) -> None:
    returned = services.power_version_draft(item=published.item, content=factories.content(name="错误的名称"),
                                            legal_bases=factories.LICENSING_BASIS, reason="改名", author=editor,
                                            submit=True)
    services.power_version_reject(version=returned, reviewer=reviewer, comment="名称有误")
    third = new_version(Api(editor), published.item_id, {"fees": "每宗10元", "reason": "收费调整"})
    assert (third.number, third.name, third.fees) == (3, published.name, "每宗10元")


@pytest.mark.django_db
def test_the_public_sees_the_kept_fields_after_approval(published: PowerItemVersion, editor: User,
                                                        reviewer: User) -> None:
    second = new_version(Api(editor), published.item_id, {"promised_limit": 5, "reason": "压缩", "submit": True})
    services.power_version_approve(version=second, reviewer=reviewer)
    current = Client().get(f"/api/v1/powers/{published.item_id}").json()["current"]
    assert (current["number"], current["promised_limit_text"], current["fees"]) == (2, "5个工作日", "不收费")
    assert current["handling_post"] == "用地审批岗"


@pytest.mark.django_db
def test_an_open_version_withdrawn_through_the_api_frees_the_item(published: PowerItemVersion, editor: User) -> None:
    api = Api(editor)
    second = new_version(api, published.item_id, {"fees": "每宗10圆", "reason": "收费"})
    assert api.post(f"/versions/{second.pk}/withdraw", {"comment": ""}).status_code == 400  # a reason is needed
    withdrawn = api.post(f"/versions/{second.pk}/withdraw", {"comment": "金额写错"}).json()
    assert (withdrawn["status"], withdrawn["status_label"], withdrawn["review_comment"]) == ("withdrawn", "已撤回", "金额写错")
    third = new_version(api, published.item_id, {"fees": "每宗10元", "reason": "收费"})
    assert (third.number, third.fees, third.remarks) == (3, "每宗10元", published.remarks)
