"""网上运行 pages for staff (办件): the cases of the viewer's units, one case in full with the actions its
viewer may take, and counter entry (窗口受理) with its printed receipt (受理回执). Thin: parse, call
cases.selectors / cases.services, render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from sunlit.cases import materials as material_rules
from sunlit.cases import selectors, services
from sunlit.cases.models import Case, CaseState, CaseStep, Channel, RatingLevel
from sunlit.cases.receipt import mask_id_number
from sunlit.cases.selectors import CaseFile, CaseStateKind, Timing
from sunlit.core import clock, paging
from sunlit.core.errors import DomainError
from sunlit.org.selectors import posts_held

PAGE_SIZE = 20
STATE_FILTERS: list[tuple[str, str]] = [
    ("", "全部"), (CaseStateKind.ACTIVE, "在办（含暂停计时）"), (CaseState.OPEN, CaseState.OPEN.label),
    (CaseState.STOPPED, CaseState.STOPPED.label), (CaseStateKind.ENDED, "已结束（全部）"),
    *((s.value, s.label) for s in CaseState if s not in (CaseState.OPEN, CaseState.STOPPED)),
]
APPLICANT_FIELDS = ("applicant_name", "applicant_id_number", "applicant_contact", "subject")
SLIP = "cases_slip"  # the receipt and password of the case just entered, shown once on its slip


# ------------------------------------------------------------------------------------------- list

@dataclass(frozen=True)
class Row:
    case: Case
    id_number: str
    step_late: str  # "bad" past due, "warn" due today or tomorrow, "" otherwise
    due_late: str


def _lateness(due: dt.date | None, today: dt.date, running: bool) -> str:
    if due is None or not running:
        return ""
    if due < today:
        return "bad"
    return "warn" if due <= today + dt.timedelta(days=1) else ""


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    today = clock.today()
    state = request.GET.get("state", "")
    state = state if state in dict(STATE_FILTERS) else ""
    mine, overdue = request.GET.get("mine") == "1", request.GET.get("overdue") == "1"
    q = request.GET.get("q", "").strip()[:60]
    board = _board_filters(request)
    cases = selectors.staff_cases(viewer=request.user, day=today, state=state or None, mine=mine, overdue=overdue,
                                  q=q, unit=board.get("unit") or None, decided_in=_month(board.get("decided", "")),
                                  timing=board.get("timing") or None, rating=board.get("rating") or None)
    page = paging.paginate(cases, PAGE_SIZE, request.GET.get("page"))
    rows = [Row(c, mask_id_number(c.applicant_id_number),
                _lateness(c.step_due, today, c.state == CaseState.OPEN),
                _lateness(c.due, today, c.state == CaseState.OPEN)) for c in page]
    query = urlencode({k: v for k, v in (("state", state), ("mine", "1" if mine else ""),
                                         ("overdue", "1" if overdue else ""), ("q", q), *board.items()) if v})
    return render(request, "console/cases.html", {
        "page": page, "rows": rows, "state": state, "states": STATE_FILTERS, "mine": mine, "overdue": overdue,
        "q": q, "query": query, "can_enter": posts_held(user=request.user, day=today).exists(),
        "board": board, "board_note": _board_note(board),
    })


BOARD_FILTERS = ("unit", "decided", "timing", "rating")
TIMING_LABELS = {Timing.ON_TIME: "按期办结", Timing.EARLY: "提前办结", Timing.LATE: "超期办结"}


def _board_filters(request: HttpRequest) -> dict[str, str]:
    """The filters the supervisors' board links with, as given (each checked by staff_cases)."""
    return {name: request.GET.get(name, "").strip()[:32] for name in BOARD_FILTERS if request.GET.get(name, "").strip()}


def _month(text: str) -> dt.date | None:
    """A month typed as YYYY-MM, as its first day; None when it is not one."""
    try:
        return dt.date.fromisoformat(f"{text}-01") if len(text) == 7 else None
    except ValueError:
        return None


