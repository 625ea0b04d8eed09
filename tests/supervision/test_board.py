"""The supervisors' board (电子监察看板) counts what is open, late and carded in the units a supervisor covers,
and how the cases decided in a month kept their limits; every figure links to what it counts; the cards
page resolves and refers cards through the services and shows their refusals."""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import shutil
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sunlit.cases.models import Case
from sunlit.core.clock import FixedClock
from sunlit.org.models import Role, Unit
from sunlit.supervision.models import Card, CardLevel, CardState
from sunlit.supervision.selectors import supervision_board
from tests import factories
from tests.cases.conftest import Office
from tests.supervision.board_cases import a_case, decided

D = dt.date
SHANGHAI = ZoneInfo("Asia/Shanghai")
OCTOBER = D(2026, 10, 1)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def links(page: str) -> set[str]:
    return {html.unescape(href) for href in re.findall(r'href="([^"]+)"', page)}


@pytest.mark.django_db
def test_decided_figures_on_time_rate_average_working_days_across_a_holiday_and_ranking(
        county_cases: dict[str, Case], supervisor: Any, clock: FixedClock) -> None:
    board = supervision_board(viewer=supervisor, day=D(2026, 11, 24), month=D(2026, 10, 15))
    land = next(f for f in board.units if f.unit and f.unit.code == "YD-ZRZY")
    assert (land.decided.count, land.decided.on_time, land.decided.early) == (3, 2, 1)
    assert land.decided.on_time_rate == 66.7 and land.decided.early_rate == 33.3
    assert land.decided.average_days == 4.0  # (2 + 6 + 4) / 3: National Day is not counted
    assert [(f.rank, f.unit.code) for f in board.ranking if f.unit] == [(1, "YD-CZ"), (2, "YD-ZRZY")]
    assert (land.open, land.overdue, land.stopped) == (2, 1, 1)
    assert land.cards == {"yellow": 1, "red": 1, "anomaly": 0}
    assert [(s.level, s.count) for s in land.ratings if s.count] == [("5", 1), ("1", 1)]
    assert [(p.month, p.decided.count, p.decided.on_time_rate) for p in board.trend][-2:] == [
        (D(2026, 9, 1), 0, None), (OCTOBER, 4, 75.0)]
    assert len(board.trend) == 6 and board.trend[0].month == D(2026, 5, 1)


@pytest.mark.django_db
def test_units_with_the_same_rate_and_time_share_a_place(office: Office, county: dict[str, Unit],
                                                         supervisor: Any) -> None:
    decided(office, D(2026, 10, 12), D(2026, 10, 23), D(2026, 10, 13))
    decided(office, D(2026, 10, 12), D(2026, 10, 23), D(2026, 10, 13), unit=county["finance"])
    decided(office, D(2026, 10, 12), D(2026, 10, 14), D(2026, 10, 16), unit=county["town"])
    board = supervision_board(viewer=supervisor, day=D(2026, 11, 24), month=OCTOBER)
    assert [(f.rank, f.unit.code) for f in board.ranking if f.unit] == [(1, "YD-CZ"), (1, "YD-ZRZY"), (3, "YD-GJ")]


@pytest.mark.django_db
def test_every_figure_links_to_the_cases_it_counts(county_cases: dict[str, Case], supervisor: Any) -> None:
    client = client_for(supervisor)
    page = client.get("/console/board/?month=2026-10").content.decode()
    found = links(page)
    on_time = "/console/cases/?unit=YD-ZRZY&decided=2026-10&timing=on_time"
    assert {on_time, "/console/cases/?unit=YD-ZRZY&overdue=1", "/console/cases/?unit=YD-ZRZY&state=stopped",
            "/console/cases/?unit=YD-ZRZY&state=active", "/console/board/cards/?unit=YD-ZRZY&level=red",
            "/console/cases/?unit=YD-ZRZY&decided=2026-10&timing=early",
            "/console/cases/?unit=YD-ZRZY&decided=2026-10&timing=late",
            "/console/cases/?unit=YD-ZRZY&rating=1", "/console/cases/?decided=2026-10&timing=on_time"} <= found

    def receipts(url: str) -> set[str]:
        listed = client.get(url).content.decode()
        return set(re.findall(r'href="/console/cases/([A-Z0-9-]+)/"', listed))

    c = county_cases
    assert "监察看板筛选：单位编码 YD-ZRZY，2026年10月办结，按期办结" in client.get(on_time).content.decode()
    assert receipts(on_time) == {c["holiday"].receipt, c["early"].receipt}
    assert receipts("/console/cases/?unit=YD-ZRZY&decided=2026-10&timing=late") == {c["late"].receipt}
    assert receipts("/console/cases/?unit=YD-ZRZY&decided=2026-10&timing=early") == {c["early"].receipt}
    assert receipts("/console/cases/?unit=YD-ZRZY&decided=2026-10") == {
        c["holiday"].receipt, c["early"].receipt, c["late"].receipt}
    assert receipts("/console/cases/?unit=YD-ZRZY&overdue=1") == {c["overdue"].receipt}
    assert receipts("/console/cases/?unit=YD-ZRZY&rating=1") == {c["late"].receipt}
    assert receipts("/console/cases/?unit=YD-ZRZY&rating=any") == {c["late"].receipt, c["holiday"].receipt}
    assert receipts("/console/cases/?decided=2026-10&timing=on_time") == {
        c["holiday"].receipt, c["early"].receipt, c["finance"].receipt}
    cards = client.get("/console/board/cards/?unit=YD-ZRZY&level=red").content.decode()
    assert cards.count('class="card-row"') == 1 and f'href="/console/cases/{c["overdue"].receipt}/"' in cards


