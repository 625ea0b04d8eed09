"""The sweep issues a yellow card when a watched deadline is a working day away, a red one when it has
passed; each card once, whoever else sweeps at the same time; none while the clock is stopped."""

from __future__ import annotations

import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from sunlit.cases.models import Case
from sunlit.cases.services import case_step_done, case_submit
from sunlit.core.clock import FixedClock
from sunlit.core.errors import DomainError
from sunlit.core.models import Event, Watch
from sunlit.supervision.models import Card, CardLevel, CardState
from sunlit.supervision.services import card_refer, card_resolve, sweep
from tests.cases.conftest import ID_NUMBER, Office
from tests.supervision.at_once import twice_at_once

D = dt.date
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(when: str) -> dt.datetime:
    return dt.datetime.fromisoformat(when).replace(tzinfo=SHANGHAI)


def accepted_case(office: Office, clock: FixedClock) -> Case:
    """Received Tue 11/24, accepted Wed 11/25: 审查 due Thu 12/3 (6 working days), the case due Wed 12/9."""
    case, _ = case_submit(item_id=office.item.item_id, applicant_name="王五", applicant_id_number=ID_NUMBER,
                          applicant_contact="13700000000")
    clock.at = at("2026-11-25T09:00")
    return case_step_done(case=case, outcome="受理", actor=office.window)


@pytest.mark.django_db
def test_yellow_a_working_day_before_red_after_and_never_twice(office: Office, clock: FixedClock) -> None:
    case = accepted_case(office, clock)
    assert case.step_due == D(2026, 12, 3) and case.due == D(2026, 12, 9)

    assert sweep(at=at("2026-12-01T08:00")).as_dict() == {"new": 0, "yellow": 0, "red": 0, "anomalies": 0}
    assert sweep(at=at("2026-12-02T08:00")).as_dict() == {"new": 1, "yellow": 1, "red": 0, "anomalies": 0}
    assert sweep(at=at("2026-12-02T08:01")).new == 0
    assert sweep(at=at("2026-12-03T18:00")).new == 0  # due today: not late yet
    late = sweep(at=at("2026-12-04T00:01"))
    assert (late.red, late.yellow) == (1, 0)
    assert sweep(at=at("2026-12-08T08:00")).as_dict() == {"new": 1, "yellow": 1, "red": 0, "anomalies": 0}  # the case

    cards = list(Card.objects.order_by("id"))
    assert [(c.level, c.trigger, c.due) for c in cards] == [
        (CardLevel.YELLOW, "case.step", D(2026, 12, 3)), (CardLevel.RED, "case.step", D(2026, 12, 3)),
        (CardLevel.YELLOW, "case.due", D(2026, 12, 9))]
    assert cards[1].issued_at == at("2026-12-04T00:01") and cards[1].unit.code == "YD-ZRZY"
    assert "审查" in cards[0].label and case.receipt in cards[0].label


@pytest.mark.django_db
def test_a_new_step_is_watched_afresh_and_a_stopped_clock_is_not_watched(office: Office, clock: FixedClock) -> None:
    case = accepted_case(office, clock)
    clock.at = at("2026-11-27T10:00")
    case = case_step_done(case=case, outcome="听证", actor=office.examiner)  # the clock stops

    assert sweep(at=at("2026-12-31T08:00")).new == 0
    assert not Watch.objects.filter(due__isnull=False).exists()
    clock.at = at("2026-12-04T16:00")
    case = case_step_done(case=case, actor=office.deputy)  # 决定, due 12/8 (2 working days); case due 12/16
    result = sweep(at=at("2026-12-07T08:00"))
    assert (result.yellow, result.red) == (1, 0)
    assert Card.objects.get().trigger == "case.step"


@pytest.mark.django_db
def test_the_command_prints_one_json_line(office: Office, clock: FixedClock) -> None:
    accepted_case(office, clock)
    out, err = io.StringIO(), io.StringIO()

    call_command("supervise", "--at", "2026-12-04T09:00", stdout=out, stderr=err)

    assert json.loads(out.getvalue().strip().splitlines()[-1]) == {"new": 1, "yellow": 0, "red": 1, "anomalies": 0}
    assert "红牌" in err.getvalue()


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_issue_each_card_once(office: Office, clock: FixedClock) -> None:
    for _ in range(30):
        accepted_case(office, clock)
    results = twice_at_once(lambda: sweep(at=at("2026-12-04T09:00")))
    assert Card.objects.count() == 30 == sum(r.red for r in results)
    assert Card.objects.values("target_id").distinct().count() == 30
    assert sweep(at=at("2026-12-04T09:05")).new == 0


@pytest.mark.django_db
def test_cards_are_closed_with_a_note_and_red_ones_referred(office: Office, clock: FixedClock) -> None:
    accepted_case(office, clock)
    sweep(at=at("2026-12-02T08:00"))
    sweep(at=at("2026-12-04T08:00"))
    yellow, red = Card.objects.order_by("id")
    with pytest.raises(DomainError) as refused:
        card_resolve(card=yellow, note=" ", actor=office.director)
    assert refused.value.field == "note"
    with pytest.raises(DomainError):
        card_refer(card=yellow, note="问责", actor=office.director)

    card_resolve(card=yellow, note="已督办", actor=office.director)
    card_refer(card=red, note="超期办理，移送纪检监察", actor=office.director)

    assert set(Card.objects.values_list("state", flat=True)) == {CardState.RESOLVED, CardState.REFERRED}
    assert Event.objects.filter(action__startswith="supervision.card.").count() == 2
    with pytest.raises(DomainError):
        card_resolve(card=red, note="再处理", actor=office.director)