def _board_note(board: dict[str, str]) -> str:
    """The board's filters in words, shown above the list."""
    parts = []
    if board.get("unit"):
        parts.append(f"单位编码 {board['unit']}")
    month = _month(board.get("decided", ""))
    if month:
        parts.append(f"{month:%Y年%m月}办结")
    if board.get("timing") in TIMING_LABELS:
        parts.append(TIMING_LABELS[board["timing"]])
    if board.get("rating") in RatingLevel.values:
        parts.append(f"评价「{RatingLevel(board['rating']).label}」")
    elif board.get("rating") == "any":
        parts.append("已评价")
    return "，".join(parts)


# ------------------------------------------------------------------------------------------- one case

def _found(request: HttpRequest, receipt: str) -> CaseFile:
    found = selectors.staff_case(viewer=request.user, day=clock.today(), number=receipt)
    if found is None:
        raise Http404("办件不存在或您无权查看")
    return found


@dataclass(frozen=True)
class StepRow:
    step: CaseStep
    entered_later: bool  # entered on a later day than it was done (补录)
    late: bool  # done after its step's limit


def _step_rows(steps: list[CaseStep]) -> list[StepRow]:
    """Each step with its flags, compared on local days (a moment's own .date() is the UTC day)."""
    rows = []
    for s in steps:
        done = timezone.localdate(s.done_at)
        rows.append(StepRow(s, timezone.localdate(s.entered_at) > done, s.due is not None and done > s.due))
    return rows


def _detail(request: HttpRequest, found: CaseFile, *, errors: dict[str, dict[str, str]] | None = None,
            values: dict[str, dict[str, str]] | None = None, status: int = 200) -> HttpResponse:
    case, today = found.case, clock.today()
    may = selectors.case_actions(case=case, viewer=request.user, day=today)
    shown = {"step": may.step, "extend": may.extend, "withdraw": may.close, "void": may.close}
    # A refusal of a form the viewer is not shown (not their step, the case ended) goes above the page.
    refused = next((message for action, found_errors in (errors or {}).items() if not shown.get(action)
                    for message in found_errors.values()), "")
    return render(request, "console/case.html", {
        "id_number": selectors.applicant_id_shown(case=case, viewer=request.user, day=today),
        "case": case, "steps": _step_rows(found.steps), "stops": found.stops, "notices": found.notices,
        "materials": found.materials,
        "entered_late": timezone.localdate(case.entered_at) > timezone.localdate(case.received_at),
        "step_late": _lateness(case.step_due, today, case.state == CaseState.OPEN),
        "due_late": _lateness(case.due, today, case.state == CaseState.OPEN),
        "may": may, "refused": refused, "errors": errors or {}, "values": values or {},
        "now": _local_input(clock.now()),
    }, status=status)


@login_required
def case_detail(request: HttpRequest, receipt: str) -> HttpResponse:
    return _detail(request, _found(request, receipt))


