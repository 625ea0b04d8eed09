"""After the meeting: the decision published (or its exemption recorded for supervisors to review), its
execution assigned with a report schedule that e-supervision watches, progress reports, and the
post-decision evaluation. One transaction and one event each."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from sunlit.core import calendar as official_calendar
from sunlit.core import clock as clock_mod
from sunlit.core.clock import Clock
from sunlit.core.errors import Conflict, DomainError, NotAllowed
from sunlit.core.visibility import Exemption, public_queryset
from sunlit.core.watch import watch
from sunlit.decisions import selectors
from sunlit.decisions.models import (
    AgendaItem,
    Evaluation,
    Execution,
    MeetingState,
    ProgressReport,
    Publication,
)
from sunlit.decisions.permissions import require_secretary
from sunlit.decisions.services.matters import text
from sunlit.org.models import Official
from sunlit.org.selectors import unit_calendar
from sunlit.record.events import record_event
from sunlit.record.services import record_leaf_for

REPORT_WATCH = "decision_report"
MAX_REPORT_DAYS = 366


def _concluded(item: AgendaItem, *, adopted: bool = False) -> AgendaItem:
    locked = AgendaItem.objects.select_for_update(of=("self",)).select_related(
        "meeting__body__unit", "matter__unit").get(pk=item.pk)
    if locked.adopted is None:
        raise Conflict(f"「{locked.matter.title}」尚未作出决定", field="item")
    if adopted and not locked.adopted:
        raise Conflict(f"「{locked.matter.title}」未获通过，无需执行", field="item")
    return locked


@transaction.atomic
def decision_publish(
    *, item: AgendaItem, body: str, actor: Any, exemption: str = Exemption.NONE, exemption_reason: str = "",
    clock: Clock | None = None,
) -> Publication:
    """Publish a decision once its minutes are signed (决策结果公开), unless it is exempt: then the exemption and
    its reason are recorded instead, for supervisors to review. The public record enters the log in clear."""
    item = _concluded(item)
    require_secretary(actor, item.meeting.body.unit)
    if item.meeting.state != MeetingState.SIGNED:
        raise Conflict("会议纪要经全体出席成员签字后方可公开决策结果", field="item")
    if Publication.objects.filter(item=item).exists():
        raise Conflict("该决策已公开或已登记不予公开", field="item")
    if exemption not in Exemption.values:
        raise DomainError("豁免情形无法识别", field="exemption")
    reason = text(exemption_reason, "exemption_reason", "不予公开的理由", required=exemption != Exemption.NONE,
                  limit=2000)
    publication = Publication.objects.create(item=item, text=text(body, "text", "公开内容"), exemption=exemption,
                                             exemption_reason=reason, published_at=clock_mod.now(clock),
                                             published_by=actor)
    public = public_queryset(Publication).filter(pk=publication.pk).exists()
    record = selectors.decision_record(item)
    leaf = record_leaf_for(
        obj=publication, header={"matter": item.matter_id, "meeting": item.meeting_id, "unit": item.matter.unit.code},
        content={**record, "published_text": publication.text} if public else
        {**record, "published_text": publication.text, "exemption": exemption, "exemption_reason": reason},
        public=public, at=publication.published_at, clock=clock)
    record_event(actor=actor, action="decisions.result.publish" if public else "decisions.result.exempt",
                 obj=publication, clock=clock, published=leaf,
                 after={"item": item.pk, "public": public, "exemption": exemption, "reason": reason})
    return publication


def _watch_report(execution: Execution, item: AgendaItem, clock: Clock | None) -> None:
    watch(execution, {REPORT_WATCH: (execution.next_due, f"「{item.matter.title}」执行情况报告")},
          unit_code=item.matter.unit.code, calendar=unit_calendar(item.matter.unit), clock=clock)


def _next_due(item: AgendaItem, every_days: int, clock: Clock | None) -> Any:
    return official_calendar.due(clock_mod.today(clock), every_days, calendar_days=True,
                                 jurisdiction=unit_calendar(item.matter.unit), field="every_days").day


@transaction.atomic
def execution_assign(
    *, item: AgendaItem, owner: Official, every_days: int, actor: Any, clock: Clock | None = None,
) -> Execution:
    """Give an adopted decision its execution owner (执行责任人) and report schedule: a report is due every
    `every_days` days, and a late one raises a card."""
    item = _concluded(item, adopted=True)
    require_secretary(actor, item.meeting.body.unit)
    if Execution.objects.filter(item=item).exists():
        raise Conflict("该决策已交办执行", field="item")
    if owner.user_id is None:
        raise DomainError(f"{owner.name}没有登录账号，无法报告执行情况", field="owner")
    if isinstance(every_days, bool) or not isinstance(every_days, int) or not 1 <= every_days <= MAX_REPORT_DAYS:
        raise DomainError(f"报告周期应为1至{MAX_REPORT_DAYS}日", field="every_days")
    execution = Execution.objects.create(item=item, owner=owner, every_days=every_days,
                                         next_due=_next_due(item, every_days, clock), assigned_by=actor,
                                         assigned_at=clock_mod.now(clock))
    _watch_report(execution, item, clock)
    record_event(actor=actor, action="decisions.execution.assign", obj=execution, clock=clock,
                 after={"item": item.pk, "owner": owner.pk, "every_days": every_days, "next_due": execution.next_due})
    return execution


@transaction.atomic
def progress_report(
    *, execution: Execution, body: str, user: Any, finished: bool = False, clock: Clock | None = None,
) -> ProgressReport:
    """The execution owner reports progress (执行情况报告): the next report falls due a period later, or, once
    execution is finished, no more are watched."""
    execution = Execution.objects.select_for_update(of=("self",)).select_related("owner", "item__matter__unit").get(
        pk=execution.pk)
    if user is None or execution.owner.user_id != user.pk:
        raise NotAllowed(f"只有执行责任人{execution.owner.name}本人可以报告执行情况", field="user")
    if execution.next_due is None:
        raise Conflict("该决策已执行完毕", field="execution")
    report = ProgressReport.objects.create(execution=execution, text=text(body, "text", "执行情况"), finished=finished,
                                           at=clock_mod.now(clock), by=user)
    before = execution.next_due
    execution.next_due = None if finished else _next_due(execution.item, execution.every_days, clock)
    execution.save(update_fields=["next_due"])
    _watch_report(execution, execution.item, clock)
    record_event(actor=user, action="decisions.execution.report", obj=execution, clock=clock,
                 before={"next_due": before}, after={"report": report.pk, "finished": finished,
                                                     "next_due": execution.next_due})
    return report


@transaction.atomic
def evaluation_record(*, item: AgendaItem, body: str, actor: Any, clock: Clock | None = None) -> Evaluation:
    """The post-decision evaluation (决策后评估) of an adopted decision."""
    item = _concluded(item, adopted=True)
    require_secretary(actor, item.meeting.body.unit)
    evaluation = Evaluation.objects.create(item=item, text=text(body, "text", "评估意见"), at=clock_mod.now(clock),
                                           by=actor)
    record_event(actor=actor, action="decisions.evaluation.record", obj=item, clock=clock,
                 after={"evaluation": evaluation.pk, "text": evaluation.text})
    return evaluation
