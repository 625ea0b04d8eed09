"""网上运行 writes: a case is submitted, walks its flow step by step, has its clock stopped and restarted,
is extended with the head's approval, and ends. Each action is one transaction that locks the case, checks
its rules (refusing by name and changing nothing), appends what happened, recomputes the deadlines on the
unit's calendar, tells the applicant what the law says they must be told, and records one event; a step of
a public item also enters the public log, holding the item, the step, the outcome and the times, never
the applicant's name, ID number, contact or materials.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from sunlit.cases import deadlines, receipt
from sunlit.cases import materials as material_rules
from sunlit.cases.models import (
    APPLIED_FOR,
    OPEN_STATES,
    Case,
    CaseMaterial,
    CaseNotice,
    CaseState,
    CaseStep,
    Channel,
    ClockStop,
    NoticeKind,
    Rating,
    RatingLevel,
)
from sunlit.cases.selectors import held
from sunlit.cases.storage import materials_storage
from sunlit.catalog.models import PowerItem
from sunlit.catalog.permissions import require_review
from sunlit.catalog.selectors import public_power
from sunlit.core import calendar as official_calendar
from sunlit.core import clock as clock_mod
from sunlit.core import fields
from sunlit.core.clock import Clock
from sunlit.core.errors import Conflict, DomainError, NotAllowed
from sunlit.core.prepared import PreparedInsert, PreparedQuery, PreparedUpdate, Writes
from sunlit.core.visibility import public_queryset
from sunlit.core.watch import watch
from sunlit.flows.models import Transition
from sunlit.flows.selectors import public_flow, ways_on
from sunlit.flows.validate import StepKind
from sunlit.org.models import Post, Unit
from sunlit.org.selectors import unit_calendar
from sunlit.record.events import record_event
from sunlit.record.leaf import Leaf
from sunlit.record.services import record_leaf_for

ENDS: dict[str, str] = {StepKind.DELIVER: CaseState.APPROVED, StepKind.DENIED: CaseState.REFUSED,
                        StepKind.NOT_ACCEPTED: CaseState.NOT_ACCEPTED}
REMEDIES = "如不服本决定，可以自收到之日起六十日内依法申请行政复议，或者六个月内依法提起行政诉讼。"
MAX_TEXT = 2000
MAX_EXTENSION = 30
MAX_FEE = Decimal("1000000")  # 元: far above any fee an item publishes; a typo's guard


# ------------------------------------------------------------------------------------------- helpers

_text = partial(fields.text, limit=MAX_TEXT)
"""A case's text field (an opinion, a reason), at most MAX_TEXT characters unless the call says otherwise."""


def _fee(value: Any) -> Decimal | None:
    """The fee charged at a step (实收费用), in 元 to the 分, or None when none was recorded."""
    if value is None or value == "":
        return None
    try:
        fee = Decimal(str(value).strip())
    except InvalidOperation:
        raise DomainError("实收费用应为金额（元）", field="fee") from None
    if isinstance(value, bool) or not fee.is_finite() or fee != fee.quantize(Decimal("0.01")):
        raise DomainError("实收费用应为金额（元），最多两位小数", field="fee")
    if fee < 0 or fee > MAX_FEE:
        raise DomainError(f"实收费用应在0至{MAX_FEE}元之间", field="fee")
    return fee.quantize(Decimal("0.01"))


# The statements every action repeats, compiled once (core.prepared): a clerk's click pays for running them,
# not for building their SQL again.
_LOCKED = PreparedQuery(
    lambda case_id: Case.objects.select_for_update(of=("self",)).select_related("current_step", "unit")
    .annotate(item_public=Exists(public_queryset(PowerItem).filter(pk=OuterRef("item_id"))),
              stopped_before=Exists(ClockStop.objects.filter(case=OuterRef("pk"), restarted_on__isnull=False)))
    .filter(pk=case_id), case_id=PreparedQuery.ID)
_STOPS = PreparedQuery(lambda case_id: ClockStop.objects.filter(case_id=case_id, restarted_on__isnull=False)
                       .values_list("stopped_on", "restarted_on").order_by("pk"), case_id=PreparedQuery.ID)
