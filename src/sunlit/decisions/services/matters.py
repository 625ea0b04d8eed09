"""A matter's writes before its meeting: proposed, its stages recorded (research, draft, public participation
with residents' comments and the unit's answer, expert opinions, risk assessment, legality review). Each is
one transaction that checks its rule, writes, and records one event."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.db import transaction

from sunlit.core import calendar as official_calendar
from sunlit.core import clock as clock_mod
from sunlit.core import fields
from sunlit.core.clock import Clock
from sunlit.core.errors import Conflict, DomainError
from sunlit.core.visibility import Audience, Exemption
from sunlit.decisions.models import (
    Comment,
    Consultation,
    Expert,
    ExpertOpinion,
    KindRule,
    LegalityReview,
    Matter,
    MatterStatus,
    StageRecord,
    Topic,
)
from sunlit.decisions.permissions import require_legal, require_sponsor
from sunlit.decisions.rules import (
    DEFAULT_RULES,
    MIN_COMMENT_DAYS,
    MIN_LEGALITY_WORKING_DAYS,
    MatterKind,
    Stage,
)
from sunlit.org.models import Unit
from sunlit.org.selectors import unit_calendar
from sunlit.record.events import record_event

MAX_TEXT = 20000


text = partial(fields.text, limit=MAX_TEXT)
"""A text field of the procedure's records, at most MAX_TEXT characters unless the call says otherwise."""


def _amount(value: Any, kind: str) -> Decimal | None:
    if value is None or value == "":
        if kind == MatterKind.FUNDS:
            raise DomainError("大额度资金运作须填写金额", field="amount")
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise DomainError("金额应为数字（元）", field="amount") from None
    if isinstance(value, bool) or not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise DomainError("金额应为正数（元），最多两位小数", field="amount")
    if amount >= Decimal("1e14"):
        raise DomainError("金额过大", field="amount")
    return amount


def kind_rule(kind: str) -> tuple[list[str], bool]:
    """The stages a kind requires and whether it is voted on: its configured rule, else the default."""
    rule = KindRule.objects.filter(kind=kind).first()
    if rule is not None:
        return [s for s in Stage.values if s in rule.stages], rule.vote
    default = DEFAULT_RULES[MatterKind(kind)]
    return list(default.stages), default.vote


@transaction.atomic
def matter_create(
    *, unit: Unit, kind: str, title: str, summary: str, sponsor_office: str, topic: str, actor: Any,
    amount: Any = None, audience: str = Audience.PUBLIC, exemption: str = Exemption.NONE, clock: Clock | None = None,
) -> Matter:
    """Propose a major matter (提出重大事项): the stages its kind requires are fixed now."""
    require_sponsor(actor, unit)
    if kind not in MatterKind.values:
        raise DomainError("请选择事项类别：重大决策、重要人事任免、重大项目安排或大额度资金运作", field="kind")
    if topic not in Topic.values:
        raise DomainError("请选择议题领域", field="topic")
    if audience not in Audience.values:
        raise DomainError("公开范围无法识别", field="audience")
    if exemption not in Exemption.values:
        raise DomainError("豁免情形无法识别", field="exemption")
    stages, vote = kind_rule(kind)
    matter = Matter.objects.create(
        unit=unit, kind=kind, title=text(title, "title", "事项名称", limit=200), summary=text(summary, "summary", "事项概要"),
        sponsor_office=text(sponsor_office, "sponsor_office", "承办科室", limit=100), topic=topic,
        amount=_amount(amount, kind), required_stages=stages, vote_required=vote, audience=audience,
        exemption=exemption, proposed_by=actor, created_at=clock_mod.now(clock))
    record_event(actor=actor, action="decisions.matter.create", obj=matter, clock=clock, after={
        "unit": unit.code, "kind": kind, "title": matter.title, "amount": matter.amount,
        "stages": stages, "vote": vote})
    return matter


def _lock(matter: Matter) -> Matter:
    return Matter.objects.select_for_update().select_related("unit").get(pk=matter.pk)


def _preparing(matter: Matter, stage: str) -> None:
    if matter.status != MatterStatus.PREPARING:
        raise Conflict(f"「{matter.title}」{matter.get_status_display()}，议前程序不能再变更", field="matter")
    if not matter.requires(stage):
        raise DomainError(f"{matter.get_kind_display()}无需{Stage(stage).label}程序", field="stage")


RISK_FIELDS = {"integrity": "廉政风险", "stability": "社会稳定风险", "measures": "防控措施"}


