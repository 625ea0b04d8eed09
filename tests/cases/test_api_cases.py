"""Apply, follow and handle a case through the API, and the staff's list, case file, extension, withdrawal and
voiding: the same services, selectors and refusals as the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sunlit.cases.models import Case, CaseNotice, ClockStop
from sunlit.cases.services import case_step_done, case_submit
from sunlit.core.models import ApiToken, Event
from sunlit.org import services as org
from sunlit.org.models import Role, Unit
from sunlit.record.models import LeafQueue
from tests import factories
from tests.cases.conftest import ID_NUMBER, Office

pytestmark = pytest.mark.django_db
APPLICATION = {"applicant_name": "张三", "applicant_id_number": ID_NUMBER, "applicant_contact": "13800000000",
               "subject": "翻建住房"}


def apply(office: Office, **more: object) -> dict[str, object]:
    response = Client().post("/api/v1/cases", {"item": office.item.item_id, **APPLICATION, **more},
                             content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def test_an_applicant_applies_and_follows_the_case(office: Office) -> None:
    made = apply(office)
    case = Case.objects.get()
    assert made["receipt"] == case.receipt and len(str(made["password"])) == 8

    progress = Client().post("/api/v1/cases/lookup", {"receipt": made["receipt"], "password": made["password"]},
                             content_type="application/json").json()
    assert progress["state"] == "open" and progress["current_step"] == "受理"
    assert progress["id_number"] == "3607**********123X" and ID_NUMBER not in str(progress)
    assert progress["notices"][0]["kind"] == "received"


def test_a_wrong_password_is_refused_and_guessing_stops(office: Office) -> None:
    made = apply(office)
    client = Client(REMOTE_ADDR="203.0.113.5")
    for n in range(5):
        wrong = client.post("/api/v1/cases/lookup", {"receipt": made["receipt"], "password": f"2345678{n + 2}"},
                            content_type="application/json")
        assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "password"
    blocked = client.post("/api/v1/cases/lookup", {"receipt": made["receipt"], "password": made["password"]},
                          content_type="application/json")
    assert blocked.status_code == 429


def test_an_application_missing_a_field_is_refused_by_name(office: Office) -> None:
    response = Client().post("/api/v1/cases", {"item": office.item.item_id, **APPLICATION, "applicant_name": " "},
                             content_type="application/json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "applicant_name"
    assert Case.objects.count() == 0


def test_staff_do_the_current_step_when_they_hold_its_post(office: Office) -> None:
    made = apply(office)
    window, examiner, outsider, anonymous = Client(), Client(), Client(), Client()
    window.force_login(office.window)
    examiner.force_login(office.examiner)
    outsider.force_login(office.outsider)
    url = f"/api/v1/cases/{made['receipt']}/steps"

    assert anonymous.post(url, {"outcome": "受理"}, content_type="application/json").status_code == 401
    assert outsider.post(url, {"outcome": "受理"}, content_type="application/json").status_code == 404
    refused = examiner.post(url, {"outcome": "受理"}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["errors"][0]["field"] == "actor"
    done = window.post(url, {"outcome": "受理", "opinion": "材料齐全"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["current_step"] == "review"
    assert Case.objects.get().accepted_on is not None


# ------------------------------------------------------------------------------------------- staff

class As:
    """An API client speaking as one user by a bearer token, or as no one."""

    def __init__(self, user: User | None = None, headers: dict[str, str] | None = None) -> None:
        self.headers = headers if headers is not None else factories.bearer(user) if user is not None else {}

    def get(self, url: str, **query: object) -> Any:
        return Client().get(f"/api/v1{url}", query, headers=self.headers)

    def post(self, url: str, body: dict[str, object]) -> Any:
        return Client().post(f"/api/v1{url}", body, content_type="application/json", headers=self.headers)


def accepted(office: Office) -> Case:
    """A case applied for on the portal and accepted at the window."""
    case, _ = case_submit(item_id=office.item.item_id, applicant_name="张三", applicant_id_number=ID_NUMBER,
                          applicant_contact="13800000000", subject="翻建住房")
    return case_step_done(case=case, outcome="受理", actor=office.window)


def snapshot(case: Case) -> tuple[Any, ...]:
    """What a refused action must leave as it was."""
    case = Case.objects.get(pk=case.pk)
    return (case.state, case.current_step_id, case.step_due, case.due, case.extension_days, case.ended_at,
            case.version, Event.objects.count(), LeafQueue.objects.count(), CaseNotice.objects.count(),
            ClockStop.objects.count())


def refused(response: Any, status: int, field: str) -> None:
    assert response.status_code == status, response.content
    assert response.json()["errors"][0]["field"] == field


def test_staff_list_the_cases_of_their_unit_with_the_consoles_filters(office: Office) -> None:
    first, second = accepted(office), Case.objects.get(receipt=apply(office)["receipt"])
    window = As(office.window)

    listed = window.get("/cases").json()
    assert listed["count"] == 2 and [r["receipt"] for r in listed["items"]] == [second.receipt, first.receipt]
    assert listed["items"][0]["id_number"] == "3607**********123X" and ID_NUMBER not in str(listed)
    assert listed["items"][1]["current_step"] == "审查" and listed["items"][1]["current_post"] == "审批岗"
    assert [r["receipt"] for r in window.get("/cases", q=first.receipt).json()["items"]] == [first.receipt]
    assert [r["receipt"] for r in As(office.examiner).get("/cases", mine="true").json()["items"]] == [first.receipt]
    assert window.get("/cases", state="ended").json()["count"] == 0
    assert window.get("/cases", state="active", unit="YD-ZRZY").json()["count"] == 2
    paged = window.get("/cases", page=2, page_size=1).json()
    assert (paged["count"], [r["receipt"] for r in paged["items"]]) == (2, [first.receipt])

    assert As(office.outsider).get("/cases").json()["count"] == 0
    refused(window.get("/cases", state="closed"), 400, "state")
    refused(window.get("/cases", decided="2026-13"), 400, "decided")
    refused(window.get("/cases", timing="soon"), 422, "timing")
    refused(As().get("/cases"), 401, "Authorization")


def test_staff_read_a_case_in_full_with_the_id_number_as_the_console_shows_it(office: Office) -> None:
    case = accepted(office)
    shown = As(office.examiner).get(f"/cases/{case.receipt}").json()

    assert shown["id_number"] == ID_NUMBER and shown["applicant_contact"] == "13800000000"
    assert [(s["step"], s["outcome"], s["official"], s["done_by"]) for s in shown["steps"]] == [
        ("apply", "提交申请", None, None), ("accept", "受理", "陈窗", "window")]
    assert [n["kind"] for n in shown["notices"]] == ["received", "accepted"] and shown["stops"] == []
    assert shown["actions"]["step"] and [o["outcome"] for o in shown["actions"]["outcomes"]] == ["无需听证", "听证"]
    assert not shown["actions"]["extend"] and shown["actions"]["void"]
    assert As(office.director).get(f"/cases/{case.receipt}").json()["actions"]["extend"]

    stopped, _ = case_submit(item_id=office.item.item_id, applicant_name="李四", applicant_id_number=ID_NUMBER,
                             applicant_contact="13900000000")
    case_step_done(case=stopped, outcome="补正", actor=office.window)
    stops = As(office.window).get(f"/cases/{stopped.receipt}").json()["stops"]
    assert [(s["step"], s["restarted_on"]) for s in stops] == [("correct", None)] and stops[0]["legal_ground"]

    refused(As(office.outsider).get(f"/cases/{case.receipt}"), 404, "receipt")
    refused(As().get(f"/cases/{case.receipt}"), 401, "Authorization")
    token, raw = ApiToken.issue(office.examiner, "旧令牌")
    org.api_token_revoke(token=token, actor=office.examiner)
    refused(As(headers={"Authorization": f"Bearer {raw}"}).get(f"/cases/{case.receipt}"), 401, "Authorization")


def test_only_the_head_of_the_unit_extends_and_a_refusal_changes_nothing(office: Office) -> None:
    case = accepted(office)
    url = f"/cases/{case.receipt}/extend"
    before = snapshot(case)

    refused(As(office.deputy).post(url, {"days": 5, "reason": "需现场踏勘"}), 403, "approver")
    refused(As(office.outsider).post(url, {"days": 5, "reason": "需现场踏勘"}), 404, "receipt")
    refused(As().post(url, {"days": 5, "reason": "需现场踏勘"}), 401, "Authorization")
    refused(As(office.director).post(url, {"days": 0, "reason": "需现场踏勘"}), 400, "days")
    refused(As(office.director).post(url, {"days": "五", "reason": "需现场踏勘"}), 422, "days")
    refused(As(office.director).post(url, {"days": 5, "reason": " "}), 400, "reason")
    assert snapshot(case) == before

    done = As(office.director).post(url, {"days": 5, "reason": "需会同农业农村部门现场踏勘"})
    assert done.status_code == 200, done.content
    assert done.json()["extension_days"] == 5 and done.json()["due"] > str(before[3])
    assert "延长5个工作日" in CaseNotice.objects.get(case=case, kind="extended").text
    assert Event.objects.filter(action="cases.case.extend").count() == 1
    refused(As(office.director).post(url, {"days": 3, "reason": "再延"}), 409, "days")


def test_staff_of_the_unit_withdraw_at_the_applicants_request_or_void(office: Office,
                                                                    county: dict[str, Unit]) -> None:
    case, mistaken = accepted(office), accepted(office)
    supervisor = factories.staff("sup", county["gov"], Role.SUPERVISOR)  # reads the county's cases, holds no post
    before = snapshot(case)

    refused(As(supervisor).post(f"/cases/{case.receipt}/withdraw", {"reason": "申请人要求"}), 403, "actor")
    refused(As(supervisor).post(f"/cases/{case.receipt}/void", {"reason": "重复录入"}), 403, "actor")
    refused(As(office.outsider).post(f"/cases/{case.receipt}/withdraw", {"reason": "申请人要求"}), 404, "receipt")
    refused(As(office.window).post(f"/cases/{case.receipt}/void", {"reason": ""}), 400, "reason")
    assert snapshot(case) == before

    withdrawn = As(office.examiner).post(f"/cases/{case.receipt}/withdraw", {"reason": "申请人于窗口书面申请撤回"})
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn"
    assert withdrawn.json()["current_step"] is None and withdrawn.json()["ended_at"]
    assert "申请人于窗口书面申请撤回" in CaseNotice.objects.get(case=case, kind="ended").text
    refused(As(office.window).post(f"/cases/{case.receipt}/void", {"reason": "重复录入"}), 409, "case")

    voided = As(office.window).post(f"/cases/{mistaken.receipt}/void", {"reason": f"与 {case.receipt} 重复录入"})
    assert voided.status_code == 200 and voided.json()["state"] == "voided"
    assert [e.action for e in Event.objects.filter(action__in=["cases.case.withdraw", "cases.case.void"])
            .order_by("id")] == ["cases.case.withdraw", "cases.case.void"]


def test_the_case_list_takes_the_same_queries_whatever_the_page_size(office: Office) -> None:
    for _ in range(4):
        accepted(office)
    window = As(office.window)

    def queries(size: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert len(window.get("/cases", page_size=size).json()["items"]) == size
        return len(captured)

    queries(1)  # a token's first use is noted (ApiToken.note_use); later ones within minutes write nothing
    assert queries(1) == queries(4)