_STEP_INSERT = PreparedInsert(CaseStep, ("case_id", "step_id", "started_at", "due", "done_at", "entered_at",
                                         "done_by_id", "official_id", "outcome", "opinion", "fee"))
_NOTICE_INSERT = PreparedInsert(CaseNotice, ("case_id", "kind", "text", "at"))
_CASE_UPDATE = PreparedUpdate(Case, ("state", "current_step_id", "step_started_at", "accepted_on", "ended_at",
                                     "extension_days", "step_due", "due", "statutory_due", "due_confirmed",
                                     "version"), expect="version")


def _lock(case: Case) -> Case:
    locked = _LOCKED.first(case_id=case.pk)
    if locked is None:
        raise Case.DoesNotExist(f"办件 {case.pk} 不存在")
    return locked


def _refresh_deadlines(case: Case, *, stop_closed: bool = False) -> None:
    """Recompute the stored deadlines from the case's rows (cases.deadlines) on its calendar; `stop_closed`:
    this action closed a stop, which counts now though the case had none when it was locked."""
    cal = official_calendar.calendar_for(case.calendar)
    # stops count only after acceptance (cases.deadlines), so a case not yet accepted needs no look
    stops = (_STOPS.rows(case_id=case.pk) if case.pk and case.accepted_on is not None
             and (stop_closed or getattr(case, "stopped_before", True)) else [])
    step = case.current_step
    found = deadlines.compute(
        cal, unit=case.limit_unit, step_started=clock_mod.local_day(case.step_started_at) if case.step_started_at else None,
        step_limit=step.limit if step is not None and case.is_open else None, accepted_on=case.accepted_on,
        promised=case.promised_limit, promised_unit=case.promised_limit_unit, statutory=case.statutory_limit,
        extension=case.extension_days, stops=stops)
    case.step_due, case.due, case.statutory_due = found.step_due, found.due, found.statutory_due
    case.due_confirmed = found.confirmed


def _save(case: Case, writes: Writes) -> None:
    """Save what an action may change, under compare-and-swap (the row is locked, and its revision moves on
    with every action), with the action's other writes: `writes.send()` refuses a lost swap."""
    expected = case.version
    case.version += 1
    writes.add(*_CASE_UPDATE.statement(
        case.pk, expected=expected, state=case.state, current_step_id=case.current_step_id,
        step_started_at=case.step_started_at, accepted_on=case.accepted_on, ended_at=case.ended_at,
        extension_days=case.extension_days, step_due=case.step_due, due=case.due, statutory_due=case.statutory_due,
        due_confirmed=case.due_confirmed, version=case.version),
        expect_rows=1, error=Conflict("办件已被他人同时修改，请刷新后重试", field="case"))
    _watch(case, writes)


def _watch(case: Case, writes: Writes | None = None) -> None:
    """What e-supervision watches of a case (core.watch): its current step's limit and its promised limit,
    while its clock runs; nothing once it stops or ends."""
    running = case.state == CaseState.OPEN
    step = case.current_step
    unit, where = case.unit.code, case.calendar
    watch(case, {"case.step": (case.step_due if running else None,
                               f"办件{case.receipt}「{step.name if step else ''}」环节时限"),
                 "case.due": (case.due if running else None, f"办件{case.receipt}承诺办结时限")},
          unit_code=unit, calendar=where, writes=writes)


def _tell(case: Case, kind: str, text: str, clock: Clock | None, writes: Writes | None = None) -> None:
    values: dict[str, Any] = {"case_id": case.pk, "kind": kind, "text": text, "at": clock_mod.now(clock)}
    if writes is None:
        _NOTICE_INSERT.run(**values)
    else:
        writes.add(*_NOTICE_INSERT.statement([values]))


def _state(case: Case) -> dict[str, Any]:
    """What an event keeps of a case: where it stands and its deadlines, no personal data."""
    return {"state": case.state, "step": case.current_step.key if case.current_step else None,
            "step_due": case.step_due, "due": case.due, "statutory_due": case.statutory_due,
            "accepted_on": case.accepted_on, "extension_days": case.extension_days}


