"""Every portal page and the console's main pages meet WCAG 2.1 A and AA, what GB/T 37668 (China's web-accessibility
standard) asks: axe-core runs in a real Chromium on each page at a desktop's width (1366 px) and a phone's (390 px),
and no serious or critical violation may be found. Beside it, two rules axe cannot see: every control shows its
keyboard focus (2.4.7), and nothing scrolls the page sideways on the phone (reflow, 1.4.10).

The pages are those a resident and each kind of staff reach: home, searches, an item with its history, a cancelled
item, units with their leaders' board, a category flow, the printable list, open data, the API's docs, verifying
(and the offline verifier, opened from a file), applying (refused, then received), following a case, the error
pages; the console's login, dashboard, power list, items, the editor (also with an error), a flow, import and an
import's report, tokens, compliance, risks, cases, a case (also with an error), counter entry and its slip, the
supervisors' board, cards and entry form, the inbox and a 403, each as the login that uses it.

axe-core is npm's, pinned and checked (tests/browser/axe_core.py); the test puts it into each page, the site never
serves it. Screenshots of every page swept go to $SUNLIT_SCREENSHOTS when it names a folder.

Skipped, saying why, on a machine without Chromium: `apt-get install -y chromium fonts-noto-cjk`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.contrib.auth.models import User

from sunlit.cases.models import Case, CaseState
from sunlit.cases.services import case_submit
from sunlit.catalog import services as catalog
from sunlit.catalog.excel import write_powers
from sunlit.catalog.imports import import_job_create, import_job_run
from sunlit.core.errors import DomainError
from sunlit.core.models import ApiToken
from sunlit.core.visibility import Exemption
from sunlit.decisions import services
from sunlit.decisions.models import AgendaItem, BodyMember, Matter, Meeting, Position
from sunlit.decisions.rules import MatterKind
from sunlit.flows import services as flows
from sunlit.org.models import Role, Unit
from sunlit.record.sequencer import sequence_all
from tests import factories
from tests.browser import axe_core
from tests.browser.conftest import needs_chromium
from tests.cases.conftest import ID_NUMBER, Office, licensing_flow
from tests.decisions.conftest import Council, council, log_key, pool  # noqa: F401  (the county executive meeting)
from tests.record.conftest import committed_log  # noqa: F401  (a live server's test leaves the log to empty)

pytestmark = needs_chromium

WIDTHS = (1366, 390)
# WCAG 2.0 and 2.1, levels A and AA: what GB/T 37668 asks of a government's web pages.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING = {"serious", "critical"}
SHANGHAI = ZoneInfo("Asia/Shanghai")
SHOTS = os.environ.get("SUNLIT_SCREENSHOTS")  # a folder: each page swept is saved there, at each width
SHOT_NUMBERS = itertools.count(1)
# The error pages swept, with the status each must answer (every other address answers 200).
# and a query past the search's length limit, refused in words beside the search box
ERROR_PAGES = {"/powers/999999/": 404, "/powers/?page=0": 400, "/console/powers/999999/": 404,
               "/powers/?q=" + "建房" * 60: 400}

# axe.run in the page; only what the report needs comes back.
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" ")).slice(0, 8), count: v.nodes.length}));
}"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    try:
        return axe_core.source()
    except axe_core.AxeUnavailable as missing:
        pytest.skip(f"axe-core is not available: {missing}")


def violations(page: Any, axe: str) -> list[dict[str, Any]]:
    """The serious and critical WCAG 2 A/AA violations axe finds on the page as it is now.

    axe goes in through `page.evaluate`, which runs it over the DevTools protocol: the page's
    Content-Security-Policy (script-src 'self', no inline script) governs what the page itself loads, not
    what the debugger evaluates, so the page is checked under the policy residents get. A context with
    bypass_csp=True would work too, but would check pages under no policy at all."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe)
    found: list[dict[str, Any]] = page.evaluate(RUN_AXE, TAGS)
    return [v for v in found if v["impact"] in FAILING]


def sweep(page: Any, axe: str, base: str, paths: list[str], problems: list[str]) -> None:
    """Each address at each width: every problem noted as one line naming the page. Each page must be the one
    meant (an address that fails would sweep the error page instead)."""
    for path in paths:
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        response = page.goto(base + path)
        assert response is not None and response.status == ERROR_PAGES.get(path, 200), (path, response)
        check(page, axe, path, problems)


