"""The portal: residents comment on a draft during its comment period (and only then); a published decision
shows its record, statements in the order given with the principal last, votes and observers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from sunlit.decisions import services
from sunlit.decisions.models import Comment, Observer
from sunlit.decisions.rules import MatterKind
from sunlit.record.sequencer import sequence_all
from tests.decisions.conftest import Council

pytestmark = pytest.mark.django_db


def test_a_resident_comments_during_the_period_and_not_after(council: Council) -> None:
    matter = council.matter()
    today = council.clock.now().date()
    consultation = services.consultation_open(matter=matter, draft_text="拟对县城32个老旧小区实施改造",
                                              opens_on=today, closes_on=today + dt.timedelta(days=29),
                                              actor=council.sponsor)
    client = Client()
    index = client.get("/decisions/").content.decode()
    assert "县城老旧小区改造方案" in index and f"/decisions/consultations/{consultation.pk}/" in index
    url = f"/decisions/consultations/{consultation.pk}/"
    empty = client.post(url, {"text": "  "})
    assert empty.status_code == 400 and "请填写意见" in empty.content.decode() and not Comment.objects.exists()
    done = client.post(url, {"text": "建议加装电梯", "name": "李四", "contact": "13907970000"}, follow=True)
    page = done.content.decode()
    assert "您的意见已提交" in page and "已收到意见 1 条" in page and "李四" not in page
    council.clock.advance(days=30)
    late = client.post(url, {"text": "再提一条"})
    assert late.status_code == 400 and "征求意见已于2026-12-23截止" in late.content.decode()
    assert Comment.objects.count() == 1


def test_a_published_decision_shows_its_record(council: Council, pool: list[Observer]) -> None:
    matter = council.prepare(council.matter(MatterKind.FUNDS, title="县城供水管网改造资金安排"))
    meeting, _ = council.meeting()
    services.draw_prepare(meeting=meeting, topic="construction", quotas={"resident": 2}, external_source="双色球第2026150期",
                          actor=council.secretary)
    services.draw_freeze(meeting=meeting, actor=council.secretary)
    sequence_all()
    services.draw_complete(meeting=meeting, external_value="01 05 09 13 22 30 + 07", actor=council.secretary)
    item = services.agenda_add(meeting=meeting, matter=matter, actor=council.secretary)
    for member in council.members:
        services.attendance_record(meeting=meeting, member=member, present=True, actor=council.secretary)
    council.all_state(item)
    for member in council.members:
        services.vote_cast(item=item, member=member, choice="agree", actor=council.secretary)
    services.conclusion_record(item=item, adopted=True, decision="同意安排1200万元", actor=council.secretary)
    minutes = services.minutes_generate(meeting=meeting, actor=council.secretary)
    for member in council.members:
        services.minutes_sign(minutes=minutes, user=council.user_of(member))
    publication = services.decision_publish(item=item, body="安排县城供水管网改造资金1200万元", actor=council.secretary)
    page = Client().get(f"/decisions/{publication.pk}/").content.decode()
    order = [page.index(f"<li>{name}：同意") for name in ["李常务", "张副县长", "赵秘书长", "王县长"]]
    assert order == sorted(order)
    assert "同意 7 票" in page and "安排县城供水管网改造资金1200万元" in page
    assert f"/meetings/{meeting.pk}/draw/" in page
