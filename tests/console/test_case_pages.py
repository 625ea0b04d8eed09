"""The staff side of 网上运行 (办件): the cases of the viewer's units, one case in full with the forms its
viewer may use, and counter entry with its receipt slip; the full ID number only for the unit's staff."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from sunlit.cases.models import Case, CaseState, Channel
from sunlit.cases.services import case_step_done, case_submit
from sunlit.core.clock import FixedClock
from sunlit.core.models import Event
from sunlit.flows import services as flows
from sunlit.org.models import Post, Role, Unit
from tests import factories
from tests.cases.conftest import ID_NUMBER, Office, licensing_flow
from tests.cases.test_case_services import at

pytestmark = pytest.mark.django_db
MASKED = "3607**********123X"


def submit(office: Office, name: str = "张三", id_number: str = ID_NUMBER) -> Case:
    return case_submit(item_id=office.item.item_id, applicant_name=name, applicant_id_number=id_number,
                       applicant_contact="13800000000", subject="翻建住房")[0]


def finance_case(county: dict[str, Unit]) -> Case:
    """A case of another unit (县财政局), on a flow of its own."""
    finance = county["finance"]
    author = factories.staff("fin_editor", finance, Role.EDITOR)
    checker = factories.staff("fin_reviewer", finance, Role.REVIEWER)
    posts = {key: Post.objects.create(unit=finance, name=name) for key, name in
             (("window", "财政窗口岗"), ("review", "财政审核岗"), ("deputy", "财政分管副局长"))}
    item = factories.published(finance, author, checker, code="XK-CZ-1", name="财政补助资金申请")
    steps, links = licensing_flow(posts)
    version = flows.flow_version_create(item=item.item, steps=steps, transitions=links, reason="编制", author=author,
                                        submit=True)
    flows.flow_version_approve(version=version, reviewer=checker)
    return case_submit(item_id=item.item_id, applicant_name="王五", applicant_id_number="360731198001019876",
                       applicant_contact="13900000000")[0]


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_anonymous_visitors_are_sent_to_log_in(office: Office) -> None:
    case = submit(office)
    for url in ("/console/cases/", f"/console/cases/{case.receipt}/", "/console/cases/new/"):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/console/login/")


def test_the_list_shows_the_units_cases_with_masked_id_numbers_only(office: Office,
                                                                    county: dict[str, Unit]) -> None:
    case = submit(office)
    other = finance_case(county)

    page = as_user(office.window).get("/console/cases/").content.decode()

    assert case.receipt in page and "张三" in page and MASKED in page and ID_NUMBER not in page
    assert "农村村民住宅建设审批" in page and "受理" in page and "窗口受理岗" in page
    assert other.receipt not in page and "王五" not in page
    finance_page = as_user(office.outsider).get("/console/cases/").content.decode()
    assert other.receipt in finance_page and case.receipt not in finance_page


def test_a_reader_of_the_unit_sees_its_cases_without_holding_a_post(office: Office, reviewer: Any) -> None:
    case = submit(office)
    assert case.receipt in as_user(reviewer).get("/console/cases/").content.decode()


def test_waiting_on_me_lists_the_cases_at_a_step_of_my_post(office: Office, clock: FixedClock) -> None:
    waiting = submit(office, name="张三")
    moved = submit(office, name="李四")
    at(clock, "2026-11-25 09:00")
    case_step_done(case=moved, outcome="受理", actor=office.window)

    window = as_user(office.window).get("/console/cases/", {"mine": "1"}).content.decode()
    examiner = as_user(office.examiner).get("/console/cases/", {"mine": "1"}).content.decode()

    assert waiting.receipt in window and moved.receipt not in window
    assert moved.receipt in examiner and waiting.receipt not in examiner


def test_overdue_and_search_filters(office: Office, clock: FixedClock) -> None:
    late = submit(office, name="张三")  # its acceptance is due 2026-11-25
    at(clock, "2026-11-26 09:00")
    fresh = submit(office, name="李四")
    client = as_user(office.window)

    overdue = client.get("/console/cases/", {"overdue": "1"}).content.decode()
    found = client.get("/console/cases/", {"q": "李四"}).content.decode()
    by_receipt = client.get("/console/cases/", {"q": late.receipt}).content.decode()

    assert late.receipt in overdue and fresh.receipt not in overdue and "已超期" in overdue
    assert fresh.receipt in found and late.receipt not in found
    assert late.receipt in by_receipt and fresh.receipt not in by_receipt


def test_the_list_takes_a_fixed_number_of_queries(office: Office, django_assert_max_num_queries: Any) -> None:
    for n in range(25):
        submit(office, name=f"申请人{n}")
    client = as_user(office.window)
    client.get("/console/cases/")  # warm the session

    with django_assert_max_num_queries(8):
        page = client.get("/console/cases/", {"state": "active", "page": "2"})
    assert page.status_code == 200 and page.content.decode().count("/console/cases/YD-ZRZY-") == 5


def test_the_detail_shows_the_full_id_number_to_the_units_staff_and_404_to_others(office: Office) -> None:
    case = submit(office)

    page = as_user(office.examiner).get(f"/console/cases/{case.receipt}/").content.decode()

    assert ID_NUMBER in page and "13800000000" in page and "翻建住房" in page and "已收到您的申请" in page
    assert as_user(office.outsider).get(f"/console/cases/{case.receipt}/").status_code == 404
    assert as_user(office.window).get("/console/cases/YD-ZRZY-20261124-9999-0/").status_code == 404


def test_a_supervisor_sees_the_case_with_the_id_number_masked(office: Office, county: dict[str, Unit]) -> None:
    """纪检监察 reach every case of the units they cover, but they are not its handlers."""
    case = submit(office)
    supervisor = factories.staff("jiwei", county["gov"], Role.SUPERVISOR)

    page = as_user(supervisor).get(f"/console/cases/{case.receipt}/")

    assert page.status_code == 200
    assert MASKED in page.content.decode() and ID_NUMBER not in page.content.decode()
    detail = as_user(supervisor).get(f"/api/v1/cases/{case.receipt}")
    assert detail.status_code == 200 and detail.json()["id_number"] == MASKED


def test_the_step_form_is_only_for_the_official_holding_the_steps_post(office: Office) -> None:
    case = submit(office)

    window = as_user(office.window).get(f"/console/cases/{case.receipt}/").content.decode()
    examiner = as_user(office.examiner).get(f"/console/cases/{case.receipt}/").content.decode()

    assert f'action="/console/cases/{case.receipt}/step/"' in window
    assert '<option value="补正">补正</option>' in window and '<option value="受理">受理 → 审查</option>' in window
    assert f'action="/console/cases/{case.receipt}/step/"' not in examiner
    assert f'action="/console/cases/{case.receipt}/extend/"' not in window


def test_doing_the_step_from_the_page_moves_the_case(office: Office, clock: FixedClock) -> None:
    case = submit(office)
    at(clock, "2026-11-25 09:30")
    client = as_user(office.window)

    response = client.post(f"/console/cases/{case.receipt}/step/", {"outcome": "受理", "opinion": "材料齐全"})

    assert response.status_code == 302 and response["Location"] == f"/console/cases/{case.receipt}/"
    case.refresh_from_db()
    assert case.current_step is not None and case.current_step.key == "review"
    page = client.get(response["Location"]).content.decode()
    assert "已办理，办件进入下一环节" in page and "材料齐全" in page and "陈窗" in page and "2026-11-25" in page


def test_a_step_done_earlier_is_entered_with_its_real_time(office: Office, clock: FixedClock) -> None:
    yesterday, early_today = submit(office), submit(office)
    at(clock, "2026-11-26 09:00")
    client = as_user(office.window)

    client.post(f"/console/cases/{yesterday.receipt}/step/", {"outcome": "受理", "done_at": "2026-11-25T16:20"})
    client.post(f"/console/cases/{early_today.receipt}/step/", {"outcome": "受理", "done_at": "2026-11-26T07:30"})

    step = yesterday.steps.get(step__key="accept")
    assert step.done_at.isoformat().startswith("2026-11-25T08:20") and step.entered_at == clock.at
    tag = '<span class="tag warn">补录</span>'
    assert tag in client.get(f"/console/cases/{yesterday.receipt}/").content.decode()
    assert tag not in client.get(f"/console/cases/{early_today.receipt}/").content.decode()  # the same local day


def test_a_wrong_outcome_is_refused_beside_its_field_and_changes_nothing(office: Office) -> None:
    case = submit(office)
    events = Event.objects.filter(action__startswith="cases.").count()

    response = as_user(office.window).post(f"/console/cases/{case.receipt}/step/",
                                           {"outcome": "准予许可", "opinion": "我的意见"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "办理结果「准予许可」不在本环节的出口中" in page and "我的意见</textarea>" in page
    case.refresh_from_db()
    assert case.current_step is not None and case.current_step.key == "accept" and case.version == 0
    assert Event.objects.filter(action__startswith="cases.").count() == events


def test_a_step_by_someone_not_holding_its_post_is_refused(office: Office) -> None:
    case = submit(office)
    events = Event.objects.filter(action__startswith="cases.").count()

    response = as_user(office.examiner).post(f"/console/cases/{case.receipt}/step/", {"outcome": "受理"})

    assert response.status_code == 400 and "「受理」须由窗口受理岗办理" in response.content.decode()
    case.refresh_from_db()
    assert case.current_step is not None and case.current_step.key == "accept"
    assert Event.objects.filter(action__startswith="cases.").count() == events


def test_the_head_extends_an_accepted_case(office: Office, clock: FixedClock) -> None:
    case = submit(office)
    case_step_done(case=case, outcome="受理", actor=office.window)
    director = as_user(office.director)
    assert f'action="/console/cases/{case.receipt}/extend/"' in director.get(
        f"/console/cases/{case.receipt}/").content.decode()

    refused = director.post(f"/console/cases/{case.receipt}/extend/", {"days": "十", "reason": "需实地核查"})
    assert refused.status_code == 400 and "请填写延长的天数" in refused.content.decode()
    assert "需实地核查</textarea>" in refused.content.decode()
    director.post(f"/console/cases/{case.receipt}/extend/", {"days": "10", "reason": "需实地核查"})

    case.refresh_from_db()
    assert case.extension_days == 10 and "需实地核查" in case.notices.get(kind="extended").text


def test_staff_withdraw_at_the_applicants_request_and_void_with_a_reason(office: Office) -> None:
    withdrawn, voided = submit(office), submit(office)
    client = as_user(office.examiner)

    client.post(f"/console/cases/{withdrawn.receipt}/withdraw/", {"reason": "申请人书面申请撤回"})
    empty = client.post(f"/console/cases/{voided.receipt}/void/", {"reason": ""})
    assert empty.status_code == 400 and "请填写作废理由" in empty.content.decode()
    client.post(f"/console/cases/{voided.receipt}/void/", {"reason": "重复录入"})

    assert Case.objects.get(pk=withdrawn.pk).state == CaseState.WITHDRAWN
    assert Case.objects.get(pk=voided.pk).state == CaseState.VOIDED
    refused = as_user(office.examiner).post(f"/console/cases/{voided.receipt}/step/", {"outcome": "受理"})
    assert refused.status_code == 400 and "已作废" in refused.content.decode()


def test_a_reader_without_a_post_cannot_withdraw(office: Office, reviewer: Any) -> None:
    case = submit(office)

    response = as_user(reviewer).post(f"/console/cases/{case.receipt}/withdraw/", {"reason": "代为撤回"})

    assert response.status_code == 400 and "不能代申请人撤回" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == CaseState.OPEN


def test_counter_entry_gives_the_receipt_and_the_password_once(office: Office, clock: FixedClock) -> None:
    client = as_user(office.window)
    form = client.get("/console/cases/new/").content.decode()
    assert f'<option value="{office.item.item_id}">农村村民住宅建设审批</option>' in form
    assert 'value="2026-11-24T10:00"' in form

    response = client.post("/console/cases/new/", {
        "item": str(office.item.item_id), "applicant_name": "赵六", "applicant_id_number": ID_NUMBER,
        "applicant_contact": "13700000000", "received_at": "2026-11-24T08:45"})

    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/console/cases/{case.receipt}/slip/"
    assert case.channel == Channel.COUNTER and case.entered_by == office.window
    assert case.received_at.isoformat().startswith("2026-11-24T00:45")  # 08:45 in Shanghai
    slip = client.get(response["Location"]).content.decode()
    password = re.search(r'class="receipt-password">([2-9A-Z]{8})<', slip).group(1)  # type: ignore[union-attr]
    assert "受理回执" in slip and case.receipt in slip and "县自然资源局" in slip and "http://testserver/cases/" in slip
    assert "2026年11月24日 08:45" in slip
    again = client.get(response["Location"]).content.decode()
    assert case.receipt in again and password not in again and "不再显示" in again


def test_counter_entry_keeps_what_was_typed_when_refused(office: Office) -> None:
    client = as_user(office.window)

    response = client.post("/console/cases/new/", {
        "item": str(office.item.item_id), "applicant_name": "赵六", "applicant_id_number": "",
        "applicant_contact": "13700000000", "received_at": "2026-11-24T08:45"})

    page = response.content.decode()
    assert response.status_code == 400 and "请填写证件号码" in page and 'value="赵六"' in page
    assert not Case.objects.exists()
    outsider = as_user(office.outsider).post("/console/cases/new/", {
        "item": str(office.item.item_id), "applicant_name": "赵六", "applicant_id_number": ID_NUMBER,
        "applicant_contact": "13700000000", "received_at": "2026-11-24T08:45"})
    assert outsider.status_code == 400 and "您不在县自然资源局任职" in outsider.content.decode()
    assert not Case.objects.exists()