# What axe cannot see, checked beside it. Focus visible (WCAG 2.4.7): every control the keyboard reaches shows
# an outline or a ring when focused from the keyboard (one Tab first, so that script focus counts as keyboard
# focus). Reflow (1.4.10): at a phone's width nothing makes the page scroll sideways (a wide table scrolls in
# its own box).
UNSEEN_FOCUS = """() => {
  const seen = [];
  const controls = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
  for (const el of document.querySelectorAll(controls)) {
    if (el.disabled || !el.getClientRects().length || getComputedStyle(el).visibility === "hidden") continue;
    el.focus();
    if (document.activeElement !== el) continue;
    const style = getComputedStyle(el);
    const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none";
    if (!ring || !el.matches(":focus-visible")) {
      seen.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + " " + (el.textContent || el.name || "").trim().slice(0, 20));
    }
  }
  document.activeElement && document.activeElement.blur();
  return seen.slice(0, 8);
}"""
# Labels (WCAG 1.3.1, 3.3.2, 4.1.2): axe takes a placeholder for a field's name, but the hint disappears once
# typing starts and many screen readers do not read it. Every field a person fills or chooses from needs a
# <label>, aria-label, aria-labelledby or title of its own.
UNLABELLED = """() => {
  const seen = [];
  const fields = 'input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]), select, textarea';
  for (const el of document.querySelectorAll(fields)) {
    const labelled = [...(el.labels || [])].some(l => l.textContent.trim())
      || (el.getAttribute("aria-label") || "").trim() || (el.getAttribute("title") || "").trim()
      || (el.getAttribute("aria-labelledby") || "").split(/\\s+/).some(id => id && document.getElementById(id)
                                                                     && document.getElementById(id).textContent.trim());
    if (!labelled) seen.push(el.tagName.toLowerCase() + "[name=" + (el.name || "") + "]");
  }
  return seen.slice(0, 8);
}"""
WIDEST = "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"