@transaction.atomic
def stage_record(
    *, matter: Matter, stage: str, body: str, actor: Any, data: dict[str, str] | None = None,
    clock: Clock | None = None,
) -> StageRecord:
    """Record a document stage: the research report (调研报告, for appointments 考察材料), the draft, or the
    risk assessment, whose `data` names the integrity and social-stability risks and their measures."""
    matter = _lock(matter)
    require_sponsor(actor, matter.unit)
    if stage not in (Stage.RESEARCH, Stage.DRAFT, Stage.RISK):
        raise DomainError("该程序不以文档记录", field="stage")
    _preparing(matter, stage)
    assessed: dict[str, str] = {}
    if stage == Stage.RISK:
        given = data or {}
        for key, label in RISK_FIELDS.items():
            assessed[key] = text(given.get(key), f"data.{key}", label)
    label = {Stage.RESEARCH: "调研报告", Stage.DRAFT: "决策草案", Stage.RISK: "风险评估报告"}[Stage(stage)]
    record = StageRecord.objects.create(matter=matter, stage=stage, text=text(body, "text", label), data=assessed,
                                        author=actor, at=clock_mod.now(clock))
    record_event(actor=actor, action=f"decisions.stage.{stage}", obj=matter, clock=clock,
                 after={"record": record.pk, "stage": stage, "data": assessed})
    return record


# ------------------------------------------------------------------------------------------- participation


@transaction.atomic
def consultation_open(
    *, matter: Matter, draft_text: str, opens_on: dt.date, closes_on: dt.date, actor: Any,
    shorter_reason: str = "", clock: Clock | None = None,
) -> Consultation:
    """Publish the draft for comment (公开征求意见): at least 30 days unless a reason for fewer is stated."""
    matter = _lock(matter)
    require_sponsor(actor, matter.unit)
    _preparing(matter, Stage.PARTICIPATION)
    if Consultation.objects.filter(matter=matter).exists():
        raise Conflict("该事项已公开征求意见", field="matter")
    if opens_on < clock_mod.today(clock):
        raise DomainError("征求意见开始日期不能早于今天", field="opens_on")
    days = (closes_on - opens_on).days + 1
    if days < 1:
        raise DomainError("截止日期不能早于开始日期", field="closes_on")
    reason = text(shorter_reason, "shorter_reason", "理由", required=False, limit=2000)
    if days < MIN_COMMENT_DAYS and not reason:
        raise DomainError(f"征求意见期限为{days}日，少于{MIN_COMMENT_DAYS}日须说明理由", field="shorter_reason")
    consultation = Consultation.objects.create(
        matter=matter, draft_text=text(draft_text, "draft_text", "征求意见稿"), opens_on=opens_on, closes_on=closes_on,
        shorter_reason=reason, opened_by=actor)
    record_event(actor=actor, action="decisions.consultation.open", obj=matter, clock=clock, after={
        "consultation": consultation.pk, "opens_on": opens_on, "closes_on": closes_on, "days": days,
        "shorter_reason": reason})
    return consultation


@transaction.atomic
def consultation_comment(
    *, consultation: Consultation, body: str, name: str = "", contact: str = "", clock: Clock | None = None,
) -> Comment:
    """A resident's comment on the portal, accepted only during the comment period. The event keeps the
    comment, never the name or contact."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    today = clock_mod.today(clock)
    if today < consultation.opens_on:
        raise DomainError(f"征求意见自{consultation.opens_on:%Y-%m-%d}开始", field="text")
    if today > consultation.closes_on:
        raise DomainError(f"征求意见已于{consultation.closes_on:%Y-%m-%d}截止", field="text")
    comment = Comment.objects.create(
        consultation=consultation, text=text(body, "text", "意见", limit=5000), name=text(name, "name", "姓名",
                                                                                        required=False, limit=50),
        contact=text(contact, "contact", "联系方式", required=False, limit=100), at=clock_mod.now(clock))
    record_event(actor=None, action="decisions.consultation.comment", obj=consultation, clock=clock,
                 after={"comment": comment.pk, "text": comment.text})
    return comment


@transaction.atomic
def consultation_answer(
    *, consultation: Consultation, summary: str, actor: Any, clock: Clock | None = None,
) -> Consultation:
    """Publish the unit's summary answering the comments (意见采纳情况), once the period has ended."""
    consultation = Consultation.objects.select_for_update().select_related("matter__unit").get(pk=consultation.pk)
    require_sponsor(actor, consultation.matter.unit)
    _preparing(consultation.matter, Stage.PARTICIPATION)
    if clock_mod.today(clock) <= consultation.closes_on:
        raise DomainError(f"征求意见期至{consultation.closes_on:%Y-%m-%d}，截止后方可公布采纳情况", field="summary")
    before = consultation.answer_summary
    consultation.answer_summary = text(summary, "summary", "意见采纳情况说明")
    consultation.answered_at = clock_mod.now(clock)
    consultation.save(update_fields=["answer_summary", "answered_at"])
    record_event(actor=actor, action="decisions.consultation.answer", obj=consultation, clock=clock,
                 before={"summary": before}, after={"summary": consultation.answer_summary,
                                                    "comments": consultation.comments.count()})
    return consultation


