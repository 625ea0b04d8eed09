"""网上运行 through the API: apply for an item and follow the case (public: the receipt number and query
password); staff list their cases, read one in full, handle its current step, extend it (the unit's head),
withdraw it at the applicant's request or void it (staff of its unit). The same services and selectors as
the pages, with the same refusals."""

from __future__ import annotations

import datetime as dt
from contextlib import suppress
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from sunlit.api import schemas as s
from sunlit.api.auth import staff_auth
from sunlit.cases import selectors, services
from sunlit.cases.models import Case, CaseState
from sunlit.cases.receipt import mask_id_number
from sunlit.cases.selectors import CaseFile, CaseStateKind
from sunlit.core import clock
from sunlit.core.errors import DomainError, NotFound
from sunlit.core.remote import client_address

router = Router(tags=["网上办事"])
STAFF = ["办件办理"]


class ApplicationIn(s.InputSchema):
    item: int
    applicant_name: str = s.Field(..., max_length=100)
    applicant_id_number: str = s.Field(..., max_length=40)
    applicant_contact: str = s.Field(..., max_length=100)
    subject: str = s.Field("", max_length=200)


class LookupIn(s.InputSchema):
    receipt: str = s.Field(..., max_length=60)
    password: str = s.Field(..., max_length=40)


class StepIn(s.InputSchema):
    outcome: str = s.Field("", max_length=60)
    opinion: str = s.Field("", max_length=2000)


class ExtendIn(s.InputSchema):
    days: int
    reason: str = s.Field("", max_length=2000)


class ReasonIn(s.InputSchema):
    reason: str = s.Field("", max_length=2000)


STATES = (CaseStateKind.ACTIVE, CaseStateKind.ENDED, *CaseState.values)


class CaseFilters(s.InputSchema):
    """The staff list's filters, as cases.selectors.staff_cases takes them (the supervisors' board links
    its figures here with unit, decided, timing and rating)."""

    state: str | None = s.Field(None, max_length=20, description="、".join(STATES))
    mine: bool = False
    overdue: bool = False
    q: str | None = s.Field(None, max_length=60)
    unit: str | None = s.Field(None, max_length=32)
    decided: str | None = s.Field(None, max_length=7, description="办结月份，如 2026-10")
    timing: Literal["on_time", "early", "late"] | None = None
    rating: Literal["1", "2", "3", "4", "5", "any"] | None = None
    page: s.PageNumber = 1
    page_size: int = s.Field(20, ge=1, le=100)


class CaseRowOut(s.Schema):
    receipt: str
    item: int
    item_code: str
    item_name: str | None
    unit: str
    unit_name: str
    applicant: str
    id_number: str = s.Field(description="列表中遮盖中间位；办件详情中为完整号码（与工作台相同）")
    channel: str
    state: str
    state_label: str
    current_step: str | None
    current_post: str | None
    received_at: s.LocalDateTime
    accepted_on: dt.date | None
    step_due: dt.date | None
    due: dt.date | None
    ended_at: s.LocalDateTime | None


class CasePageOut(s.Schema):
    count: int
    page: int
    page_size: int
    items: list[CaseRowOut]


class CaseStepOut(s.Schema):
    step: str
    step_name: str
    outcome: str
    opinion: str
    official: str | None
    done_by: str | None
    started_at: s.LocalDateTime
    due: dt.date | None
    done_at: s.LocalDateTime
    entered_at: s.LocalDateTime
    late: bool
    entered_later: bool


class ClockStopOut(s.Schema):
    step: str
    step_name: str
    legal_ground: str
    stopped_on: dt.date
    restarted_on: dt.date | None


class NoticeOut(s.Schema):
    kind: str
    kind_label: str
    text: str
    at: s.LocalDateTime


class OutcomeOut(s.Schema):
    outcome: str
    target: str
    target_name: str


class CaseActionsOut(s.Schema):
    step: bool
    outcomes: list[OutcomeOut]
    extend: bool
    withdraw: bool
    void: bool


class CaseDetailOut(CaseRowOut):
    applicant_contact: str
    subject: str
    entered_at: s.LocalDateTime
    entered_by: str | None
    flow_version: int
    step_started_at: s.LocalDateTime | None
    promised_limit: int | None
    promised_limit_unit: str
    statutory_limit: int | None
    limit_unit: str
    statutory_due: dt.date | None
    due_confirmed: bool
    extension_days: int
    steps: list[CaseStepOut]
    stops: list[ClockStopOut]
    notices: list[NoticeOut]
    actions: CaseActionsOut


