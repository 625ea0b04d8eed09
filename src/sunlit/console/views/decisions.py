"""三重一大 pages for the meeting secretary (会议秘书), made for a tablet at the meeting: the meetings of the
bodies they serve, and one meeting run from a single page: attendance, the observers' draw, each agenda
matter's withdrawals, statements in order (the principal's button stays disabled until every other member
present has spoken), votes and conclusion, then the minutes each attendee signs with their own password.
Thin: parse, call decisions.selectors / decisions.services, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sunlit.console.views import printed
from sunlit.core import clock
from sunlit.core.errors import DomainError
from sunlit.core.visibility import Exemption
from sunlit.decisions import selectors, services
from sunlit.decisions.models import (
    AgendaItem,
    Attendance,
    BodyMember,
    MatterStatus,
    Meeting,
    MeetingState,
    Minutes,
    ObserverCategory,
    ObserverDraw,
    Position,
    Topic,
)
from sunlit.handbook import dossier


@login_required
def meetings(request: HttpRequest) -> HttpResponse:
    return render(request, "console/meetings.html", {"meetings": selectors.meetings_for(request.user),
                                                     "desk": selectors.desk(request.user)})


def _meeting(request: HttpRequest, meeting_id: int) -> Meeting:
    meeting = selectors.meeting_for(request.user, meeting_id)
    if meeting is None:
        raise Http404("会议不存在或您不是该会议的秘书")
    return meeting


@login_required
def meeting(request: HttpRequest, meeting_id: int) -> HttpResponse:
    found = _meeting(request, meeting_id)
    members = list(BodyMember.objects.filter(body=found.body, active=True).select_related("official"))
    attendance = {a.member_id: a for a in Attendance.objects.filter(meeting=found)}
    items = [selectors.item_board(i) for i in AgendaItem.objects.filter(meeting=found).select_related(
        "matter", "meeting__acting_presider__official", "publication").order_by("position")]
    minutes = Minutes.objects.filter(meeting=found, corrections__isnull=True).order_by("-pk").first()
    signed = set(minutes.signatures.values_list("member_id", flat=True)) if minutes else set()
    candidates = selectors.agenda_candidates(found, clock.today()) if found.state == MeetingState.PLANNED else []
    return render(request, "console/meeting.html", {
        "meeting": found, "seats": [(m, attendance.get(m.pk)) for m in members], "items": items,
        "attendance_open": not any(row.statement for board in items for row in board.rows),
        "draw": ObserverDraw.objects.filter(meeting=found).first(), "topics": Topic.choices,
        "categories": ObserverCategory.choices, "positions": Position.choices, "minutes": minutes,
        "exemptions": Exemption.choices, "signed": found.state == MeetingState.SIGNED,
        "signers": [(m, m.pk in signed) for m in members if m.pk in attendance and attendance[m.pk].present],
        "ready": [m for m, missing in candidates if not missing], "waiting": [row for row in candidates if row[1]],
        "desk": selectors.desk(request.user),
    })


def _member(meeting: Meeting, raw: str) -> BodyMember:
    member = BodyMember.objects.filter(body=meeting.body, pk=int(raw) if raw.isdigit() else 0).first()
    if member is None:
        raise DomainError("请选择成员", field="member")
    return member


def _item(meeting: Meeting, raw: str) -> AgendaItem:
    item = AgendaItem.objects.filter(meeting=meeting, pk=int(raw) if raw.isdigit() else 0).first()
    if item is None:
        raise DomainError("请选择议题", field="item")
    return item


def _agenda(request: HttpRequest, meeting: Meeting) -> str:
    """列入议程: a matter of the body's unit or a unit below it; agenda_add refuses one not ready, naming what
    it lacks."""
    raw = request.POST.get("matter", "")
    matter = selectors.agenda_matters(meeting).filter(pk=int(raw) if raw.isdigit() else 0).first()
    if matter is None:
        raise DomainError("请选择要列入议程的事项", field="matter")
    item = services.agenda_add(meeting=meeting, matter=matter, actor=request.user)
    return f"「{matter.title}」已列入议程第{item.position}项"


def _attendance(request: HttpRequest, meeting: Meeting) -> str:
    member = _member(meeting, request.POST.get("member", ""))
    present = request.POST.get("present") == "1"
    services.attendance_record(meeting=meeting, member=member, present=present, note=request.POST.get("note", ""),
                               actor=request.user)
    return f"已记录{member}{'出席' if present else '缺席'}"


def _presider(request: HttpRequest, meeting: Meeting) -> str:
    member = _member(meeting, request.POST.get("member", ""))
    services.presider_name(meeting=meeting, member=member, actor=request.user)
    return f"{member}代为主持会议"


def _withdraw(request: HttpRequest, meeting: Meeting) -> str:
    member = _member(meeting, request.POST.get("member", ""))
    services.withdrawal_declare(item=_item(meeting, request.POST.get("item", "")), member=member,
                                reason=request.POST.get("reason", ""), actor=request.user)
    return f"{member}已回避"


def _state(request: HttpRequest, meeting: Meeting) -> str:
    member = _member(meeting, request.POST.get("member", ""))
    statement = services.statement_make(item=_item(meeting, request.POST.get("item", "")), member=member,
                                        position=request.POST.get("position", ""),
                                        reasons=request.POST.get("reasons", ""), actor=request.user)
    return f"第{statement.sequence}位：{member}{statement.get_position_display()}"


def _vote(request: HttpRequest, meeting: Meeting) -> str:
    member = _member(meeting, request.POST.get("member", ""))
    services.vote_cast(item=_item(meeting, request.POST.get("item", "")), member=member,
                       choice=request.POST.get("choice", ""), actor=request.user)
    return f"已记录{member}的票决"


def _conclude(request: HttpRequest, meeting: Meeting) -> str:
    item = services.conclusion_record(item=_item(meeting, request.POST.get("item", "")),
                                      adopted=request.POST.get("adopted") == "1",
                                      decision=request.POST.get("decision", ""), reasons=request.POST.get("reasons", ""),
                                      actor=request.user)
    return f"「{item.matter.title}」已作出决定"


def _minutes(request: HttpRequest, meeting: Meeting) -> str:
    services.minutes_generate(meeting=meeting, actor=request.user)
    return "纪要已生成，请出席成员逐一签字"


def _sign(request: HttpRequest, meeting: Meeting) -> str:
    """An attendee signs on the secretary's tablet with their own password (checked as a login is, lockout
    included); the signature is theirs, never the secretary's."""
    member = _member(meeting, request.POST.get("member", ""))
    user = member.official.user
    signer = authenticate(request, username=user.username if user else "", password=request.POST.get("password", ""))
    if signer is None or user is None or signer.pk != user.pk:
        raise DomainError(f"{member}的密码不正确", field="password")
    minutes = Minutes.objects.filter(meeting=meeting, corrections__isnull=True).order_by("-pk").first()
    if minutes is None:
        raise DomainError("纪要尚未生成", field="minutes")
    services.minutes_sign(minutes=minutes, user=signer)
    return f"{member}已签字"


