"""`sunlit list-tokens [USERNAME]` shows every token (or one login's) with its dates and state, and
`sunlit revoke-token ID` revokes one through the service, with its event."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from sunlit.core.clock import FixedClock
from sunlit.core.models import ApiToken, Event
from sunlit.org import services

pytestmark = pytest.mark.django_db


def run(*args: str) -> list[str]:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().splitlines()


@pytest.fixture
def tokens(editor: User, reviewer: User, clock: FixedClock) -> dict[str, ApiToken]:
    sync = services.api_token_issue(user=editor, name="夜间同步", actor=None, days=30)[0]
    clock.advance(days=1)
    old = services.api_token_issue(user=editor, name="旧脚本", actor=None, days=1)[0]
    review = services.api_token_issue(user=reviewer, name="审核脚本", actor=None)[0]
    services.api_token_revoke(token=review, actor=None)
    clock.advance(days=2)
    sync.note_use()
    return {"sync": sync, "old": old, "review": review}


def test_the_list_shows_each_token_newest_first_with_its_dates_and_state(tokens: dict[str, ApiToken]) -> None:
    header, *rows = run("list_tokens")

    assert header.split() == ["编号", "名称", "用户", "签发时间", "到期时间", "最近使用", "状态"]
    assert [row.split()[0] for row in rows] == [str(tokens["review"].pk), str(tokens["old"].pk),
                                                str(tokens["sync"].pk)]
    assert rows[0].split()[1:3] == ["审核脚本", "reviewer"] and rows[0].endswith("已吊销")
    assert rows[1].endswith("已过期")
    assert rows[2].split()[1:] == ["夜间同步", "editor", "2026-11-24", "10:00", "2026-12-24", "10:00",
                                   "2026-11-27", "10:00", "有效"]


def test_the_list_of_one_login(tokens: dict[str, ApiToken]) -> None:
    _, *rows = run("list_tokens", "reviewer")
    assert len(rows) == 1 and "审核脚本" in rows[0]
    with pytest.raises(CommandError, match="用户 nobody 不存在"):
        run("list_tokens", "nobody")


def test_revoke_token_revokes_through_the_service(tokens: dict[str, ApiToken]) -> None:
    sync = tokens["sync"]

    assert run("revoke_token", str(sync.pk)) == [f"已吊销令牌 {sync.pk}（editor·夜间同步）"]

    assert ApiToken.objects.get(pk=sync.pk).revoked
    event = Event.objects.filter(action="org.api_token.revoke").latest("pk")
    assert (event.object_id, event.actor) == (str(sync.pk), None)


def test_revoke_token_refuses_an_unknown_or_revoked_one(tokens: dict[str, ApiToken]) -> None:
    with pytest.raises(CommandError, match="编号为 99999 的令牌不存在"):
        run("revoke_token", "99999")
    with pytest.raises(CommandError, match="该令牌已吊销"):
        run("revoke_token", str(tokens["review"].pk))


def test_an_empty_list_says_so(db: None) -> None:
    assert run("list_tokens") == ["没有令牌。"]
