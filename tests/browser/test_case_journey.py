"""A case's whole life, in a real Chromium (Debian's /usr/bin/chromium, driven by Playwright): applied for on a
phone, handled late in the console, two red cards on the supervisors' board, followed and rated by the
applicant on the phone.

The clock is the `clock` fixture's FixedClock, installed for the whole process (core.clock.using_clock) and put
back when the test ends: the live server runs in a thread of this process, so the pages read the same time.
Screenshots of each page go to /tmp/journey-shots/.

Skipped, saying why, on a machine without Chromium: `apt-get install -y chromium fonts-noto-cjk`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management import call_command

from sunlit.core.calendar import forget_calendars, seed_national
from sunlit.core.clock import FixedClock
from sunlit.flows import services as flows
from sunlit.org.models import Post, Role, Unit
from tests import factories
from tests.browser.conftest import needs_chromium
from tests.cases.conftest import _official, licensing_flow

pytestmark = needs_chromium

SHOTS = Path("/tmp/journey-shots")
BEIJING = ZoneInfo("Asia/Shanghai")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESK = {"viewport": {"width": 1366, "height": 900}}



def _at(day: int, month: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=BEIJING)


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _fits_the_phone(page: Any) -> None:
    """Nothing on the page is wider than the phone's screen (no sideways scrolling)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url


def _main(page: Any) -> str:
    return str(page.locator("main").inner_text())


def _field(page: Any, label: str) -> str:
    """What a page's list of fields shows against `label`."""
    return str(page.locator("dl.fields dt", has_text=label).locator("xpath=following-sibling::dd[1]").inner_text())


def _step_row(page: Any, name: str) -> str:
    """The row of the progress table for the step `name`, as the page reads."""
    return str(page.locator("table.list tbody tr", has=page.locator("td[data-label='环节']", has_text=name)).inner_text())


