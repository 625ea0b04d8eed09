"""The console's token page (/console/tokens/): a member of staff sees their own API tokens, creates one
(shown this once) and revokes theirs; another person's token is as if it did not exist. Every change goes
through the org services, with its event."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.middleware.csrf import get_token
from django.test import Client

from sunlit.core.clock import FixedClock
from sunlit.core.models import ApiToken, Event
from sunlit.org import services

pytestmark = pytest.mark.django_db

PAGE = "/console/tokens/"


def as_user(user: User, **kwargs: bool) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def test_the_page_needs_a_login(db: None) -> None:
    response = Client().get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/console/login/")


def test_staff_see_their_own_tokens_and_no_one_elses(editor: User, reviewer: User, clock: FixedClock) -> None:
    services.api_token_issue(user=editor, name="夜间同步", actor=editor)
    services.api_token_issue(user=reviewer, name="审核脚本", actor=reviewer)

    page = as_user(editor).get(PAGE).content.decode()

    assert "夜间同步" in page and "审核脚本" not in page
    assert "2027-02-22 10:00" in page and "有效" in page  # expires in 90 days


def test_a_new_token_is_shown_once_and_works(editor: User, clock: FixedClock) -> None:
    client = as_user(editor)
    response = client.post(PAGE, {"name": "数据同步", "days": "30"})

    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    raw = re.search(r'<code class="secret">(sl_[^<]+)</code>', response.content.decode())
    assert raw is not None
    token = ApiToken.objects.get()
    assert (token.user, token.name, ApiToken.user_for(raw[1])) == (editor, "数据同步", editor)
    assert Event.objects.get(action="org.api_token.issue").actor == editor
    assert raw[1] not in client.get(PAGE).content.decode()


def test_a_lifetime_out_of_range_is_refused_on_the_page(editor: User, clock: FixedClock) -> None:
    response = as_user(editor).post(PAGE, {"name": "数据同步", "days": "400"})
    assert response.status_code == 400 and "有效期应为1至366天" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_staff_revoke_their_own_token(editor: User, clock: FixedClock) -> None:
    token, raw = services.api_token_issue(user=editor, name="夜间同步", actor=editor)

    response = as_user(editor).post(f"{PAGE}{token.pk}/revoke/", follow=True)

    assert "令牌「夜间同步」已吊销" in response.content.decode() and "已吊销" in response.content.decode()
    assert ApiToken.objects.get().revoked and ApiToken.user_for(raw) is None
    assert Event.objects.get(action="org.api_token.revoke").actor == editor


def test_another_persons_token_is_not_found_and_stays(editor: User, reviewer: User, clock: FixedClock) -> None:
    token, raw = services.api_token_issue(user=reviewer, name="审核脚本", actor=reviewer)

    assert as_user(editor).post(f"{PAGE}{token.pk}/revoke/").status_code == 404
    assert as_user(editor).post(f"{PAGE}99999/revoke/").status_code == 404
    assert ApiToken.user_for(raw) == reviewer
    assert not Event.objects.filter(action="org.api_token.revoke").exists()


def test_revoking_takes_a_post_with_its_csrf_token(editor: User, clock: FixedClock) -> None:
    token, _ = services.api_token_issue(user=editor, name="夜间同步", actor=editor)
    client = as_user(editor, enforce_csrf_checks=True)

    assert client.get(f"{PAGE}{token.pk}/revoke/").status_code == 405
    assert client.post(f"{PAGE}{token.pk}/revoke/").status_code == 403
    assert client.post(PAGE, {"name": "偷偷签发", "days": "90"}).status_code == 403
    assert not ApiToken.objects.get().revoked and ApiToken.objects.count() == 1

    page = client.get(PAGE)
    csrf = get_token(page.wsgi_request)
    assert client.post(f"{PAGE}{token.pk}/revoke/", {"csrfmiddlewaretoken": csrf}).status_code == 302
    assert ApiToken.objects.get().revoked
