"""Each rule of the procedure refuses what it must, saying why in Chinese and writing nothing: an agenda
without a required stage or after a failed legality review, a discussion below quorum, the principal
speaking before the others (a refusal that is itself recorded), a withdrawn member stating or voting,
signed minutes edited, a seed before the pool is frozen."""

from __future__ import annotations

import datetime as dt

import pytest

from sunlit.core.errors import DomainError
from sunlit.core.models import AppendOnlyError, Event
from sunlit.decisions import services
from sunlit.decisions.models import (
    AgendaItem,
    Matter,
    MatterStatus,
    Minutes,
    Position,
    Statement,
    StatementRefusal,
    Vote,
)
from sunlit.decisions.rules import MatterKind, Stage
from tests.decisions.conftest import Council

pytestmark = pytest.mark.django_db


def test_a_matter_missing_a_required_stage_cannot_be_put_on_an_agenda(council: Council) -> None:
    matter = council.prepare(council.matter(), skip=(Stage.EXPERT, Stage.RISK))
    meeting, _ = council.meeting()
    with pytest.raises(services.NotReady) as refused:
        services.agenda_add(meeting=meeting, matter=matter, actor=council.secretary)
    assert "专家论证" in refused.value.message and "风险评估" in refused.value.message
    assert refused.value.field == "matter"
    assert not AgendaItem.objects.exists()
    assert Matter.objects.get(pk=matter.pk).status == MatterStatus.PREPARING


def test_a_comment_period_still_running_keeps_the_matter_off_the_agenda(council: Council) -> None:
    matter = council.matter()
    today = council.clock.now().date()
    services.consultation_open(matter=matter, draft_text="稿", opens_on=today, closes_on=today + dt.timedelta(days=29),
                               actor=council.sponsor)
    meeting, _ = council.meeting()
    with pytest.raises(services.NotReady, match="尚未结束"):
        services.agenda_add(meeting=meeting, matter=matter, actor=council.secretary)


def test_a_matter_whose_legality_review_failed_cannot_be_put_on_an_agenda(council: Council) -> None:
    matter = council.prepare(council.matter(), legality=False)
    meeting, _ = council.meeting()
    with pytest.raises(services.NotReady) as refused:
        services.agenda_add(meeting=meeting, matter=matter, actor=council.secretary)
    assert "合法性审查未通过：征收补偿标准缺少法律依据" in refused.value.message
    assert not AgendaItem.objects.exists()


def test_an_appointment_needs_only_its_inspection_and_goes_on_the_agenda(council: Council) -> None:
    matter = council.prepare(council.matter(MatterKind.APPOINTMENT, title="任命县住建局局长"))
    assert matter.required_stages == [Stage.RESEARCH, Stage.DISCUSSION] and matter.vote_required
    meeting, _ = council.meeting()
    services.agenda_add(meeting=meeting, matter=matter, actor=council.secretary)
    assert Matter.objects.get(pk=matter.pk).status == MatterStatus.SCHEDULED


def test_a_comment_period_under_30_days_needs_a_reason(council: Council) -> None:
    matter = council.matter()
    today = council.clock.now().date()
    with pytest.raises(DomainError) as refused:
        services.consultation_open(matter=matter, draft_text="稿", opens_on=today,
                                   closes_on=today + dt.timedelta(days=14), actor=council.sponsor)
    assert refused.value.field == "shorter_reason" and "15日" in refused.value.message
    services.consultation_open(matter=matter, draft_text="稿", opens_on=today, closes_on=today + dt.timedelta(days=14),
                               shorter_reason="防汛应急，须在汛期前实施", actor=council.sponsor)


def test_a_legality_review_concludes_after_seven_working_days_on_the_official_calendar(council: Council) -> None:
    matter = council.matter()
    review = services.legality_submit(matter=matter, actor=council.sponsor)  # Tuesday 2026-11-24
    assert review.earliest_on == dt.date(2026, 12, 3)
    council.clock.advance(days=8)  # Wednesday 12-02: six working days
    with pytest.raises(DomainError, match="最早可于2026-12-03") as refused:
        services.legality_conclude(review=review, passed=True, opinion="合法", actor=council.lawyer)
    assert refused.value.field == "concluded_on"
    council.clock.advance(days=1)
    assert services.legality_conclude(review=review, passed=True, opinion="合法", actor=council.lawyer).passed