def _log_in(browser: Any, url: str, username: str, password: str) -> Any:
    """A member of staff logs into the console, in a browser of their own."""
    page = browser.new_page(**DESK)
    page.goto(url + "/console/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert page.url == url + "/console/", "the login went nowhere"
    return page


def _do_step(page: Any, receipt: str, step: str, outcome: str, opinion: str, shot: str) -> str:
    """An official opens the cases waiting for them, the case, and does its current step; the message shown."""
    page.click("header nav >> text=办件")
    page.click("ul.chips >> text=待我办理")
    page.click(f"table.list a:has-text('{receipt}')")
    form = page.locator(f"form[action='/console/cases/{receipt}/step/']")
    assert f"办理「{step}」" in form.inner_text()
    form.locator("select[name=outcome]").select_option(value=outcome)
    form.locator("textarea[name=opinion]").fill(opinion)
    _shot(page, shot)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    return str(page.locator("ul.messages").inner_text())


def _county_office(county: dict[str, Unit], editor: Any, reviewer: Any) -> int:
    """农村村民住宅建设审批 of the land bureau (promised 10 working days, statutory 20) on the licensing flow of
    tests/cases, the officials holding its posts, and a supervisor of the county; the item's id."""
    seed_national()  # the holiday tables, in case an earlier transactional test flushed what the migration seeded
    forget_calendars()
    land = county["land"]
    posts = {"window": Post.objects.create(unit=land, name="窗口受理岗"),
             "review": Post.objects.create(unit=land, name="审批岗"),
             "deputy": Post.objects.create(unit=land, name="分管副局长", is_leader=True)}
    item = factories.published(land, editor, reviewer, code="XK-001", statutory_limit=20, promised_limit=10)
    steps, links = licensing_flow(posts)
    flows.flow_version_approve(version=flows.flow_version_create(
        item=item.item, steps=steps, transitions=links, reason="编制", author=editor, submit=True), reviewer=reviewer)
    _official(land, posts["window"], "陈窗", "window")
    _official(land, posts["review"], "周审", "examiner")
    _official(land, posts["deputy"], "吴副", "deputy")
    factories.staff("jiwei", county["gov"], Role.SUPERVISOR)
    return item.item_id


def test_a_case_applied_for_on_a_phone_runs_late_is_red_carded_and_rated(
        transactional_db: None, browser: Any, live_server: Any, clock: FixedClock, county: dict[str, Unit],
        editor: Any, reviewer: Any) -> None:
    url = live_server.url
    item_id = _county_office(county, editor, reviewer)

    # 1. Tuesday 24 November 2026, 10:00: an applicant finds the item on a phone and applies online.
    clock.at = _at(24, 11, 10)
    phone = browser.new_page(**PHONE)
    phone.goto(url + "/")
    phone.fill("input[name=q]", "住宅建设")
    phone.click("form.search button[type=submit]")
    phone.click("text=农村村民住宅建设审批")
    assert phone.locator("h1").inner_text() == "农村村民住宅建设审批"
    _fits_the_phone(phone)
    _shot(phone, "01-phone-item")
    phone.click("a.button:has-text('在线申请')")
    assert phone.url == f"{url}/powers/{item_id}/apply/"
    assert "承诺时限 10个工作日" in _main(phone)
    phone.get_by_label("申请人姓名或单位名称").fill("李春华")
    phone.get_by_label("身份证号码或统一社会信用代码").fill("36073119900101123X")
    phone.get_by_label("联系电话").fill("13907971234")
    phone.get_by_label("申请内容").fill("贡江镇长新村三组，新建住宅一栋，占地120平方米")
    _fits_the_phone(phone)
    _shot(phone, "02-phone-apply")
    phone.click("button:has-text('提交申请')")
    assert phone.locator("h1").inner_text() == "申请已提交"
    receipt = phone.locator("dl.fields dt:has-text('受理编号') + dd strong").inner_text().strip()
    password = phone.locator("dl.fields dt:has-text('查询密码') + dd strong").inner_text().strip()
    assert receipt.startswith("YD-ZRZY-20261124-") and len(password) >= 6
    assert "2026年11月25日" in _field(phone, "受理期限")
    _fits_the_phone(phone)
    _shot(phone, "03-phone-received")
    phone.close()

    # 2. The window clerk accepts it half an hour later, in the console.
    clock.at = _at(24, 11, 10, 30)
    window = _log_in(browser, url, "window", "pw")
    assert "已办理" in _do_step(window, receipt, "受理", "受理", "材料齐全，予以受理", "04-console-accept")
    assert "当前环节：审查（审批岗）" in _main(window)
    assert _field(window, "承诺办结期限") == "2026-12-08"  # ten working days after the 24th
    window.close()

    # Nobody reviews it in time. Thursday 10 December, 09:00: past the review's six working days (2 December)
    # and the promised ten (8 December); the morning's sweep issues a red card for each.
    clock.at = _at(10, 12, 9)
    call_command("supervise", at="2026-12-10T09:00")

    # 3. A supervisor of the county opens the board: two red cards at the land bureau, then the cards themselves.
    board = _log_in(browser, url, "jiwei", "pw-jiwei")
    board.click("header nav >> text=监察")
    assert board.locator("h1").inner_text() == "电子监察看板"
    row = board.locator("table.figures tbody tr", has_text="县自然资源局").first
    assert [cell.strip() for cell in row.locator("td").all_inner_texts()][:5] == ["1", "1", "0", "0", "2"]
    _shot(board, "05-board")
    row.locator("td").nth(4).locator("a").click()  # the red cards' figure
    assert board.url.startswith(f"{url}/console/board/cards/") and board.locator("tr.card-row").count() == 2
    cards = board.locator("table.card-list").inner_text()
    assert cards.count("红牌（超过时限）") == 2
    assert f"办件{receipt}「审查」环节时限" in cards and "期限2026年12月02日，已超期" in cards
    assert f"办件{receipt}承诺办结时限" in cards and "期限2026年12月08日，已超期" in cards
    _shot(board, "06-board-cards")
    board.click("text=← 监察看板")
    board.click("ul.chips a:has-text('全部待处理预警')")
    assert board.url == f"{url}/console/board/cards/"
    assert board.locator("tr.card-row", has_text=receipt).count() == 2
    board.locator("tr.card-row", has_text="「审查」环节时限").locator(f"a:has-text('查看办件 {receipt}')").click()
    assert board.url == f"{url}/console/cases/{receipt}/"
    assert _field(board, "当前环节期限") == "2026-12-02 已超期"
    board.close()

    # 4. That morning the applicant, on the phone in a new session, comes back to the portal to follow the case
    # from its home page, and sees it is late.
    phone = browser.new_page(**PHONE)
    phone.goto(url + "/")
    _shot(phone, "07-phone-home")
    lookup = phone.locator("header a[href='/cases/']")
    assert lookup.count() == 1, "the portal's header offers no way to follow a case (查询办理进度)"
    lookup.click()
    assert phone.locator("h1").inner_text() == "查询办理进度"
    phone.get_by_label("受理编号").fill(receipt)
    phone.get_by_label("查询密码").fill(password)
    _fits_the_phone(phone)
    _shot(phone, "08-phone-lookup")
    phone.click("main button:has-text('查询')")
    assert phone.url == f"{url}/cases/{receipt}/"
    assert _field(phone, "状态") == "办理中 · 当前环节：审查"
    assert "申请" in _step_row(phone, "申请") and "受理" in _step_row(phone, "受理")
    assert "已超期" in _field(phone, "承诺办结期限"), "an open case past its promised limit does not say so"
    assert "2026年12月8日" in _field(phone, "承诺办结期限")
    _fits_the_phone(phone)
    _shot(phone, "09-phone-progress-late")

    # The examiner and the deputy director finish it that day, late.
    clock.at = _at(10, 12, 10)
    examiner = _log_in(browser, url, "examiner", "pw")
    assert "已办理" in _do_step(examiner, receipt, "审查", "无需听证", "符合村庄规划，建议准予", "10-console-review")
    examiner.close()
    clock.at = _at(10, 12, 15)
    deputy = _log_in(browser, url, "deputy", "pw")
    done = _do_step(deputy, receipt, "决定", "准予许可", "同意建房，准予许可", "11-console-decide")
    assert "已办结（准予）" in _main(deputy)
    assert "办结" in done and "进入下一环节" not in done, f"the case ended, the message says: {done}"
    _shot(deputy, "12-console-ended")
    deputy.close()

    # 5. The next morning the applicant reloads the page: it ended, late; they rate it.
    clock.at = _at(11, 12, 9)
    phone.reload()
    assert _field(phone, "状态") == "已办结（准予）"
    assert _field(phone, "办结时间") == "2026年12月10日 15:00"
    assert "超期" in _step_row(phone, "审查") and "超期" not in _step_row(phone, "决定")
    assert "准予许可" in _step_row(phone, "决定")
    notices = phone.locator("h2:has-text('告知事项') + .card").inner_text()
    assert "办理结果：准予许可" in notices, f"the applicant is told: {notices}"
    promised = phone.locator("dl.fields dt", has_text="承诺办结期限")
    assert promised.count() == 1, "an ended case no longer shows its promised limit, nor that it was missed"
    assert "2026年12月8日" in _field(phone, "承诺办结期限") and "超期" in _field(phone, "承诺办结期限")
    _fits_the_phone(phone)
    _shot(phone, "13-phone-progress-ended")
    rating = phone.locator("form[action$='/rate/']")
    rating.get_by_label("不满意", exact=True).check()
    rating.get_by_label("意见或建议").fill("审查超期了一个多星期，也没人告知原因")
    _shot(phone, "14-phone-rating")
    rating.locator("button:has-text('提交评价')").click()
    assert phone.url == f"{url}/cases/{receipt}/"
    assert phone.locator("ul.messages").inner_text() == "感谢您的评价。我们会在规定期限内整改并回访您。"
    yours = phone.locator("h2:has-text('您的评价') + .card").inner_text()
    assert "不满意" in yours and "审查超期了一个多星期，也没人告知原因" in yours and "整改并回访您" in yours
    assert phone.locator("form[action$='/rate/']").count() == 0  # rated once, for good
    _fits_the_phone(phone)
    _shot(phone, "15-phone-rated")
    phone.close()
