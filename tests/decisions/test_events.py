"""Every accepted write of the procedure is one event and one sealed leaf (the pool's freeze adds the pool's
public record leaf); a refused write leaves neither, except the principal's early statement, whose refusal
is itself the record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from sunlit.core.errors import DomainError
from sunlit.core.models import Event
from sunlit.decisions import services
from sunlit.decisions.models import Observer, Position
from sunlit.decisions.rules import MatterKind
from sunlit.record.models import LeafQueue
from sunlit.record.sequencer import sequence_all
from tests.decisions.conftest import Council

pytestmark = pytest.mark.django_db


def counted(call: Callable[[], Any], events: int = 1, leaves: int | None = None) -> Any:
    before = Event.objects.count(), LeafQueue.objects.count()
    try:
        result = call()
    except DomainError:
        result = None
    assert Event.objects.count() - before[0] == events
    assert LeafQueue.objects.count() - before[1] == (events if leaves is None else leaves)
    return result


def test_a_whole_meeting_is_one_event_per_action(council: Council, pool: list[Observer]) -> None:
    matter = council.prepare(council.matter(MatterKind.FUNDS, title="县城供水管网改造资金安排"))
    s = council.secretary
    meeting = counted(lambda: services.meeting_create(body=council.body, title="常务会议", starts_at=council.clock.now(),
                                                      actor=s))
    item = counted(lambda: services.agenda_add(meeting=meeting, matter=matter, actor=s))
    counted(lambda: services.agenda_add(meeting=meeting, matter=matter, actor=s), events=0)
    for member in council.members:
        counted(lambda m=member: services.attendance_record(meeting=meeting, member=m, present=True, actor=s))
    counted(lambda: services.draw_prepare(meeting=meeting, topic="construction", quotas={"expert": 1},
                                          external_source="双色球第2026137期", actor=s))
    counted(lambda: services.draw_complete(meeting=meeting, external_value="1 2 3", actor=s), events=0)
    counted(lambda: services.draw_freeze(meeting=meeting, actor=s), events=1, leaves=2)
    sequence_all()
    counted(lambda: services.draw_complete(meeting=meeting, external_value="1 2 3", actor=s))
    counted(lambda: services.withdrawal_declare(item=item, member=council.members[6], reason="亲属任职", actor=s))
    counted(lambda: council.state(item, council.principal), events=1)  # the refusal, recorded
    counted(lambda: council.state(item, council.members[6]), events=0)
    for member in council.members[1:6]:
        counted(lambda m=member: council.state(item, m))
    counted(lambda: council.state(item, council.principal))
    for member in council.members[:6]:
        counted(lambda m=member: services.vote_cast(item=item, member=m, choice=Position.AGREE, actor=s))
    counted(lambda: services.conclusion_record(item=item, adopted=True, decision="同意安排1200万元", actor=s))
    minutes = counted(lambda: services.minutes_generate(meeting=meeting, actor=s))
    counted(lambda: services.minutes_sign(minutes=minutes, user=council.user_of(council.members[0])))
    counted(lambda: services.minutes_edit(minutes=minutes, text_="改", actor=s), events=0)


def test_a_matter_from_proposal_to_evaluation_is_one_event_per_action(council: Council) -> None:
    sp, s = council.sponsor, council.secretary
    today = council.clock.now().date()
    matter = counted(lambda: council.matter())
    for stage in ("research", "draft"):
        counted(lambda st=stage: services.stage_record(matter=matter, stage=st, body="内容", actor=sp))
    counted(lambda: services.stage_record(matter=matter, stage="risk", body="评估", data={}, actor=sp), events=0)
    counted(lambda: services.stage_record(matter=matter, stage="risk", body="评估", actor=sp,
                                          data={"integrity": "a", "stability": "b", "measures": "c"}))
    consultation = counted(lambda: services.consultation_open(matter=matter, draft_text="稿", opens_on=today,
                                                              closes_on=today + dt.timedelta(days=29), actor=sp))
    counted(lambda: services.consultation_comment(consultation=consultation, body="意见"))
    counted(lambda: services.consultation_answer(consultation=consultation, summary="采纳", actor=sp), events=0)
    expert = counted(lambda: services.expert_add(name="周教授", field="规划", organisation="大学", unit=council.gov,
                                                 actor=sp))
    counted(lambda: services.expert_opinion_record(matter=matter, expert=expert, opinion="可行", actor=sp))
    review = counted(lambda: services.legality_submit(matter=matter, actor=sp))
    counted(lambda: services.legality_conclude(review=review, passed=True, opinion="合法", actor=council.lawyer),
            events=0)
    council.clock.advance(days=31)
    counted(lambda: services.consultation_answer(consultation=consultation, summary="采纳", actor=sp))
    counted(lambda: services.legality_conclude(review=review, passed=True, opinion="合法", actor=council.lawyer))
    meeting, item = council.decided(matter)
    minutes = meeting.minutes.get()
    counted(lambda: services.decision_publish(item=item, body="公开", actor=s), events=1, leaves=2)
    execution = counted(lambda: services.execution_assign(item=item, owner=council.members[2].official, every_days=30,
                                                          actor=s))
    counted(lambda: services.progress_report(execution=execution, body="进展", user=council.user_of(council.members[2])))
    counted(lambda: services.evaluation_record(item=item, body="评估", actor=s))
    counted(lambda: services.minutes_correct(minutes=minutes, text_="更正后的纪要", reason="笔误", actor=s))