def _published(case: Case, what: str, content: dict[str, Any], at: dt.datetime, clock: Clock | None) -> Leaf:
    """The public log entry of an action on a case of a public item (item, step, outcome and times), queued
    with the action's event (record_event(published=…))."""
    public = getattr(case, "item_public", None)
    if public is None:  # a case not read by _lock
        public = public_queryset(PowerItem).filter(pk=case.item_id).exists()
    return record_leaf_for(obj=case, header={"kind": "case", "what": what},
                           content={"item": case.item_id, "unit": case.unit.code, **content}, public=public, at=at,
                           clock=clock)


# ------------------------------------------------------------------------------------------- submit

def can_apply(item: PowerItem) -> bool:
    """Whether the public may apply for a public item: a kind applied for, with a promised limit the
    applicant can hold the unit to, on a published flow."""
    version = item.published_version
    return (version is not None and version.category in APPLIED_FOR and version.promised_limit is not None
            and public_flow(item) is not None)


def _new_receipt(unit: Unit, day: dt.date) -> str:
    prefix = f"{unit.code}-{day:%Y%m%d}-"
    taken = Case.objects.filter(receipt__startswith=prefix).count()
    return receipt.receipt_number(unit.code, f"{day:%Y%m%d}", taken + 1)


def case_submit(*, item_id: int, applicant_name: str, applicant_id_number: str, applicant_contact: str,
                subject: str = "", channel: str = Channel.PORTAL, received_at: dt.datetime | None = None,
                entered_by: Any = None, materials: Sequence[Any] = (),
                clock: Clock | None = None) -> tuple[Case, str]:
    """An application for a public item: on the portal (received now), or entered at the counter by staff
    with the time it was really received. It walks the item's published flow, kept for its life. Returns
    the case and its query password (shown once; only its hash is kept).

    `materials` (申请材料): uploaded files, each Django's UploadedFile or (name, binary file). All are
    checked (cases.materials) before anything is written; they are then stored in the same transaction,
    and if it fails the files written are removed again, so a refusal leaves no case and no file. (Django
    has no hook for the rollback of an enclosing transaction: the pages call this outside any.)"""
    written: list[str] = []
    try:
        return _submit(item_id=item_id, applicant_name=applicant_name, applicant_id_number=applicant_id_number,
                       applicant_contact=applicant_contact, subject=subject, channel=channel,
                       received_at=received_at, entered_by=entered_by, materials=materials, written=written,
                       clock=clock)
    except BaseException:
        storage = materials_storage()
        for name in written:
            storage.delete(name)
        raise


def _store_materials(case: Case, checked: list[material_rules.Checked], written: list[str],
                     now: dt.datetime) -> list[CaseMaterial]:
    """Write each checked file under a random name (never the applicant's) and record it; `written` keeps
    every name on disk, for the caller to remove should the transaction fail."""
    storage = materials_storage()
    stored = []
    for found in checked:
        content = found.file if isinstance(found.file, File) else File(found.file)
        name = storage.save(f"{now:%Y/%m}/{secrets.token_hex(16)}{found.kind.extensions[0]}", content)
        written.append(name)
        stored.append(CaseMaterial.objects.create(case=case, name=found.name, kind=found.kind.key, size=found.size,
                                                  sha256=found.sha256, file=name, uploaded_at=now))
    return stored


