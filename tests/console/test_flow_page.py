"""An item's flow page (办理流程) in the console: the flow that applies, every version of the item's own flow
with its chart and steps, a BPMN upload as a new draft, submit and review by another person."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sunlit.catalog.models import PowerItemVersion
from sunlit.core.models import Event
from sunlit.flows import services
from sunlit.flows.models import Flow, FlowVersion
from sunlit.org.models import Post, Role, Unit
from tests import factories
from tests.flows.conftest import GROUND_CORRECTION, LICENSING_TRANSITIONS, licensing_steps


@pytest.fixture
def posts(county: dict[str, Unit]) -> dict[str, Post]:
    land = county["land"]
    return {
        "window": Post.objects.create(unit=land, name="窗口受理岗"),
        "review": Post.objects.create(unit=land, name="审批岗"),
        "leader": Post.objects.create(unit=land, name="分管副局长", is_leader=True),
        "secret": Post.objects.create(unit=land, name="机要岗", is_internal=True),
    }


@pytest.fixture
def item(county: dict[str, Unit], editor: Any, reviewer: Any) -> PowerItemVersion:
    """农村村民住宅建设审批 (published): 20 working days statutory, 20 promised."""
    return factories.published(county["land"], editor, reviewer, code="XK-001", promised_limit=20)


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def draft(item: PowerItemVersion, posts: dict[str, Post], author: Any, *, submit: bool = False,
          reason: str = "按审批流程编制") -> FlowVersion:
    steps = licensing_steps(posts)
    steps[4]["post"] = posts["secret"].pk  # 审查 by an internal post: staff see it, the public does not
    return services.flow_version_create(item=item.item, steps=steps, transitions=LICENSING_TRANSITIONS,
                                        reason=reason, author=author, submit=submit)


def published(item: PowerItemVersion, posts: dict[str, Post], editor: Any, reviewer: Any) -> FlowVersion:
    version = services.flow_version_create(item=item.item, steps=licensing_steps(posts),
                                           transitions=LICENSING_TRANSITIONS, reason="按审批流程编制",
                                           author=editor, submit=True)
    return services.flow_version_approve(version=version, reviewer=reviewer, comment="同意公布")


def page_of(item: PowerItemVersion) -> str:
    return f"/console/powers/{item.item_id}/flow/"


def upload(client: Client, item: PowerItemVersion, data: bytes, reason: str = "从建模工具导入",
           **more: str) -> Any:
    return client.post(page_of(item), {"bpmn": SimpleUploadedFile("flow.bpmn", data, "application/xml"),
                                       "reason": reason, **more})


def test_the_page_shows_the_flow_that_applies_and_every_version_newest_first(
    item: PowerItemVersion, posts: dict[str, Post], editor: Any, reviewer: Any
) -> None:
    first = published(item, posts, editor, reviewer)
    second = draft(item, posts, editor, reason="审查改由机要岗办理")

    page = login(reviewer).get(page_of(item)).content.decode()

    assert "现在适用" in page and "本事项自己的<strong>项目流程图</strong>（第1版" in page
    assert page.index("审查改由机要岗办理") < page.index("按审批流程编制")  # newest first
    assert "草稿" in page and "已批准" in page and "意见：同意公布" in page and "editor" in page
    assert "reviewer" in page and "现行" in page
    # the newest version is shown: its steps with the internal post, marked as such
    assert f"/flow/{second.pk}/chart.svg" in page and "机要岗" in page and "内部岗位，不公开" in page
    assert "5个工作日" in page and "不计时" in page and "第三十二条" in page and "监督点" in page
    assert "→ 审查（受理）" in page and "一次性告知需补正的全部内容" in page
    older = login(reviewer).get(page_of(item), {"v": "1"}).content.decode()
    assert f"/flow/{first.pk}/chart.svg" in older and "内部岗位，不公开" not in older


def test_the_chart_of_a_draft_is_drawn_for_staff_only(
    item: PowerItemVersion, posts: dict[str, Post], editor: Any
) -> None:
    version = draft(item, posts, editor)

    response = login(editor).get(f"/console/powers/{item.item_id}/flow/{version.pk}/chart.svg")

    assert response.status_code == 200 and response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert svg.startswith("<svg") and "机要岗" in svg and "第1版·草稿" in svg
    assert Client().get(f"/api/v1/powers/{item.item_id}/flow.svg").status_code == 404


def test_an_item_without_its_own_flow_shows_its_units_category_template(
    county: dict[str, Unit], item: PowerItemVersion, posts: dict[str, Post], editor: Any, reviewer: Any
) -> None:
    template = services.flow_version_create(unit=county["land"], category="licensing", steps=licensing_steps(posts),
                                            transitions=LICENSING_TRANSITIONS, reason="类别模板", author=editor,
                                            submit=True)
    services.flow_version_approve(version=template, reviewer=reviewer)

    page = login(editor).get(page_of(item)).content.decode()

    assert "县自然资源局行政许可类别流程图" in page and "本事项还没有自己的流程图" in page
    assert f"/flow/{template.pk}/chart.svg" in page and f"/flow/{template.pk}/flow.bpmn" in page


def test_an_exported_bpmn_uploads_as_a_new_draft(
    item: PowerItemVersion, posts: dict[str, Post], editor: Any, reviewer: Any
) -> None:
    first = published(item, posts, editor, reviewer)
    exported = Client().get(f"/api/v1/powers/{item.item_id}/flow.bpmn").content
    client = login(editor)

    response = upload(client, item, exported)

    assert response.status_code == 302 and response["Location"].endswith("/flow/?v=2")
    second = FlowVersion.objects.get(flow__item=item.item, number=2)
    assert (second.status, second.reason, second.author) == ("draft", "从建模工具导入", editor)
    assert second.snapshot() == first.snapshot()
    assert "已上传为第2版（草稿）" in client.get(response["Location"]).content.decode()


def test_the_staff_bpmn_of_a_draft_names_its_internal_posts_and_uploads_again(
    item: PowerItemVersion, posts: dict[str, Post], editor: Any, reviewer: Any
) -> None:
    first = draft(item, posts, editor, submit=True)
    services.flow_version_approve(version=first, reviewer=reviewer)
    client = login(editor)

    exported = client.get(f"/console/powers/{item.item_id}/flow/{first.pk}/flow.bpmn")
    upload(client, item, exported.content, submit="1")

    assert "attachment" in exported["Content-Disposition"] and "机要岗" in exported.content.decode()
    second = FlowVersion.objects.get(flow__item=item.item, number=2)
    assert second.status == "submitted" and second.snapshot() == first.snapshot()


def test_a_bpmn_with_a_script_is_refused_with_its_message_and_nothing_written(
    item: PowerItemVersion, posts: dict[str, Post], editor: Any, reviewer: Any
) -> None:
    published(item, posts, editor, reviewer)
    data = Client().get(f"/api/v1/powers/{item.item_id}/flow.bpmn").content.decode()
    hostile = data.replace("</bpmn:process>", '<bpmn:scriptTask id="evil"><bpmn:script>import os</bpmn:script>'
                                              "</bpmn:scriptTask></bpmn:process>")
    client = login(editor)
    events = Event.objects.count()

    response = upload(client, item, hostile.encode(), reason="导入")

    page = response.content.decode()
    assert response.status_code == 400 and "scriptTask" in page and "没有写入任何内容" in page
    assert 'value="导入"' in page  # the reason is kept for the next try
    assert FlowVersion.objects.count() == 1 and Event.objects.count() == events


def test_an_invalid_flow_is_refused_with_every_problem_named_by_its_step(
    item: PowerItemVersion, posts: dict[str, Post], editor: Any, reviewer: Any
) -> None:
    published(item, posts, editor, reviewer)
    data = Client().get(f"/api/v1/powers/{item.item_id}/flow.bpmn").content.decode()
    assert GROUND_CORRECTION in data
    client = login(editor)
    events = Event.objects.count()

    response = upload(client, item, data.replace(GROUND_CORRECTION, "").encode())

    assert response.status_code == 400
    assert "「补正」：此环节不计入办理时限，须写明法律依据" in response.content.decode()
    assert FlowVersion.objects.count() == 1 and Event.objects.count() == events


def test_an_upload_without_a_reason_or_a_file_is_refused(
    item: PowerItemVersion, posts: dict[str, Post], editor: Any, reviewer: Any
) -> None:
    published(item, posts, editor, reviewer)
    exported = Client().get(f"/api/v1/powers/{item.item_id}/flow.bpmn").content
    client = login(editor)

    no_reason = upload(client, item, exported, reason=" ")
    no_file = client.post(page_of(item), {"reason": "导入"})

    assert no_reason.status_code == 400 and "请填写变更理由" in no_reason.content.decode()
    assert no_file.status_code == 400 and "请选择要上传的BPMN文件" in no_file.content.decode()
    assert FlowVersion.objects.count() == 1


def test_a_draft_is_submitted_then_approved_by_another_person(
    item: PowerItemVersion, posts: dict[str, Post], editor: Any, reviewer: Any
) -> None:
    version = draft(item, posts, editor)
    editing, reviewing = login(editor), login(reviewer)
    assert f"/flow/{version.pk}/submit/" in editing.get(page_of(item)).content.decode()
    assert f"/flow/{version.pk}/approve/" not in reviewing.get(page_of(item)).content.decode()

    editing.post(f"/console/powers/{item.item_id}/flow/{version.pk}/submit/")
    assert f"/flow/{version.pk}/approve/" in reviewing.get(page_of(item)).content.decode()
    response = reviewing.post(f"/console/powers/{item.item_id}/flow/{version.pk}/approve/", {"comment": "同意"},
                              follow=True)

    version.refresh_from_db()
    assert (version.status, version.reviewer, version.review_comment) == ("approved", reviewer, "同意")
    assert Flow.objects.get(item=item.item).published_version == version
    assert "第1版已批准" in response.content.decode() and "现在适用" in response.content.decode()


def test_a_rejection_needs_a_comment_and_is_shown(
    item: PowerItemVersion, posts: dict[str, Post], editor: Any, reviewer: Any
) -> None:
    version = draft(item, posts, editor, submit=True)
    client = login(reviewer)
    url = f"/console/powers/{item.item_id}/flow/{version.pk}/reject/"

    without = client.post(url, {"comment": ""}, follow=True).content.decode()
    version.refresh_from_db()
    assert version.status == "submitted" and "退回时请写明理由" in without

    page = client.post(url, {"comment": "审查时限过长"}, follow=True).content.decode()
    assert "第1版已退回" in page and "意见：审查时限过长" in page and "已退回" in page


def test_the_author_may_not_approve_their_own_version(
    county: dict[str, Unit], item: PowerItemVersion, posts: dict[str, Post]
) -> None:
    both = factories.staff("both", county["land"], Role.EDITOR, Role.REVIEWER)
    version = draft(item, posts, both, submit=True)
    client = login(both)
    assert f"/flow/{version.pk}/approve/" not in client.get(page_of(item)).content.decode()

    response = client.post(f"/console/powers/{item.item_id}/flow/{version.pk}/approve/", follow=True)

    version.refresh_from_db()
    assert version.status == "submitted"
    assert response.status_code == 200 and "审核人不能是编制人本人（分岗设权）" in response.content.decode()


def test_a_reviewer_may_not_upload_and_an_editor_may_not_approve(
    item: PowerItemVersion, posts: dict[str, Post], editor: Any, reviewer: Any
) -> None:
    published(item, posts, editor, reviewer)
    exported = Client().get(f"/api/v1/powers/{item.item_id}/flow.bpmn").content
    other = draft(item, posts, factories.staff("clerk", item.item.unit, Role.EDITOR), submit=True)
    assert "上传BPMN" not in login(reviewer).get(page_of(item)).content.decode()

    refused = upload(login(reviewer), item, exported)
    approved = login(editor).post(f"/console/powers/{item.item_id}/flow/{other.pk}/approve/", follow=True)

    assert refused.status_code == 400 and "您没有县自然资源局的编制权限" in refused.content.decode()
    assert "您没有县自然资源局的审核权限" in approved.content.decode()
    other.refresh_from_db()
    assert other.status == "submitted" and FlowVersion.objects.count() == 2


def test_staff_of_another_unit_get_404(
    county: dict[str, Unit], item: PowerItemVersion, posts: dict[str, Post], editor: Any
) -> None:
    version = draft(item, posts, editor, submit=True)
    outsider = login(factories.staff("outsider", county["finance"], Role.EDITOR, Role.REVIEWER))
    base = f"/console/powers/{item.item_id}/flow/"

    assert outsider.get(base).status_code == 404
    assert outsider.get(f"{base}{version.pk}/chart.svg").status_code == 404
    assert outsider.get(f"{base}{version.pk}/flow.bpmn").status_code == 404
    assert outsider.post(f"{base}{version.pk}/approve/").status_code == 404
    assert upload(outsider, item, b"<x/>").status_code == 404
    version.refresh_from_db()
    assert version.status == "submitted"


def test_a_version_of_another_item_is_not_reached_through_this_one(
    county: dict[str, Unit], item: PowerItemVersion, posts: dict[str, Post], editor: Any, reviewer: Any
) -> None:
    version = draft(item, posts, editor, submit=True)
    another = factories.published(county["land"], editor, reviewer, code="XK-002", promised_limit=20)

    response = login(reviewer).post(f"/console/powers/{another.item_id}/flow/{version.pk}/approve/")

    assert response.status_code == 404
    version.refresh_from_db()
    assert version.status == "submitted"


def test_anonymous_visitors_are_sent_to_login(
    item: PowerItemVersion, posts: dict[str, Post], editor: Any
) -> None:
    version = draft(item, posts, editor)

    page = Client().get(page_of(item))
    submit = Client().post(f"/console/powers/{item.item_id}/flow/{version.pk}/submit/")

    assert page.status_code == 302 and page["Location"].startswith("/console/login/")
    assert submit.status_code == 302 and submit["Location"].startswith("/console/login/")
    version.refresh_from_db()
    assert version.status == "draft"


def test_the_item_page_links_to_the_flow_page(item: PowerItemVersion, editor: Any) -> None:
    page = login(editor).get(f"/console/powers/{item.item_id}/").content.decode()

    assert f'href="/console/powers/{item.item_id}/flow/">流程图</a>' in page


def test_an_editor_withdraws_a_wrong_upload_and_may_upload_again(
        county: dict[str, Unit], item: PowerItemVersion, posts: dict[str, Post], editor: Any) -> None:
    version = services.flow_version_create(item=item.item, steps=licensing_steps(posts),
                                           transitions=LICENSING_TRANSITIONS, reason="编制", author=editor)
    client = Client()
    client.force_login(editor)

    refused = client.post(f"/console/powers/{item.item_id}/flow/{version.pk}/withdraw/", {"comment": ""}, follow=True)
    version.refresh_from_db()
    assert "撤回时请写明理由" in refused.content.decode() and version.status == "draft"
    done = client.post(f"/console/powers/{item.item_id}/flow/{version.pk}/withdraw/", {"comment": "传错了文件"},
                       follow=True)
    version.refresh_from_db()
    assert "已撤回，可以重新上传" in done.content.decode() and version.status == "withdrawn"
    again = services.flow_version_create(item=item.item, steps=licensing_steps(posts),
                                         transitions=LICENSING_TRANSITIONS, reason="重新编制", author=editor)
    assert again.number == version.number + 1
