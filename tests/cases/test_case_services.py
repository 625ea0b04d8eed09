"""A case walks its item's flow: receipt, acceptance, steps by the officials holding their posts, the clock
stopping for 补正 and hearings, an extension approved by the head, the ends; one event per action, a refused
action changing nothing, and public log entries without the applicant's personal data."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User

from sunlit.cases import receipt
from sunlit.cases.models import Case, CaseNotice, CaseState, Channel, ClockStop
from sunlit.cases.services import case_extend, case_step_done, case_submit, case_void, case_withdraw
from sunlit.core.clock import FixedClock
from sunlit.core.errors import DomainError
from sunlit.core.models import Event
from sunlit.flows import services as flows
from sunlit.org import services as org
from sunlit.record.models import LeafQueue
from tests import factories
from tests.cases.conftest import ID_NUMBER, Office, licensing_flow

pytestmark = pytest.mark.django_db
D = dt.date
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(clock: FixedClock, when: str) -> dt.datetime:
    clock.at = dt.datetime.fromisoformat(when).replace(tzinfo=SHANGHAI)
    return clock.at


def submit(office: Office, **more: Any) -> tuple[Case, str]:
    fields = {"applicant_name": "张三", "applicant_id_number": ID_NUMBER, "applicant_contact": "13800000000",
              "subject": "在自家宅基地上翻建住房", **more}
    return case_submit(item_id=office.item.item_id, **fields)


def snapshot(case: Case) -> tuple[Any, ...]:
    case = Case.objects.get(pk=case.pk)
    return (case.state, case.current_step_id, case.step_due, case.due, case.version, Event.objects.count(),
            LeafQueue.objects.count(), ClockStop.objects.count(), CaseNotice.objects.count())


def test_an_application_on_the_portal_gets_a_receipt_and_waits_for_acceptance(office: Office,
                                                                             clock: FixedClock) -> None:
    case, password = submit(office)

    assert receipt.well_formed(case.receipt) and case.receipt.startswith("YD-ZRZY-20261124-0001")
    assert receipt.password_matches(case.receipt, password, case.password_hash)
    assert receipt.password_matches(case.receipt.lower(), password.lower(), case.password_hash)  # as typed on a phone
    assert not receipt.password_matches(case.receipt, "23456789", case.password_hash)
    assert password not in case.password_hash
    assert case.current_step is not None and case.current_step.key == "accept"
    assert (case.step_due, case.due, case.state) == (D(2026, 11, 25), None, CaseState.OPEN)  # 1 working day
    assert case.calendar == "CN" and case.channel == Channel.PORTAL
    assert submit(office)[0].receipt.startswith("YD-ZRZY-20261124-0002")


def test_the_public_log_entry_of_a_case_holds_no_personal_data(office: Office) -> None:
    LeafQueue.objects.all().delete()
    case, password = submit(office)

    leaves = b"".join(bytes(q.data) + bytes(q.document or b"") for q in LeafQueue.objects.all()).decode(
        "utf-8", "replace")
    assert LeafQueue.objects.count() == 2 and '"what":"submit"' in leaves.replace(" ", "")  # the event's, the record's
    assert "张三" not in leaves and ID_NUMBER not in leaves and "13800000000" not in leaves
    assert password not in leaves and "宅基地" not in leaves
    event = Event.objects.get(action="cases.case.submit")
    assert "张三" not in json.dumps(event.after, ensure_ascii=False, default=str)


def test_acceptance_starts_the_promised_and_statutory_clocks(office: Office, clock: FixedClock) -> None:
    case, _ = submit(office)
    at(clock, "2026-11-25 09:30")

    case = case_step_done(case=case, outcome="受理", opinion="材料齐全", actor=office.window)

    assert case.accepted_on == D(2026, 11, 25)
    assert (case.due, case.statutory_due) == (D(2026, 12, 9), D(2026, 12, 23))
    assert case.current_step is not None and case.current_step.key == "review"
    assert case.step_due == D(2026, 12, 3)  # 6 working days
    assert "已于2026年11月25日受理" in case.notices.get(kind="accepted").text


def test_the_whole_way_to_a_licence(office: Office, clock: FixedClock) -> None:
    case, _ = submit(office)
    at(clock, "2026-11-25 09:30")
    case_step_done(case=case, outcome="受理", actor=office.window)
    at(clock, "2026-11-27 10:00")
    case_step_done(case=case, outcome="无需听证", opinion="符合村庄规划", actor=office.examiner)
    at(clock, "2026-11-30 15:00")
    case_step_done(case=case, outcome="准予许可", opinion="同意", actor=office.deputy)
    case.refresh_from_db()

    assert case.state == CaseState.APPROVED and case.ended_at == clock.at
    assert list(case.steps.values_list("step__key", flat=True)) == ["apply", "accept", "review", "decide"]
    assert case.steps.get(step__key="decide").official.name == "吴副"  # type: ignore[union-attr]
    assert Event.objects.filter(object_type="cases.case", object_id=str(case.pk)).count() == 4


def test_correction_before_acceptance_stops_nothing_that_counts(office: Office, clock: FixedClock) -> None:
    case, _ = submit(office)
    at(clock, "2026-11-25 09:00")
    case = case_step_done(case=case, outcome="补正", opinion="缺少宅基地使用证明", actor=office.window)

    assert case.state == CaseState.STOPPED
    stop = case.clock_stops.get()
    assert stop.stopped_on == D(2026, 11, 25) and "第三十二条" in stop.legal_ground
    assert "不计入办理时限" in case.notices.get(kind="clock_stopped").text
    at(clock, "2026-12-02 11:00")
    case = case_step_done(case=case, outcome="补正完成", actor=office.window)
    assert case.state == CaseState.OPEN and case.clock_stops.get().restarted_on == D(2026, 12, 2)
    case = case_step_done(case=case, outcome="受理", actor=office.window)
    assert case.accepted_on == D(2026, 12, 2) and case.due == D(2026, 12, 16)


def test_a_hearing_after_acceptance_adds_exactly_its_working_days(office: Office, clock: FixedClock) -> None:
    case, _ = submit(office)
    at(clock, "2026-11-25 09:00")
    case_step_done(case=case, outcome="受理", actor=office.window)
    at(clock, "2026-11-27 10:00")
    case = case_step_done(case=case, outcome="听证", opinion="涉及相邻权利人重大利益", actor=office.examiner)
    assert case.state == CaseState.STOPPED and case.step_due == D(2026, 12, 25)  # the hearing's own 20 days
    at(clock, "2026-12-04 16:00")
    case = case_step_done(case=case, actor=office.deputy)

    # 11/30–12/4: 5 working days stopped; 12/9 + 5 → 12/16, 12/23 + 5 → 12/30
    assert (case.state, case.due, case.statutory_due) == (CaseState.OPEN, D(2026, 12, 16), D(2026, 12, 30))
    assert "恢复计时" in case.notices.get(kind="clock_restarted").text


def test_refusals_need_their_reasons_and_tell_the_remedies(office: Office, clock: FixedClock) -> None:
    case, _ = submit(office)
    before = snapshot(case)
    with pytest.raises(DomainError) as refused:
        case_step_done(case=case, outcome="不予受理", opinion=" ", actor=office.window)
    assert refused.value.field == "opinion" and snapshot(case) == before

    case = case_step_done(case=case, outcome="不予受理", opinion="不属于本机关职权范围", actor=office.window)
    assert case.state == CaseState.NOT_ACCEPTED and case.step_due is None
    ended = case.notices.get(kind="ended").text
    assert "不属于本机关职权范围" in ended and "行政复议" in ended and "行政诉讼" in ended


@pytest.mark.parametrize(("who", "outcome", "field"), [
    ("examiner", "受理", "actor"),   # not the window's post
    ("outsider", "受理", "actor"),   # another unit
    ("window", "批准", "outcome"),   # not a way out of 受理
])
def test_an_illegal_step_is_refused_by_name_and_changes_nothing(office: Office, who: str, outcome: str,
                                                                field: str) -> None:
    case, _ = submit(office)
    before = snapshot(case)

    with pytest.raises(DomainError) as refused:
        case_step_done(case=case, outcome=outcome, actor=getattr(office, who))

    assert refused.value.field == field and snapshot(case) == before


def test_a_step_cannot_be_recorded_in_the_future(office: Office, clock: FixedClock) -> None:
    case, _ = submit(office)
    with pytest.raises(DomainError) as refused:
        case_step_done(case=case, outcome="受理", actor=office.window, done_at=clock.at + dt.timedelta(hours=2))
    assert refused.value.field == "done_at"


def test_an_extension_needs_the_head_a_reason_and_is_told(office: Office, clock: FixedClock) -> None:
    case, _ = submit(office)
    at(clock, "2026-11-25 09:00")
    case_step_done(case=case, outcome="受理", actor=office.window)
    before = snapshot(case)
    with pytest.raises(DomainError) as refused:
        case_extend(case=case, days=5, reason="需现场踏勘", approver=office.deputy)
    assert refused.value.field == "approver" and snapshot(case) == before

    case = case_extend(case=case, days=5, reason="需会同农业农村部门现场踏勘", approver=office.director)
    assert (case.due, case.statutory_due) == (D(2026, 12, 16), D(2026, 12, 30))
    assert "延长5个工作日" in case.notices.get(kind="extended").text
    with pytest.raises(DomainError) as again:
        case_extend(case=case, days=3, reason="再延", approver=office.director)
    assert again.value.field == "days"


def test_counter_entry_is_staff_of_the_unit_with_the_time_really_received(office: Office,
                                                                          clock: FixedClock) -> None:
    received = clock.at - dt.timedelta(days=1)
    case, _ = submit(office, channel=Channel.COUNTER, received_at=received, entered_by=office.window)
    assert case.received_at == received and case.entered_by == office.window
    assert case.receipt.startswith("YD-ZRZY-20261123-")
    for who, field in ((None, "entered_by"), (office.outsider, "entered_by")):
        with pytest.raises(DomainError) as refused:
            submit(office, channel=Channel.COUNTER, received_at=received, entered_by=who)
        assert refused.value.field == field
    with pytest.raises(DomainError) as future:
        submit(office, channel=Channel.COUNTER, received_at=clock.at + dt.timedelta(days=1), entered_by=office.window)
    assert future.value.field == "received_at"


@pytest.mark.parametrize("field", ["applicant_name", "applicant_id_number", "applicant_contact"])
def test_an_application_without_who_is_asking_is_refused_and_nothing_is_written(office: Office, field: str) -> None:
    events = Event.objects.count()
    with pytest.raises(DomainError) as refused:
        submit(office, **{field: "  "})
    assert refused.value.field == field
    assert Case.objects.count() == 0 and Event.objects.count() == events


def test_withdrawn_and_voided_cases_end_and_take_no_more_steps(office: Office) -> None:
    first, _ = submit(office)
    second, _ = submit(office)
    assert case_withdraw(case=first, reason="不再需要").state == CaseState.WITHDRAWN
    with pytest.raises(DomainError):
        case_void(case=second, reason="", actor=office.window)
    assert case_void(case=second, reason="重复录入", actor=office.window).state == CaseState.VOIDED
    with pytest.raises(DomainError) as refused:
        case_step_done(case=first, outcome="受理", actor=office.window)
    assert refused.value.field == "case"


def test_a_limit_running_into_a_year_without_its_notice_is_unconfirmed(office: Office, clock: FixedClock) -> None:
    at(clock, "2026-12-21 09:00")
    case, _ = submit(office)
    case = case_step_done(case=case, outcome="受理", actor=office.window)
    assert case.due == D(2027, 1, 4) and not case.due_confirmed  # 12/22…12/31: 8, then 1/1 and 1/4 as weekdays


def test_receipt_numbers_carry_an_iso_7064_check_character() -> None:
    assert receipt.mod11_2("11010519491231002") == "X"  # the GB 11643 example
    assert receipt.well_formed(receipt.receipt_number("YD-ZRZY", "20261124", 7))
    good = receipt.receipt_number("YD-ZRZY", "20261124", 7)
    typo = good[:-4] + str((int(good[-4]) + 1) % 10) + good[-3:]
    assert not receipt.well_formed(typo)
    assert receipt.mask_id_number(ID_NUMBER) == "3607**********123X"


def test_next_years_notice_moves_the_open_deadlines_that_cross_it(office: Office, clock: FixedClock) -> None:
    admin = User.objects.create_superuser("root", password="pw-root")
    at(clock, "2026-12-21 09:00")
    case, _ = submit(office)
    case = case_step_done(case=case, outcome="受理", actor=office.window)
    early, _ = submit(office)  # not accepted yet: its 受理 step is due before the new year
    assert (case.due, case.due_confirmed) == (D(2027, 1, 4), False)

    org.calendar_notice_enter(year=2027, source="国务院办公厅关于2027年部分节假日安排的通知", actor=admin)
    case.refresh_from_db()
    assert (case.due, case.due_confirmed) == (D(2027, 1, 4), True)
    org.calendar_day_set(day=D(2027, 1, 1), kind="rest", name="元旦", source="国务院办公厅关于2027年部分节假日安排的通知",
                         actor=admin)
    case.refresh_from_db()

    assert (case.due, case.due_confirmed) == (D(2027, 1, 5), True)
    moves = Event.objects.filter(action="cases.case.deadline", object_id=str(case.pk))
    assert [(e.before["due"], e.after["due"]) for e in moves.order_by("id")] == [
        ("2027-01-04", "2027-01-04"), ("2027-01-04", "2027-01-05")]
    assert not Event.objects.filter(action="cases.case.deadline", object_id=str(early.pk)).exists()


def test_only_powers_people_apply_for_take_applications(office: Office, county: dict[str, Any], editor: Any,
                                                        reviewer: Any, clock: FixedClock) -> None:
    penalty = factories.published(county["land"], editor, reviewer, code="CF-001", name="非法占地的处罚",
                                  category="penalty", statutory_limit=90, statutory_limit_unit="calendar",
                                  promised_limit=60, promised_limit_unit="calendar")
    steps, links = licensing_flow(office.posts)
    version = flows.flow_version_create(item=penalty.item, steps=steps, transitions=links, reason="编制",
                                        author=editor, submit=True)
    flows.flow_version_approve(version=version, reviewer=reviewer)

    with pytest.raises(DomainError) as refused:
        case_submit(item_id=penalty.item_id, applicant_name="张三", applicant_id_number=ID_NUMBER,
                    applicant_contact="13800000000")
    assert refused.value.field == "item" and "依职权" in refused.value.message


def test_staff_withdraw_only_cases_of_their_unit(office: Office) -> None:
    case, _ = submit(office)
    with pytest.raises(DomainError) as refused:
        case_withdraw(case=case, reason="申请人电话要求撤回", actor=office.outsider)
    assert refused.value.field == "actor" and Case.objects.get(pk=case.pk).state == CaseState.OPEN
    assert case_withdraw(case=case, reason="申请人电话要求撤回", actor=office.window).state == CaseState.WITHDRAWN


def test_an_item_without_a_promised_limit_takes_no_application(office: Office, county: dict[str, Any], editor: Any,
                                                               reviewer: Any) -> None:
    other = factories.published(county["land"], editor, reviewer, code="QT-001", name="地质灾害防治知识宣传",
                                category="other", statutory_limit=None, promised_limit=None)
    steps, links = licensing_flow(office.posts)
    for row in steps:
        row["limit"] = None if not row.get("clock_stops") else row["limit"]
    version = flows.flow_version_create(item=other.item, steps=steps, transitions=links, reason="编制",
                                        author=editor, submit=True)
    flows.flow_version_approve(version=version, reviewer=reviewer)

    with pytest.raises(DomainError) as refused:
        case_submit(item_id=other.item_id, applicant_name="张三", applicant_id_number=ID_NUMBER,
                    applicant_contact="13800000000")
    assert refused.value.field == "item" and "承诺时限" in refused.value.message