class CaseStateOut(s.Schema):
    receipt: str
    state: str
    state_label: str
    current_step: str | None
    step_due: dt.date | None
    due: dt.date | None
    statutory_due: dt.date | None
    extension_days: int
    ended_at: s.LocalDateTime | None


def _staff_case(request: HttpRequest, receipt: str) -> CaseFile:
    """The case as staff reach it (cases.selectors.staff_case): 404 for anyone else, as on the console."""
    found = selectors.staff_case(viewer=request.user, day=clock.today(), number=receipt)
    if found is None:
        raise NotFound("办件不存在或您无权查看", field="receipt")
    return found


def _progress(case: Case) -> dict[str, Any]:
    """What the applicant may read: never who handled the case, the ID number masked."""
    found = selectors.applicant_progress(case)
    return {
        "receipt": case.receipt, "item": case.item_id, "unit": case.unit.code, "state": case.state,
        "state_label": case.get_state_display(), "applicant": case.applicant_name,
        "id_number": mask_id_number(case.applicant_id_number),
        "current_step": case.current_step.name if case.current_step and case.is_open else None,
        "accepted_on": case.accepted_on, "due": case.due, "due_confirmed": case.due_confirmed,
        "ended_at": case.ended_at,
        "steps": [{"step": st.step.name, "outcome": st.outcome, "done_at": st.done_at, "due": st.due}
                  for st in found.steps],
        "notices": [{"kind": n.kind, "text": n.text, "at": n.at} for n in found.notices],
    }


@router.post("/cases", response={201: dict[str, Any]}, summary="在线申请（返回受理编号和查询密码，密码只返回这一次）")
def apply(request: HttpRequest, payload: ApplicationIn) -> Any:
    case, password = services.case_submit(
        item_id=payload.item, applicant_name=payload.applicant_name, applicant_id_number=payload.applicant_id_number,
        applicant_contact=payload.applicant_contact, subject=payload.subject)
    return Status(201, {"receipt": case.receipt, "password": password, "step_due": case.step_due})


@router.post("/cases/lookup", summary="凭受理编号和查询密码查询办理进度（失败过多会暂停查询）")
def lookup(request: HttpRequest, payload: LookupIn) -> Any:
    case = selectors.applicant_case(number=payload.receipt, password=payload.password,
                                    address=client_address(request))
    return _progress(case)


@router.post("/cases/{receipt}/steps", auth=staff_auth, tags=STAFF, summary="办理当前环节（须在该环节岗位任职）")
def do_step(request: HttpRequest, receipt: str, payload: StepIn) -> Any:
    case = services.case_step_done(case=_staff_case(request, receipt).case, outcome=payload.outcome,
                                   opinion=payload.opinion, actor=request.user)
    return {"receipt": case.receipt, "state": case.state, "current_step": case.current_step.key
            if case.current_step else None, "step_due": case.step_due, "due": case.due}


# ------------------------------------------------------------------------------------------- staff

def _decided_month(text: str | None) -> dt.date | None:
    """The month typed as YYYY-MM, as its first day."""
    if not text:
        return None
    if len(text) == 7:
        with suppress(ValueError):
            return dt.date.fromisoformat(f"{text}-01")
    raise DomainError("应为年月，如 2026-10", field="decided")


def _row(case: Case, id_number: str) -> dict[str, Any]:
    version = case.item.published_version
    step = case.current_step if case.is_open else None
    return {
        "receipt": case.receipt, "item": case.item_id, "item_code": case.item.code,
        "item_name": version.name if version is not None else None, "unit": case.unit.code,
        "unit_name": case.unit.name, "applicant": case.applicant_name, "id_number": id_number,
        "channel": case.channel, "state": case.state, "state_label": case.get_state_display(),
        "current_step": step.name if step is not None else None,
        "current_post": step.post.name if step is not None and step.post is not None else None,
        "received_at": case.received_at, "accepted_on": case.accepted_on, "step_due": case.step_due,
        "due": case.due, "ended_at": case.ended_at,
    }