def check(page: Any, axe: str, name: str, problems: list[str]) -> None:
    """The page as it is, at each width (the same load: a phone's layout comes from the media queries)."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900 if width > 640 else 844})
        for v in violations(page, axe):
            problems.append(f"{name} at {width}px: [{v['impact']}] {v['id']}: {v['help']} "
                            f"({v['count']} nodes: {', '.join(v['targets'])})")
        if SHOTS:
            slug = re.sub(r"[^0-9A-Za-z]+", "-", name).strip("-")[:60]
            page.screenshot(path=str(Path(SHOTS) / f"{next(SHOT_NUMBERS):03d}-{slug}-{width}.png"), full_page=True)
        if width == min(WIDTHS) and (widest := page.evaluate(WIDEST)) > width:
            problems.append(f"{name} at {width}px: reflow: the page is {widest}px wide, it scrolls sideways")
    page.keyboard.press("Tab")
    if unseen := page.evaluate(UNSEEN_FOCUS):
        problems.append(f"{name}: focus-visible: no visible focus on {'; '.join(unseen)}")
    if unlabelled := page.evaluate(UNLABELLED):
        problems.append(f"{name}: label: a placeholder is no label, and these controls have nothing else: "
                        f"{'; '.join(unlabelled)}")


def log_in(browser: Any, base: str, user: User) -> Any:
    page = browser.new_page(viewport={"width": WIDTHS[0], "height": 900})
    page.goto(base + "/console/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", f"pw-{user.username}")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert page.url == base + "/console/", f"{user.username} did not get in"
    return page


def with_password(user: User) -> User:
    """The cases fixture's officials log in with "pw"; here every login's password is pw-<name>."""
    user.set_password(f"pw-{user.username}")
    user.save()
    return user


def an_import_report(unit: Unit, editor: User, folder: Path) -> int:
    """An import run to its report: the unit's own export with one promised limit changed and one made longer
    than the statutory limit (a row refused, naming its values)."""
    path = folder / "清单.xlsx"
    write_powers(path, unit=unit)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    sheet["O4"], sheet["O5"] = "4个工作日", "30个工作日"
    book.save(path)
    job = import_job_create(unit=unit, author=editor, file=path, file_name="清单.xlsx", reason="压缩承诺时限")
    import_job_run(job.pk)
    return job.pk


def a_queued_import(unit: Unit, editor: User, folder: Path) -> int:
    """An import waiting for the task worker: its page follows it until the report."""
    path = folder / "排队.xlsx"
    write_powers(path, unit=unit)
    return import_job_create(unit=unit, author=editor, file=path, file_name="排队.xlsx", reason="核对").pk


def a_county(county: dict[str, Unit], editor: User, reviewer: User, office: Office, tmp_path: Path) -> dict[str, Any]:
    """What the pages show: the land bureau's licensing item on its flow (the office fixture), a changed item with
    a history, a cancelled one, a pending change and a draft for the console's badges, the village's
    house-building item, the bureau's category flow, a case to follow and an API token."""
    land, village = county["land"], county["village"]
    changed = factories.published(land, editor, reviewer, code="XK-002", name="乡村建设规划许可")
    second = catalog.power_version_revise(item=changed.item, changes={"promised_limit": 5}, reason="压缩承诺时限",
                                          author=editor, submit=True)
    catalog.power_version_approve(version=second, reviewer=reviewer, comment="同意")
    gone = factories.published(land, editor, reviewer, code="XK-003", name="临时用地审批")
    cancel = catalog.power_item_cancel(item=gone.item, reason="职能划转至县自然资源和规划局", author=editor)
    catalog.power_version_approve(version=cancel, reviewer=reviewer, comment="同意")
    pending = factories.published(land, editor, reviewer, code="XK-004", name="采矿权审批")
    catalog.power_version_revise(item=pending.item, changes={"fees": "按规定收费"}, reason="补充收费", author=editor,
                                 submit=True)
    factories.draft(land, editor, code="XK-005", name="土地复垦方案审查")
    factories.published(village, factories.staff("v_ed", village, Role.EDITOR),
                        factories.staff("v_rev", village, Role.REVIEWER), code="CX-QT-001", name="村民建房申请初审",
                        category="other")
    steps, links = licensing_flow(office.posts)
    template = flows.flow_version_create(unit=land, category="licensing", steps=steps, transitions=links,
                                         reason="编制类别流程", author=editor, submit=True)
    flows.flow_version_approve(version=template, reviewer=reviewer)
    case, password = case_submit(item_id=office.item.item_id, applicant_name="张三", applicant_id_number=ID_NUMBER,
                                 applicant_contact="13800000000", subject="翻建住房")
    Case.objects.filter(pk=case.pk).update(
        state=CaseState.APPROVED, accepted_on=dt.date(2026, 11, 2), due=dt.date(2026, 11, 13), current_step=None,
        ended_at=dt.datetime(2026, 11, 10, 16, 0, tzinfo=SHANGHAI))
    ApiToken.issue(editor, "数据对接")
    return {"item": office.item.item_id, "changed": changed.item_id, "cancelled": gone.item_id,
            "receipt": case.receipt, "password": password, "job": an_import_report(land, editor, tmp_path),
            "queued": a_queued_import(land, editor, tmp_path)}


