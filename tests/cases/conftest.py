"""A licensing item of the land bureau on a published flow, and the officials who hold its posts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User

from sunlit.catalog.models import PowerItemVersion
from sunlit.flows import services as flows
from sunlit.org.models import Appointment, Official, Post, Unit
from tests import factories
from tests.flows.conftest import GROUND_CORRECTION, GROUND_HEARING, step

ID_NUMBER = "36073119900101123X"


@dataclass
class Office:
    """Who works the flow: each a login that is an official holding the post."""

    item: PowerItemVersion
    window: User
    examiner: User
    deputy: User
    director: User
    outsider: User
    posts: dict[str, Post]


def _official(unit: Unit, post: Post, name: str, username: str) -> User:
    user = User.objects.create_user(username=username, password="pw")
    official = Official.objects.create(name=name, unit=unit, title=post.name, user=user)
    Appointment.objects.create(official=official, post=post, start=dt.date(2025, 1, 1))
    return user


def licensing_flow(posts: dict[str, Post]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """申请 → 受理 (补正 loop; 不予受理) → 审查 (→ 听证, clock stops) → 决定 → 送达 / 不予许可."""
    steps = [
        step("apply", "申请", "apply"),
        step("accept", "受理", "accept", posts["window"], 1),
        step("correct", "补正", "correction", None, 5, clock_stops=True, legal_ground=GROUND_CORRECTION),
        step("refuse", "不予受理", "not_accepted", posts["window"]),
        step("review", "审查", "review", posts["review"], 6, supervision_point=True),
        step("hearing", "听证", "hearing", posts["deputy"], 20, clock_stops=True, legal_ground=GROUND_HEARING),
        step("decide", "决定", "decide", posts["deputy"], 2, supervision_point=True),
        step("deliver", "送达", "deliver", posts["window"]),
        step("deny", "不予许可", "denied", posts["window"]),
    ]
    links = [
        {"from": "apply", "to": "accept"}, {"from": "accept", "to": "review", "outcome": "受理"},
        {"from": "accept", "to": "correct", "outcome": "补正"}, {"from": "accept", "to": "refuse", "outcome": "不予受理"},
        {"from": "correct", "to": "accept", "outcome": "补正完成"},
        {"from": "review", "to": "decide", "outcome": "无需听证"}, {"from": "review", "to": "hearing", "outcome": "听证"},
        {"from": "hearing", "to": "decide"},
        {"from": "decide", "to": "deliver", "outcome": "准予许可"}, {"from": "decide", "to": "deny", "outcome": "不予许可"},
    ]
    return steps, links


@pytest.fixture
def office(county: dict[str, Unit], editor: Any, reviewer: Any) -> Office:
    land = county["land"]
    posts = {
        "window": Post.objects.create(unit=land, name="窗口受理岗"),
        "review": Post.objects.create(unit=land, name="审批岗"),
        "deputy": Post.objects.create(unit=land, name="分管副局长", is_leader=True),
        "director": Post.objects.create(unit=land, name="局长", is_leader=True, is_principal=True),
    }
    item = factories.published(land, editor, reviewer, code="XK-001", statutory_limit=20, promised_limit=10)
    steps, links = licensing_flow(posts)
    version = flows.flow_version_create(item=item.item, steps=steps, transitions=links, reason="编制", author=editor,
                                        submit=True)
    flows.flow_version_approve(version=version, reviewer=reviewer)
    finance_post = Post.objects.create(unit=county["finance"], name="会计岗")
    return Office(
        item=item, posts=posts,
        window=_official(land, posts["window"], "陈窗", "window"),
        examiner=_official(land, posts["review"], "周审", "examiner"),
        deputy=_official(land, posts["deputy"], "吴副", "deputy"),
        director=_official(land, posts["director"], "郑局", "director"),
        outsider=_official(county["finance"], finance_post, "钱会计", "outsider"),
    )
