"""The anomalies added to the sweep, each from recorded data, one card per thing found: a 不予受理 overturned
by a later acceptance, a case sent up to a unit above after its limit, a fee charged that the item's published
fees do not allow. The planted situation gives its card; the normal one gives none."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User

from sunlit.cases.models import Case, CaseStep
from sunlit.cases.services import case_step_done, case_submit
from sunlit.catalog import services as catalog
from sunlit.core.clock import FixedClock
from sunlit.core.errors import DomainError
from sunlit.flows import services as flows
from sunlit.org.models import Appointment, Official, Post, Role, Unit
from sunlit.supervision import anomalies
from sunlit.supervision.models import Card, CardLevel
from sunlit.supervision.services import sweep
from tests import factories
from tests.cases.conftest import Office
from tests.supervision.test_anomalies import SWEEP, only_anomaly, submit
from tests.supervision.test_sweep import accepted_case, at

D = dt.date


def triggers() -> list[str]:
    return sorted(Card.objects.filter(level=CardLevel.ANOMALY).values_list("trigger", flat=True))


# ------------------------------------------------------------------------------------------- refusal overturned

def refused(office: Office, clock: FixedClock, reason: str = "不属于本机关职权范围", **applicant: Any) -> Case:
    clock.at = at("2026-11-24T10:00")
    case = submit(office, **applicant)  # Tue 11/24
    clock.at = at("2026-11-24T11:00")
    return case_step_done(case=case, outcome="不予受理", opinion=reason, actor=office.window)


@pytest.mark.django_db
def test_a_refusal_overturned_by_accepting_the_same_application_later(office: Office, clock: FixedClock) -> None:
    first = refused(office, clock)
    clock.at = at("2026-12-08T09:00")  # ten working days later: past RESUBMIT_DAYS
    again = submit(office)
    clock.at = at("2026-12-09T09:00")
    case_step_done(case=again, outcome="受理", actor=office.window)

    card = only_anomaly("case.refusal_overturned", first)  # on the refusal: the act in question
    assert card.detail == (f"本件于2026年11月24日不予受理（理由：不属于本机关职权范围）；同一申请人就同一事项的办件 "
                           f"{again.receipt} 于2026年12月09日受理（相隔11个工作日）")
    assert card.handler == office.window


@pytest.mark.django_db
def test_an_application_made_again_within_days_is_carded_once_as_resubmitted(office: Office,
                                                                              clock: FixedClock) -> None:
    refused(office, clock)
    clock.at = at("2026-11-26T09:00")
    again = submit(office)
    case_step_done(case=again, outcome="受理", actor=office.window)

    only_anomaly("case.refused_resubmitted", again)  # the pair's one card


@pytest.mark.django_db
def test_no_overturn_when_refused_again_or_someone_else_or_long_after(office: Office, clock: FixedClock) -> None:
    refused(office, clock)
    long_ago = "360731197001011238"
    refused(office, clock, applicant_id_number=long_ago)
    clock.at = at("2026-12-08T09:00")
    other = submit(office, applicant_id_number="360731198001011230")  # another applicant
    case_step_done(case=other, outcome="受理", actor=office.window)
    again = submit(office)
    case_step_done(case=again, outcome="不予受理", opinion="仍不属于本机关职权范围", actor=office.window)
    clock.at = at("2026-12-24T09:00")  # 22 working days after the refusal: more than OVERTURN_DAYS
    late = submit(office, applicant_id_number=long_ago)
    case_step_done(case=late, outcome="受理", actor=office.window)
    assert sweep(at=at("2026-12-24T10:00")).anomalies == 0


# ------------------------------------------------------------------------------------------- sent up late

def village_item(county: dict[str, Unit], *, reported_by_the_village: bool) -> dict[str, Any]:
    """A village's house-building item: 村级初审 (2 working days) by the village's clerk, then 上报乡镇审批 (1
    working day) by the township's post (a unit above) or by the village's clerk, then 转乡镇审批 by the
    township."""
    editor = factories.staff("town_editor", county["town"], Role.EDITOR)
    reviewer = factories.staff("town_reviewer", county["town"], Role.REVIEWER)
    house = factories.published(county["village"], editor, reviewer, code="CX-001", name="村民建房申请初审",
                                promised_limit=20)
    clerk_post = Post.objects.create(unit=county["village"], name="便民服务代办员")
    town_post = Post.objects.create(unit=county["town"], name="便民服务中心审批岗")
    reporter = clerk_post if reported_by_the_village else town_post
    steps = [{"key": "apply", "name": "申请", "kind": "apply", "post": clerk_post.pk},
             {"key": "check", "name": "村级初审", "kind": "review", "post": clerk_post.pk, "limit": 2},
             {"key": "report", "name": "上报乡镇审批", "kind": "report_up", "post": reporter.pk, "limit": 1},
             {"key": "sent", "name": "转乡镇审批", "kind": "deliver", "post": town_post.pk}]
    links = [{"from": "apply", "to": "check"}, {"from": "check", "to": "report"}, {"from": "report", "to": "sent"}]
    version = flows.flow_version_create(item=house.item, steps=steps, transitions=links, reason="编制",
                                        author=editor, submit=True)
    flows.flow_version_approve(version=version, reviewer=reviewer)
    clerk = User.objects.create_user("clerk")
    Appointment.objects.create(official=Official.objects.create(name="刘代办", unit=county["village"], title="代办员",
                                                                user=clerk), post=clerk_post, start=D(2025, 1, 1))
    return {"item": house, "clerk": clerk}


@pytest.fixture
def village(county: dict[str, Unit]) -> dict[str, Any]:
    return village_item(county, reported_by_the_village=False)


def village_case(village: dict[str, Any]) -> Case:
    case, _ = case_submit(item_id=village["item"].item_id, applicant_name="赵六", applicant_id_number="360731199202021234",
                          applicant_contact="13900000000")  # Tue 11/24: 村级初审 due Thu 11/26
    return case


@pytest.mark.django_db
def test_a_case_sent_up_to_the_township_after_its_limit(village: dict[str, Any], clock: FixedClock) -> None:
    case = village_case(village)
    clock.at = at("2026-11-30T10:00")
    case_step_done(case=case, actor=village["clerk"])

    result = sweep(at=at(SWEEP))
    assert result.anomalies == 1 and sweep(at=at(SWEEP)).anomalies == 0
    card = Card.objects.get(level=CardLevel.ANOMALY)
    assert (card.trigger, card.target_id) == ("case.late_transfer", case.pk) and case.receipt in card.label
    assert card.detail == "「村级初审」时限至2026年11月26日，2026年11月30日才办理并报送贡江镇「上报乡镇审批」（逾期2个工作日）"
    assert card.unit.code == "YD-GJ-CX" and card.due == D(2026, 11, 26) and card.handler == village["clerk"]
    assert card.key.endswith(f":{CaseStep.objects.get(case=case, step__key='check').pk}")


@pytest.mark.django_db
def test_a_case_sent_up_on_time_or_within_the_grace_is_not_carded(village: dict[str, Any], clock: FixedClock,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    on_time = village_case(village)
    clock.at = at("2026-11-26T17:00")  # the last day of its limit
    case_step_done(case=on_time, actor=village["clerk"])
    clock.at = at("2026-11-24T10:00")
    late = village_case(village)
    clock.at = at("2026-11-30T10:00")
    case_step_done(case=late, actor=village["clerk"])
    monkeypatch.setattr(anomalies, "TRANSFER_GRACE_DAYS", 2)
    assert sweep(at=at("2026-11-30T11:00")).anomalies == 0


@pytest.mark.django_db
def test_a_report_step_the_village_does_itself_is_the_transfer(county: dict[str, Unit], clock: FixedClock) -> None:
    village = village_item(county, reported_by_the_village=True)
    case = village_case(village)
    clock.at = at("2026-11-26T10:00")
    case = case_step_done(case=case, actor=village["clerk"])  # 村级初审 on time; 上报 due Fri 11/27
    assert sweep(at=at("2026-11-26T11:00")).anomalies == 0
    clock.at = at("2026-12-01T10:00")
    case_step_done(case=case, actor=village["clerk"])

    assert sweep(at=at("2026-12-01T11:00")).anomalies == 1
    card = Card.objects.get(level=CardLevel.ANOMALY)
    assert card.trigger == "case.late_transfer" and card.key.endswith(
        f":{CaseStep.objects.get(case=case, step__key='report').pk}")
    assert card.detail == "「上报乡镇审批」时限至2026年11月27日，2026年12月01日才办理并报送贡江镇「转乡镇审批」（逾期2个工作日）"


@pytest.mark.django_db
def test_a_late_step_within_the_unit_is_not_a_late_transfer(office: Office, clock: FixedClock) -> None:
    case = accepted_case(office, clock)  # 审查 due Thu 12/3
    clock.at = at("2026-12-07T10:00")
    case_step_done(case=case, outcome="无需听证", actor=office.examiner)
    sweep(at=at(SWEEP))
    assert triggers() == []


# ------------------------------------------------------------------------------------------- fees

def publish_fees(office: Office, fees: str, reviewer: User, editor: User) -> None:
    version = catalog.power_version_draft(item=office.item.item, content=factories.content(fees=fees),
                                          legal_bases=factories.LICENSING_BASIS, reason="公布收费标准", author=editor,
                                          submit=True)
    catalog.power_version_approve(version=version, reviewer=reviewer)


@pytest.mark.django_db
def test_a_fee_the_published_fees_do_not_allow(office: Office, clock: FixedClock, editor: User,
                                               reviewer: User) -> None:
    publish_fees(office, "证书工本费10元；注销登记不收费。", reviewer, editor)
    case = submit(office)
    clock.at = at("2026-11-25T09:00")
    case_step_done(case=case, outcome="受理", actor=office.window, fee=Decimal("20"))

    card = only_anomaly("case.fee_mismatch", case)
    assert card.detail == "「受理」实收费用20元，事项公布的收费标准为「证书工本费10元；注销登记不收费。」，应收0元、10元"
    assert card.handler == office.window


@pytest.mark.django_db
def test_fees_allowed_unrecorded_or_unjudgeable_give_no_card(office: Office, clock: FixedClock, editor: User,
                                                            reviewer: User) -> None:
    clock.at = at("2026-11-24T10:05")  # after the item's first version (10:00)
    publish_fees(office, "证书工本费10元；注销登记不收费。", reviewer, editor)
    clock.at = at("2026-11-24T10:10")
    for fee in (Decimal("10"), Decimal("0"), None):
        case_step_done(case=submit(office), outcome="受理", actor=office.window, fee=fee)
    assert sweep(at=at("2026-11-24T11:00")).anomalies == 0
    clock.at = at("2026-11-25T09:00")
    publish_fees(office, "按照省人民政府规定的标准征收。", reviewer, editor)  # states no amount: not judged
    clock.at = at("2026-11-25T10:00")
    case_step_done(case=submit(office), outcome="受理", actor=office.window, fee=Decimal("999"))
    assert sweep(at=at(SWEEP)).anomalies == 0


@pytest.mark.django_db
def test_a_fee_is_held_against_the_version_in_force_when_it_was_charged(office: Office, clock: FixedClock,
                                                                         editor: User, reviewer: User) -> None:
    clock.at = at("2026-11-24T10:05")
    publish_fees(office, "不收费", reviewer, editor)
    clock.at = at("2026-11-24T10:10")
    charged = submit(office)
    case_step_done(case=charged, outcome="受理", actor=office.window, fee=Decimal("10"))  # then: free
    clock.at = at("2026-11-26T09:00")
    publish_fees(office, "证书工本费10元", reviewer, editor)  # since: 10 元
    card = only_anomaly("case.fee_mismatch", charged)
    assert "应收0元" in card.detail


@pytest.mark.django_db
def test_a_fee_that_is_not_an_amount_is_refused_and_nothing_is_written(office: Office, clock: FixedClock) -> None:
    case = submit(office)
    for bad in (Decimal("-1"), Decimal("1.234"), Decimal("1000000.01"), "十元", Decimal("NaN"), True):
        with pytest.raises(DomainError) as refused_fee:
            case_step_done(case=case, outcome="受理", actor=office.window, fee=bad)  # type: ignore[arg-type]
        assert refused_fee.value.field == "fee"
    assert CaseStep.objects.filter(case=case).count() == 1 and Case.objects.get(pk=case.pk).accepted_on is None
    case_step_done(case=case, outcome="受理", actor=office.window, fee="12.5")  # type: ignore[arg-type]
    assert CaseStep.objects.get(case=case, step__kind="accept").fee == Decimal("12.50")
