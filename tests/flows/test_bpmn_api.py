"""BPMN over the API: the public flow downloads as BPMN 2.0, and staff import such a file as a new version."""

from __future__ import annotations

from typing import Any

from django.test import Client

from sunlit.catalog.models import PowerItemVersion
from sunlit.flows import services
from sunlit.flows.models import FlowVersion
from sunlit.org.models import Post
from tests.flows.conftest import LICENSING_TRANSITIONS, licensing_steps


def _published(item: PowerItemVersion, posts: dict[str, Post], editor: Any, reviewer: Any) -> FlowVersion:
    version = services.flow_version_create(item=item.item, steps=licensing_steps(posts),
                                           transitions=LICENSING_TRANSITIONS, reason="编制", author=editor, submit=True)
    return services.flow_version_approve(version=version, reviewer=reviewer)


def test_export_then_import_gives_the_same_flow_as_a_new_draft(
    item: PowerItemVersion, posts: dict[str, Post], editor: Any, reviewer: Any
) -> None:
    first = _published(item, posts, editor, reviewer)
    download = Client().get(f"/api/v1/powers/{item.item_id}/flow.bpmn")
    assert download.status_code == 200 and download["Content-Type"].startswith("application/xml")
    assert download.content.count(b"userTask id=") == 8
    client = Client()
    client.force_login(editor)

    response = client.post(f"/api/v1/powers/{item.item_id}/flow-versions.bpmn?reason=从建模工具导入",
                           data=download.content, content_type="application/xml")

    assert response.status_code == 201, response.content
    second = FlowVersion.objects.get(pk=response.json()["id"])
    assert (second.number, second.status) == (2, "draft")
    assert second.snapshot() == first.snapshot()


def test_a_bpmn_with_a_script_is_refused_by_name_and_writes_nothing(
    item: PowerItemVersion, posts: dict[str, Post], editor: Any, reviewer: Any
) -> None:
    _published(item, posts, editor, reviewer)
    data = Client().get(f"/api/v1/powers/{item.item_id}/flow.bpmn").content.decode()
    marker = "</bpmn:process>" if "</bpmn:process>" in data else "</process>"
    hostile = data.replace(marker, '<bpmn:scriptTask id="evil"><bpmn:script>import os</bpmn:script>'
                                   '</bpmn:scriptTask>' + marker)
    client = Client()
    client.force_login(editor)

    response = client.post(f"/api/v1/powers/{item.item_id}/flow-versions.bpmn?reason=导入",
                           data=hostile.encode(), content_type="application/xml")

    assert response.status_code == 400
    assert "scriptTask" in response.json()["errors"][0]["message"]
    assert FlowVersion.objects.count() == 1


def test_a_lane_naming_a_post_outside_the_unit_is_refused(
    item: PowerItemVersion, posts: dict[str, Post], editor: Any, reviewer: Any
) -> None:
    _published(item, posts, editor, reviewer)
    data = Client().get(f"/api/v1/powers/{item.item_id}/flow.bpmn").content.decode().replace("审批岗", "不存在的岗")
    client = Client()
    client.force_login(editor)

    response = client.post(f"/api/v1/powers/{item.item_id}/flow-versions.bpmn?reason=导入",
                           data=data.encode(), content_type="application/xml")

    assert response.status_code == 400
    assert "不存在的岗" in response.json()["errors"][0]["message"]
