"""三重一大 pages for the sponsor office (承办科室): propose a matter, and take it through the stages its kind
requires, each recorded on the matter's page through decisions.services, a refusal shown beside the field it
names. Anyone who may read the matter (its unit's sponsors, legal office, secretaries, supervisors) sees the
page; only its unit's sponsors see the forms, and only they may post them (404 to everyone else, whatever id
they try). Thin: parse with console.decision_forms, call decisions.selectors / decisions.services, render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from sunlit.console.decision_forms import (
    AnswerForm,
    ConsultationForm,
    DecisionForm,
    ExpertForm,
    MatterForm,
    OpinionForm,
    RiskForm,
    StageForm,
)
from sunlit.core import clock
from sunlit.core.errors import DomainError
from sunlit.decisions import selectors, services
from sunlit.decisions.models import Consultation, Matter, MatterStatus
from sunlit.decisions.rules import MIN_COMMENT_DAYS, MatterKind, Stage
from sunlit.decisions.services.matters import kind_rule

# ------------------------------------------------------------------------------------------- a new matter


def _kind_rules() -> list[tuple[str, list[str], bool]]:
    """Each kind with the stages it requires now (decisions.services.kind_rule: the configured rule)."""
    rows = []
    for kind in MatterKind:
        stages, vote = kind_rule(kind)
        rows.append((kind.label, [Stage(s).label for s in stages], vote))
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def matter_new(request: HttpRequest) -> HttpResponse:
    units = selectors.sponsored_units(request.user)
    if not units.exists():
        raise PermissionDenied("您没有任何单位的重大事项承办权限")
    form = MatterForm(request.POST or None, units=units)
    if request.method == "POST" and form.valid():
        data = form.cleaned_data
        try:
            matter = services.matter_create(unit=data["unit"], kind=data["kind"], title=data["title"],
                                            summary=data["summary"], sponsor_office=data["sponsor_office"],
                                            topic=data["topic"], amount=data["amount"], actor=request.user)
        except DomainError as exc:
            form.refuse(exc)
        else:
            messages.success(request, f"已提出「{matter.title}」，请按下列程序逐项办理")
            return redirect("console:matter", matter_id=matter.pk)
    if not form.is_bound:
        form.initial["unit"] = units.first()  # the unit the sponsor's role is held in, before those below it
    return render(request, "console/matter_new.html", {"form": form, "rules": _kind_rules(),
                                                       "desk": selectors.desk(request.user)},
                  status=400 if form.errors else 200)


# ------------------------------------------------------------------------------------------- one matter


def _consultation(matter: Matter) -> Consultation:
    found = Consultation.objects.filter(matter=matter).first()
    if found is None:
        raise DomainError("尚未公开征求意见", field="matter")
    return found


@dataclass(frozen=True)
class Action:
    """A form on the matter's page: how it is made, and what posting it does (the message said on success)."""

    stage: str
    form: Callable[[Matter, Any], DecisionForm]
    act: Callable[[Matter, dict[str, Any], Any], str]
    names: dict[str, str] | None = None


def _research_label(matter: Matter) -> str:
    return "考察材料" if matter.kind == MatterKind.APPOINTMENT else "调研报告"


def _consultation_form(matter: Matter, data: Any) -> DecisionForm:
    today = clock.today()
    draft = selectors.latest_stage_record(matter, Stage.DRAFT)
    return ConsultationForm(data, prefix="consultation", initial={
        "opens_on": today, "closes_on": today + dt.timedelta(days=MIN_COMMENT_DAYS - 1),
        "draft_text": draft.text if draft else ""})


def _record(stage: str, label: str) -> Callable[[Matter, dict[str, Any], Any], str]:
    def act(matter: Matter, data: dict[str, Any], user: Any) -> str:
        services.stage_record(matter=matter, stage=stage, body=data["text"], actor=user,
                              data={k: data[k] for k in ("integrity", "stability", "measures") if k in data} or None)
        return f"已记录{label}"
    return act


def _research(matter: Matter, data: dict[str, Any], user: Any) -> str:
    return _record(Stage.RESEARCH, _research_label(matter))(matter, data, user)


def _open(matter: Matter, data: dict[str, Any], user: Any) -> str:
    consultation = services.consultation_open(matter=matter, draft_text=data["draft_text"], opens_on=data["opens_on"],
                                              closes_on=data["closes_on"], shorter_reason=data["shorter_reason"],
                                              actor=user)
    return f"已在门户公开征求意见，{consultation.opens_on:%Y-%m-%d}至{consultation.closes_on:%Y-%m-%d}"


