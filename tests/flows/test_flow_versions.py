"""Flow versions: drafted whole or refused whole, reviewed by another person, published for the public."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from sunlit.catalog.models import PowerItemVersion
from sunlit.core.errors import NotAllowed
from sunlit.core.models import Event
from sunlit.flows import risks, services
from sunlit.flows.models import Flow, FlowChart, FlowVersion
from sunlit.org.models import Post, Unit
from sunlit.record.models import LeafQueue
from tests import factories
from tests.flows.conftest import LICENSING_TRANSITIONS, licensing_steps


def published_flow(item: PowerItemVersion, posts: dict[str, Post], editor: Any, reviewer: Any) -> FlowVersion:
    version = services.flow_version_create(item=item.item, steps=licensing_steps(posts),
                                           transitions=LICENSING_TRANSITIONS, reason="按审批流程编制", author=editor,
                                           submit=True)
    return services.flow_version_approve(version=version, reviewer=reviewer, comment="同意")


def test_an_approved_item_flow_is_public_with_its_steps_and_branches(
    item: PowerItemVersion, posts: dict[str, Post], editor: Any, reviewer: Any
) -> None:
    published_flow(item, posts, editor, reviewer)

    body = Client().get(f"/api/v1/powers/{item.item_id}/flow").json()

    assert (body["version"], body["source"], body["unit"]) == (1, "item", "working")
    assert [s["name"] for s in body["steps"]] == ["申请", "受理", "补正", "不予受理", "审查", "决定", "送达", "不予许可"]
    accept = body["steps"][1]
    assert accept["post"] == {"id": posts["window"].pk, "name": "窗口受理岗", "unit": "YD-ZRZY"}
    assert accept["limit"] == 5 and accept["rights"] == "材料不全的，一次性告知需补正的全部内容"
    correct = body["steps"][2]
    assert correct["clock_stops"] is True and "第四十五条" in correct["legal_ground"]
    assert {"from": "accept", "to": "refuse", "outcome": "不予受理"} in body["transitions"]
    assert {"from": "correct", "to": "accept", "outcome": "补正完成"} in body["transitions"]


def test_a_draft_flow_is_not_public(item: PowerItemVersion, posts: dict[str, Post], editor: Any) -> None:
    services.flow_version_create(item=item.item, steps=licensing_steps(posts), transitions=LICENSING_TRANSITIONS,
                                 reason="编制", author=editor)

    response = Client().get(f"/api/v1/powers/{item.item_id}/flow")

    assert response.status_code == 404
    assert response.json()["errors"][0]["field"] == "id"


def test_a_flow_longer_than_the_statutory_limit_is_refused_whole_naming_the_limit(
    item: PowerItemVersion, posts: dict[str, Post], editor: Any
) -> None:
    events, leaves = Event.objects.count(), LeafQueue.objects.count()

    with pytest.raises(services.FlowInvalid) as refused:
        services.flow_version_create(item=item.item, steps=licensing_steps(posts, review_days=13),
                                     transitions=LICENSING_TRANSITIONS, reason="编制", author=editor)

    messages = " ".join(e.message for e in refused.value.errors)
    assert "23" in messages and "20" in messages
    assert not Flow.objects.exists() and not FlowVersion.objects.exists()
    assert (Event.objects.count(), LeafQueue.objects.count()) == (events, leaves)


def test_the_api_lists_every_problem_of_a_refused_flow(
    item: PowerItemVersion, posts: dict[str, Post], editor: Any
) -> None:
    steps = licensing_steps(posts)
    steps[2]["legal_ground"] = ""  # 补正 stops the clock without its ground
    client = Client()
    client.force_login(editor)

    response = client.post(f"/api/v1/powers/{item.item_id}/flow-versions", {
        "steps": steps, "transitions": LICENSING_TRANSITIONS[:-1], "reason": "编制"}, content_type="application/json")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert len(errors) >= 2  # the missing legal ground, and 不予许可 that nothing reaches
    assert any(e["field"].startswith("steps.correct") and "补正" in e["message"] for e in errors)
    assert any(e["field"].startswith("steps.deny") for e in errors)
    assert not FlowVersion.objects.exists()


def test_a_post_of_a_unit_beside_the_owner_is_refused_and_one_above_is_not(
    county: dict[str, Unit], posts: dict[str, Post]
) -> None:
    editor = factories.staff("town_editor", county["town"], "editor")
    reviewer = factories.staff("town_reviewer", county["town"], "reviewer")
    village_item = factories.published(county["village"], editor, reviewer, code="CX-001", promised_limit=20)
    township_post = Post.objects.create(unit=county["town"], name="镇村镇建设岗")
    steps = licensing_steps(posts)
    for s in steps:
        s["post"] = township_post.pk  # 上报: the township approves what the village receives

    assert services.flow_version_create(item=village_item.item, steps=steps, transitions=LICENSING_TRANSITIONS,
                                        reason="镇审批", author=editor)

    other_item = factories.published(county["village"], editor, reviewer, code="CX-002", promised_limit=20)
    steps[4]["post"] = posts["finance"].pk
    with pytest.raises(services.FlowInvalid) as refused:
        services.flow_version_create(item=other_item.item, steps=steps, transitions=LICENSING_TRANSITIONS,
                                     reason="错误岗位", author=editor)
    assert any(e.field.startswith("steps.review") and "财政审核岗" in e.message for e in refused.value.errors)


def test_the_author_cannot_approve_their_own_flow(
    item: PowerItemVersion, posts: dict[str, Post], editor: Any, county: dict[str, Unit]
) -> None:
    both = factories.staff("both", county["land"], "editor", "reviewer")
    version = services.flow_version_create(item=item.item, steps=licensing_steps(posts),
                                           transitions=LICENSING_TRANSITIONS, reason="编制", author=both, submit=True)

    with pytest.raises(NotAllowed, match="分岗设权"):
        services.flow_version_approve(version=version, reviewer=both)


def test_an_item_without_its_own_flow_shows_its_units_category_template(
    county: dict[str, Unit], item: PowerItemVersion, posts: dict[str, Post], editor: Any, reviewer: Any
) -> None:
    version = services.flow_version_create(unit=county["land"], category="licensing", steps=licensing_steps(posts),
                                           transitions=LICENSING_TRANSITIONS, reason="类别流程", author=editor,
                                           submit=True)
    services.flow_version_approve(version=version, reviewer=reviewer)

    body = Client().get(f"/api/v1/powers/{item.item_id}/flow").json()

    assert body["source"] == "category" and len(body["steps"]) == 8


def test_an_internal_post_is_not_named_on_the_public_flow(
    item: PowerItemVersion, posts: dict[str, Post], editor: Any, reviewer: Any
) -> None:
    steps = licensing_steps(posts)
    steps[4]["post"] = posts["secret"].pk
    version = services.flow_version_create(item=item.item, steps=steps, transitions=LICENSING_TRANSITIONS,
                                           reason="编制", author=editor, submit=True)
    services.flow_version_approve(version=version, reviewer=reviewer)

    body = Client().get(f"/api/v1/powers/{item.item_id}/flow").json()
    record = LeafQueue.objects.get(kind="flows.flowversion", ref=version.pk)

    assert body["steps"][4]["post"] is None
    assert "机要岗".encode() not in bytes(record.data)
    assert json.loads(bytes(record.data))["content"]["steps"][4]["post"] is None


def test_a_flow_of_a_non_public_item_is_not_shown(
    county: dict[str, Unit], posts: dict[str, Post], editor: Any, reviewer: Any
) -> None:
    internal = factories.published(county["land"], editor, reviewer, code="NB-001", audience="internal",
                                  promised_limit=20)
    version = services.flow_version_create(item=internal.item, steps=licensing_steps(posts),
                                           transitions=LICENSING_TRANSITIONS, reason="编制", author=editor,
                                           submit=True)
    services.flow_version_approve(version=version, reviewer=reviewer)

    assert Client().get(f"/api/v1/powers/{internal.item_id}/flow").status_code == 404
    record = LeafQueue.objects.get(kind="flows.flowversion", ref=version.pk)
    assert set(json.loads(bytes(record.data))) == {"schema", "type", "at", "document"}


def test_a_calendar_day_item_does_not_take_a_working_day_template(
    county: dict[str, Unit], posts: dict[str, Post], editor: Any, reviewer: Any
) -> None:
    penalty = factories.published(county["land"], editor, reviewer, code="CF-001", category="licensing",
                                  statutory_limit=60, statutory_limit_unit="calendar", promised_limit=None)
    version = services.flow_version_create(unit=county["land"], category="licensing", steps=licensing_steps(posts),
                                           transitions=LICENSING_TRANSITIONS, reason="类别流程", author=editor,
                                           submit=True)
    services.flow_version_approve(version=version, reviewer=reviewer)

    assert Client().get(f"/api/v1/powers/{penalty.item_id}/flow").status_code == 404


def test_the_item_page_lists_the_flow_steps_with_posts_limits_and_branches(
    item: PowerItemVersion, posts: dict[str, Post], editor: Any, reviewer: Any
) -> None:
    published_flow(item, posts, editor, reviewer)

    page = Client().get(f"/powers/{item.item_id}/").content.decode()

    assert "办理流程" in page and "本事项的项目流程图（第1版）" in page
    assert "窗口受理岗 · 5个工作日" in page
    assert "不计时（《中华人民共和国行政许可法》第三十二条、第四十五条）" in page
    assert "→ 审查（受理）；补正（补正）；不予受理（不予受理）" in page


def test_the_chart_is_drawn_once_with_public_posts_and_step_risks_and_shown_on_the_item_page(
    county: dict[str, Unit], item: PowerItemVersion, posts: dict[str, Post], editor: Any, reviewer: Any
) -> None:
    steps = licensing_steps(posts)
    steps[1]["post"] = posts["secret"].pk
    version = services.flow_version_create(item=item.item, steps=steps, transitions=LICENSING_TRANSITIONS,
                                           reason="编制", author=editor, submit=True)
    services.flow_version_approve(version=version, reviewer=reviewer)
    risks.risk_point_create(unit=county["land"], step=version.steps.get(key="decide"), level="high",
                            description="违规许可", measures="集体研究", actor=editor)

    response = Client().get(f"/api/v1/powers/{item.item_id}/flow.svg")
    svg = response.content.decode()

    assert response["Content-Type"].startswith("image/svg+xml")
    for name in ("受理", "补正", "不予受理", "审查", "决定", "送达", "不予许可", "审批岗", "不计时", "风险高", "监督点"):
        assert name in svg
    assert "机要岗" not in svg
    assert FlowChart.objects.filter(version=version).count() == 1
    Client().get(f"/api/v1/powers/{item.item_id}/flow.svg")
    assert FlowChart.objects.count() == 1
    page = Client().get(f"/powers/{item.item_id}/").content.decode()
    assert f'<img src="/api/v1/powers/{item.item_id}/flow.svg"' in page


def test_a_risk_point_stays_with_its_step_when_a_new_version_is_approved(
    county: dict[str, Unit], item: PowerItemVersion, posts: dict[str, Post], editor: Any, reviewer: Any
) -> None:
    first = services.flow_version_create(item=item.item, steps=licensing_steps(posts),
                                         transitions=LICENSING_TRANSITIONS, reason="编制", author=editor, submit=True)
    services.flow_version_approve(version=first, reviewer=reviewer)
    risks.risk_point_create(unit=county["land"], step=first.steps.get(key="decide"), level="high",
                            description="违规许可", measures="集体研究", actor=editor)
    second = services.flow_version_create(item=item.item, steps=licensing_steps(posts, review_days=8),
                                          transitions=LICENSING_TRANSITIONS, reason="压缩审查时限", author=editor,
                                          submit=True)
    services.flow_version_approve(version=second, reviewer=reviewer)

    svg = Client().get(f"/api/v1/powers/{item.item_id}/flow.svg").content.decode()

    assert "8个工作日" in svg
    assert "风险高" in svg


def test_a_risk_point_set_after_the_chart_was_drawn_shows_on_its_next_request(
    county: dict[str, Unit], item: PowerItemVersion, posts: dict[str, Post], editor: Any, reviewer: Any
) -> None:
    version = services.flow_version_create(item=item.item, steps=licensing_steps(posts),
                                           transitions=LICENSING_TRANSITIONS, reason="编制", author=editor,
                                           submit=True)
    services.flow_version_approve(version=version, reviewer=reviewer)
    assert "风险中" not in Client().get(f"/api/v1/powers/{item.item_id}/flow.svg").content.decode()

    risks.risk_point_create(unit=county["land"], step=version.steps.get(key="review"), level="medium",
                            description="选择性审查", measures="双人审查", actor=editor)

    assert "风险中" in Client().get(f"/api/v1/powers/{item.item_id}/flow.svg").content.decode()
    assert FlowChart.objects.filter(version=version).count() == 1


def test_a_village_step_sent_up_names_the_township_post_and_its_unit(county: dict[str, Unit]) -> None:
    editor = factories.staff("town_editor", county["town"], "editor")
    reviewer = factories.staff("town_reviewer", county["town"], "reviewer")
    house = factories.published(county["village"], editor, reviewer, code="CX-001", name="村民建房申请初审",
                                promised_limit=20)
    village_post = Post.objects.create(unit=county["village"], name="便民服务代办员")
    township_post = Post.objects.create(unit=county["town"], name="便民服务中心审批岗")
    steps = [{"key": "apply", "name": "申请", "kind": "apply", "post": village_post.pk},
             {"key": "check", "name": "村级初审", "kind": "review", "post": village_post.pk, "limit": 2},
             {"key": "report", "name": "上报乡镇审批", "kind": "report_up", "post": township_post.pk, "limit": 1},
             {"key": "sent", "name": "转乡镇审批", "kind": "deliver", "post": township_post.pk}]
    links = [{"from": "apply", "to": "check"}, {"from": "check", "to": "report"}, {"from": "report", "to": "sent"}]
    version = services.flow_version_create(item=house.item, steps=steps, transitions=links, reason="编制",
                                           author=editor, submit=True)
    services.flow_version_approve(version=version, reviewer=reviewer)

    page = Client().get(f"/powers/{house.item_id}/").content.decode()
    svg = Client().get(f"/api/v1/powers/{house.item_id}/flow.svg").content.decode()

    assert "便民服务中心审批岗（贡江镇，上报）" in page
    assert "便民服务中心审批岗（贡江镇）" in svg
