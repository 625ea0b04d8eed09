"""The sweep's anomaly pass: each rule from recorded data, one card per (case, rule[, step]) with its own trigger
and a Chinese detail saying what was found; never twice, whoever else sweeps at the same time; reading only the
rows added since the last sweep."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Max

from sunlit.cases.models import Case, CaseNotice, CaseStep, Channel
from sunlit.cases.services import case_step_done, case_submit, case_void
from sunlit.core.clock import FixedClock
from sunlit.org.models import Appointment
from sunlit.supervision import anomalies
from sunlit.supervision.models import Card, CardLevel, SweepMark
from sunlit.supervision.services import sweep
from tests.cases.conftest import ID_NUMBER, Office
from tests.supervision.at_once import twice_at_once
from tests.supervision.test_sweep import accepted_case, at

D = dt.date
SWEEP = "2026-12-15T09:00"  # after everything below: the anomalies do not depend on the sweep's time


def submit(office: Office, **extra: Any) -> Case:
    fields = {"applicant_name": "王五", "applicant_id_number": ID_NUMBER, "applicant_contact": "13700000000", **extra}
    case, _ = case_submit(item_id=office.item.item_id, **fields)  # type: ignore[arg-type]
    return case


def only_anomaly(trigger: str, case: Case) -> Card:
    """One sweep issues exactly one anomaly, this one, on this case; a second issues none."""
    result = sweep(at=at(SWEEP))
    assert (result.anomalies, result.new) == (1, 1 + result.yellow + result.red)
    card = Card.objects.get(level=CardLevel.ANOMALY)
    assert (card.trigger, card.target_id, card.unit.code) == (trigger, case.pk, "YD-ZRZY")
    assert card.issued_at == at(SWEEP) and case.receipt in card.label and anomalies.LABELS[trigger] in card.label
    assert sweep(at=at("2026-12-15T09:01")).anomalies == 0
    assert Card.objects.filter(level=CardLevel.ANOMALY).count() == 1
    return card


def decided(office: Office, clock: FixedClock, case: Case, *, by: Any) -> Case:
    clock.at = at("2026-11-27T10:00")
    case = case_step_done(case=case, outcome="无需听证", actor=office.examiner)
    clock.at = at("2026-11-30T10:00")
    return case_step_done(case=case, outcome="准予许可", opinion="同意", actor=by)


# ------------------------------------------------------------------------------------------- the rules

@pytest.mark.django_db
def test_the_same_login_accepting_and_deciding(office: Office, clock: FixedClock) -> None:
    chen = Appointment.objects.get(official__user=office.window).official
    Appointment.objects.create(official=chen, post=office.posts["deputy"], start=D(2026, 11, 1))  # 兼任
    case = decided(office, clock, accepted_case(office, clock), by=office.window)

    card = only_anomaly("case.accept_and_decide", case)
    assert card.detail == "受理与决定均由 陈窗 办理"


@pytest.mark.django_db
def test_a_step_recorded_earlier_than_the_one_before(office: Office, clock: FixedClock) -> None:
    case = accepted_case(office, clock)  # 受理 at 11/25 09:00
    clock.at = at("2026-11-25T11:00")
    case = case_step_done(case=case, outcome="无需听证", actor=office.examiner, done_at=at("2026-11-24T15:00"))

    card = only_anomaly("case.backdated", case)
    assert card.detail == "「审查」记录的办理时间 2026年11月24日 15:00 早于上一步「受理」的 2026年11月25日 09:00"
    assert card.key.endswith(f":{CaseStep.objects.get(case=case, step__kind='review').pk}")


@pytest.mark.django_db
def test_more_than_one_correction(office: Office, clock: FixedClock) -> None:
    case = submit(office)
    case = case_step_done(case=case, outcome="补正", opinion="缺少宅基地使用证明", actor=office.window)
    clock.at = at("2026-11-26T10:00")
    case = case_step_done(case=case, outcome="补正完成", actor=office.window)
    assert sweep(at=at("2026-11-26T11:00")).anomalies == 0  # one 补正 is what the law allows
    clock.at = at("2026-11-27T10:00")
    case = case_step_done(case=case, outcome="补正", opinion="还缺少四至界址图", actor=office.window)

    card = only_anomaly("case.corrections", case)  # found on entering the second 补正, not when it ends
    assert card.detail == "本件已2次要求申请人补正，未一次性告知需补正的全部内容"


@pytest.mark.django_db
def test_a_step_entered_days_after_it_was_done(office: Office, clock: FixedClock) -> None:
    case = submit(office)  # received Tue 11/24
    clock.at = at("2026-11-30T10:00")  # Monday: Thu, Fri, Mon are three working days on
    case = case_step_done(case=case, outcome="受理", actor=office.window, done_at=at("2026-11-25T10:00"))

    card = only_anomaly("case.offline", case)
    assert card.detail == "「受理」记录的办理时间为 2026年11月25日，2026年11月30日 才录入系统（相隔3个工作日）"


@pytest.mark.django_db
def test_a_counter_case_entered_days_after_it_was_received(office: Office, clock: FixedClock) -> None:
    case = submit(office, channel=Channel.COUNTER, received_at=at("2026-11-19T16:00"), entered_by=office.window)

    card = only_anomaly("case.late_entry", case)  # entered Tue 11/24: Fri, Mon, Tue
    assert card.detail == "收件时间为 2026年11月19日，2026年11月24日 才录入系统（相隔3个工作日）"


@pytest.mark.django_db
def test_a_case_voided_after_its_limit_passed(office: Office, clock: FixedClock) -> None:
    case = accepted_case(office, clock)  # due Wed 12/9
    clock.at = at("2026-12-11T10:00")
    case = case_void(case=case, reason="重复录入", actor=office.window)

    card = only_anomaly("case.void_overdue", case)
    assert card.detail == "办结期限为 2026年12月09日，2026年12月11日 作废（已超期2个工作日）"
    assert card.due == D(2026, 12, 9)


@pytest.mark.django_db
def test_refused_then_applied_for_again_within_days(office: Office, clock: FixedClock) -> None:
    refused = submit(office)
    clock.at = at("2026-11-25T10:00")
    case_step_done(case=refused, outcome="不予受理", opinion="申请材料不齐全", actor=office.window)
    clock.at = at("2026-11-27T09:00")
    again = submit(office, applicant_id_number=ID_NUMBER.lower())  # the same ID number, however spelt

    card = only_anomaly("case.refused_resubmitted", again)
    assert card.detail == (f"同一申请人就同一事项的办件 {refused.receipt} 于2026年11月25日不予受理，"
                           "2个工作日后重新申请，办理时限重新起算")
    assert ID_NUMBER not in card.detail and "王五" not in card.detail


@pytest.mark.django_db
def test_a_step_done_by_an_official_whose_appointment_was_ended_before(office: Office, clock: FixedClock) -> None:
    case = accepted_case(office, clock)
    clock.at = at("2026-11-27T10:00")
    case = case_step_done(case=case, outcome="无需听证", actor=office.examiner)
    # The appointment is corrected afterwards: 周审 had left the post on 11/20. The services never let this
    # happen at the time; the record says so now, and the sweep reads the step as new.
    Appointment.objects.filter(official__user=office.examiner).update(end=D(2026, 11, 20))

    card = only_anomaly("case.off_post", case)
    assert card.detail == "「审查」由 周审 于2026年11月27日办理，其当日不在审批岗任职"


# ------------------------------------------------------------------------------------------- none, once

@pytest.mark.django_db
def test_a_clean_case_and_the_thresholds_give_none(office: Office, clock: FixedClock) -> None:
    case = accepted_case(office, clock)
    decided(office, clock, case, by=office.deputy)
    # A step entered one working day after it was done (Fri → Mon), a counter case received the working day
    # before it was entered, a refusal applied for again after more than RESUBMIT_DAYS working days.
    clock.at = at("2026-11-23T10:00")
    late = submit(office, applicant_id_number="360731199001011234")
    clock.at = at("2026-11-30T10:00")
    case_step_done(case=late, outcome="受理", actor=office.window, done_at=at("2026-11-27T17:00"))
    submit(office, channel=Channel.COUNTER, received_at=at("2026-11-27T16:00"), entered_by=office.window)
    refused = submit(office, applicant_id_number="360731198001011230")
    case_step_done(case=refused, outcome="不予受理", opinion="不属于本机关职权范围", actor=office.window)
    clock.at = at("2026-12-08T10:00")  # six working days later
    submit(office, applicant_id_number="360731198001011230")

    assert sweep(at=at(SWEEP)).anomalies == 0
    assert not Card.objects.filter(level=CardLevel.ANOMALY).exists()


@pytest.mark.django_db
def test_the_pass_reads_only_rows_added_since(office: Office, clock: FixedClock,
                                              django_assert_max_num_queries: Any) -> None:
    case = submit(office)
    clock.at = at("2026-11-30T10:00")
    case_step_done(case=case, outcome="受理", actor=office.window, done_at=at("2026-11-25T10:00"))
    assert sweep(at=at(SWEEP)).anomalies == 1
    clock.advance(seconds=anomalies.SETTLE.total_seconds())
    sweep(at=at(SWEEP))  # the first reading has settled: the marks move up to it

    tops = {"cases.steps": CaseStep.objects.aggregate(m=Max("pk"))["m"],
            "cases.cases": Case.objects.aggregate(m=Max("pk"))["m"],
            "cases.endings": CaseNotice.objects.aggregate(m=Max("pk"))["m"] or 0}
    assert {m.name: (m.done, m.seen) for m in SweepMark.objects.all()} == {k: (v, v) for k, v in tops.items()}
    # An old row changed behind the sweep's back is not read again: only new rows are.
    CaseStep.objects.filter(case=case).update(entered_at=at("2026-12-31T10:00"))
    with django_assert_max_num_queries(8):  # the marks, one read per family, the yellow and red ranges
        assert sweep(at=at(SWEEP)).as_dict() == {"new": 0, "yellow": 0, "red": 0, "anomalies": 0}

    clock.at = at("2026-12-01T10:00")
    other = submit(office, channel=Channel.COUNTER, received_at=at("2026-11-26T10:00"), entered_by=office.window)
    result = sweep(at=at(SWEEP))
    assert result.anomalies == 1 and Card.objects.get(trigger="case.late_entry").target_id == other.pk


@pytest.mark.django_db
def test_a_mark_waits_for_rows_still_being_written(office: Office, clock: FixedClock) -> None:
    """Until a reading is older than SETTLE, the rows above `done` are read again (a row with a lower id may
    still commit after a higher one), and nothing is issued twice."""
    submit(office)
    sweep(at=at(SWEEP))
    mark = SweepMark.objects.get(name="cases.cases")
    assert (mark.done, mark.seen) == (0, Case.objects.get().pk)
    clock.advance(minutes=1)
    submit(office, channel=Channel.COUNTER, received_at=at("2026-11-19T16:00"), entered_by=office.window)
    assert sweep(at=at(SWEEP)).anomalies == 1
    mark.refresh_from_db()
    assert mark.done == 0  # the first reading has not settled yet
    clock.advance(seconds=anomalies.SETTLE.total_seconds())
    assert sweep(at=at(SWEEP)).anomalies == 0
    mark.refresh_from_db()
    assert (mark.done, mark.seen) == (Case.objects.order_by("pk").first().pk,  # type: ignore[union-attr]
                                      Case.objects.order_by("pk").last().pk)  # type: ignore[union-attr]


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_issue_each_anomaly_once(office: Office, clock: FixedClock) -> None:
    for n in range(20):
        submit(office, channel=Channel.COUNTER, received_at=at("2026-11-19T16:00"), entered_by=office.window,
               applicant_id_number=f"3607311990010{n:04d}X")
    results = twice_at_once(lambda: sweep(at=at(SWEEP)))
    assert Card.objects.filter(trigger="case.late_entry").count() == 20 == sum(r.anomalies for r in results)
    assert sweep(at=at("2026-12-15T09:05")).anomalies == 0
