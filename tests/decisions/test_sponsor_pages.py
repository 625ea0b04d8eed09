"""The sponsor office's pages: a matter proposed in the console, then each stage its kind requires recorded from
the matter's page. Every action is shown done, refused beside the field it names with nothing written, and
closed to a sponsor of another unit who guesses the matter's id."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from sunlit.core.models import Event
from sunlit.decisions import services
from sunlit.decisions.models import (
    Consultation,
    Expert,
    ExpertOpinion,
    LegalityReview,
    Matter,
    MatterStatus,
    StageRecord,
)
from sunlit.decisions.rules import MatterKind, Stage
from sunlit.org.models import Role, Unit
from tests import factories
from tests.decisions.conftest import RISKS, Council

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def error_beside(page: str, field_id: str) -> str:
    """The error shown beside the field whose id is `field_id`, the field pointing at it (aria-describedby)."""
    assert re.search(rf'aria-invalid="true" aria-describedby="{field_id}-error[ "]', page), f"{field_id} not marked"
    found = re.search(rf'id="{field_id}-error">([^<]*)<', page)
    assert found is not None, f"no error beside {field_id}"
    return found.group(1)


def form_error(page: str) -> str:
    found = re.search(r'<p class="field-error" role="alert">([^<]*)</p>', page)
    assert found is not None
    return found.group(1)


def page_error(page: str) -> str:
    found = re.search(r'<li class="error">([^<]*)</li>', page)
    assert found is not None
    return found.group(1)


@pytest.fixture
def outsider(county: dict[str, Unit]) -> User:
    """A sponsor of the finance bureau: the county government's matters are not theirs."""
    return factories.staff("fin_sponsor", county["finance"], Role.EDITOR)


# ------------------------------------------------------------------------------------------- proposing


def test_a_sponsor_proposes_a_matter_and_sees_the_stages_its_kind_requires(council: Council) -> None:
    client = client_for(council.sponsor)
    assert "提出重大事项" in client.get("/console/matters/").content.decode()
    form = client.get("/console/matters/new/").content.decode()
    assert "调查研究 → 风险评估 → 合法性审查 → 集体讨论决定" in form  # 大额度资金运作's stages, before choosing
    answer = client.post("/console/matters/new/", {
        "unit": council.gov.pk, "kind": MatterKind.FUNDS, "title": "县城供水管网改造资金安排", "sponsor_office": "财政股",
        "topic": "finance", "amount": "12000000", "summary": "安排1200万元改造供水管网"}, follow=True)
    matter = Matter.objects.get()
    assert answer.redirect_chain == [(f"/console/matters/{matter.pk}/", 302)]
    page = answer.content.decode()
    assert "已提出「县城供水管网改造资金安排」" in page and "12000000.00 元" in page
    headings = re.findall(r'<h3>\d+\. (\S+) ', page)
    assert headings == ["调查研究", "风险评估", "合法性审查", "集体讨论决定"]
    assert matter.proposed_by == council.sponsor and matter.vote_required


def test_large_sums_without_an_amount_are_refused_beside_the_amount(council: Council) -> None:
    answer = client_for(council.sponsor).post("/console/matters/new/", {
        "unit": council.gov.pk, "kind": MatterKind.FUNDS, "title": "资金安排", "sponsor_office": "财政股",
        "topic": "finance", "amount": "", "summary": "概要"})
    assert answer.status_code == 400
    assert error_beside(answer.content.decode(), "id_amount") == "大额度资金运作须填写金额"
    assert not Matter.objects.exists()


def test_a_matter_cannot_be_proposed_for_a_unit_the_sponsor_does_not_serve(council: Council, outsider: User) -> None:
    answer = client_for(outsider).post("/console/matters/new/", {
        "unit": council.gov.pk, "kind": MatterKind.DECISION, "title": "老旧小区改造", "sponsor_office": "住建股",
        "topic": "construction", "summary": "概要"})
    assert answer.status_code == 400
    assert error_beside(answer.content.decode(), "id_unit") == "请从列表中选择决策单位"
    assert not Matter.objects.exists()


def test_only_a_sponsor_opens_the_proposal_form(council: Council) -> None:
    assert client_for(council.lawyer).get("/console/matters/new/").status_code == 403


# ------------------------------------------------------------------------------------------- each stage


def post(council: Council, matter: Matter, action: str, data: dict[str, Any]) -> Any:
    return client_for(council.sponsor).post(f"/console/matters/{matter.pk}/{action}/", data, follow=True)


