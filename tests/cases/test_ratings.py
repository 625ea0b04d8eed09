"""好差评: the applicant rates an ended case once, never by default; a bad rating opens a follow-up the
sweep watches; each unit's full distribution is public, comments after review."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from sunlit.cases.models import Case, Rating
from sunlit.cases.services import (
    case_step_done,
    case_submit,
    rating_comment_review,
    rating_follow_up,
    rating_submit,
)
from sunlit.core.clock import FixedClock
from sunlit.core.errors import DomainError
from sunlit.core.models import Event
from sunlit.supervision.models import Card
from sunlit.supervision.services import sweep
from tests import factories
from tests.cases.conftest import ID_NUMBER, Office

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def ended(office: Office, clock: FixedClock) -> Case:
    case, _ = case_submit(item_id=office.item.item_id, applicant_name="赵六", applicant_id_number=ID_NUMBER,
                          applicant_contact="13600000000")
    return case_step_done(case=case, outcome="不予受理", opinion="不属于本机关职权", actor=office.window)


def test_a_case_is_rated_once_after_it_ends(office: Office, clock: FixedClock) -> None:
    case, _ = case_submit(item_id=office.item.item_id, applicant_name="赵六", applicant_id_number=ID_NUMBER,
                          applicant_contact="13600000000")
    with pytest.raises(DomainError) as early:
        rating_submit(case=case, level="5")
    assert early.value.field == "case"
    case = case_step_done(case=case, outcome="不予受理", opinion="不属于本机关职权", actor=office.window)
    with pytest.raises(DomainError) as blank:
        rating_submit(case=case, level="")
    assert blank.value.field == "level"

    rating = rating_submit(case=case, level="4", comment="窗口态度很好")
    assert not rating.is_bad and rating.follow_up_due is None
    with pytest.raises(DomainError):
        rating_submit(case=case, level="1")
    assert Rating.objects.count() == 1 and Event.objects.filter(action="cases.rating.submit").count() == 1


def test_a_bad_rating_opens_a_follow_up_the_sweep_watches(office: Office, clock: FixedClock) -> None:
    rating = rating_submit(case=ended(office, clock), level="1", comment="跑了三趟")
    assert rating.follow_up_due == dt.date(2026, 12, 15)  # 15 working days after 11/24

    result = sweep(at=dt.datetime(2026, 12, 16, 9, 0, tzinfo=SHANGHAI))
    assert result.red == 1 and Card.objects.get().trigger == "rating.follow_up"
    with pytest.raises(DomainError) as outsider:
        rating_follow_up(rating=rating, note="已整改", applicant_answer="满意", actor=office.outsider)
    assert outsider.value.field == "actor"

    rating_follow_up(rating=rating, note="已简化材料，电话回访", applicant_answer="基本满意", actor=office.director)
    assert sweep(at=dt.datetime(2026, 12, 20, 9, 0, tzinfo=SHANGHAI)).new == 0


def test_every_level_is_published_and_a_comment_only_after_review(office: Office, clock: FixedClock,
                                                                   county: dict, editor: object) -> None:
    rating_submit(case=ended(office, clock), level="2", comment="等待时间太长")
    rating_submit(case=ended(office, clock), level="5")
    page = Client().get("/units/YD-ZRZY/").content.decode()
    assert "办事评价（好差评）" in page and "非常不满意" in page and "（50.0%）" in page
    assert "等待时间太长" not in page

    reviewer = factories.staff("rating_reviewer", county["land"], "reviewer")
    rating_comment_review(rating=Rating.objects.get(level="2"), publish=True, actor=reviewer)
    assert "等待时间太长" in Client().get("/units/YD-ZRZY/").content.decode()


def test_the_applicant_rates_from_the_progress_page(office: Office, clock: FixedClock) -> None:
    client = Client()
    received = client.post(f"/powers/{office.item.item_id}/apply/", {
        "applicant_name": "赵六", "applicant_id_number": ID_NUMBER, "applicant_contact": "13600000000"})
    assert re.search(r"[2-9A-Z]{8}", received.content.decode())
    case = case_step_done(case=Case.objects.get(), outcome="不予受理", opinion="不属于本机关职权",
                          actor=office.window)

    page = client.get(f"/cases/{case.receipt}/").content.decode()
    assert "评价本次办理" in page and 'type="radio" name="level" value="5"' in page and "checked" not in page
    done = client.post(f"/cases/{case.receipt}/rate/", {"level": "2", "comment": "说明不清楚"}, follow=True)
    text = done.content.decode()
    assert "感谢您的评价" in text and "整改并回访" in text and "评价本次办理" not in text
    assert Client().post(f"/cases/{case.receipt}/rate/", {"level": "5"}).status_code == 302  # not granted
    assert Rating.objects.get().level == "2"


def test_a_follow_up_running_into_next_year_is_unconfirmed_until_its_notice(office: Office, clock: FixedClock) -> None:
    from django.contrib.auth.models import User

    from sunlit.core.models import Watch
    from sunlit.org import services as org

    admin = User.objects.create_superuser("root", password="pw-root")
    clock.at = dt.datetime(2026, 12, 11, 10, 0, tzinfo=SHANGHAI)
    applicant = Client()
    applicant.post(f"/powers/{office.item.item_id}/apply/", {
        "applicant_name": "赵六", "applicant_id_number": ID_NUMBER, "applicant_contact": "13600000000"})
    case = case_step_done(case=Case.objects.get(), outcome="不予受理", opinion="不属于本机关职权", actor=office.window)
    applicant.post(f"/cases/{case.receipt}/rate/", {"level": "2", "comment": "材料说明不清楚"})
    rating = Rating.objects.get()
    # 12/14…12/31 are 14 working days; 1/1 counts as a weekday while 2027 is not known
    assert (rating.follow_up_due, rating.follow_up_confirmed) == (dt.date(2027, 1, 1), False)
    assert "待确认" in applicant.get(f"/cases/{case.receipt}/").content.decode()

    org.calendar_notice_enter(year=2027, source="国务院办公厅关于2027年部分节假日安排的通知", actor=admin)
    org.calendar_day_set(day=dt.date(2027, 1, 1), kind="rest", name="元旦",
                         source="国务院办公厅关于2027年部分节假日安排的通知", actor=admin)
    rating.refresh_from_db()

    assert (rating.follow_up_due, rating.follow_up_confirmed) == (dt.date(2027, 1, 4), True)
    assert Watch.objects.get(kind="rating.follow_up").due == dt.date(2027, 1, 4)
    moves = Event.objects.filter(action="cases.rating.deadline", object_id=str(rating.pk)).order_by("id")
    assert [(e.before["follow_up_due"], e.after["follow_up_due"], e.after["confirmed"]) for e in moves] == [
        ("2027-01-01", "2027-01-01", True), ("2027-01-01", "2027-01-04", True)]
    assert "待确认" not in applicant.get(f"/cases/{case.receipt}/").content.decode()