@transaction.atomic
def _submit(*, item_id: int, applicant_name: str, applicant_id_number: str, applicant_contact: str,
            subject: str, channel: str, received_at: dt.datetime | None, entered_by: Any,
            materials: Sequence[Any], written: list[str], clock: Clock | None) -> tuple[Case, str]:
    now = clock_mod.now(clock)
    item = public_power(item_id)
    if item is None or item.published_version is None:
        raise DomainError("事项不存在或未公开", field="item")
    if item.published_version.category not in APPLIED_FOR:
        raise DomainError(f"{item.published_version.get_category_display()}事项由机关依职权办理，不受理申请", field="item")
    if item.published_version.promised_limit is None:
        raise DomainError("该事项未公布承诺时限，不受理申请", field="item")
    flow = public_flow(item)
    if flow is None:
        raise DomainError("该事项尚无公开的办理流程，暂不能网上申请", field="item")
    if channel not in Channel.values:
        raise DomainError("申请方式只能是网上申请或窗口受理", field="channel")
    name = _text(applicant_name, "applicant_name", "申请人姓名或名称", limit=100)
    id_number = _text(applicant_id_number, "applicant_id_number", "证件号码", limit=40)
    contact = _text(applicant_contact, "applicant_contact", "联系方式", limit=100)
    summary = _text(subject, "subject", "申请事项摘要", required=False, limit=200)
    if channel == Channel.COUNTER:
        if not getattr(entered_by, "is_authenticated", False):
            raise NotAllowed("窗口受理须由工作人员登录后录入", field="entered_by")
        if received_at is None:
            raise DomainError("请填写实际收件时间", field="received_at")
        if item.unit_id not in held(entered_by, clock_mod.local_day(now)).units:
            raise NotAllowed(f"您不在{item.unit.name}任职，不能录入其办件", field="entered_by")
    received = received_at or now
    if received > now:
        raise DomainError("收件时间不能晚于现在", field="received_at")
    checked = material_rules.check(materials)
    start = next((s for s in flow.steps if s.kind == StepKind.APPLY), None)
    after_start = [t for t in flow.transitions if start is not None and t.source_id == start.pk]
    if start is None or len(after_start) != 1:
        raise DomainError("该事项的办理流程缺少申请环节", field="item")
    version = item.published_version
    unit = Unit.objects.select_for_update().get(pk=item.unit_id)  # one receipt sequence per unit at a time
    password = receipt.new_password()
    number = _new_receipt(unit, clock_mod.local_day(received))
    case = Case(
        receipt=number, password_hash=receipt.password_digest(number, password), item=item,
        unit=unit, flow_version=flow.version, calendar=unit_calendar(unit), channel=channel,
        applicant_name=name, applicant_id_number=id_number, applicant_contact=contact, subject=summary,
        received_at=received, entered_at=now, entered_by=entered_by if channel == Channel.COUNTER else None,
        limit_unit=flow.version.limit_unit, promised_limit=version.promised_limit,
        promised_limit_unit=version.promised_limit_unit or flow.version.limit_unit,
        statutory_limit=version.statutory_limit if version.statutory_limit_unit == flow.version.limit_unit else None,
        current_step=after_start[0].target, step_started_at=received,
    )
    _refresh_deadlines(case)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        raise Conflict("受理编号冲突，请重试", field="receipt") from None
    _watch(case)
    CaseStep.objects.create(case=case, step=start, started_at=received, done_at=received, entered_at=now,
                            done_by=entered_by if channel == Channel.COUNTER else None, outcome="提交申请")
    stored = _store_materials(case, checked, written, now)
    _tell(case, NoticeKind.RECEIVED, f"已收到您的申请（受理编号 {case.receipt}），"
          + (f"申请材料{len(stored)}份，" if stored else "")
          + f"{'请凭受理编号和查询密码查询办理进度' if channel == Channel.PORTAL else '已由窗口录入'}。", clock)
    # The event (sealed in the log) may say how many files came and which, by digest; never their names.
    files = {"materials": {"count": len(stored), "sha256": [m.sha256 for m in stored]}} if stored else {}
    record_event(actor=entered_by, action="cases.case.submit", obj=case,
                 after={"item": item.pk, "receipt": case.receipt, "channel": channel, **_state(case), **files},
                 clock=clock, published=_published(case, "submit", {"step": start.key, "outcome": "提交申请",
                                                                    "at": received}, now, clock))
    return case, password


# ------------------------------------------------------------------------------------------- steps