def test_research_draft_and_risk_are_recorded_from_the_matter_page(council: Council) -> None:
    matter = council.matter()
    done = post(council, matter, "research", {"research-text": "走访12个小区，收集诉求300条"})
    assert "已记录调研报告" in done.content.decode()
    post(council, matter, "draft", {"draft-text": "分三年改造48个小区"})
    done = post(council, matter, "risk", {"risk-text": "风险可控", **{f"risk-{k}": v for k, v in RISKS.items()}})
    page = done.content.decode()
    assert "已记录风险评估" in page and RISKS["measures"] in page
    assert dict(StageRecord.objects.values_list("stage", "text")) == {
        Stage.RESEARCH: "走访12个小区，收集诉求300条", Stage.DRAFT: "分三年改造48个小区", Stage.RISK: "风险可控"}
    assert StageRecord.objects.get(stage=Stage.RISK).data == RISKS


def test_a_blank_research_report_is_refused_beside_it(council: Council) -> None:
    matter = council.matter()
    answer = client_for(council.sponsor).post(f"/console/matters/{matter.pk}/research/", {"research-text": "  "})
    assert answer.status_code == 400
    assert error_beside(answer.content.decode(), "id_research-text") == "请填写调研报告"
    assert not StageRecord.objects.exists()


def test_a_risk_assessment_without_measures_is_refused_beside_them(council: Council) -> None:
    matter = council.matter()
    answer = client_for(council.sponsor).post(f"/console/matters/{matter.pk}/risk/", {
        "risk-text": "风险可控", "risk-integrity": RISKS["integrity"], "risk-stability": RISKS["stability"]})
    assert error_beside(answer.content.decode(), "id_risk-measures") == "请填写防控措施"
    assert not StageRecord.objects.exists()


def test_a_stage_the_kind_does_not_require_is_refused(council: Council) -> None:
    appointment = council.matter(MatterKind.APPOINTMENT, title="任命县住建局局长")
    answer = client_for(council.sponsor).post(f"/console/matters/{appointment.pk}/draft/", {"draft-text": "草案"})
    assert answer.status_code == 400
    assert page_error(answer.content.decode()) == "重要人事任免无需方案起草程序"
    assert not StageRecord.objects.exists()


def test_the_comment_period_opens_for_thirty_days(council: Council) -> None:
    matter = council.matter()
    page = client_for(council.sponsor).get(f"/console/matters/{matter.pk}/").content.decode()
    assert 'value="2026-11-24"' in page and 'value="2026-12-23"' in page  # 30 days, both ends counted
    done = post(council, matter, "consultation", {"consultation-draft_text": "征求意见稿",
                                                  "consultation-opens_on": "2026-11-24",
                                                  "consultation-closes_on": "2026-12-23"})
    assert "已在门户公开征求意见，2026-11-24至2026-12-23" in done.content.decode()
    assert Consultation.objects.get(matter=matter).shorter_reason == ""


def test_a_shorter_period_without_a_reason_is_refused_beside_the_reason(council: Council) -> None:
    matter = council.matter()
    data = {"consultation-draft_text": "征求意见稿", "consultation-opens_on": "2026-11-24",
            "consultation-closes_on": "2026-12-13"}
    answer = client_for(council.sponsor).post(f"/console/matters/{matter.pk}/consultation/", data)
    assert answer.status_code == 400
    page = answer.content.decode()
    assert error_beside(page, "id_consultation-shorter_reason") == "征求意见期限为20日，少于30日须说明理由"
    assert 'value="2026-12-13"' in page  # what was typed stays
    assert not Consultation.objects.exists()
    post(council, matter, "consultation", {**data, "consultation-shorter_reason": "汛期前须完成排水改造"})
    assert Consultation.objects.get().shorter_reason == "汛期前须完成排水改造"


def test_a_period_starting_yesterday_is_refused_beside_the_start(council: Council) -> None:
    matter = council.matter()
    answer = client_for(council.sponsor).post(f"/console/matters/{matter.pk}/consultation/", {
        "consultation-draft_text": "征求意见稿", "consultation-opens_on": "2026-11-23",
        "consultation-closes_on": "2026-12-31"})
    assert error_beside(answer.content.decode(), "id_consultation-opens_on") == "征求意见开始日期不能早于今天"
    assert not Consultation.objects.exists()


def test_comments_are_answered_once_the_period_ends(council: Council) -> None:
    matter = council.matter()
    today = council.clock.now().date()
    consultation = services.consultation_open(matter=matter, draft_text="征求意见稿", opens_on=today,
                                              closes_on=today + dt.timedelta(days=29), actor=council.sponsor)
    services.consultation_comment(consultation=consultation, body="建议加装电梯", name="李四", contact="13907970000")
    early = client_for(council.sponsor).post(f"/console/matters/{matter.pk}/answer/", {"answer-summary": "采纳"})
    assert early.status_code == 400
    assert error_beside(early.content.decode(), "id_answer-summary") == "征求意见期至2026-12-23，截止后方可公布采纳情况"
    council.clock.advance(days=30)
    page = post(council, matter, "answer", {"answer-summary": "采纳加装电梯的建议"}).content.decode()
    assert "意见采纳情况说明已在门户公布" in page and "建议加装电梯" in page
    assert "李四" not in page and "13907970000" not in page  # the resident's name and contact stay private
    assert Consultation.objects.get().answer_summary == "采纳加装电梯的建议"