@login_required
def case_material(request: HttpRequest, receipt: str, material_id: int) -> FileResponse:
    """申请材料, downloaded by the staff who may see its case: always as an attachment, as the type its content
    was recognised as, never sniffed by the browser, never cached."""
    material = selectors.staff_case_material(viewer=request.user, day=clock.today(), number=receipt,
                                             material_id=material_id)
    if material is None:
        raise Http404("材料不存在或您无权查看")
    try:
        handle = material.file.open("rb")
    except FileNotFoundError:
        raise Http404("材料文件已不在存储中") from None
    response = FileResponse(handle, as_attachment=True, filename=material.name,
                            content_type=material.type.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def _local_input(moment: dt.datetime) -> str:
    """A moment as a datetime-local input shows it, in local time to the minute."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _moment(text: str, field: str, label: str) -> dt.datetime | None:
    """A typed datetime-local value (local time), or None when left empty."""
    text = text.strip()
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise DomainError(f"{label}格式有误，应如 2026-11-24 09:30", field=field) from None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _days(text: str) -> int:
    if not text.strip().isdigit():
        raise DomainError("请填写延长的天数（整数）", field="days")
    return int(text.strip())


Act = Callable[[Case, dict[str, str], Any], Any]


@dataclass(frozen=True)
class Action:
    fields: tuple[str, ...]
    act: Act
    done: str


ACTIONS: dict[str, Action] = {
    "step": Action(("outcome", "opinion", "done_at"), lambda case, v, user: services.case_step_done(
        case=case, outcome=v["outcome"], opinion=v["opinion"], actor=user,
        done_at=_moment(v["done_at"], "done_at", "实际办理时间")), "已办理，办件进入下一环节"),
    "extend": Action(("days", "reason"), lambda case, v, user: services.case_extend(
        case=case, days=_days(v["days"]), reason=v["reason"], approver=user), "已批准延期，并已告知申请人"),
    "withdraw": Action(("reason",), lambda case, v, user: services.case_withdraw(
        case=case, reason=v["reason"], actor=user), "办件已按申请人要求撤回"),
    "void": Action(("reason",), lambda case, v, user: services.case_void(
        case=case, reason=v["reason"], actor=user), "办件已作废"),
}


@login_required
@require_POST
def case_action(request: HttpRequest, receipt: str, action: str) -> HttpResponse:
    found = _found(request, receipt)
    chosen = ACTIONS.get(action)
    if chosen is None:
        raise Http404("没有这项操作")
    values = {name: request.POST.get(name, "")[:2100] for name in chosen.fields}
    if action == "withdraw" and found.case.is_open and not selectors.case_actions(
            case=found.case, viewer=request.user, day=clock.today()).close:
        # case_withdraw serves the applicant too, so it asks for no post; at the counter it takes one in the unit.
        errors = {"form": f"您不在{found.case.unit.name}任职，不能代申请人撤回其办件"}
        return _detail(request, found, errors={action: errors}, values={action: values}, status=400)
    try:
        case = chosen.act(found.case, values, request.user)
    except DomainError as exc:
        field = exc.field if exc.field in chosen.fields else "form"
        return _detail(request, found, errors={action: {field: exc.message}}, values={action: values}, status=400)
    ended = action == "step" and not case.is_open
    messages.success(request, f"已办理，办件{case.get_state_display()}" if ended else chosen.done)
    return redirect("console:case", receipt=found.case.receipt)


# ------------------------------------------------------------------------------------------- counter

@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    items = list(selectors.counter_items(viewer=request.user, day=clock.today()))
    values = {name: request.POST.get(name, "")[:300] for name in (*APPLICANT_FIELDS, "item", "received_at")}
    errors: dict[str, str] = {}
    fields = (*values, "materials")
    if request.method == "POST":
        try:
            item = values["item"].strip()
            if not item.isdigit():
                raise DomainError("请选择办理事项", field="item")
            received = _moment(values["received_at"], "received_at", "收件时间")
            case, password = services.case_submit(
                item_id=int(item), applicant_name=values["applicant_name"], subject=values["subject"],
                applicant_id_number=values["applicant_id_number"], applicant_contact=values["applicant_contact"],
                channel=Channel.COUNTER, received_at=received, entered_by=request.user,
                materials=request.FILES.getlist("materials"))
        except DomainError as exc:
            errors[exc.field if exc.field in fields else "form"] = exc.message
        else:
            # Redirect, so that reloading the slip never enters the application twice; the password rides in
            # the session for that one request and is gone once shown.
            request.session[SLIP] = {"receipt": case.receipt, "password": password}
            return redirect("console:case_slip", receipt=case.receipt)
    else:
        values["received_at"] = _local_input(clock.now())
        values["item"] = request.GET.get("item", "")[:20]
    return render(request, "console/case_entry.html", {
        "items": items, "values": values, "errors": errors, "now": _local_input(clock.now()),
        "accept": material_rules.ACCEPT, "materials_hint": material_rules.hint(),
        "files_dropped": bool(errors) and bool(request.FILES)}, status=400 if errors else 200)


@login_required
@never_cache
def case_slip(request: HttpRequest, receipt: str) -> HttpResponse:
    """受理回执: what the applicant takes home from the counter; the query password on it only the first time."""
    found = _found(request, receipt)
    shown = request.session.pop(SLIP, None)
    password = shown["password"] if isinstance(shown, dict) and shown.get("receipt") == found.case.receipt else ""
    return render(request, "console/case_entry.html", {
        "case": found.case, "password": password, "follow_url": request.build_absolute_uri("/cases/")})