def _choose(case: Case, outcome: str) -> Transition:
    ways = ways_on(case.flow_version_id, case.current_step_id)
    if not ways:
        raise Conflict("当前环节已是终点，办件已办结", field="outcome")
    if len(ways) == 1 and not outcome:
        return ways[0]
    chosen = [t for t in ways if t.outcome == outcome]
    if not chosen:
        named = "、".join(f"「{t.outcome}」" for t in ways if t.outcome) or "（无）"
        raise DomainError(f"办理结果「{outcome}」不在本环节的出口中，可选：{named}", field="outcome")
    return chosen[0]


@transaction.atomic
def case_step_done(*, case: Case, outcome: str = "", opinion: str = "", actor: Any,
                   done_at: dt.datetime | None = None, fee: Decimal | None = None, clock: Clock | None = None) -> Case:
    """The official holding the current step's post that day does it, with an opinion; the outcome picks the
    way on. Entering a step whose clock stops (补正, 听证 …) stops the case's clock, naming the legal ground;
    leaving it restarts it; the applicant is told both. Leaving 受理 for the rest of the flow accepts the
    case; reaching an end closes it (a refusal only with its reasons, and the applicant's remedies). A fee
    charged at the step (实收费用, in 元) is kept on it, for e-supervision to hold against the published fees."""
    now = clock_mod.now(clock)
    case = _lock(case)
    if case.state not in OPEN_STATES:
        raise Conflict(f"办件{case.get_state_display()}，不能再办理", field="case")
    step = case.current_step
    assert step is not None
    done = done_at or now
    if done > now:
        raise DomainError("办理时间不能晚于现在", field="done_at")
    if done < case.received_at:
        raise DomainError(f"办理时间不能早于收件时间（{timezone.localtime(case.received_at):%Y-%m-%d %H:%M}）",
                          field="done_at")
    day = clock_mod.local_day(done)
    holds = held(actor, day)
    if not holds.may_do(case):
        if step.post_id is not None:
            post = Post.objects.get(pk=step.post_id)
            raise NotAllowed(f"「{step.name}」须由{post.name}办理，您当日不在该岗位", field="actor")
        raise NotAllowed(f"您当日不在{case.unit.name}任职，不能办理本件", field="actor")
    text = _text(opinion, "opinion", "办理意见", required=False)
    charged = _fee(fee)
    way = _choose(case, (outcome or "").strip())
    target = way.target
    if target.kind in (StepKind.NOT_ACCEPTED, StepKind.DENIED) and not text:
        raise DomainError("不予受理或不予许可须写明理由", field="opinion")
    before = _state(case)
    writes = Writes()  # sent with the event: what this action writes reads nothing it writes
    writes.add(*_STEP_INSERT.statement([{
        "case_id": case.pk, "step_id": step.pk, "started_at": case.step_started_at or done, "due": case.step_due,
        "done_at": done, "entered_at": now, "done_by_id": actor.pk, "official_id": holds.official,
        "outcome": way.outcome, "opinion": text, "fee": charged}]))
    if step.clock_stops:
        ClockStop.objects.filter(case=case, restarted_on=None).update(restarted_on=day)
        _tell(case, NoticeKind.CLOCK_RESTARTED, f"「{step.name}」已结束，自{day:%Y年%m月%d日}起恢复计时。", clock, writes)
    if step.kind == StepKind.ACCEPT and target.kind not in (StepKind.CORRECTION, StepKind.NOT_ACCEPTED) \
            and case.accepted_on is None:
        case.accepted_on = day
        _tell(case, NoticeKind.ACCEPTED, f"您的申请已于{day:%Y年%m月%d日}受理。", clock, writes)
    case.current_step, case.step_started_at = target, done
    if target.kind in ENDS:
        case.state, case.ended_at = ENDS[target.kind], done
        ending = f"办理结果：{way.outcome or target.name}。" + (f"理由：{text}。{REMEDIES}" if target.kind != StepKind.DELIVER else "")
        _tell(case, NoticeKind.ENDED, ending, clock, writes)
    elif target.clock_stops:
        ClockStop.objects.create(case=case, step=target, legal_ground=target.legal_ground, stopped_on=day)
        case.state = CaseState.STOPPED
        _tell(case, NoticeKind.CLOCK_STOPPED, f"自{day:%Y年%m月%d日}起进入「{target.name}」，依据{target.legal_ground}，"
              "该期间不计入办理时限。", clock, writes)
    else:
        case.state = CaseState.OPEN
    _refresh_deadlines(case, stop_closed=step.clock_stops)
    _save(case, writes)
    record_event(actor=actor, action="cases.case.step", obj=case, before=before,
                 after={"done": step.key, "outcome": way.outcome, "done_at": done, **_state(case)}, note=text,
                 clock=clock, published=_published(case, "step", {
                     "step": step.key, "step_name": step.name, "outcome": way.outcome, "at": done,
                     "next": target.key}, now, clock), writes=writes)
    return case


