"""网上运行 through the API: apply for an item and follow the case (public: the receipt number and query
password), and handle a case's current step (staff). The same services and selectors as the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from sunlit.api import schemas as s
from sunlit.api.auth import staff_auth
from sunlit.cases import selectors, services
from sunlit.cases.models import Case
from sunlit.cases.receipt import mask_id_number
from sunlit.core import clock
from sunlit.core.errors import NotFound

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
                                    address=request.META.get("REMOTE_ADDR"))
    return _progress(case)


@router.post("/cases/{receipt}/steps", auth=staff_auth, tags=STAFF, summary="办理当前环节（须在该环节岗位任职）")
def do_step(request: HttpRequest, receipt: str, payload: StepIn) -> Any:
    found = selectors.staff_case(viewer=request.user, day=clock.today(), number=receipt)
    if found is None:
        raise NotFound("办件不存在或您无权查看", field="receipt")
    case = services.case_step_done(case=found.case, outcome=payload.outcome, opinion=payload.opinion,
                                   actor=request.user)
    return {"receipt": case.receipt, "state": case.state, "current_step": case.current_step.key
            if case.current_step else None, "step_due": case.step_due, "due": case.due}
