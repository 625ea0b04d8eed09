"""Texts (短信) after each sweep: notify_cards claims the cards not yet notified and texts each of their
recipients who has a mobile number once, through the configured backend; run again, or twice at once, it
texts no card twice. A staff login's mobile number is set through org.services and never logged in full."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from sunlit.core import sms
from sunlit.core.clock import FixedClock
from sunlit.core.errors import DomainError
from sunlit.core.models import Event
from sunlit.org.models import Role, StaffContact, Unit
from sunlit.org.services import staff_mobile_set
from sunlit.supervision.models import Card
from sunlit.supervision.services import notify_cards, sweep
from tests import factories
from tests.cases.conftest import Office
from tests.supervision.at_once import twice_at_once
from tests.supervision.test_sweep import accepted_case, at

MOBILES = {"examiner": "13800000001", "deputy": "13800000002", "director": "13800000003",
           "sup-county": "13800000004", "outsider": "13800000005"}


@pytest.fixture(autouse=True)
def outbox(settings: Any) -> list[sms.Text]:
    settings.SUNLIT_SMS_BACKEND = "sunlit.core.sms.LocMemBackend"
    sms.outbox.clear()
    return sms.outbox


@pytest.fixture
def mobiles(office: Office, county: dict[str, Unit]) -> dict[str, User]:
    """Every login that a card of the land bureau reaches has a number, except the window clerk; so has an
    official of another unit."""
    users = {u.username: u for u in (office.examiner, office.deputy, office.director, office.outsider)}
    users["sup-county"] = factories.staff("sup-county", county["gov"], Role.SUPERVISOR)
    for name, number in MOBILES.items():
        staff_mobile_set(user=users[name], mobile=number, actor=None)
    return users


def texts_by_phone(outbox: list[sms.Text]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for text in outbox:
        found.setdefault(text.phone, []).append(text.text)
    return found


@pytest.mark.django_db
def test_each_recipient_with_a_number_is_texted_once_and_never_again(office: Office, mobiles: dict[str, User],
                                                                     clock: FixedClock, outbox: list[sms.Text]) -> None:
    case = accepted_case(office, clock)
    sweep(at=at("2026-12-04T09:00"))
    red = Card.objects.get()

    result = notify_cards(at=at("2026-12-04T09:00"))

    assert result.as_dict() == {"cards": 1, "texts": 4, "failed": 0}
    sent = texts_by_phone(outbox)
    assert set(sent) == {MOBILES[n] for n in ("examiner", "deputy", "director", "sup-county")}
    assert sent[MOBILES["examiner"]] == [f"【阳光权力运行平台】您有1条新的监察预警：{red.label}。请登录工作台“预警消息”查看。"]
    assert case.applicant_name not in outbox[0].text and case.applicant_id_number not in outbox[0].text
    red.refresh_from_db()
    assert red.notified_at == at("2026-12-04T09:00")

    assert notify_cards(at=at("2026-12-04T09:05")).as_dict() == {"cards": 0, "texts": 0, "failed": 0}
    assert len(outbox) == 4


@pytest.mark.django_db
def test_a_recipient_of_many_cards_gets_one_text_naming_the_first_few(office: Office, mobiles: dict[str, User],
                                                                      clock: FixedClock, outbox: list[sms.Text]) -> None:
    for _ in range(5):
        accepted_case(office, clock)
    sweep(at=at("2026-12-04T09:00"))

    assert notify_cards().as_dict() == {"cards": 5, "texts": 4, "failed": 0}
    text = texts_by_phone(outbox)[MOBILES["sup-county"]]
    assert len(text) == 1 and text[0].startswith("【阳光权力运行平台】您有5条新的监察预警：") and "等5条" in text[0]
    assert text[0].count("办件") == 3


@pytest.mark.django_db
def test_inactive_logins_and_logins_without_a_number_get_no_text(office: Office, mobiles: dict[str, User],
                                                                 clock: FixedClock, outbox: list[sms.Text]) -> None:
    User.objects.filter(username="deputy").update(is_active=False)
    accepted_case(office, clock)
    sweep(at=at("2026-12-04T09:00"))
    notify_cards()
    assert MOBILES["deputy"] not in texts_by_phone(outbox) and MOBILES["outsider"] not in texts_by_phone(outbox)
    assert len(outbox) == 3


class Refusing(sms.SmsBackend):
    def send(self, phone: str, text: str) -> None:
        if phone == MOBILES["director"]:
            raise sms.SmsError("网关拒绝")
        sms.LocMemBackend().send(phone, text)


@pytest.mark.django_db
def test_a_text_the_gateway_refuses_is_counted_and_the_others_still_go(office: Office, mobiles: dict[str, User],
                                                                       clock: FixedClock, settings: Any,
                                                                       outbox: list[sms.Text]) -> None:
    settings.SUNLIT_SMS_BACKEND = f"{__name__}.Refusing"
    accepted_case(office, clock)
    sweep(at=at("2026-12-04T09:00"))
    assert notify_cards().as_dict() == {"cards": 1, "texts": 3, "failed": 1}
    assert notify_cards().cards == 0  # claimed: never texted twice, even the one that failed


@pytest.mark.django_db
def test_the_command_keeps_its_json_line_and_reports_the_texts_on_stderr(office: Office, mobiles: dict[str, User],
                                                                         clock: FixedClock,
                                                                         outbox: list[sms.Text]) -> None:
    accepted_case(office, clock)
    out, err = io.StringIO(), io.StringIO()

    call_command("supervise", "--at", "2026-12-04T09:00", stdout=out, stderr=err)

    assert json.loads(out.getvalue().strip().splitlines()[-1]) == {"new": 1, "yellow": 0, "red": 1, "anomalies": 0}
    assert "通知 预警1条，短信4条" in err.getvalue()
    assert len(outbox) == 4


@pytest.mark.django_db
def test_the_console_backend_writes_each_text_with_the_number_masked(settings: Any) -> None:
    stream = io.StringIO()
    sms.ConsoleBackend(stream).send("13812345678", "测试")
    assert stream.getvalue() == "短信 → 138****5678：测试\n"
    settings.SUNLIT_SMS_BACKEND = "sunlit.core.sms.ConsoleBackend"
    assert isinstance(sms.get_backend(), sms.ConsoleBackend)


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_text_each_card_once(office: Office, mobiles: dict[str, User], clock: FixedClock,
                                              outbox: list[sms.Text]) -> None:
    for _ in range(30):
        accepted_case(office, clock)
    sweep(at=at("2026-12-04T09:00"))
    labels = set(Card.objects.values_list("label", flat=True))
    results = twice_at_once(lambda: notify_cards(at=at("2026-12-04T09:01")))
    assert sum(r.cards for r in results) == 30 == len(labels)
    assert not Card.objects.filter(notified_at__isnull=True).exists()
    # Each recipient learns of each card once, whichever run texted it.
    for phone, texts in texts_by_phone(outbox).items():
        named = [label for label in labels for text in texts if label in text]
        assert len(named) == len(set(named)), phone
    assert notify_cards().cards == 0


# ------------------------------------------------------------------------------------------- the number

@pytest.mark.django_db
def test_a_mobile_number_is_set_normalised_cleared_and_logged_masked(office: Office) -> None:
    admin = User.objects.create_superuser("root", password="pw-root")
    contact = staff_mobile_set(user=office.window, mobile="+86 138-1234-5678", actor=admin)
    assert contact is not None and contact.mobile == "13812345678"
    event = Event.objects.get(action="org.staff_mobile.set")
    assert event.after == {"mobile": "138****5678"} and "13812345678" not in json.dumps(event.before)
    assert staff_mobile_set(user=office.window, mobile="13812345678", actor=admin) == contact  # unchanged
    assert Event.objects.filter(action__startswith="org.staff_mobile").count() == 1

    for bad in ("1381234567", "23812345678", "138123456789", "电话"):
        with pytest.raises(DomainError) as refused:
            staff_mobile_set(user=office.window, mobile=bad, actor=admin)
        assert refused.value.field == "mobile"
    assert StaffContact.objects.get().mobile == "13812345678"
    with pytest.raises(DomainError) as refused:
        staff_mobile_set(user=None, mobile="13812345678", actor=admin)
    assert refused.value.field == "user"

    assert staff_mobile_set(user=office.window, mobile=" ", actor=admin) is None
    assert not StaffContact.objects.exists()
    assert Event.objects.filter(action="org.staff_mobile.clear").count() == 1