def test_every_page_meets_wcag_2_1_aa_at_desktop_and_phone_width(
        transactional_db: None, browser: Any, live_server: Any, axe_source: str, county: dict[str, Unit],
        editor: User, reviewer: User, office: Office, county_cases: dict[str, Case], supervisor: User,
        tmp_path: Path) -> None:
    data = a_county(county, editor, reviewer, office, tmp_path)
    base, item, problems = live_server.url, data["item"], []

    resident = browser.new_page()
    sweep(resident, axe_source, base, [
        "/", "/powers/?q=建房", "/powers/?category=licensing&unit=YD-ZRZY", f"/powers/{item}/",
        f"/powers/{data['changed']}/", f"/powers/{data['cancelled']}/", "/units/YD-ZRZY/", "/units/YD/",
        "/units/YD-ZRZY/flows/licensing/", "/units/YD-ZRZY/powers/print/", "/data/", "/verify/",
        f"/powers/{item}/apply/", "/cases/", "/powers/999999/", "/powers/?page=0", "/console/login/",
        "/powers/?q=" + "建房" * 60, "/powers/?q=无此事项",
    ], problems)
    # The API's docs (linked from 开放数据), once Swagger UI has drawn them from the OpenAPI document.
    resident.goto(base + "/api/v1/docs")
    resident.wait_for_selector(".opblock-summary-method")
    check(resident, axe_source, "/api/v1/docs", problems)
    # The offline verifier is a download, opened from the resident's disk.
    saved = tmp_path / "offline.html"
    saved.write_bytes(resident.request.get(base + "/verify/offline.html").body())
    resident.goto(saved.as_uri())
    check(resident, axe_source, "the offline verifier, saved and opened from a file", problems)
    # An application refused beside its fields, then the case followed with its receipt number and password.
    resident.goto(f"{base}/powers/{item}/apply/")
    resident.fill("#f-name", "  ")  # blank to the server, though the browser's own check lets it through
    resident.fill("#f-id", ID_NUMBER)
    resident.fill("#f-contact", "13800000000")
    resident.click("form.stack button[type=submit]")
    # The error is the field's description, so a screen reader reads it with the field.
    name = resident.locator("#f-name")
    assert name.get_attribute("aria-invalid") == "true"
    assert resident.locator(f"#{name.get_attribute('aria-describedby')}").inner_text() == "请填写申请人姓名或名称"
    check(resident, axe_source, "the apply form with its errors", problems)
    resident.fill("#f-name", "李四")
    resident.click("form.stack button[type=submit]")
    assert "查询密码" in resident.inner_text("main")
    check(resident, axe_source, "an application received, with its receipt number and password", problems)
    resident.goto(f"{base}/cases/")
    resident.fill("#f-receipt", data["receipt"])
    resident.fill("#f-password", data["password"])
    resident.click("form.stack button[type=submit]")
    assert f"/cases/{data['receipt']}/" in resident.url
    check(resident, axe_source, "a decided case's progress with its rating form", problems)
    resident.close()

    clerk = log_in(browser, base, editor)
    sweep(clerk, axe_source, base, [
        "/console/", "/console/powers/", "/console/powers/?status=submitted", f"/console/powers/{item}/",
        f"/console/powers/{data['changed']}/", f"/console/powers/{item}/edit/", "/console/powers/new/",
        f"/console/powers/{item}/flow/", "/console/import/", f"/console/import/{data['job']}/",
        f"/console/import/{data['queued']}/", "/console/tokens/",
        "/console/compliance/", "/console/risks/", "/console/powers/999999/",
    ], problems)
    clerk.goto(f"{base}/console/powers/{item}/edit/")
    clerk.fill("#id_promised_limit", "30")
    clerk.fill("#id_reason", "延长承诺时限")
    clerk.click("button[value=submit]")
    check(clerk, axe_source, "the editor with an error beside a field", problems)
    clerk.close()

    # The window clerk handles cases; the editor is not theirs to open (the console's 403 page).
    window = log_in(browser, base, with_password(office.window))
    overdue = county_cases["overdue"].receipt
    sweep(window, axe_source, base, ["/console/cases/", f"/console/cases/{overdue}/", "/console/cases/new/",
                                     f"/console/cases/{overdue}/slip/", "/console/inbox/"], problems)
    response = window.goto(f"{base}/console/powers/new/")
    assert response is not None and response.status == 403
    check(window, axe_source, "/console/powers/new/ (403)", problems)
    # A refusal without its reason is refused beside the opinion field.
    window.goto(f"{base}/console/cases/{overdue}/")
    window.select_option("#f-outcome", "不予受理")
    window.click("form[action$='/step/'] button[type=submit]")
    assert window.locator("#f-opinion").get_attribute("aria-invalid") == "true"
    check(window, axe_source, "a case's step refused beside its field", problems)
    window.close()

    watcher = log_in(browser, base, supervisor)
    sweep(watcher, axe_source, base, ["/console/board/", "/console/board/cards/", "/console/board/enter/",
                                      "/console/inbox/"], problems)
    watcher.close()

    assert not problems, "WCAG 2.1 A/AA violations (serious or critical):\n" + "\n".join(problems)


