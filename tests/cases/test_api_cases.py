"""Apply, follow and handle a case through the API: the same services and refusals as the pages."""

from __future__ import annotations

import pytest
from django.test import Client

from sunlit.cases.models import Case
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
