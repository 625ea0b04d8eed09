"""A meeting's writes: bodies and members, the meeting, its agenda of ready matters, attendance, withdrawals
(回避), statements in order with the principal last (末位表态), votes (票决), conclusions, and the minutes
signed by each attendee. Each is one transaction with one event; a refused statement of the principal is
itself recorded."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.db import transaction
from django.db.models import Max

from sunlit.core import clock as clock_mod
from sunlit.core.clock import Clock
from sunlit.core.errors import Conflict, DomainError, NotAllowed
from sunlit.core.visibility import Audience, Exemption
from sunlit.decisions import selectors
from sunlit.decisions.minutes import minutes_text
from sunlit.decisions.models import (
    AgendaItem,
    Attendance,
    Body,
    BodyKind,
    BodyMember,
    Matter,
    MatterStatus,
    Meeting,
    MeetingState,
    Minutes,
    MinutesSignature,
    Position,
    Statement,
    StatementRefusal,
    Vote,
    Withdrawal,
)
from sunlit.decisions.permissions import require_secretary
from sunlit.decisions.rules import against_majority, quorum_met, quorum_text
from sunlit.decisions.services.matters import text
from sunlit.org.models import Official, Unit
from sunlit.record.events import record_event


class NotReady(DomainError):
    """A matter that may not be put on an agenda: a required stage is missing, or its legality review failed."""


class BelowQuorum(DomainError):
    """Too few members present and not withdrawn to discuss the matter."""


class MemberWithdrawn(DomainError):
    """A member who withdrew (回避) from a matter tried to state or vote on it."""


class SpeaksLast(DomainError):
    """末位表态: the principal (or the member presiding in the principal's place) tried to speak before every
    other member present had. The refusal is recorded (StatementRefusal)."""


class MinutesSigned(DomainError):
    """Signed minutes cannot change; a correction is new minutes."""


# ------------------------------------------------------------------------------------------- bodies


@transaction.atomic
def body_create(*, unit: Unit, kind: str, name: str, actor: Any, clock: Clock | None = None) -> Body:
    require_secretary(actor, unit)
    if kind not in BodyKind.values:
        raise DomainError("请选择决策机构类型：党委会、政府常务会议或局长办公会议", field="kind")
    name = text(name, "name", "决策机构名称", limit=100)
    if Body.objects.filter(unit=unit, name=name).exists():
        raise Conflict(f"{unit.name}已有决策机构「{name}」", field="name")
    body = Body.objects.create(unit=unit, kind=kind, name=name)
    record_event(actor=actor, action="decisions.body.create", obj=body, clock=clock,
                 after={"unit": unit.code, "kind": kind, "name": name})
    return body


@transaction.atomic
def body_member_add(
    *, body: Body, official: Official, actor: Any, principal: bool = False, clock: Clock | None = None,
) -> BodyMember:
    """Add an official to a body. Members sign minutes with their own login, so the official needs one."""
    body = Body.objects.select_for_update().select_related("unit").get(pk=body.pk)
    require_secretary(actor, body.unit)
    if official.user_id is None:
        raise DomainError(f"{official.name}没有登录账号，无法在纪要上签字；请先为其开通账号", field="official")
    if BodyMember.objects.filter(body=body, official=official).exists():
        raise Conflict(f"{official.name}已是{body.name}成员", field="official")
    if principal and BodyMember.objects.filter(body=body, is_principal=True, active=True).exists():
        raise Conflict(f"{body.name}已有主要负责人", field="principal")
    position = (BodyMember.objects.filter(body=body).aggregate(n=Max("position"))["n"] or 0) + 1
    member = BodyMember.objects.create(body=body, official=official, is_principal=principal, position=position)
    record_event(actor=actor, action="decisions.body.member_add", obj=body, clock=clock,
                 after={"member": member.pk, "official": official.pk, "principal": principal})
    return member


# ------------------------------------------------------------------------------------------- meetings


def _lock_meeting(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("body__unit").get(pk=meeting.pk)


def _open(meeting: Meeting) -> None:
    if meeting.state != MeetingState.PLANNED:
        raise Conflict(f"「{meeting.title}」已闭会，会议记录不能再变更", field="meeting")


def _running(meeting: Meeting, actor: Any) -> Meeting:
    """The meeting locked, its record still open, for its body's secretary."""
    meeting = _lock_meeting(meeting)
    require_secretary(actor, meeting.body.unit)
    _open(meeting)
    return meeting


@transaction.atomic
def meeting_create(
    *, body: Body, title: str, starts_at: dt.datetime, actor: Any, place: str = "",
    audience: str = Audience.PUBLIC, exemption: str = Exemption.NONE, clock: Clock | None = None,
) -> Meeting:
    require_secretary(actor, body.unit)
    if audience not in Audience.values or exemption not in Exemption.values:
        raise DomainError("公开范围或豁免情形无法识别", field="audience")
    meeting = Meeting.objects.create(body=body, title=text(title, "title", "会议名称", limit=200), starts_at=starts_at,
                                     place=text(place, "place", "地点", required=False, limit=200), audience=audience,
                                     exemption=exemption, created_by=actor, created_at=clock_mod.now(clock))
    record_event(actor=actor, action="decisions.meeting.create", obj=meeting, clock=clock,
                 after={"body": body.pk, "title": meeting.title, "starts_at": starts_at})
    return meeting


@transaction.atomic
def agenda_add(*, meeting: Meeting, matter: Matter, actor: Any, clock: Clock | None = None) -> AgendaItem:
    """Put a ready matter on the agenda (列入议程). Refused, naming what is missing, for a matter lacking a
    required stage or whose legality review failed."""
    meeting = _running(meeting, actor)
    matter = Matter.objects.select_for_update().select_related("unit").get(pk=matter.pk)
    if not matter.unit.path.startswith(meeting.body.unit.path):
        raise DomainError(f"「{matter.title}」不属于{meeting.body.unit.name}，不能列入{meeting.body.name}议程", field="matter")
    if matter.status != MatterStatus.PREPARING:
        raise Conflict(f"「{matter.title}」{matter.get_status_display()}", field="matter")
    missing = selectors.missing_stages(matter, clock_mod.today(clock))
    if missing:
        raise NotReady(f"「{matter.title}」不能列入议程，尚缺：{'；'.join(missing)}", field="matter")
    position = (AgendaItem.objects.filter(meeting=meeting).aggregate(n=Max("position"))["n"] or 0) + 1
    item = AgendaItem.objects.create(meeting=meeting, matter=matter, position=position)
    matter.status = MatterStatus.SCHEDULED
    matter.save(update_fields=["status"])
    record_event(actor=actor, action="decisions.agenda.add", obj=meeting, clock=clock,
                 after={"item": item.pk, "matter": matter.pk, "position": position})
    return item


def _member_of(meeting: Meeting, member: BodyMember) -> BodyMember:
    if member.body_id != meeting.body_id or not member.active:
        raise DomainError(f"{member}不是{meeting.body.name}成员", field="member")
    return member


@transaction.atomic
def attendance_record(
    *, meeting: Meeting, member: BodyMember, present: bool, actor: Any, note: str = "", clock: Clock | None = None,
) -> Attendance:
    """Record whether a member attended (出席), or why not (缺席原因). Fixed once statements have begun."""
    meeting = _running(meeting, actor)
    _member_of(meeting, member)
    if Statement.objects.filter(item__meeting=meeting).exists():
        raise Conflict("会议已开始表态，出席情况不能再更改", field="member")
    reason = text(note, "note", "缺席原因", required=not present, limit=200)
    before = Attendance.objects.filter(meeting=meeting, member=member).first()
    attendance, _ = Attendance.objects.update_or_create(
        meeting=meeting, member=member,
        defaults={"present": bool(present), "note": "" if present else reason, "recorded_at": clock_mod.now(clock)})
    record_event(actor=actor, action="decisions.meeting.attendance", obj=meeting, clock=clock,
                 before=None if before is None else {"member": member.pk, "present": before.present},
                 after={"member": member.pk, "present": attendance.present, "note": attendance.note})
    return attendance


@transaction.atomic
def presider_name(*, meeting: Meeting, member: BodyMember, actor: Any, clock: Clock | None = None) -> Meeting:
    """Name the member presiding in the principal's place (代为主持) when the principal is absent or withdrawn:
    that member then speaks last."""
    meeting = _running(meeting, actor)
    _member_of(meeting, member)
    if member.is_principal:
        raise DomainError("主要负责人本人主持，无需指定", field="member")
    if not Attendance.objects.filter(meeting=meeting, member=member, present=True).exists():
        raise DomainError(f"{member}未出席，不能主持会议", field="member")
    before = meeting.acting_presider_id
    meeting.acting_presider = member
    meeting.save(update_fields=["acting_presider"])
    record_event(actor=actor, action="decisions.meeting.presider", obj=meeting, clock=clock,
                 before={"acting_presider": before}, after={"acting_presider": member.pk})
    return meeting


def _lock_item(item: AgendaItem, actor: Any) -> AgendaItem:
    """The agenda matter locked, undecided, its meeting open, for its body's secretary."""
    locked = AgendaItem.objects.select_for_update(of=("self",)).select_related(
        "meeting__body__unit", "meeting__acting_presider", "matter").get(pk=item.pk)
    require_secretary(actor, locked.meeting.body.unit)
    _open(locked.meeting)
    if locked.adopted is not None:
        raise Conflict(f"「{locked.matter.title}」已作出决定", field="item")
    return locked


@transaction.atomic
def withdrawal_declare(
    *, item: AgendaItem, member: BodyMember, reason: str, actor: Any, clock: Clock | None = None,
) -> Withdrawal:
    """A member related to the matter declares it and withdraws (回避) from its discussion and vote."""
    item = _lock_item(item, actor)
    _member_of(item.meeting, member)
    if Withdrawal.objects.filter(item=item, member=member).exists():
        raise Conflict(f"{member}已申请回避", field="member")
    if Statement.objects.filter(item=item, member=member).exists():
        raise Conflict(f"{member}已就该事项表态，不能再回避", field="member")
    withdrawal = Withdrawal.objects.create(item=item, member=member, reason=text(reason, "reason", "回避事由", limit=500),
                                           at=clock_mod.now(clock))
    record_event(actor=actor, action="decisions.agenda.withdraw", obj=item, clock=clock,
                 after={"member": member.pk, "reason": withdrawal.reason})
    return withdrawal


def _may_take_part(item: AgendaItem, member: BodyMember, current: selectors.Roll, doing: str) -> None:
    """The checks a statement and a vote share: a member, present, not withdrawn, and a quorum."""
    _member_of(item.meeting, member)
    if member.pk in current.withdrawn:
        raise MemberWithdrawn(f"{member}已回避「{item.matter.title}」，不能{doing}", field="member")
    if member.pk not in current.present:
        raise DomainError(f"{member}未出席，不能{doing}", field="member")
    members = len(current.members)
    if not quorum_met(counted=len(current.counted), members=members, appointment=current.appointment):
        raise BelowQuorum(
            f"到会且未回避的成员{len(current.counted)}人，未达{members}名成员的{quorum_text(current.appointment)}，"
            f"「{item.matter.title}」不能讨论", field="item")


def statement_make(
    *, item: AgendaItem, member: BodyMember, position: str, actor: Any, reasons: str = "",
    clock: Clock | None = None,
) -> Statement:
    """A member states a position (表态: 同意, 不同意 with reasons, 弃权), in order; the principal — or the
    member presiding in the principal's place — only after every other member present and not withdrawn.
    An early attempt of the principal is refused, and the refusal recorded in the meeting's record."""
    try:
        return _statement_make(item=item, member=member, position=position, actor=actor, reasons=reasons,
                               clock=clock)
    except SpeaksLast as refused:
        _statement_refusal_record(item=item, member=member, reason=refused.message, actor=actor, clock=clock)
        raise


@transaction.atomic
def _statement_make(
    *, item: AgendaItem, member: BodyMember, position: str, actor: Any, reasons: str, clock: Clock | None,
) -> Statement:
    item = _lock_item(item, actor)
    current = selectors.roll(item)
    _may_take_part(item, member, current, "表态")
    if position not in Position.values:
        raise DomainError("请选择表态：同意、不同意或弃权", field="position")
    reasons = text(reasons, "reasons", "不同意的理由", required=position == Position.DISAGREE, limit=5000)
    done = selectors.stated(item)
    if member.pk in done:
        raise Conflict(f"{member}已就该事项表态", field="member")
    last = selectors.last_speaker(item, current)
    if last is None:
        raise DomainError("主要负责人缺席或回避，请先指定代为主持会议的成员（由其末位表态）", field="acting_presider")
    if member.pk == last.pk:
        waiting = [m for m in current.members if m.pk in current.counted and m.pk != last.pk and m.pk not in done]
        if waiting:
            raise SpeaksLast(f"末位表态：{last}须在其他成员表态后发言，尚未表态：{'、'.join(str(m) for m in waiting)}",
                             field="member")
    statement = Statement.objects.create(item=item, member=member, sequence=len(done) + 1, position=position,
                                         reasons=reasons, at=clock_mod.now(clock), entered_by=actor)
    record_event(actor=actor, action="decisions.statement.make", obj=item, clock=clock, after={
        "member": member.pk, "official": member.official_id, "sequence": statement.sequence, "position": position,
        "reasons": reasons})
    return statement


@transaction.atomic
def _statement_refusal_record(
    *, item: AgendaItem, member: BodyMember, reason: str, actor: Any, clock: Clock | None,
) -> StatementRefusal:
    refusal = StatementRefusal.objects.create(item=item, member=member, reason=reason, at=clock_mod.now(clock),
                                              entered_by=actor)
    record_event(actor=actor, action="decisions.statement.refuse", obj=item, clock=clock,
                 after={"member": member.pk, "reason": reason})
    return refusal


def _statements_complete(item: AgendaItem, current: selectors.Roll) -> dict[int, Statement]:
    done = selectors.stated(item)
    waiting = [m for m in current.members if m.pk in current.counted and m.pk not in done]
    if waiting:
        raise Conflict(f"尚未表态：{'、'.join(str(m) for m in waiting)}", field="item")
    return done


@transaction.atomic
def vote_cast(*, item: AgendaItem, member: BodyMember, choice: str, actor: Any, clock: Clock | None = None) -> Vote:
    """A member's vote (票决) on a matter whose kind requires one, after every statement."""
    item = _lock_item(item, actor)
    if not item.matter.vote_required:
        raise DomainError(f"{item.matter.get_kind_display()}无需票决", field="item")
    current = selectors.roll(item)
    _may_take_part(item, member, current, "投票")
    if choice not in Position.values:
        raise DomainError("请选择：赞成（同意）、反对（不同意）或弃权", field="choice")
    _statements_complete(item, current)
    if Vote.objects.filter(item=item, member=member).exists():
        raise Conflict(f"{member}已投票", field="member")
    vote = Vote.objects.create(item=item, member=member, choice=choice, at=clock_mod.now(clock))
    record_event(actor=actor, action="decisions.vote.cast", obj=item, clock=clock,
                 after={"member": member.pk, "official": member.official_id, "choice": choice})
    return vote


@transaction.atomic
def conclusion_record(
    *, item: AgendaItem, adopted: bool, decision: str, actor: Any, reasons: str = "", clock: Clock | None = None,
) -> AgendaItem:
    """The meeting's conclusion on a matter (决定). When it goes against the majority of those present the
    reasons must be entered; every dissenting position is recorded with it."""
    item = _lock_item(item, actor)
    current = selectors.roll(item)
    members = len(current.members)
    if not quorum_met(counted=len(current.counted), members=members, appointment=current.appointment):
        raise BelowQuorum(f"到会且未回避的成员未达{quorum_text(current.appointment)}，不能作出决定", field="item")
    statements = _statements_complete(item, current)
    positions = {m: s.position for m, s in statements.items()}
    if item.matter.vote_required:
        votes = selectors.voted(item)
        waiting = [m for m in current.members if m.pk in current.counted and m.pk not in votes]
        if waiting:
            raise Conflict(f"尚未投票：{'、'.join(str(m) for m in waiting)}", field="item")
        positions = {m: v.choice for m, v in votes.items()}
    agree = sum(1 for p in positions.values() if p == Position.AGREE)
    reasons = text(reasons, "reasons", "理由", required=False, limit=5000)
    if against_majority(adopted=bool(adopted), agree=agree, present=len(current.counted)) and not reasons:
        raise DomainError(f"到会{len(current.counted)}人中{agree}人同意，结论与多数意见不一致，须说明理由", field="reasons")
    names = {m.pk: str(m) for m in current.members}
    item.dissent = [
        {"member": member_id, "name": names.get(member_id, ""), "statement": s.position, "reasons": s.reasons,
         "vote": positions.get(member_id) if item.matter.vote_required else None}
        for member_id, s in statements.items()
        if s.position == Position.DISAGREE or positions.get(member_id) == Position.DISAGREE]
    item.adopted = bool(adopted)
    item.conclusion = text(decision, "decision", "决定内容")
    item.reasons = reasons
    item.concluded_at = clock_mod.now(clock)
    item.save(update_fields=["adopted", "conclusion", "reasons", "dissent", "concluded_at"])
    item.matter.status = MatterStatus.DECIDED
    item.matter.save(update_fields=["status"])
    record_event(actor=actor, action="decisions.agenda.conclude", obj=item, clock=clock, after={
        "adopted": item.adopted, "decision": item.conclusion, "agree": agree, "counted": len(current.counted),
        "reasons": reasons, "dissent": item.dissent})
    return item


# ------------------------------------------------------------------------------------------- minutes


def sha256_text(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


@transaction.atomic
def minutes_generate(*, meeting: Meeting, actor: Any, clock: Clock | None = None) -> Minutes:
    """Generate the minutes (会议纪要) from the meeting's record once every agenda matter is concluded; the
    meeting closes and its record stays as it is."""
    meeting = _running(meeting, actor)
    open_items = [i.matter.title for i in meeting.agenda.select_related("matter") if i.adopted is None]
    if open_items:
        raise Conflict(f"尚未作出决定：{'、'.join(open_items)}", field="meeting")
    if not meeting.agenda.exists():
        raise Conflict("会议没有议程", field="meeting")
    minutes = Minutes.objects.create(meeting=meeting, text=minutes_text(meeting), created_by=actor,
                                     created_at=clock_mod.now(clock))
    meeting.state = MeetingState.CLOSED
    meeting.save(update_fields=["state"])
    record_event(actor=actor, action="decisions.minutes.generate", obj=meeting, clock=clock,
                 after={"minutes": minutes.pk, "sha256": sha256_text(minutes.text)})
    return minutes


def _lock_minutes(minutes: Minutes) -> Minutes:
    return Minutes.objects.select_for_update().select_related("meeting__body__unit").get(pk=minutes.pk)


@transaction.atomic
def minutes_edit(*, minutes: Minutes, text_: str, actor: Any, clock: Clock | None = None) -> Minutes:
    """Edit the minutes' wording before anyone has signed them; signed minutes are refused (a correction is
    new minutes: minutes_correct)."""
    minutes = _lock_minutes(minutes)
    require_secretary(actor, minutes.meeting.body.unit)
    if minutes.signatures.exists():
        raise MinutesSigned("纪要已有成员签字，不能修改；如需更正，请生成更正纪要", field="text")
    before = sha256_text(minutes.text)
    minutes.text = text(text_, "text", "纪要", limit=200000)
    minutes.save(update_fields=["text"])
    record_event(actor=actor, action="decisions.minutes.edit", obj=minutes, clock=clock,
                 before={"sha256": before}, after={"sha256": sha256_text(minutes.text)})
    return minutes


@transaction.atomic
def minutes_correct(
    *, minutes: Minutes, text_: str, reason: str, actor: Any, clock: Clock | None = None,
) -> Minutes:
    """A correction of signed minutes (更正): new minutes linked to the old, signed again; the old stay."""
    minutes = _lock_minutes(minutes)
    require_secretary(actor, minutes.meeting.body.unit)
    if minutes.corrections.exists():
        raise Conflict("该纪要已有更正，请在最新纪要上更正", field="minutes")
    correction = Minutes.objects.create(meeting=minutes.meeting, text=text(text_, "text", "纪要", limit=200000),
                                        corrects=minutes, reason=text(reason, "reason", "更正理由", limit=2000),
                                        created_by=actor, created_at=clock_mod.now(clock))
    Meeting.objects.filter(pk=minutes.meeting_id).update(state=MeetingState.CLOSED)
    record_event(actor=actor, action="decisions.minutes.correct", obj=correction, clock=clock,
                 after={"corrects": minutes.pk, "reason": correction.reason, "sha256": sha256_text(correction.text)})
    return correction


@transaction.atomic
def minutes_sign(*, minutes: Minutes, user: Any, clock: Clock | None = None) -> MinutesSignature:
    """An attendee signs the minutes with their own login; when every attendee has, the meeting's minutes
    are signed."""
    minutes = _lock_minutes(minutes)
    meeting = minutes.meeting
    member = BodyMember.objects.filter(body_id=meeting.body_id, official__user=user).first() if user else None
    if member is None or not Attendance.objects.filter(meeting=meeting, member=member, present=True).exists():
        raise NotAllowed("只有出席会议的成员本人可以签字", field="user")
    if minutes.corrections.exists():
        raise Conflict("该纪要已被更正，请在更正后的纪要上签字", field="minutes")
    if minutes.signatures.filter(member=member).exists():
        raise Conflict(f"{member}已签字", field="user")
    signature = MinutesSignature.objects.create(minutes=minutes, member=member, user=user,
                                                text_sha256=sha256_text(minutes.text), at=clock_mod.now(clock))
    attendees = Attendance.objects.filter(meeting=meeting, present=True).count()
    if minutes.signatures.count() >= attendees:
        Meeting.objects.filter(pk=meeting.pk).update(state=MeetingState.SIGNED)
    record_event(actor=user, action="decisions.minutes.sign", obj=minutes, clock=clock,
                 after={"member": member.pk, "sha256": signature.text_sha256})
    return signature