@transaction.atomic
def case_extend(*, case: Case, days: int, reason: str, approver: Any, clock: Clock | None = None) -> Case:
    """延期: only with the approval of the unit's head (an official in one of its principal posts that day),
    once, with a reason the applicant is told."""
    now = clock_mod.now(clock)
    case = _lock(case)
    if case.state not in OPEN_STATES:
        raise Conflict(f"办件{case.get_state_display()}，不能延期", field="case")
    if case.accepted_on is None:
        raise Conflict("尚未受理的办件不能延期", field="case")
    if case.extension_days:
        raise Conflict(f"本件已延期{case.extension_days}天，不能再次延期", field="days")
    if not isinstance(days, int) or not 1 <= days <= MAX_EXTENSION:
        raise DomainError(f"延长天数应为1至{MAX_EXTENSION}", field="days")
    text = _text(reason, "reason", "延期理由")
    if case.unit_id not in held(approver, clock_mod.local_day(now)).heads:
        raise NotAllowed(f"延期须经{case.unit.name}负责人批准", field="approver")
    before = _state(case)
    case.extension_days = days
    _refresh_deadlines(case)
    writes = Writes()
    _save(case, writes)
    unit = "个工作日" if case.limit_unit == "working" else "日"
    until = case.due or case.statutory_due
    _tell(case, NoticeKind.EXTENDED, f"经本单位负责人批准，办理期限延长{days}{unit}"
          + (f"，至{until:%Y年%m月%d日}" if until else "") + f"。理由：{text}", clock, writes)
    record_event(actor=approver, action="cases.case.extend", obj=case, before=before, after=_state(case),
                 note=text, clock=clock, published=_published(case, "extend", {"days": days, "at": now}, now, clock),
                 writes=writes)
    return case


@transaction.atomic
def case_withdraw(*, case: Case, reason: str, actor: Any = None, clock: Clock | None = None) -> Case:
    """The applicant takes the application back: on the portal (no actor: the caller has checked the
    receipt number and password), or asking at the counter (the actor is staff of the case's unit)."""
    if actor is not None:
        locked = _lock(case)
        if locked.unit_id not in held(actor, clock_mod.today(clock)).units:
            raise NotAllowed(f"您不在{locked.unit.name}任职，不能为申请人撤回本件", field="actor")
    return _close(case, CaseState.WITHDRAWN, _text(reason, "reason", "撤回理由", required=False) or "申请人撤回申请",
                  "cases.case.withdraw", actor, clock)


@transaction.atomic
def case_void(*, case: Case, reason: str, actor: Any, clock: Clock | None = None) -> Case:
    """作废: a case entered by mistake (a duplicate, the wrong item), voided by its unit's staff with a reason.
    Voiding a case past its limit is allowed and is what e-supervision looks at."""
    text = _text(reason, "reason", "作废理由")
    locked = _lock(case)
    if locked.unit_id not in held(actor, clock_mod.today(clock)).units:
        raise NotAllowed(f"您不在{locked.unit.name}任职，不能作废其办件", field="actor")
    return _close(locked, CaseState.VOIDED, text, "cases.case.void", actor, clock)