def _answer(matter: Matter, data: dict[str, Any], user: Any) -> str:
    services.consultation_answer(consultation=_consultation(matter), summary=data["summary"], actor=user)
    return "意见采纳情况说明已在门户公布"


def _expert(matter: Matter, data: dict[str, Any], user: Any) -> str:
    expert = services.expert_add(name=data["name"], field=data["field"], organisation=data["organisation"],
                                 unit=matter.unit, actor=user)
    return f"已将{expert.name}加入专家库，请录入其论证意见"


def _opinion(matter: Matter, data: dict[str, Any], user: Any) -> str:
    record = services.expert_opinion_record(matter=matter, expert=data["expert"], opinion=data["opinion"], actor=user)
    return f"已记录{record.expert.name}的论证意见"


ACTIONS: dict[str, Action] = {
    "research": Action(Stage.RESEARCH, lambda m, d: StageForm(d, prefix="research", label=_research_label(m)),
                       _research),
    "draft": Action(Stage.DRAFT, lambda m, d: StageForm(d, prefix="draft", label="决策草案"),
                    _record(Stage.DRAFT, "决策草案")),
    "consultation": Action(Stage.PARTICIPATION, _consultation_form, _open),
    "answer": Action(Stage.PARTICIPATION, lambda m, d: AnswerForm(d, prefix="answer"), _answer),
    "expert": Action(Stage.EXPERT, lambda m, d: ExpertForm(d, prefix="expert"), _expert),
    "opinion": Action(Stage.EXPERT, lambda m, d: OpinionForm(d, prefix="opinion", experts=selectors.experts()),
                      _opinion),
    "risk": Action(Stage.RISK, lambda m, d: RiskForm(d, prefix="risk"), _record(Stage.RISK, "风险评估"),
                   names=RiskForm.names),
}


def _page(request: HttpRequest, matter: Matter, *, bound: tuple[str, DecisionForm] | None = None,
          refused: str = "") -> HttpResponse:
    today = clock.today()
    may = selectors.may_sponsor(request.user, matter) and matter.status == MatterStatus.PREPARING
    forms = {name: action.form(matter, None) for name, action in ACTIONS.items()} if may else {}
    if bound is not None:
        forms[bound[0]] = bound[1]
        if not may or not matter.requires(ACTIONS[bound[0]].stage):
            # The form is not on the page (the matter moved on, or its kind has no such stage): the refusal
            # goes above.
            refused = refused or str(next(iter(bound[1].errors.values()))[0])
    progress = selectors.stage_progress(matter, today)
    return render(request, "console/matter.html", {
        "matter": matter, "progress": progress, "papers": selectors.matter_papers(matter), "forms": forms,
        "may": may, "today": today, "refused": refused, "desk": selectors.desk(request.user),
        "missing": [p.lacking for p in progress if p.lacking], "research_label": _research_label(matter),
        "base": f"/console/matters/{matter.pk}/", "has_experts": may and selectors.experts().exists(),
    }, status=400 if bound is not None or refused else 200)


@login_required
def matter(request: HttpRequest, matter_id: int) -> HttpResponse:
    found = selectors.readable_matters(request.user).filter(pk=matter_id).first()
    if found is None:
        raise Http404("事项不存在或您无权查看")
    return _page(request, found)


@login_required
@require_POST
def matter_action(request: HttpRequest, matter_id: int, action: str) -> HttpResponse:
    """Post one of the matter's forms, or send it to legality review (送审); only its unit's sponsors may."""
    found = selectors.sponsored_matter(request.user, matter_id)
    if found is None:
        raise Http404("事项不存在或您不是其承办人")
    if action == "legality":
        try:
            review = services.legality_submit(matter=found, actor=request.user)
        except DomainError as exc:
            return _page(request, found, refused=exc.message)
        messages.success(request, f"已送合法性审查，法制机构最早可于{review.earliest_on:%Y-%m-%d}作出结论")
        return redirect(f"/console/matters/{found.pk}/#stage-{Stage.LEGALITY}")
    chosen = ACTIONS.get(action)
    if chosen is None:
        raise Http404("没有这项操作")
    form = chosen.form(found, request.POST)
    if form.valid():
        try:
            done = chosen.act(found, form.cleaned_data, request.user)
        except DomainError as exc:
            form.refuse(exc, chosen.names)
        else:
            messages.success(request, done)
            return redirect(f"/console/matters/{found.pk}/#stage-{chosen.stage}")
    return _page(request, found, bound=(action, form))