def test_the_sweep_reports_what_it_finds(browser: Any, axe_source: str) -> None:
    """The sweep is not vacuous: a page with an image without alt text, a field without a label, another with
    only a placeholder, grey text on white, a button whose focus is hidden and a box wider than a phone is
    reported, naming each rule and the element."""
    page = browser.new_page()
    page.set_content('<!doctype html><html lang="zh-CN"><head><title>样例</title><style>.faint { color:#bbb; } '
                     'button:focus { outline:none; } .wide { width:600px; }</style></head><body><main>'
                     '<img src="chart.png"><input type="text" name="q" id="q" aria-label="检索">'
                     '<input type="text" name="p"><input type="text" name="r" placeholder="理由"><p class="faint">说明</p><button id="go">查询</button>'
                     '<div class="wide">宽</div></main></body></html>')
    problems: list[str] = []
    check(page, axe_source, "样例", problems)
    page.close()
    assert sorted(p.split(": ")[0] + " " + p.split(": ")[1] for p in problems) == [
        "样例 at 1366px [critical] image-alt", "样例 at 1366px [critical] label", "样例 at 1366px [serious] color-contrast",
        "样例 at 390px [critical] image-alt", "样例 at 390px [critical] label", "样例 at 390px [serious] color-contrast",
        "样例 at 390px reflow", "样例 focus-visible", "样例 label"]
    assert "样例 at 1366px: [critical] image-alt: Images must have alternative text (1 nodes: img)" in problems
    assert "样例 at 390px: reflow: the page is 608px wide, it scrolls sideways" in problems  # 600 and the body's margin
    assert "样例: focus-visible: no visible focus on button#go 查询" in problems
    assert "样例: label: a placeholder is no label, and these controls have nothing else: input[name=p]; input[name=r]" in problems


def test_a_resident_with_a_keyboard_alone_finds_an_item(
        transactional_db: None, browser: Any, live_server: Any, county: dict[str, Unit]) -> None:
    """The first Tab shows 跳到正文; from the content the search box is next; typing and Enter search; Tab reaches
    the item and Enter opens it (WCAG 2.1.1, 2.4.1, 2.4.3), at a phone's width."""
    village = county["village"]
    factories.published(village, factories.staff("v_ed", village, Role.EDITOR),
                        factories.staff("v_rev", village, Role.REVIEWER), code="CX-QT-001", name="村民建房申请初审",
                        category="other")
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert skip.evaluate("el => el === document.activeElement") and skip.inner_text() == "跳到正文"
    box = skip.bounding_box()
    assert box is not None and 0 <= box["x"] < 390, "the skip link is focused but off the screen"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "q"
    page.keyboard.type("建房")
    page.keyboard.press("Enter")
    page.wait_for_url("**/powers/?q=*")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "村民建房申请初审":
            break
    else:
        raise AssertionError("Tab never reached the item found")
    page.keyboard.press("Enter")
    page.wait_for_url("**/powers/*/")
    assert page.locator("h1").inner_text() == "村民建房申请初审"
    page.close()


def a_chief_with_a_pending_change(county: dict[str, Unit], editor: User, reviewer: User) -> tuple[User, int]:
    """The land bureau's chief, who may both edit and review, and a published item with a change the clerk
    submitted: its page shows the review forms (approve with an opinion, return with a reason), the withdrawal
    and the cancellation form at once."""
    land = county["land"]
    chief = factories.staff("chief", land, Role.EDITOR, Role.REVIEWER)
    item = factories.published(land, editor, reviewer, code="XK-010", name="建设用地规划许可")
    catalog.power_version_revise(item=item.item, changes={"fees": "不收费"}, reason="补充收费", author=editor,
                                 submit=True)
    return with_password(chief), item.item_id


def test_the_review_and_cancel_forms_of_an_item_meet_wcag_2_1_aa(
        transactional_db: None, browser: Any, live_server: Any, axe_source: str, county: dict[str, Unit],
        editor: User, reviewer: User) -> None:
    """A reviewer's page of an item with a change waiting: every field of its forms named (the opinion, the
    reason to return, to withdraw, to cancel), also after a return without a reason is refused."""
    chief, item = a_chief_with_a_pending_change(county, editor, reviewer)
    base, problems = live_server.url, []
    page = log_in(browser, base, chief)
    page.goto(f"{base}/console/powers/{item}/")
    for form in ("approve", "reject", "withdraw", "cancel"):
        assert page.locator(f"form[action$='/{form}/']").count() == 1, f"the {form} form is not on the page"
    page.click("details.mt-third summary")  # the withdrawal, folded away until asked for
    check(page, axe_source, f"/console/powers/{item}/ with its review, withdrawal and cancel forms", problems)
    page.click("form[action$='/reject/'] button")
    assert "退回" in page.inner_text("ul.messages")
    check(page, axe_source, "an item's return refused for want of a reason", problems)
    page.close()
    assert not problems, "WCAG 2.1 A/AA violations (serious or critical):\n" + "\n".join(problems)