def test_below_quorum_the_matter_cannot_be_discussed(council: Council) -> None:
    matter = council.prepare(council.matter())
    _, (item,) = council.meeting(matter, absent=tuple(council.members[3:]))  # 3 of 7 present
    with pytest.raises(services.BelowQuorum) as refused:
        council.state(item, council.members[1])
    assert "未达7名成员的过半数" in refused.value.message
    assert not Statement.objects.exists()


def test_appointments_need_two_thirds_of_the_members(council: Council) -> None:
    decision = council.prepare(council.matter())
    appointment = council.prepare(council.matter(MatterKind.APPOINTMENT, title="任命县住建局局长"))
    _, (ordinary, personnel) = council.meeting(decision, appointment, absent=tuple(council.members[4:]))  # 4 of 7
    council.state(ordinary, council.members[1])  # 4 > 7/2
    with pytest.raises(services.BelowQuorum, match="三分之二以上"):
        council.state(personnel, council.members[1])  # 4 < 2/3 of 7


def test_a_withdrawal_can_bring_the_matter_below_quorum(council: Council) -> None:
    matter = council.prepare(council.matter())
    _, (item,) = council.meeting(matter, absent=tuple(council.members[4:]))  # 4 of 7 present
    services.withdrawal_declare(item=item, member=council.members[1], reason="其配偶在承建企业任职",
                                actor=council.secretary)
    with pytest.raises(services.BelowQuorum):
        council.state(item, council.members[2])


def test_the_principal_before_the_others_is_refused_and_the_refusal_recorded(council: Council) -> None:
    matter = council.prepare(council.matter())
    _, (item,) = council.meeting(matter)
    council.state(item, council.members[1])
    with pytest.raises(services.SpeaksLast) as refused:
        council.state(item, council.principal)
    assert "末位表态" in refused.value.message and "张副县长" in refused.value.message
    assert not Statement.objects.filter(member=council.principal).exists()
    refusal = StatementRefusal.objects.get()
    assert refusal.member == council.principal and "末位表态" in refusal.reason
    assert Event.objects.filter(action="decisions.statement.refuse", object_id=str(item.pk)).count() == 1
    for member in council.members[2:]:
        council.state(item, member)
    last = council.state(item, council.principal)
    assert last.sequence == len(council.members)


def test_when_the_principal_is_absent_the_acting_presider_speaks_last(council: Council) -> None:
    matter = council.prepare(council.matter())
    meeting, (item,) = council.meeting(matter, absent=(council.principal,))
    with pytest.raises(DomainError, match="代为主持") as refused:
        council.state(item, council.members[2])
    assert refused.value.field == "acting_presider"
    services.presider_name(meeting=meeting, member=council.members[1], actor=council.secretary)
    council.state(item, council.members[2])
    with pytest.raises(services.SpeaksLast):
        council.state(item, council.members[1])
    for member in council.members[3:]:
        council.state(item, member)
    assert council.state(item, council.members[1]).sequence == 6


def test_a_withdrawn_member_can_neither_state_nor_vote(council: Council) -> None:
    matter = council.prepare(council.matter(MatterKind.FUNDS, title="县城供水管网改造资金安排"))
    _, (item,) = council.meeting(matter)
    withdrawn = council.members[3]
    services.withdrawal_declare(item=item, member=withdrawn, reason="其亲属为供水公司负责人", actor=council.secretary)
    with pytest.raises(services.MemberWithdrawn, match="已回避"):
        council.state(item, withdrawn)
    council.all_state(item, skip=(withdrawn,))
    with pytest.raises(services.MemberWithdrawn, match="不能投票"):
        services.vote_cast(item=item, member=withdrawn, choice=Position.AGREE, actor=council.secretary)
    assert not Statement.objects.filter(member=withdrawn).exists() and not Vote.objects.exists()


def test_a_vote_waits_for_every_statement(council: Council) -> None:
    matter = council.prepare(council.matter(MatterKind.FUNDS, title="县城供水管网改造资金安排"))
    _, (item,) = council.meeting(matter)
    council.state(item, council.members[1])
    with pytest.raises(DomainError, match="尚未表态"):
        services.vote_cast(item=item, member=council.members[1], choice=Position.AGREE, actor=council.secretary)