def _publish(request: HttpRequest, meeting: Meeting) -> str:
    publication = services.decision_publish(
        item=_item(meeting, request.POST.get("item", "")), body=request.POST.get("text", ""),
        exemption=request.POST.get("exemption", Exemption.NONE), exemption_reason=request.POST.get("exemption_reason", ""),
        actor=request.user)
    if publication.exemption == Exemption.NONE:
        return "决策结果已在门户公开"
    return f"已登记不予公开（{publication.get_exemption_display()}），供纪检监察复核"


def _draw_prepare(request: HttpRequest, meeting: Meeting) -> str:
    quotas = {code: request.POST.get(f"quota_{code}", "0").strip() or "0" for code in ObserverCategory.values}
    services.draw_prepare(meeting=meeting, topic=request.POST.get("topic", ""), quotas=quotas,
                          external_source=request.POST.get("external_source", ""), actor=request.user)
    return "抽取设置已保存"


def _draw_freeze(request: HttpRequest, meeting: Meeting) -> str:
    draw = services.draw_freeze(meeting=meeting, actor=request.user)
    return f"候选人员库已冻结（{len(draw.pool or [])}人）并记入日志"


def _draw_complete(request: HttpRequest, meeting: Meeting) -> str:
    draw = services.draw_complete(meeting=meeting, external_value=request.POST.get("external_value", ""),
                                  actor=request.user)
    return f"已抽取旁听人员：{'、'.join(draw.drawn)}"


ACTIONS: dict[str, Callable[[HttpRequest, Meeting], str]] = {
    "agenda": _agenda, "attendance": _attendance, "presider": _presider, "withdraw": _withdraw, "state": _state,
    "vote": _vote, "conclude": _conclude, "minutes": _minutes, "sign": _sign, "publish": _publish, "draw-prepare": _draw_prepare,
    "draw-freeze": _draw_freeze, "draw-complete": _draw_complete,
}


@login_required
@require_POST
def meeting_action(request: HttpRequest, meeting_id: int, action: str) -> Any:
    found = _meeting(request, meeting_id)
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404("没有这项操作")
    try:
        messages.success(request, handler(request, found))
    except DomainError as exc:
        messages.error(request, exc.message)
    anchor = request.POST.get("item", "")
    return redirect(f"/console/meetings/{found.pk}/" + (f"#item-{anchor}" if anchor.isdigit() else ""))


@login_required
def matters(request: HttpRequest) -> HttpResponse:
    """The major matters the viewer may read, each with what it still lacks and its dossier (决策全过程档案); for
    supervisors, the decisions not published for an exemption, with the reasons to review."""
    today = clock.today()
    rows = [(m, selectors.missing_stages(m, today) if m.status == MatterStatus.PREPARING else [])
            for m in selectors.readable_matters(request.user).order_by("-created_at", "-pk")[:200]]
    return render(request, "console/matters.html", {"rows": rows, "desk": selectors.desk(request.user),
                                                    "exemptions": selectors.exemptions_for(request.user)})


@login_required
def matter_dossier(request: HttpRequest, matter_id: int) -> FileResponse:
    matter = selectors.readable_matters(request.user).filter(pk=matter_id).first()
    if matter is None:
        raise Http404("事项不存在或您无权查看")
    return printed.pdf_response(dossier.dossier_pdf(matter), f"{matter.title}-决策全过程档案.pdf")