@router.get("/cases", auth=staff_auth, tags=STAFF, response=CasePageOut,
            summary="办件列表（本人任职或有查看权限的单位；与工作台及监察看板的筛选相同）")
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> Any:
    if filters.state is not None and filters.state not in STATES:
        raise DomainError("取值应为：" + "、".join(STATES), field="state")
    cases = selectors.staff_cases(
        viewer=request.user, day=clock.today(), state=filters.state, mine=filters.mine, overdue=filters.overdue,
        q=filters.q, unit=filters.unit, decided_in=_decided_month(filters.decided), timing=filters.timing,
        rating=filters.rating)
    start = (filters.page - 1) * filters.page_size
    return {"count": cases.count(), "page": filters.page, "page_size": filters.page_size,
            "items": [_row(c, mask_id_number(c.applicant_id_number))
                      for c in cases[start:start + filters.page_size]]}


@router.get("/cases/{receipt}", auth=staff_auth, tags=STAFF, response=CaseDetailOut,
            summary="办件详情（办理过程、暂停计时、告知申请人，及本人可做的操作）")
def get_case(request: HttpRequest, receipt: str) -> Any:
    found = _staff_case(request, receipt)
    case = found.case
    may = selectors.case_actions(case=case, viewer=request.user, day=clock.today())
    entered_by = case.entered_by
    return {
        **_row(case, selectors.applicant_id_shown(case=case, viewer=request.user, day=clock.today())),
        "applicant_contact": case.applicant_contact, "subject": case.subject, "entered_at": case.entered_at,
        "entered_by": entered_by.username if entered_by is not None else None,
        "flow_version": case.flow_version.number, "step_started_at": case.step_started_at,
        "promised_limit": case.promised_limit, "promised_limit_unit": case.promised_limit_unit,
        "statutory_limit": case.statutory_limit, "limit_unit": case.limit_unit,
        "statutory_due": case.statutory_due, "due_confirmed": case.due_confirmed,
        "extension_days": case.extension_days,
        "steps": [{
            "step": st.step.key, "step_name": st.step.name, "outcome": st.outcome, "opinion": st.opinion,
            "official": st.official.name if st.official is not None else None,
            "done_by": st.done_by.username if st.done_by is not None else None,
            "started_at": st.started_at, "due": st.due, "done_at": st.done_at, "entered_at": st.entered_at,
            "late": st.finished_late,
            "entered_later": timezone.localdate(st.entered_at) > timezone.localdate(st.done_at),
        } for st in found.steps],
        "stops": [{"step": stop.step.key, "step_name": stop.step.name, "legal_ground": stop.legal_ground,
                   "stopped_on": stop.stopped_on, "restarted_on": stop.restarted_on} for stop in found.stops],
        "notices": [{"kind": n.kind, "kind_label": n.get_kind_display(), "text": n.text, "at": n.at}
                    for n in found.notices],
        "actions": {"step": may.step, "extend": may.extend, "withdraw": may.close, "void": may.close,
                    "outcomes": [{"outcome": t.outcome, "target": t.target.key, "target_name": t.target.name}
                                 for t in may.outcomes]},
    }


def _state(case: Case) -> dict[str, Any]:
    return {"receipt": case.receipt, "state": case.state, "state_label": case.get_state_display(),
            "current_step": case.current_step.key if case.current_step and case.is_open else None,
            "step_due": case.step_due, "due": case.due, "statutory_due": case.statutory_due,
            "extension_days": case.extension_days, "ended_at": case.ended_at}


@router.post("/cases/{receipt}/extend", auth=staff_auth, tags=STAFF, response=CaseStateOut,
             summary="延期（须为办理单位负责人；只能延期一次，理由告知申请人）")
def extend(request: HttpRequest, receipt: str, payload: ExtendIn) -> Any:
    return _state(services.case_extend(case=_staff_case(request, receipt).case, days=payload.days,
                                       reason=payload.reason, approver=request.user))


@router.post("/cases/{receipt}/withdraw", auth=staff_auth, tags=STAFF, response=CaseStateOut,
             summary="按申请人要求撤回（须在办理单位任职）")
def withdraw(request: HttpRequest, receipt: str, payload: ReasonIn) -> Any:
    return _state(services.case_withdraw(case=_staff_case(request, receipt).case, reason=payload.reason,
                                         actor=request.user))


@router.post("/cases/{receipt}/void", auth=staff_auth, tags=STAFF, response=CaseStateOut,
             summary="作废误录或重复录入的办件（须在办理单位任职，写明理由）")
def void(request: HttpRequest, receipt: str, payload: ReasonIn) -> Any:
    return _state(services.case_void(case=_staff_case(request, receipt).case, reason=payload.reason,
                                     actor=request.user))
