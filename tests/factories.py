"""Small factories for tests: a county, staff with roles, and power items in any state."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from sunlit.catalog import services
from sunlit.catalog.models import Category, PowerItemVersion
from sunlit.core.models import ApiToken
from sunlit.org.models import Membership, Official, Post, Role, Unit, UnitKind

LICENSING_BASIS = [{"law": "中华人民共和国行政许可法", "article": "第二十九条",
                    "excerpt": "公民、法人或者其他组织从事特定活动，依法需要取得行政许可的，应当向行政机关提出申请。"}]


def unit(code: str, name: str, kind: str = UnitKind.DEPARTMENT, parent: Unit | None = None) -> Unit:
    return Unit.objects.create(code=code, name=name, kind=kind, parent=parent)


def role(code: str) -> Role:
    """The role row for `code`. The migration seeds them; a test that flushed the tables (live server,
    transactional tests) gets it back here."""
    return Role.objects.get_or_create(code=code, defaults={"name": code})[0]


def staff(username: str, unit: Unit, *roles: str) -> User:
    """A login holding `roles` (codes) in `unit`, written directly: tests of other rules need no event."""
    user = User.objects.create_user(username=username, password="pw-" + username)
    for code in roles:
        Membership.objects.create(user=user, unit=unit, role=role(code))
    return user


def bearer(user: User) -> dict[str, str]:
    """The Authorization header of a new API token of `user` (as an API client sends it)."""
    return {"Authorization": f"Bearer {ApiToken.issue(user, 'test')[1]}"}


def content(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "农村村民住宅建设审批",
        "category": Category.LICENSING,
        "implementing_body": "县自然资源局",
        "statutory_limit": 20,
        "statutory_limit_unit": "working",
        "promised_limit": 10,
        "promised_limit_unit": "working",
        "complaint_phone": "0797-1234567",
    }
    data.update(overrides)
    return data


def draft(unit: Unit, author: User, code: str = "XK-001", bases: list[dict[str, str]] | None = None,
          **overrides: Any) -> PowerItemVersion:
    return services.power_item_create(unit=unit, code=code, content=content(**overrides),
                                      legal_bases=LICENSING_BASIS if bases is None else bases,
                                      reason="新增事项", author=author)


def published(unit: Unit, author: User, reviewer: User, code: str = "XK-001", **overrides: Any) -> PowerItemVersion:
    version = draft(unit, author, code, **overrides)
    services.power_version_submit(version=version, actor=author)
    return services.power_version_approve(version=version, reviewer=reviewer, comment="同意")


def staffed(unit: Unit, author: User, reviewer: User, **overrides: Any) -> PowerItemVersion:
    """A published item of `unit` naming a handling post (用地审批岗) and a responsible leader (王立新) of the
    unit, with conditions, fees and remarks: a version with every kind of field to keep or change."""
    post = Post.objects.create(unit=unit, name="用地审批岗")
    leader = Official.objects.create(unit=unit, name="王立新", title="副局长")
    fields = {"handling_post": post.pk, "responsible_leader": leader.pk, "conditions": "本集体经济组织成员",
              "fees": "不收费", "remarks": "按月公示", **overrides}
    return published(unit, author, reviewer, **fields)


__all__ = ["Role", "role", "unit", "staff", "content", "draft", "published", "staffed"]