def test_a_conclusion_against_the_majority_needs_its_reasons_and_keeps_the_dissent(council: Council) -> None:
    matter = council.prepare(council.matter())
    _, (item,) = council.meeting(matter)
    for member in council.members[1:5]:
        council.state(item, member, Position.DISAGREE, reasons="资金来源未落实")
    for member in council.members[5:]:
        council.state(item, member)
    council.state(item, council.principal)  # 3 agree, 4 disagree
    with pytest.raises(DomainError) as refused:
        services.conclusion_record(item=item, adopted=True, decision="原则通过", actor=council.secretary)
    assert refused.value.field == "reasons" and "须说明理由" in refused.value.message
    item = services.conclusion_record(item=item, adopted=True, decision="原则通过", reasons="省级资金已下达，时间紧迫",
                                      actor=council.secretary)
    assert [d["name"] for d in item.dissent] == [str(m) for m in council.members[1:5]]
    assert all(d["reasons"] == "资金来源未落实" for d in item.dissent)


def test_signed_minutes_cannot_be_edited_and_a_correction_is_a_new_linked_record(council: Council) -> None:
    matter = council.prepare(council.matter())
    meeting, (item,) = council.meeting(matter)
    council.all_state(item)
    services.conclusion_record(item=item, adopted=True, decision="同意实施", actor=council.secretary)
    minutes = services.minutes_generate(meeting=meeting, actor=council.secretary)
    assert "1. 李常务：同意" in minutes.text and "7. 王县长：同意" in minutes.text
    services.minutes_edit(minutes=minutes, text_=minutes.text + "（会后补记）", actor=council.secretary)
    services.minutes_sign(minutes=minutes, user=council.user_of(council.members[1]))
    with pytest.raises(services.MinutesSigned, match="不能修改"):
        services.minutes_edit(minutes=minutes, text_="改写", actor=council.secretary)
    stored = Minutes.objects.get(pk=minutes.pk)
    stored.text = "改写"
    with pytest.raises(AppendOnlyError):
        stored.save()
    assert Minutes.objects.get(pk=minutes.pk).text.endswith("（会后补记）")
    correction = services.minutes_correct(minutes=minutes, text_=minutes.text.replace("同意实施", "同意分期实施"),
                                          reason="决定内容记录有误", actor=council.secretary)
    assert correction.corrects == minutes and Minutes.objects.count() == 2
    with pytest.raises(DomainError, match="已被更正"):
        services.minutes_sign(minutes=minutes, user=council.user_of(council.members[2]))


def test_only_an_attendee_signs_and_with_their_own_login(council: Council) -> None:
    matter = council.prepare(council.matter())
    meeting, (item,) = council.meeting(matter, absent=(council.members[6],))
    council.all_state(item, skip=(council.members[6],))
    services.conclusion_record(item=item, adopted=True, decision="同意", actor=council.secretary)
    minutes = services.minutes_generate(meeting=meeting, actor=council.secretary)
    for user in (council.secretary, council.user_of(council.members[6])):
        with pytest.raises(DomainError, match="出席会议的成员本人"):
            services.minutes_sign(minutes=minutes, user=user)
    for member in council.members[:6]:
        services.minutes_sign(minutes=minutes, user=council.user_of(member))
    meeting.refresh_from_db()
    assert meeting.get_state_display() == "纪要已签"


def test_after_the_minutes_the_meeting_record_is_closed(council: Council) -> None:
    matter = council.prepare(council.matter())
    meeting, (item,) = council.meeting(matter)
    council.all_state(item)
    services.conclusion_record(item=item, adopted=True, decision="同意", actor=council.secretary)
    services.minutes_generate(meeting=meeting, actor=council.secretary)
    with pytest.raises(DomainError, match="已闭会"):
        services.withdrawal_declare(item=item, member=council.members[1], reason="补报", actor=council.secretary)


def test_only_the_secretary_runs_the_meeting_and_only_the_legal_office_reviews(council: Council) -> None:
    matter = council.prepare(council.matter(), legality=None)
    review = matter.legality_reviews.get()
    with pytest.raises(DomainError, match="合法性审查权限"):
        services.legality_conclude(review=review, passed=True, opinion="合法", actor=council.sponsor)
    services.legality_conclude(review=review, passed=True, opinion="合法", actor=council.lawyer)
    _, (item,) = council.meeting(matter)
    with pytest.raises(DomainError, match="不是于都县人民政府的会议秘书"):
        services.statement_make(item=item, member=council.members[1], position=Position.AGREE, actor=council.sponsor)
    assert not Statement.objects.exists()
