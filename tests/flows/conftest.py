"""A licensing item of the land bureau with a flow a county would publish for it."""

from __future__ import annotations

from typing import Any

import pytest

from sunlit.catalog.models import PowerItemVersion
from sunlit.org.models import Post, Unit
from tests import factories

GROUND_CORRECTION = "《中华人民共和国行政许可法》第三十二条、第四十五条"
GROUND_HEARING = "《中华人民共和国行政许可法》第四十五条、第四十七条"


@pytest.fixture
def posts(county: dict[str, Unit]) -> dict[str, Post]:
    land = county["land"]
    return {
        "window": Post.objects.create(unit=land, name="窗口受理岗"),
        "review": Post.objects.create(unit=land, name="审批岗"),
        "leader": Post.objects.create(unit=land, name="分管副局长", is_leader=True),
        "secret": Post.objects.create(unit=land, name="机要岗", is_internal=True),
        "finance": Post.objects.create(unit=county["finance"], name="财政审核岗"),
    }


@pytest.fixture
def item(county: dict[str, Unit], editor: Any, reviewer: Any) -> PowerItemVersion:
    """农村村民住宅建设审批: 20 working days statutory, 20 promised."""
    return factories.published(county["land"], editor, reviewer, code="XK-001", promised_limit=20)


def step(key: str, name: str, kind: str, post: Post | None = None, limit: int | None = None,
         **more: Any) -> dict[str, Any]:
    return {"key": key, "name": name, "kind": kind, "post": post.pk if post else None, "limit": limit, **more}


def licensing_steps(posts: dict[str, Post], review_days: int = 10) -> list[dict[str, Any]]:
    """申请 → 受理 (补正 loop; 不予受理) → 审查 → 决定 → 送达 / 不予许可: 5 + 10 + 5 counted days."""
    return [
        step("apply", "申请", "apply"),
        step("accept", "受理", "accept", posts["window"], 5, duty="审查申请材料是否齐全、符合法定形式",
             rights="材料不全的，一次性告知需补正的全部内容", complaint="0797-6213002"),
        step("correct", "补正", "correction", None, 5, clock_stops=True, legal_ground=GROUND_CORRECTION),
        step("refuse", "不予受理", "not_accepted", posts["window"]),
        step("review", "审查", "review", posts["review"], review_days, supervision_point=True),
        step("decide", "决定", "decide", posts["leader"], 5, supervision_point=True),
        step("deliver", "送达", "deliver", posts["window"]),
        step("deny", "不予许可", "denied", posts["window"]),
    ]


LICENSING_TRANSITIONS = [
    {"from": "apply", "to": "accept", "outcome": ""},
    {"from": "accept", "to": "review", "outcome": "受理"},
    {"from": "accept", "to": "correct", "outcome": "补正"},
    {"from": "accept", "to": "refuse", "outcome": "不予受理"},
    {"from": "correct", "to": "accept", "outcome": "补正完成"},
    {"from": "review", "to": "decide", "outcome": ""},
    {"from": "decide", "to": "deliver", "outcome": "准予许可"},
    {"from": "decide", "to": "deny", "outcome": "不予许可"},
]