@pytest.fixture
def executive(request: pytest.FixtureRequest) -> Council:
    """The county executive meeting and its staff, with its observer pool (tests.decisions.conftest)."""
    found: Council = request.getfixturevalue("council")
    request.getfixturevalue("pool")
    return found


def a_council_at_work(c: Council) -> dict[str, Any]:
    """The county executive meeting's work at each step a page shows (tests.decisions.conftest's council and
    observer pool): a meeting decided and signed (one decision published with its observers' draw, one withheld
    for an exemption for supervisors to review, one waiting to be published); one closed with its minutes half
    signed; one running (a member absent, the draw's pool frozen, a matter being voted on, one with statements
    under way, a withdrawal and the principal's early statement refused, one ready for its conclusion); one
    called with nothing recorded (attendance and the draw to set up); a matter still preparing; a draft open
    for comment."""
    sign = services.minutes_sign

    def convene(title: str, *matters: Matter, absent: tuple[BodyMember, ...] = (),
                attend: bool = True) -> tuple[Meeting, list[AgendaItem]]:
        meeting = services.meeting_create(body=c.body, title=title, place="县政府三楼会议室", starts_at=c.clock.now(),
                                          actor=c.secretary)
        items = [services.agenda_add(meeting=meeting, matter=m, actor=c.secretary) for m in matters]
        for member in c.members if attend else ():
            services.attendance_record(meeting=meeting, member=member, present=member not in absent,
                                       note="出差" if member in absent else "", actor=c.secretary)
        return meeting, items

    def draw(meeting: Meeting, *, complete: bool) -> None:
        services.draw_prepare(meeting=meeting, topic="construction", quotas={"expert": 1, "resident": 2, "deputy": 1},
                              external_source="中国福利彩票双色球第2026150期开奖号码", actor=c.secretary)
        services.draw_freeze(meeting=meeting, actor=c.secretary)
        sequence_all()
        if complete:
            services.draw_complete(meeting=meeting, external_value="01 05 09 13 22 30 + 07", actor=c.secretary)

    def decide(item: AgendaItem, decision: str) -> None:
        c.all_state(item)
        if item.matter.vote_required:
            for member in c.members:
                services.vote_cast(item=item, member=member, choice=Position.AGREE, actor=c.secretary)
        services.conclusion_record(item=item, adopted=True, decision=decision, actor=c.secretary)

    funds = c.prepare(c.matter(MatterKind.FUNDS, title="县城供水管网改造资金安排"))
    appointment = c.prepare(c.matter(MatterKind.APPOINTMENT, title="任命县交通运输局局长"))
    project = c.prepare(c.matter(MatterKind.PROJECT, title="县城污水处理厂扩建工程"))
    signed, (published, withheld, waiting) = convene("县政府第10次常务会议", funds, appointment, project, attend=False)
    draw(signed, complete=True)
    for member in c.members:
        services.attendance_record(meeting=signed, member=member, present=True, actor=c.secretary)
    for item, decision in ((published, "同意安排1200万元"), (withheld, "同意任命"), (waiting, "同意实施扩建")):
        decide(item, decision)
    minutes = services.minutes_generate(meeting=signed, actor=c.secretary)
    for member in c.members:
        sign(minutes=minutes, user=c.user_of(member))
    publication = services.decision_publish(item=published, body="安排县城供水管网改造资金1200万元", actor=c.secretary)
    services.decision_publish(item=withheld, body="任命县交通运输局局长", exemption=Exemption.PERSONAL_PRIVACY,
                              exemption_reason="涉及拟任人选的个人信息", actor=c.secretary)

    closed, (roads,) = convene("县政府第11次常务会议", c.prepare(c.matter(title="县城道路交通组织优化方案")))
    decide(roads, "同意实施")
    minutes = services.minutes_generate(meeting=closed, actor=c.secretary)
    for member in c.members[:3]:
        sign(minutes=minutes, user=c.user_of(member))

    running, (voting, stating, concluding) = convene(
        "县政府第12次常务会议", c.prepare(c.matter(MatterKind.FUNDS, title="乡村振兴补助资金分配方案")),
        c.prepare(c.matter(title="县城老旧小区改造方案")),
        c.prepare(c.matter(MatterKind.PROJECT, title="县第二中学新校区建设")), absent=(c.members[6],))
    draw(running, complete=False)
    c.all_state(voting, skip=(c.members[6],))
    for member in c.members[:3]:
        services.vote_cast(item=voting, member=member, choice=Position.AGREE, actor=c.secretary)
    services.withdrawal_declare(item=stating, member=c.members[5], reason="其配偶在改造片区有房产", actor=c.secretary)
    for member in c.members[1:3]:
        c.state(stating, member)
    c.state(stating, c.members[3], Position.DISAGREE, "应先摸清加装电梯的意愿")
    with pytest.raises(DomainError):
        c.state(stating, c.principal)  # too early: refused, and the refusal shown
    c.all_state(concluding, skip=(c.members[6],))

    called, _ = convene("县政府第13次常务会议", c.prepare(c.matter(title="县城停车收费标准调整")), attend=False)
    services.draw_prepare(meeting=called, topic="construction", quotas={"resident": 1}, external_source="双色球第2026160期",
                          actor=c.secretary)
    c.matter(title="县城集中供热规划")  # still preparing: the list says what it lacks
    consulted = c.matter(title="县城公交线路调整方案")
    today = c.clock.now().date()
    consultation = services.consultation_open(matter=consulted, draft_text="拟调整县城公交线路8条", opens_on=today,
                                              closes_on=today + dt.timedelta(days=29), actor=c.sponsor)
    return {"publication": publication.pk, "consultation": consultation.pk, "signed": signed.pk,
            "closed": closed.pk, "running": running.pk, "called": called.pk, "funds": funds.pk}