@pytest.mark.django_db
def test_the_trend_chart_reads_a_json_island_and_loads_only_local_scripts(county_cases: dict[str, Case],
                                                                          supervisor: Any) -> None:
    page = client_for(supervisor).get("/console/board/?month=2026-10").content.decode()
    assert '<script id="trend-data" type="application/json">' in page
    assert "2026年10月" in page and "75.0%" in page  # the table beside the chart
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    assert all('type="application/json"' in attrs or ('src="/static/' in attrs and not body) for attrs, body in scripts)
    assert " style=" not in page.split("<main id=\"main\">")[1]


@pytest.mark.django_db
def test_only_supervisors_and_administrators_see_the_board(county_cases: dict[str, Case], office: Office,
                                                          editor: Any, county: dict[str, Unit]) -> None:
    for user in (office.window, editor):
        client = client_for(user)
        assert client.get("/console/board/").status_code == 404
        assert client.get("/console/board/cards/").status_code == 404
        red = Card.objects.get(level=CardLevel.RED)
        assert client.post(f"/console/board/cards/{red.pk}/resolve/", {"note": "已核查"}).status_code == 404
    assert Client().get("/console/board/").status_code == 302  # to the login
    admin = factories.staff("adm", county["land"], Role.ADMIN)
    assert client_for(admin).get("/console/board/").status_code == 200
    town_supervisor = factories.staff("sup-town", county["town"], Role.SUPERVISOR)
    assert "县自然资源局" not in client_for(town_supervisor).get("/console/board/").content.decode()


@pytest.mark.django_db
def test_the_board_takes_the_same_number_of_queries_however_many_cases(
        county_cases: dict[str, Case], office: Office, county: dict[str, Unit], supervisor: Any) -> None:
    client = client_for(supervisor)
    client.get("/console/board/?month=2026-10")  # calendars cached, session read

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/console/board/?month=2026-10").status_code == 200
        return len(captured)

    before = queries()
    for day in range(13, 24):
        decided(office, D(2026, 10, 12), D(2026, 10, 23), D(2026, 10, day % 5 + 13), unit=county["village"])
    a_case(office, unit=county["town"], accepted_on=D(2026, 11, 2), due=D(2026, 11, 3))
    assert queries() == before <= 12  # session, login, the units, then one grouped query per kind of figure


@pytest.mark.django_db
def test_cards_are_resolved_or_referred_with_a_note_and_refusals_are_shown(county_cases: dict[str, Case],
                                                                          supervisor: Any) -> None:
    client = client_for(supervisor)
    red, yellow = Card.objects.get(level=CardLevel.RED), Card.objects.get(level=CardLevel.YELLOW)
    page = client.get("/console/board/cards/").content.decode()
    assert f"/console/board/cards/{red.pk}/refer/" in page and f"/console/board/cards/{yellow.pk}/refer/" not in page

    refused = client.post(f"/console/board/cards/{red.pk}/refer/?level=red", {"note": "  "})
    assert refused.status_code == 400 and "请写明处理说明" in refused.content.decode()
    refused = client.post(f"/console/board/cards/{yellow.pk}/refer/", {"note": "移送"})
    assert refused.status_code == 400 and "黄牌只需处理，不移送问责" in refused.content.decode()

    done = client.post(f"/console/board/cards/{red.pk}/refer/?level=red", {"note": "超期未办结，移送问责"})
    assert done.status_code == 302 and done["Location"] == "/console/board/cards/?level=red"
    red.refresh_from_db()
    assert (red.state, red.note, red.closed_by) == (CardState.REFERRED, "超期未办结，移送问责", supervisor)
    again = client.post(f"/console/board/cards/{red.pk}/resolve/", {"note": "再处理"})
    assert again.status_code == 409 and "该预警已移送问责" in again.content.decode()

    assert client.post(f"/console/board/cards/{yellow.pk}/resolve/", {"note": "已催办"}).status_code == 302
    assert Card.objects.get(pk=yellow.pk).state == CardState.RESOLVED
    assert "没有符合条件的待处理预警" in client.get("/console/board/cards/").content.decode()


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Chromium is not installed")
def test_a_supervisor_on_a_phone_sees_the_trend_drawn_under_a_strict_csp(
        transactional_db: None, live_server: Any, county_cases: dict[str, Case], supervisor: Any) -> None:
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.add_init_script("window.violations = []; document.addEventListener('securitypolicyviolation',"
                             " e => window.violations.push(e.violatedDirective + ' ' + e.blockedURI))")

        def strict(route: Any) -> None:  # the policy of issue 17, on every console page
            response = route.fetch()
            route.fulfill(response=response, headers={**response.headers, "content-security-policy": STRICT_CSP})

        page.route("**/console/**", strict)
        page.goto(live_server.url + "/console/login/")
        page.fill("input[name=username]", "sup")
        page.fill("input[name=password]", "pw-sup")
        page.click("button[type=submit]")
        page.goto(live_server.url + "/console/board/?month=2026-10")
        page.wait_for_function("window.Chart && Chart.getChart(document.getElementById('trend-chart'))")
        drawn = page.evaluate("""(() => { const c = document.getElementById('trend-chart');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; })()""")
        assert drawn > 1000
        assert page.evaluate("window.violations") == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # wide tables scroll in their box
        page.click("text=66.7%")
        assert "监察看板筛选：单位编码 YD-ZRZY，2026年10月办结，按期办结" in page.content()
        assert page.locator("table.list tbody tr").count() == 2
        browser.close()