def test_an_expert_is_added_and_their_opinion_recorded_once(council: Council) -> None:
    matter = council.matter()
    done = post(council, matter, "expert", {"expert-name": "周教授", "expert-field": "城市规划",
                                            "expert-organisation": "赣南师范大学"})
    assert "已将周教授加入专家库" in done.content.decode()
    expert = Expert.objects.get()
    done = post(council, matter, "opinion", {"opinion-expert": expert.pk, "opinion-opinion": "方案可行"})
    assert "已记录周教授的论证意见" in done.content.decode()
    again = client_for(council.sponsor).post(f"/console/matters/{matter.pk}/opinion/",
                                             {"opinion-expert": expert.pk, "opinion-opinion": "补充意见"})
    assert error_beside(again.content.decode(), "id_opinion-expert") == "已记录周教授的论证意见"
    assert list(ExpertOpinion.objects.values_list("opinion", flat=True)) == ["方案可行"]


def test_an_expert_without_a_name_is_refused_beside_it(council: Council) -> None:
    matter = council.matter()
    answer = client_for(council.sponsor).post(f"/console/matters/{matter.pk}/expert/", {
        "expert-name": "", "expert-field": "城市规划", "expert-organisation": "赣南师范大学"})
    assert error_beside(answer.content.decode(), "id_expert-name") == "请填写专家姓名"
    assert not Expert.objects.exists()


def test_the_matter_goes_to_legality_review_once(council: Council) -> None:
    matter = council.matter()
    done = post(council, matter, "legality", {})
    review = LegalityReview.objects.get()
    assert f"已送合法性审查，法制机构最早可于{review.earliest_on:%Y-%m-%d}作出结论" in done.content.decode()
    again = client_for(council.sponsor).post(f"/console/matters/{matter.pk}/legality/")
    assert again.status_code == 400 and page_error(again.content.decode()) == "该事项正在合法性审查中"
    assert LegalityReview.objects.count() == 1


def test_a_scheduled_matter_takes_no_more_stage_records(council: Council) -> None:
    matter = council.prepare(council.matter(MatterKind.APPOINTMENT, title="任命县住建局局长"))
    council.meeting(matter)
    answer = client_for(council.sponsor).post(f"/console/matters/{matter.pk}/research/", {"research-text": "补充"})
    assert answer.status_code == 400
    assert page_error(answer.content.decode()) == "「任命县住建局局长」已列入议程，议前程序不能再变更"
    assert StageRecord.objects.count() == 1


# ------------------------------------------------------------------------------------------- another unit's matter


ACTIONS = {
    "research": {"research-text": "调研报告"}, "draft": {"draft-text": "草案"},
    "risk": {"risk-text": "报告", **{f"risk-{k}": v for k, v in RISKS.items()}},
    "consultation": {"consultation-draft_text": "稿", "consultation-opens_on": "2026-11-24",
                     "consultation-closes_on": "2026-12-23"},
    "answer": {"answer-summary": "采纳"}, "expert": {"expert-name": "周教授", "expert-field": "规划",
                                                     "expert-organisation": "大学"},
    "opinion": {"opinion-opinion": "可行"}, "legality": {},
}


@pytest.mark.parametrize("action", ACTIONS)
def test_a_sponsor_of_another_unit_guessing_the_id_touches_nothing(council: Council, outsider: User,
                                                                   action: str) -> None:
    matter = council.matter()
    client = client_for(outsider)
    events = Event.objects.count()
    assert client.get(f"/console/matters/{matter.pk}/").status_code == 404
    data = dict(ACTIONS[action])
    if action == "opinion":
        data["opinion-expert"] = services.expert_add(name="周教授", field="规划", organisation="大学", unit=council.gov,
                                                     actor=council.sponsor).pk
        events += 1
    assert client.post(f"/console/matters/{matter.pk}/{action}/", data).status_code == 404
    assert Event.objects.count() == events
    assert not StageRecord.objects.exists() and not Consultation.objects.exists()
    assert not LegalityReview.objects.exists() and not ExpertOpinion.objects.exists()
    assert Expert.objects.count() == (1 if action == "opinion" else 0)


def test_readers_see_the_matter_without_its_forms(council: Council) -> None:
    matter = council.matter()
    page = client_for(council.lawyer).get(f"/console/matters/{matter.pk}/").content.decode()
    assert "必经程序" in page and "<form" not in page.split("<main", 1)[1]
    assert client_for(council.lawyer).post(f"/console/matters/{matter.pk}/research/",
                                           {"research-text": "x"}).status_code == 404
    assert Matter.objects.get().status == MatterStatus.PREPARING and not StageRecord.objects.exists()
