"""No page breaks the Content-Security-Policy, in a real Chromium (Debian's /usr/bin/chromium, driven by
Playwright): the portal, the API's docs, the console with its cases and the supervisors' board (Chart.js), and
the Django admin, at a desktop's width and a phone's. Every violation is collected, both as the browser reports
it to the page (securitypolicyviolation events) and as it logs it to the console. Screenshots go to
/tmp/security-shots/.

Skipped, saying why, on a machine without Chromium: `apt-get install -y chromium fonts-noto-cjk`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from sunlit.cases.models import Case
from sunlit.cases.services import case_submit
from sunlit.org.models import Unit
from tests.browser.conftest import needs_chromium
from tests.cases.conftest import ID_NUMBER, Office

pytestmark = needs_chromium

SHOTS = Path("/tmp/security-shots")
# Each page records what the policy refused, from before its own scripts run.
LISTEN = ("window.violations = []; document.addEventListener('securitypolicyviolation',"
          " e => window.violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' at ' +"
          " e.sourceFile + ':' + e.lineNumber))")



class Visitor:
    """One person's browser at one width: goes to pages, takes screenshots, collects what the policy refused."""

    def __init__(self, browser: Any, base: str, width: int) -> None:
        self.base, self.width = base, width
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.context.add_init_script(LISTEN)
        self.page = self.context.new_page()
        self.refused: list[str] = []
        self.page.on("console", self._console)

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text or "Permissions-Policy" in message.text:
            self.refused.append(f"{self.page.url}: {message.text}")

    def collect(self) -> None:
        self.page.wait_for_load_state("networkidle")
        self.refused += [f"{self.page.url}: {v}" for v in self.page.evaluate("window.violations || []")]

    def visit(self, path: str, shot: str | None = None) -> Any:
        response = self.page.goto(self.base + path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        self.collect()
        if shot:
            SHOTS.mkdir(exist_ok=True)
            self.page.screenshot(path=str(SHOTS / f"{shot}-{self.width}.png"), full_page=True)
        return response

    def log_in(self, path: str, username: str, password: str) -> None:
        self.visit(path)
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.page.click("[type=submit]")
        self.collect()
        assert "login" not in self.page.url, f"{username} could not log in"

    def close(self) -> None:
        self.context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_no_page_breaks_the_content_security_policy(
        transactional_db: None, browser: Any, live_server: Any, office: Office, county_cases: dict[str, Case],
        supervisor: User, county: dict[str, Unit], width: int) -> None:
    item_id = office.item.item_id
    case, password = case_submit(item_id=item_id, applicant_name="李春华", applicant_id_number=ID_NUMBER,
                                 applicant_contact="13907971234", subject="新建住宅一栋")
    User.objects.create_superuser("root", "root@example.org", "pw-root")
    seen: list[str] = []

    # A resident: the home page, the list, the item with its flow chart (and the chart opened on its own), the
    # case lookup and the case's progress.
    resident = Visitor(browser, live_server.url, width)
    resident.visit("/", "home")
    resident.visit("/powers/?q=住宅建设", "power-list")
    resident.visit(f"/powers/{item_id}/", "item")
    chart = resident.page.locator(".flow-chart img")
    chart.scroll_into_view_if_needed()
    resident.page.wait_for_function("() => { const i = document.querySelector('.flow-chart img');"
                                    " return i.complete && i.naturalWidth > 0; }", timeout=20000)
    resident.collect()
    resident.page.click(".flow-chart a")  # 打开大图: the SVG as a page, under its own policy
    resident.collect()
    assert resident.page.url.endswith("/flow.svg")
    resident.visit("/cases/", "case-lookup")
    resident.page.get_by_label("受理编号").fill(case.receipt)
    resident.page.get_by_label("查询密码").fill(password)
    resident.page.click("main button:has-text('查询')")
    resident.collect()
    assert resident.page.url.endswith(f"/cases/{case.receipt}/")
    # The API's browsable docs, an operation tried out (its icons are the one exception: data: images).
    resident.visit("/api/v1/docs")
    resident.page.locator(".opblock-summary").first.click()
    resident.page.locator("button.try-out__btn").click()
    resident.page.locator("button.execute").click()
    resident.page.locator(".live-responses-table").wait_for()
    resident.collect()
    seen += resident.refused
    resident.close()

    # The window clerk: the console's list, the case waiting for them, the form to enter a case at the counter.
    clerk = Visitor(browser, live_server.url, width)
    clerk.log_in("/console/login/", "window", "pw")
    clerk.visit("/console/powers/", "console-powers")
    clerk.visit("/console/cases/")
    clerk.visit(f"/console/cases/{case.receipt}/", "console-case")
    assert clerk.page.locator(f"form[action='/console/cases/{case.receipt}/step/']").count() == 1
    clerk.visit("/console/cases/new/")
    seen += clerk.refused
    clerk.close()

    # A supervisor: the board, its trend drawn by Chart.js from the page's data island, and the open cards.
    board = Visitor(browser, live_server.url, width)
    board.log_in("/console/login/", "sup", "pw-sup")
    board.visit("/console/board/?month=2026-10")
    board.page.wait_for_function("window.Chart && Chart.getChart(document.getElementById('trend-chart'))")
    drawn = board.page.evaluate("""(() => { const c = document.getElementById('trend-chart');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; })()""")
    assert drawn > 1000, "the trend chart is blank"
    board.visit("/console/board/?month=2026-10", "board")
    board.visit("/console/board/cards/")
    seen += board.refused
    board.close()

    # An administrator in Django's admin: its index, a list and a change form.
    admin = Visitor(browser, live_server.url, width)
    admin.log_in("/admin/login/", "root", "pw-root")
    admin.visit("/admin/", "admin")
    admin.visit("/admin/org/unit/")
    admin.visit(f"/admin/org/unit/{county['land'].pk}/change/")
    seen += admin.refused

    assert seen == [], "the Content-Security-Policy refused:\n" + "\n".join(seen)

    # And the policy is enforced, not merely sent: an inline style slipped into a page is refused and reported.
    admin.page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    admin.collect()
    assert any("style-src" in refused for refused in admin.refused), admin.refused
    admin.close()