@pytest.mark.usefixtures("committed_log")
def test_the_major_decision_pages_meet_wcag_2_1_aa(
        transactional_db: None, browser: Any, live_server: Any, axe_source: str, executive: Council,
        supervisor: User) -> None:
    """三重一大: the portal's decisions (open consultations and published decisions), a consultation with its
    comment form (also refused beside the field), a decision's record, a meeting's observer draw (drawn, and
    frozen awaiting the external value); the console's matters and their dossier, the meetings, and a meeting
    at each step (nothing recorded; running: attendance, the draw, statements, votes, a conclusion; minutes
    awaiting signatures; signed, decisions to publish), as the secretary, and the matters with the exemptions
    to review as a supervisor."""
    data = a_council_at_work(executive)
    base, problems = live_server.url, []

    resident = browser.new_page()
    sweep(resident, axe_source, base, [
        "/decisions/",
        f"/decisions/{data['publication']}/",
        f"/decisions/consultations/{data['consultation']}/",
        f"/meetings/{data['signed']}/draw/",
        f"/meetings/{data['running']}/draw/",
    ], problems)
    resident.goto(f"{base}/decisions/consultations/{data['consultation']}/")
    resident.fill("#f-text", "  ")
    resident.click("form.stack button[type=submit]")
    assert "请填写意见" in resident.inner_text("main")
    check(resident, axe_source, "a comment refused beside its field", problems)
    resident.close()

    secretary = log_in(browser, base, executive.secretary)
    sweep(secretary, axe_source, base, [
        "/console/matters/",
        "/console/meetings/",
        f"/console/meetings/{data['called']}/",
        f"/console/meetings/{data['running']}/",
        f"/console/meetings/{data['closed']}/",
        f"/console/meetings/{data['signed']}/",
    ], problems)
    # The dossier each matter links to is a PDF of its whole record.
    secretary.goto(f"{base}/console/matters/")
    dossier = secretary.locator(f"a[href='/console/matters/{data['funds']}/dossier.pdf']")
    response = secretary.request.get(base + dossier.get_attribute("href"), timeout=180_000)  # a PDF: slow to make
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    # A signature with a wrong password is refused in a message.
    secretary.goto(f"{base}/console/meetings/{data['closed']}/")
    secretary.fill("input[name=password] >> nth=0", "guess")
    secretary.click("form[action$='/sign/'] button >> nth=0")
    assert "密码不正确" in secretary.inner_text("ul.messages")
    check(secretary, axe_source, "a signature refused for a wrong password", problems)
    secretary.close()

    watcher = log_in(browser, base, with_password(supervisor))
    sweep(watcher, axe_source, base, [
        "/console/matters/",
    ], problems)
    assert "涉及拟任人选的个人信息" in watcher.inner_text("main")
    watcher.close()

    assert not problems, "WCAG 2.1 A/AA violations (serious or critical):\n" + "\n".join(problems)


