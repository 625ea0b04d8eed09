"""The inbox (预警消息): a card reaches the official holding the post its case waits on, the login whose action
an anomaly names, the leaders and principals of its unit and the supervisors of the unit or a unit above;
no one else. Read marks are per login; the header's badge counts the open unread cards in one query."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sunlit.cases.models import Case
from sunlit.cases.services import case_step_done
from sunlit.core.clock import FixedClock
from sunlit.org.models import Appointment, Official, Post, Role, Unit
from sunlit.supervision.models import Card, CardLevel, CardRead, CardState
from sunlit.supervision.selectors import card_recipients, inbox, inbox_unread
from sunlit.supervision.services import card_mark_read, card_resolve, sweep
from tests import factories
from tests.cases.conftest import Office
from tests.supervision.test_sweep import accepted_case, at

D = dt.date
TODAY = D(2026, 12, 4)


def card(case: Case, key: str, *, handler: Any = None, level: str = CardLevel.ANOMALY) -> Card:
    return Card.objects.create(level=level, trigger="case.offline", target_type=ContentType.objects.get_for_model(Case),
                               target_id=case.pk, unit=case.unit, label=f"办件{case.receipt}：{key}", key=key,
                               handler=handler, issued_at=at("2026-12-04T10:00"))


def seen(user: Any, day: dt.date = TODAY) -> set[str]:
    return set(inbox(viewer=user, day=day).values_list("key", flat=True))


@pytest.fixture
def people(office: Office, county: dict[str, Unit]) -> dict[str, Any]:
    """Besides the office's officials: supervisors of the land bureau, of the county and of a township; a
    principal who is not also a leader; a leader who left; an administrator of the bureau."""
    land = county["land"]
    secretary_post = Post.objects.create(unit=land, name="党组书记", is_principal=True)
    secretary = User.objects.create_user("secretary")
    Appointment.objects.create(official=Official.objects.create(name="冯书记", unit=land, title="党组书记",
                                                                user=secretary), post=secretary_post,
                               start=D(2025, 1, 1))
    former = User.objects.create_user("former")
    Appointment.objects.create(official=Official.objects.create(name="卫前", unit=land, title="原局长", user=former),
                               post=office.posts["director"], start=D(2020, 1, 1), end=D(2024, 12, 31))
    return {
        "window": office.window, "examiner": office.examiner, "deputy": office.deputy, "director": office.director,
        "outsider": office.outsider, "secretary": secretary, "former": former,
        "sup_land": factories.staff("sup-land", land, Role.SUPERVISOR),
        "sup_county": factories.staff("sup-county", county["gov"], Role.SUPERVISOR),
        "sup_town": factories.staff("sup-town", county["town"], Role.SUPERVISOR),
        "admin_land": factories.staff("adm-land", land, Role.ADMIN),
    }


@pytest.fixture
def cards(office: Office, clock: FixedClock) -> dict[str, Card]:
    """A red card from the sweep on a case waiting on 审查 (the examiner's post), and an anomaly naming the
    window clerk on the same case."""
    case = accepted_case(office, clock)
    sweep(at=at("2026-12-04T09:00"))
    return {"red": Card.objects.get(level=CardLevel.RED), "named": card(case, "named", handler=office.window)}


@pytest.mark.django_db
def test_each_role_sees_the_cards_that_reach_it_and_no_one_else_does(people: dict[str, Any],
                                                                      cards: dict[str, Card]) -> None:
    red, named = cards["red"].key, cards["named"].key
    expected = {
        "examiner": {red, named},  # 审查 waits on the examiner's post: every card on the case
        "window": {named},  # named by the anomaly; the case no longer waits on the window
        "deputy": {red, named}, "director": {red, named}, "secretary": {red, named},  # leader, leader, principal
        "sup_land": {red, named}, "sup_county": {red, named},  # the unit, a unit above
        "sup_town": set(), "outsider": set(), "former": set(), "admin_land": set(),
    }
    assert {name: seen(user) for name, user in people.items()} == expected
    assert not inbox(viewer=None, day=TODAY).exists()


@pytest.mark.django_db
def test_the_texts_reach_exactly_the_logins_whose_inbox_lists_the_card(people: dict[str, Any],
                                                                       cards: dict[str, Card]) -> None:
    all_cards = list(Card.objects.all())
    reach = card_recipients(all_cards, TODAY)
    for user in people.values():
        assert {c.key for c in all_cards if user.pk in reach[c.pk]} == seen(user), user.username


@pytest.mark.django_db
def test_as_the_case_moves_on_its_cards_follow_the_post_it_waits_on(office: Office, people: dict[str, Any],
                                                                     cards: dict[str, Card], clock: FixedClock) -> None:
    case = Case.objects.get(pk=cards["red"].target_id)
    clock.at = at("2026-12-04T10:00")
    case = case_step_done(case=case, outcome="无需听证", actor=office.examiner)  # to 决定, the deputy's post
    assert seen(office.examiner) == set()
    assert seen(office.deputy) == {"named", cards["red"].key}
    clock.at = at("2026-12-04T11:00")
    case_step_done(case=case, outcome="准予许可", opinion="同意", actor=office.deputy)  # ended: waits on no one
    assert seen(office.window) == {"named"}  # 送达 is the window's post, but the case has ended


@pytest.mark.django_db
def test_a_leader_reads_the_cards_of_the_unit_they_lead_on_the_day(people: dict[str, Any],
                                                                    cards: dict[str, Card]) -> None:
    Appointment.objects.filter(official__user=people["deputy"]).update(start=D(2026, 12, 5))
    assert seen(people["deputy"], TODAY) == set()
    assert len(seen(people["deputy"], D(2026, 12, 5))) == 2


@pytest.mark.django_db
def test_read_marks_are_per_login_and_only_for_cards_that_reach_it(people: dict[str, Any], cards: dict[str, Card],
                                                                   clock: FixedClock) -> None:
    examiner, director = people["examiner"], people["director"]
    red, named = cards["red"], cards["named"]
    assert inbox_unread(viewer=examiner, day=TODAY).count == 2

    assert card_mark_read(viewer=examiner, card_ids=[red.pk]) == 1
    assert card_mark_read(viewer=examiner, card_ids=[red.pk]) == 0  # once
    assert card_mark_read(viewer=people["outsider"], card_ids=[red.pk, named.pk]) == 0  # not theirs

    assert inbox_unread(viewer=examiner, day=TODAY).count == 1
    assert inbox_unread(viewer=director, day=TODAY).count == 2
    assert {c.key: c.read for c in inbox(viewer=examiner, day=TODAY)} == {red.key: True, "named": False}
    assert list(inbox(viewer=examiner, day=TODAY, unread=True).values_list("key", flat=True)) == ["named"]
    assert CardRead.objects.count() == 1 and CardRead.objects.get().read_at == clock.at

    card_resolve(card=named, note="已核实并整改", actor=people["sup_land"])
    assert inbox_unread(viewer=examiner, day=TODAY).count == 0  # the badge counts open cards only
    assert seen(examiner) == {red.key, "named"}  # the inbox keeps them


@pytest.mark.django_db
def test_the_badge_is_one_query_and_stops_counting_at_99(office: Office, people: dict[str, Any],
                                                         cards: dict[str, Card]) -> None:
    case = Case.objects.get(pk=cards["red"].target_id)
    for n in range(100):
        card(case, f"many-{n}")
    ContentType.objects.get_for_model(Case)  # cached, as in any running process
    with CaptureQueriesContext(connection) as captured:
        badge = inbox_unread(viewer=people["director"], day=TODAY)
    assert len(captured) == 1
    assert (badge.count, badge.label) == (100, "99+")
    assert inbox_unread(viewer=people["window"], day=TODAY).label == "1"


# ------------------------------------------------------------------------------------------- the page

def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_inbox_page_lists_the_cards_newest_first_and_marks_them_read(people: dict[str, Any],
                                                                        cards: dict[str, Card]) -> None:
    client = client_for(people["examiner"])
    red, named = cards["red"], cards["named"]
    page = client.get("/console/inbox/").content.decode()
    assert "<h1>预警消息</h1>" in page
    assert page.index(f'id="card-{named.pk}"') < page.index(f'id="card-{red.pk}"')  # newest first
    assert page.count('class="inbox-item unread"') == 2 and page.count('class="tag unread-tag"') == 2
    case = Case.objects.get(pk=red.target_id)
    assert f'href="/console/cases/{case.receipt}/"' in page
    assert '<span class="badge"><span class="sr">未读</span>2</span>' in page  # the header
    main = page.split("<main id=\"main\">")[1]
    assert " style=" not in main and "<script" not in main

    done = client.post("/console/inbox/read/?show=unread&page=1", {"card": str(red.pk), "page_card": [red.pk, named.pk]})
    assert done.status_code == 302 and done["Location"] == "/console/inbox/?show=unread&page=1"
    assert CardRead.objects.filter(user=people["examiner"]).count() == 1
    page = client.get("/console/inbox/?show=unread").content.decode()
    assert f'id="card-{red.pk}"' not in page and f'id="card-{named.pk}"' in page

    client.post("/console/inbox/read/", {"scope": "page", "page_card": [str(named.pk), "x", str(red.pk)]})
    page = client.get("/console/inbox/").content.decode()
    assert 'class="inbox-item unread"' not in page and 'class="badge"' not in page


@pytest.mark.django_db
def test_staff_whom_no_card_reaches_see_an_empty_inbox_and_the_anonymous_are_sent_to_log_in(
        people: dict[str, Any], cards: dict[str, Card]) -> None:
    page = client_for(people["outsider"]).get("/console/inbox/").content.decode()
    assert "暂无发给您的预警" in page and "inbox-item" not in page and 'class="badge"' not in page
    assert client_for(people["outsider"]).post("/console/inbox/read/", {"card": cards["red"].pk}).status_code == 302
    assert not CardRead.objects.exists()
    assert Client().get("/console/inbox/").status_code == 302
    assert Client().post("/console/inbox/read/", {"card": cards["red"].pk}).status_code == 302
    assert Card.objects.filter(state=CardState.OPEN).count() == 2


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Chromium is not installed")
def test_a_supervisor_on_a_phone_reads_and_marks_the_inbox_under_a_strict_csp(
        transactional_db: None, live_server: Any, people: dict[str, Any], cards: dict[str, Card]) -> None:
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.add_init_script("window.violations = []; document.addEventListener('securitypolicyviolation',"
                             " e => window.violations.push(e.violatedDirective + ' ' + e.blockedURI))")

        def strict(route: Any) -> None:
            response = route.fetch()
            route.fulfill(response=response, headers={**response.headers, "content-security-policy": STRICT_CSP})

        page.route("**/console/**", strict)
        page.goto(live_server.url + "/console/login/")
        page.fill("input[name=username]", "sup-land")
        page.fill("input[name=password]", "pw-sup-land")
        page.click("button[type=submit]")
        page.click("header.site a.inbox-link")
        assert page.locator("h1").inner_text() == "预警消息"
        assert page.locator("li.inbox-item.unread").count() == 2
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        with page.expect_navigation():
            page.click(f"#card-{cards['named'].pk} button")
        assert page.locator("li.inbox-item.unread").count() == 1
        assert page.locator("header.site .badge").inner_text().endswith("1")
        with page.expect_navigation():
            page.click("ul.chips a[href='/console/inbox/?show=unread']")
        assert page.locator("li.inbox-item").count() == 1
        assert page.evaluate("window.violations") == []
        browser.close()