# ------------------------------------------------------------------------------------------- expert review


@transaction.atomic
def expert_add(*, name: str, field: str, organisation: str, actor: Any, unit: Unit,
               clock: Clock | None = None) -> Expert:
    """Add an expert to the pool (专家库)."""
    require_sponsor(actor, unit)
    expert = Expert.objects.create(name=text(name, "name", "姓名", limit=50), field=text(field, "field", "专业领域", limit=100),
                                   organisation=text(organisation, "organisation", "工作单位", limit=100),
                                   added_at=clock_mod.now(clock))
    record_event(actor=actor, action="decisions.expert.add", obj=expert, clock=clock,
                 after={"name": expert.name, "field": expert.field, "organisation": expert.organisation})
    return expert


@transaction.atomic
def expert_opinion_record(
    *, matter: Matter, expert: Expert, opinion: str, actor: Any, clock: Clock | None = None,
) -> ExpertOpinion:
    """Record an expert's opinion on a matter (专家论证意见), as given."""
    matter = _lock(matter)
    require_sponsor(actor, matter.unit)
    _preparing(matter, Stage.EXPERT)
    if not Expert.objects.filter(pk=expert.pk, active=True).exists():
        raise DomainError("该专家不在专家库中", field="expert")
    if matter.expert_opinions.filter(expert=expert).exists():
        raise Conflict(f"已记录{expert.name}的论证意见", field="expert")
    record = ExpertOpinion.objects.create(matter=matter, expert=expert, opinion=text(opinion, "opinion", "论证意见"),
                                          entered_by=actor, at=clock_mod.now(clock))
    record_event(actor=actor, action="decisions.expert.opinion", obj=matter, clock=clock,
                 after={"opinion": record.pk, "expert": expert.pk, "text": record.opinion})
    return record


# ------------------------------------------------------------------------------------------- legality review


@transaction.atomic
def legality_submit(*, matter: Matter, actor: Any, clock: Clock | None = None) -> LegalityReview:
    """Send the matter to the legal office (送合法性审查): its conclusion may come no sooner than the least
    working days on the unit's calendar."""
    matter = _lock(matter)
    require_sponsor(actor, matter.unit)
    _preparing(matter, Stage.LEGALITY)
    if matter.legality_reviews.filter(passed__isnull=True).exists():
        raise Conflict("该事项正在合法性审查中", field="matter")
    if matter.legality_reviews.filter(passed=True).exists():
        raise Conflict("该事项已通过合法性审查", field="matter")
    today = clock_mod.today(clock)
    earliest = official_calendar.due(today, MIN_LEGALITY_WORKING_DAYS, jurisdiction=unit_calendar(matter.unit))
    review = LegalityReview.objects.create(matter=matter, submitted_on=today, earliest_on=earliest.day,
                                           earliest_confirmed=earliest.confirmed, submitted_by=actor)
    record_event(actor=actor, action="decisions.legality.submit", obj=matter, clock=clock,
                 after={"review": review.pk, "submitted_on": today, "earliest_on": earliest.day,
                        "confirmed": earliest.confirmed})
    return review


@transaction.atomic
def legality_conclude(
    *, review: LegalityReview, passed: bool, opinion: str, actor: Any, clock: Clock | None = None,
) -> LegalityReview:
    """The legal office's conclusion (审查结论): passed or failed, with its opinion, after at least the least
    working days. A failed review keeps the matter off every agenda until a new review passes."""
    review = LegalityReview.objects.select_for_update().select_related("matter__unit").get(pk=review.pk)
    require_legal(actor, review.matter.unit)
    if review.passed is not None:
        raise Conflict("该合法性审查已作出结论", field="review")
    if actor.pk == review.submitted_by_id:
        raise DomainError("送审人不能审查本人送审的事项", field="review")
    today = clock_mod.today(clock)
    if today < review.earliest_on:
        raise DomainError(f"合法性审查不少于{MIN_LEGALITY_WORKING_DAYS}个工作日，最早可于{review.earliest_on:%Y-%m-%d}作出结论",
                          field="concluded_on")
    review.passed = bool(passed)
    review.opinion = text(opinion, "opinion", "审查意见")
    review.concluded_on = today
    review.reviewer = actor
    review.save(update_fields=["passed", "opinion", "concluded_on", "reviewer"])
    record_event(actor=actor, action="decisions.legality.conclude", obj=review.matter, clock=clock,
                 before={"review": review.pk, "passed": None},
                 after={"review": review.pk, "passed": review.passed, "opinion": review.opinion, "concluded_on": today})
    return review
