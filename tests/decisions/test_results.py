"""After the meeting: the decision is published once the minutes are signed (with its whole record, in the
log in clear), or its exemption is recorded for supervisors; execution reports are watched and a late one
raises a card; a post-decision evaluation is kept."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from sunlit.core.errors import DomainError
from sunlit.core.models import Watch
from sunlit.core.visibility import Exemption
from sunlit.decisions import selectors, services
from sunlit.decisions.models import Evaluation, Publication
from sunlit.org.models import Role
from sunlit.record.models import LeafQueue
from sunlit.supervision.models import Card
from sunlit.supervision.services import sweep
from tests import factories
from tests.decisions.conftest import Council

pytestmark = pytest.mark.django_db


def test_the_decision_is_published_with_its_record_once_the_minutes_are_signed(council: Council) -> None:
    matter = council.prepare(council.matter())
    meeting, (item,) = council.meeting(matter)
    council.all_state(item)
    services.conclusion_record(item=item, adopted=True, decision="同意实施", actor=council.secretary)
    minutes = services.minutes_generate(meeting=meeting, actor=council.secretary)
    with pytest.raises(DomainError, match="签字后方可公开"):
        services.decision_publish(item=item, body="县政府决定实施老旧小区改造", actor=council.secretary)
    for member in council.members:
        services.minutes_sign(minutes=minutes, user=council.user_of(member))
    publication = services.decision_publish(item=item, body="县政府决定实施老旧小区改造", actor=council.secretary)
    assert selectors.published_decisions() == [publication]
    leaf = LeafQueue.objects.get(kind="decisions.publication", ref=publication.pk)
    entry = json.loads(bytes(leaf.data))
    assert [s["name"] for s in entry["content"]["statements"]][-1] == "王县长"
    assert entry["content"]["published_text"] == "县政府决定实施老旧小区改造"
    page = Client().get("/decisions/").content.decode()
    assert "县城老旧小区改造方案" in page


def test_an_exempt_decision_is_not_published_and_supervisors_review_the_exemption(council: Council) -> None:
    _, item = council.decided(council.prepare(council.matter(title="县看守所迁建方案")))
    with pytest.raises(DomainError) as refused:
        services.decision_publish(item=item, body="迁建", exemption=Exemption.STATE_SECRET, actor=council.secretary)
    assert refused.value.field == "exemption_reason"
    services.decision_publish(item=item, body="迁建", exemption=Exemption.STATE_SECRET,
                              exemption_reason="涉及监管场所布防，属国家秘密", actor=council.secretary)
    assert selectors.published_decisions() == []
    supervisor = factories.staff("jw", council.gov, Role.SUPERVISOR)
    assert [p.exemption_reason for p in selectors.exemptions_for(supervisor)] == ["涉及监管场所布防，属国家秘密"]
    assert selectors.exemptions_for(council.sponsor) == []
    client = Client()
    client.force_login(supervisor)
    page = client.get("/console/matters/").content.decode()
    assert "不予公开的决策" in page and "涉及监管场所布防，属国家秘密" in page
    leaf = LeafQueue.objects.get(kind="decisions.publication")
    assert "看守所" not in bytes(leaf.data).decode()  # sealed


def test_a_late_progress_report_raises_a_card_and_a_report_moves_the_deadline(council: Council) -> None:
    _, item = council.decided(council.prepare(council.matter()))
    owner = council.members[2].official
    execution = services.execution_assign(item=item, owner=owner, every_days=30, actor=council.secretary)
    today = council.clock.now().date()
    assert execution.next_due == today + dt.timedelta(days=30) or execution.next_due > today + dt.timedelta(days=30)
    assert Watch.objects.get(kind="decision_report").due == execution.next_due
    with pytest.raises(DomainError, match="执行责任人张副县长本人"):
        services.progress_report(execution=execution, body="已开工", user=council.secretary)
    council.clock.advance(days=45)
    sweep(at=council.clock.now())
    card = Card.objects.get(trigger="decision_report")
    assert card.get_level_display().startswith("红牌") and "执行情况报告" in card.label
    services.progress_report(execution=execution, body="已完成12个小区", user=owner.user)
    execution.refresh_from_db()
    assert execution.next_due is not None and execution.next_due > council.clock.now().date()
    services.progress_report(execution=execution, body="全部完工", finished=True, user=owner.user)
    assert Watch.objects.get(kind="decision_report").due is None
    services.evaluation_record(item=item, body="群众满意度92%，达到预期", actor=council.secretary)
    assert Evaluation.objects.get().text.startswith("群众满意度")
    assert Publication.objects.count() == 0