@pytest.mark.usefixtures("committed_log")
def test_the_major_decision_preparation_pages_meet_wcag_2_1_aa(
        transactional_db: None, browser: Any, live_server: Any, axe_source: str, executive: Council) -> None:
    """三重一大 before the meeting: as the sponsor, the dashboard's links, the proposal form and a matter's page at
    its stages (a fresh one with every form, one part done, one waiting for legality review), also with a comment
    period refused beside its reason; as the legal office, the reviews waiting and one review, also refused for
    want of an outcome; as the secretary, the bodies, a body with its members and meetings, and the observer
    pool, also refused beside the pool code."""
    c = executive
    fresh = c.matter(title="县城集中供热规划")
    waiting = c.prepare(c.matter(MatterKind.FUNDS, title="县城供水管网改造资金安排"), legality=None)
    partly = c.matter(title="县城公交线路调整方案")
    services.stage_record(matter=partly, stage="research", body="问卷调查1200份", actor=c.sponsor)
    today = c.clock.now().date()
    services.consultation_open(matter=partly, draft_text="拟调整县城公交线路8条", opens_on=today,
                               closes_on=today + dt.timedelta(days=29), actor=c.sponsor)
    base, problems = live_server.url, []

    sponsor = log_in(browser, base, c.sponsor)
    sweep(sponsor, axe_source, base, [
        "/console/",
        "/console/matters/new/",
        f"/console/matters/{fresh.pk}/",
        f"/console/matters/{partly.pk}/",
        f"/console/matters/{waiting.pk}/",
    ], problems)
    sponsor.goto(f"{base}/console/matters/{fresh.pk}/")
    sponsor.fill("#id_consultation-draft_text", "征求意见稿")
    sponsor.fill("#id_consultation-closes_on", (today + dt.timedelta(days=9)).isoformat())
    sponsor.click("form[action$='/consultation/'] button[type=submit]")
    assert sponsor.locator("#id_consultation-shorter_reason").get_attribute("aria-invalid") == "true"
    check(sponsor, axe_source, "a comment period refused beside its reason", problems)
    sponsor.close()

    lawyer = log_in(browser, base, c.lawyer)
    review = waiting.legality_reviews.get().pk
    sweep(lawyer, axe_source, base, ["/console/", "/console/legality/", f"/console/legality/{review}/"], problems)
    lawyer.fill("#id_conclude-opinion", "符合法律法规")
    lawyer.click("form[action$='/conclude/'] button[type=submit]")
    assert "请选择审查结论" in lawyer.inner_text("main")
    check(lawyer, axe_source, "a legality conclusion refused for want of an outcome", problems)
    lawyer.close()

    secretary = log_in(browser, base, c.secretary)
    sweep(secretary, axe_source, base, ["/console/bodies/", f"/console/bodies/{c.body.pk}/", "/console/observers/"],
          problems)
    secretary.click("summary:has-text('加入旁听人员库')")
    secretary.fill("#id_observer-code", "观察员")
    secretary.fill("#id_observer-name", "王建国")
    secretary.select_option("#id_observer-category", "resident")
    secretary.check("#id_observer-topics_1")
    secretary.click("form[action='/console/observers/'] button[type=submit]")
    assert secretary.locator("#id_observer-code").get_attribute("aria-invalid") == "true"
    check(secretary, axe_source, "a person refused beside the pool code", problems)
    secretary.close()

    assert not problems, "WCAG 2.1 A/AA violations (serious or critical):\n" + "\n".join(problems)