def _close(case: Case, state: str, reason: str, action: str, actor: Any, clock: Clock | None) -> Case:
    now = clock_mod.now(clock)
    case = _lock(case)
    if case.state not in OPEN_STATES:
        raise Conflict(f"办件{case.get_state_display()}，不能再{'撤回' if state == CaseState.WITHDRAWN else '作废'}",
                       field="case")
    before = _state(case)
    closed = ClockStop.objects.filter(case=case, restarted_on=None).update(restarted_on=clock_mod.local_day(now))
    case.state, case.ended_at = state, now
    _refresh_deadlines(case, stop_closed=bool(closed))
    writes = Writes()
    _save(case, writes)
    _tell(case, NoticeKind.ENDED, f"办件{case.get_state_display()}。{reason}", clock, writes)
    record_event(actor=actor, action=action, obj=case, before=before, after=_state(case), note=reason, clock=clock,
                 published=_published(case, state, {"at": now}, now, clock), writes=writes)
    return case



# ------------------------------------------------------------------------------------------- calendar

@transaction.atomic
def recompute_deadlines(*, jurisdiction: str, days: list[dt.date], actor: Any = None,
                        clock: Clock | None = None) -> int:
    """When the calendar of `jurisdiction` changes on `days` (a notice entered, a local day off), every open
    case counting on it (or on a jurisdiction under it) whose deadlines lie on or after the first changed
    day is recomputed, and so is every open follow-up of a bad rating on such a calendar; each case or rating
    whose deadlines moved, or became confirmed, gets one event. Returns how many moved."""
    if not days:
        return 0
    first = min(days)
    candidates = (Case.objects.filter(state__in=OPEN_STATES)
                  .filter(Q(calendar=jurisdiction) | Q(calendar__startswith=f"{jurisdiction}-"))
                  .filter(Q(step_due__gte=first) | Q(due__gte=first) | Q(statutory_due__gte=first))
                  .values_list("pk", flat=True))
    moved = 0
    for pk in candidates.iterator():
        case = _lock(Case(pk=pk))
        before = _state(case) | {"confirmed": case.due_confirmed}
        _refresh_deadlines(case)
        after = _state(case) | {"confirmed": case.due_confirmed}
        if after == before:
            continue
        writes = Writes()
        _save(case, writes)
        record_event(actor=actor, action="cases.case.deadline", obj=case, before=before, after=after,
                     note=f"节假日安排变更（{jurisdiction}），期限重新计算", clock=clock, writes=writes)
        moved += 1
    follow_ups = (Rating.objects.filter(followed_up_at__isnull=True, follow_up_due__gte=first)
                  .filter(Q(case__calendar=jurisdiction) | Q(case__calendar__startswith=f"{jurisdiction}-"))
                  .values_list("pk", flat=True))
    for pk in follow_ups.iterator():
        rating = Rating.objects.select_for_update().select_related("case__unit").get(pk=pk)
        before = {"follow_up_due": rating.follow_up_due, "confirmed": rating.follow_up_confirmed}
        _follow_up_due(rating, rating.case.calendar)
        after = {"follow_up_due": rating.follow_up_due, "confirmed": rating.follow_up_confirmed}
        if after == before:
            continue
        rating.save(update_fields=["follow_up_due", "follow_up_confirmed"])
        _watch_rating(rating, rating.case)
        record_event(actor=actor, action="cases.rating.deadline", obj=rating, before=before, after=after,
                     note=f"节假日安排变更（{jurisdiction}），整改期限重新计算", clock=clock)
        moved += 1
    return moved


def on_calendar_changed(sender: Any, *, jurisdiction: str, days: list[dt.date], actor: Any = None,
                        **kwargs: Any) -> None:
    recompute_deadlines(jurisdiction=jurisdiction, days=days, actor=actor)


# ------------------------------------------------------------------------------------------- ratings

FOLLOW_UP_DAYS = 15  # working days to fix what a bad rating names (LAW.md, Service ratings)
RATABLE = frozenset({CaseState.APPROVED, CaseState.REFUSED, CaseState.NOT_ACCEPTED})


