"""A resident applies on the portal and follows the case by receipt number and password; guessing is
throttled per address and per receipt, and the ID number shows masked."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from sunlit.cases.models import Case
from sunlit.cases.services import case_step_done
from sunlit.core.models import AuditEntry
from sunlit.org.models import Unit
from tests import factories
from tests.cases.conftest import ID_NUMBER, Office

pytestmark = pytest.mark.django_db


def apply(client: Client, office: Office, **more: str) -> str:
    data = {"applicant_name": "张三", "applicant_id_number": ID_NUMBER, "applicant_contact": "13800000000",
            "subject": "翻建住房", **more}
    return client.post(f"/powers/{office.item.item_id}/apply/", data).content.decode()


def test_a_resident_applies_and_reads_the_receipt_and_password_once(office: Office) -> None:
    page = Client().get(f"/powers/{office.item.item_id}/").content.decode()
    assert f'href="/powers/{office.item.item_id}/apply/"' in page

    client = Client()
    received = apply(client, office)
    case = Case.objects.get()
    password = re.search(r'class="receipt-password">([2-9A-Z]{8})<', received).group(1)  # type: ignore[union-attr]

    assert case.receipt in received and "只显示这一次" in received
    progress = client.get(f"/cases/{case.receipt}/").content.decode()
    assert "办理中" in progress and "当前环节：受理" in progress and "已收到您的申请" in progress
    assert ID_NUMBER not in progress and "3607**********123X" in progress
    assert password not in progress


def test_anyone_else_needs_the_receipt_and_the_password(office: Office) -> None:
    apply(Client(), office)
    case = Case.objects.get()
    stranger = Client()

    assert stranger.get(f"/cases/{case.receipt}/")["Location"] == f"/cases/?receipt={case.receipt}"
    wrong = stranger.post("/cases/", {"receipt": case.receipt, "password": "23456789"})
    assert wrong.status_code == 400 and "受理编号或查询密码不正确" in wrong.content.decode()
    assert stranger.get(f"/cases/{case.receipt}/").status_code == 302


def test_the_applicant_sees_acceptance_and_the_promised_date(office: Office) -> None:
    client = Client()
    received = apply(client, office)
    password = re.search(r'class="receipt-password">([2-9A-Z]{8})<', received).group(1)  # type: ignore[union-attr]
    case = case_step_done(case=Case.objects.get(), outcome="受理", opinion="材料齐全", actor=office.window)

    later = Client()
    opened = later.post("/cases/", {"receipt": case.receipt.lower(), "password": password.lower()})
    assert opened.status_code == 302 and opened["Location"] == f"/cases/{case.receipt}/"
    page = later.get(opened["Location"]).content.decode()
    assert "已于2026年11月24日受理" in page and "承诺办结期限" in page and "审查" in page


def test_guessing_is_stopped_per_receipt_and_per_address(office: Office) -> None:
    apply(Client(), office)
    case = Case.objects.get()
    guesser = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(5):
        assert guesser.post("/cases/", {"receipt": case.receipt, "password": f"2345678{n + 2}"}).status_code == 400
    blocked = guesser.post("/cases/", {"receipt": case.receipt, "password": "ANYTHING"})
    assert blocked.status_code == 429 and "15分钟" in blocked.content.decode()
    assert AuditEntry.objects.filter(kind="case_lookup_failed", address="203.0.113.9").count() == 5

    other = Client(REMOTE_ADDR="198.51.100.7")
    for n in range(10):
        other.post("/cases/", {"receipt": f"YD-ZRZY-20261124-{n:04d}-X", "password": "x"})
    assert other.post("/cases/", {"receipt": "YD-ZRZY-20261124-0099-X", "password": "x"}).status_code == 429


@pytest.mark.parametrize(("field", "message"), [("applicant_name", "请填写申请人姓名或名称"),
                                                 ("applicant_contact", "请填写联系方式")])
def test_a_missing_field_is_named_beside_its_input_and_nothing_is_written(office: Office, field: str,
                                                                          message: str) -> None:
    page = apply(Client(), office, **{field: " "})
    assert message in page and Case.objects.count() == 0
    assert 'value="13800000000"' in page or field == "applicant_contact"  # what was typed stays


def test_an_item_without_a_published_flow_cannot_be_applied_for(office: Office, county: dict[str, Unit],
                                                                editor: User, reviewer: User) -> None:
    other = factories.published(county["land"], editor, reviewer, code="XK-002", name="采矿权审批")
    assert Client().get(f"/powers/{other.item_id}/apply/").status_code == 404
    assert "在线申请" not in Client().get(f"/powers/{other.item_id}/").content.decode()
