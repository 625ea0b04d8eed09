"""API tokens are issued and revoked through services, each with its event; the raw token is shown once
and kept nowhere, not even in the event. A token lives 90 days unless its issuer says otherwise."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from sunlit.core.clock import FixedClock
from sunlit.core.errors import Conflict, DomainError
from sunlit.core.models import ApiToken, Event, TokenState
from sunlit.org import services
from sunlit.record.models import LeafQueue

pytestmark = pytest.mark.django_db


@pytest.fixture
def script_user(db: None) -> User:
    return User.objects.create(username="import-script")


def test_issue_records_the_event_without_the_token(script_user: User, actor: Any, clock: FixedClock) -> None:
    token, raw = services.api_token_issue(user=script_user, name="导入脚本", actor=actor)
    assert ApiToken.user_for(raw) == script_user
    assert token.expires_at == clock.now() + dt.timedelta(days=90)
    event = Event.objects.get(action="org.api_token.issue")
    assert (event.object_id, event.after) == (str(token.pk), {"user": "import-script", "name": "导入脚本",
                                                             "expires_at": token.expires_at.isoformat()})
    leaf = LeafQueue.objects.get(kind="event", ref=event.pk)
    for stored in (str(event.after), event.note, bytes(leaf.data), bytes(leaf.document or b"")):
        assert (raw not in stored) if isinstance(stored, str) else (raw.encode() not in stored)
        assert (token.key_hash not in stored) if isinstance(stored, str) else (token.key_hash.encode() not in stored)


def test_an_inactive_login_gets_no_token(script_user: User, actor: Any, trail: Any) -> None:
    script_user.is_active = False
    script_user.save()
    before = trail()
    with pytest.raises(DomainError) as refused:
        services.api_token_issue(user=script_user, name="导入脚本", actor=actor)
    assert refused.value.field == "user"
    assert trail() == before
    assert not ApiToken.objects.exists()


def test_a_revoked_token_no_longer_works_and_is_revoked_once(script_user: User, actor: Any, trail: Any) -> None:
    token, raw = services.api_token_issue(user=script_user, name="导入脚本", actor=actor)
    services.api_token_revoke(token=token, actor=actor)
    assert ApiToken.user_for(raw) is None
    assert Event.objects.get(action="org.api_token.revoke").after == {"revoked": True}
    before = trail()
    with pytest.raises(Conflict):
        services.api_token_revoke(token=token, actor=actor)
    assert trail() == before


def test_a_token_stops_working_when_it_expires(script_user: User, actor: Any, clock: FixedClock) -> None:
    token, raw = services.api_token_issue(user=script_user, name="导入脚本", actor=actor, days=7)
    clock.advance(days=7, seconds=-1)
    assert ApiToken.user_for(raw) == script_user and token.state() == TokenState.ACTIVE
    clock.advance(seconds=1)
    assert ApiToken.user_for(raw) is None and token.state() == TokenState.EXPIRED


@pytest.mark.parametrize("days", [0, -1, 367, True])
def test_a_lifetime_outside_one_day_to_a_year_is_refused(script_user: User, actor: Any, trail: Any,
                                                         days: int) -> None:
    before = trail()
    with pytest.raises(DomainError) as refused:
        services.api_token_issue(user=script_user, name="导入脚本", actor=actor, days=days)
    assert refused.value.field == "days"
    assert trail() == before and not ApiToken.objects.exists()


def test_the_command_issues_through_the_service(script_user: User, clock: FixedClock) -> None:
    out = io.StringIO()
    call_command("issue_token", "import-script", "--name", "夜间同步", "--days", "30", stdout=out, stderr=io.StringIO())
    raw = out.getvalue().strip()
    assert ApiToken.user_for(raw) == script_user
    event = Event.objects.get(action="org.api_token.issue")
    expires = clock.now() + dt.timedelta(days=30)
    assert (event.actor, event.after) == (None, {"user": "import-script", "name": "夜间同步",
                                                 "expires_at": expires.isoformat()})
    with pytest.raises(CommandError, match="有效期应为1至366天"):
        call_command("issue_token", "import-script", "--days", "0")
    with pytest.raises(CommandError, match="不存在或已停用"):
        call_command("issue_token", "nobody")