@transaction.atomic
def rating_submit(*, case: Case, level: str, comment: str = "", clock: Clock | None = None) -> Rating:
    """The applicant rates an ended case, once. Nothing is assumed when they say nothing. A bad rating opens a
    follow-up due in FOLLOW_UP_DAYS working days on the case's calendar, watched by e-supervision."""
    case = _lock(case)
    if case.state not in RATABLE:
        raise Conflict("办件办结后才能评价", field="case")
    if Rating.objects.filter(case=case).exists():
        raise Conflict("本件已评价，每件只能评价一次", field="case")
    if level not in RatingLevel.values:
        raise DomainError("请选择评价等级", field="level")
    text = _text(comment, "comment", "评价内容", required=False, limit=500)
    now = clock_mod.now(clock)
    rating = Rating(case=case, level=level, comment=text, rated_at=now)
    if rating.is_bad:
        _follow_up_due(rating, case.calendar)
    rating.save()
    _watch_rating(rating, case)
    record_event(actor=None, action="cases.rating.submit", obj=rating,
                 after={"case": case.pk, "level": level, "follow_up_due": rating.follow_up_due}, clock=clock,
                 published=_published(case, "rating", {"level": level, "at": now}, now, clock))
    return rating


def _follow_up_due(rating: Rating, calendar: str) -> None:
    """FOLLOW_UP_DAYS working days after the day of the rating, on the case's calendar; unconfirmed when that
    crosses a year whose holidays are not known yet."""
    due = official_calendar.calendar_for(calendar).add_working_days(timezone.localdate(rating.rated_at),
                                                                    FOLLOW_UP_DAYS)
    rating.follow_up_due, rating.follow_up_confirmed = due.day, due.confirmed


def _watch_rating(rating: Rating, case: Case) -> None:
    open_follow_up = rating.follow_up_due if rating.is_bad and rating.followed_up_at is None else None
    watch(rating, {"rating.follow_up": (open_follow_up, f"办件{case.receipt}差评整改回访")}, unit_code=case.unit.code,
          calendar=case.calendar)


@transaction.atomic
def rating_follow_up(*, rating: Rating, note: str, applicant_answer: str, actor: Any,
                     clock: Clock | None = None) -> Rating:
    """Close a bad rating's follow-up: what was fixed, and what the applicant said when called back. By the
    case's unit's staff."""
    rating = Rating.objects.select_for_update().select_related("case__unit").get(pk=rating.pk)
    case = rating.case
    if not rating.is_bad:
        raise Conflict("只有差评需要整改回访", field="rating")
    if rating.followed_up_at is not None:
        raise Conflict("已回访", field="rating")
    if case.unit_id not in held(actor, clock_mod.today(clock)).units:
        raise NotAllowed(f"您不在{case.unit.name}任职，不能回访本件", field="actor")
    rating.follow_up_note = _text(note, "note", "整改及回访情况")
    rating.applicant_answer = _text(applicant_answer, "applicant_answer", "申请人回访意见", limit=200)
    rating.followed_up_at, rating.followed_up_by = clock_mod.now(clock), actor
    rating.save(update_fields=["follow_up_note", "applicant_answer", "followed_up_at", "followed_up_by"])
    _watch_rating(rating, case)
    record_event(actor=actor, action="cases.rating.follow_up", obj=rating,
                 after={"applicant_answer": rating.applicant_answer}, note=rating.follow_up_note, clock=clock)
    return rating


@transaction.atomic
def rating_comment_review(*, rating: Rating, publish: bool, actor: Any, clock: Clock | None = None) -> Rating:
    """A reviewer of the unit decides whether a rating's comment is shown to the public (the level always is)."""
    rating = Rating.objects.select_for_update().select_related("case__unit").get(pk=rating.pk)
    require_review(actor, rating.case.unit)
    if not rating.comment:
        raise Conflict("该评价没有文字内容", field="rating")
    before = {"comment_public": rating.comment_public}
    rating.comment_public = bool(publish)
    rating.save(update_fields=["comment_public"])
    record_event(actor=actor, action="cases.rating.review", obj=rating, before=before,
                 after={"comment_public": rating.comment_public}, clock=clock)
    return rating
