"""其他: a supervisor covering a case's unit enters a finding of their own as an anomaly card, with one event;
anyone else is refused, and bad input is refused by field with nothing written. The console's form does the
same for supervisors only."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from sunlit.cases.models import Case
from sunlit.core.clock import FixedClock
from sunlit.core.errors import Conflict, DomainError, NotAllowed
from sunlit.core.models import Event
from sunlit.org.models import Role, Unit
from sunlit.supervision.models import Card, CardLevel, CardState
from sunlit.supervision.selectors import inbox
from sunlit.supervision.services import card_enter
from tests import factories
from tests.cases.conftest import Office
from tests.supervision.test_sweep import accepted_case

FINDING = "群众反映窗口人员要求申请人另行提供无依据的证明材料"


@pytest.fixture
def supervisors(county: dict[str, Unit]) -> dict[str, User]:
    return {"county": factories.staff("sup-county", county["gov"], Role.SUPERVISOR),
            "town": factories.staff("sup-town", county["town"], Role.SUPERVISOR),
            "admin": factories.staff("adm-land", county["land"], Role.ADMIN)}


def entered() -> tuple[int, int]:
    return Card.objects.count(), Event.objects.filter(action="supervision.card.enter").count()


@pytest.mark.django_db
def test_a_supervisor_of_a_unit_above_enters_a_finding_that_reaches_the_case_s_people(
        office: Office, supervisors: dict[str, User], clock: FixedClock) -> None:
    case = accepted_case(office, clock)
    card = card_enter(case=case, detail=f"  {FINDING}\n", actor=supervisors["county"])

    assert (card.level, card.trigger, card.state, card.unit.code) == (
        CardLevel.ANOMALY, "case.entered", CardState.OPEN, "YD-ZRZY")
    assert card.label == f"办件{case.receipt}：其他（监察人员录入）" and card.detail == FINDING
    assert card.issued_at == clock.at and card.notified_at is None  # the next notify_cards texts it
    event = Event.objects.get(action="supervision.card.enter")
    assert (event.actor, event.object_id, event.note) == (supervisors["county"], str(card.pk), FINDING)
    day = clock.at.date()
    assert card in inbox(viewer=office.examiner, day=day) and card in inbox(viewer=office.director, day=day)
    assert card not in inbox(viewer=office.outsider, day=day)

    with pytest.raises(Conflict) as twice:
        card_enter(case=case, detail=FINDING, actor=supervisors["county"])
    assert twice.value.field == "detail" and entered() == (1, 1)


@pytest.mark.django_db
def test_only_a_supervisor_covering_the_unit_may_enter_and_bad_input_writes_nothing(
        office: Office, supervisors: dict[str, User], clock: FixedClock) -> None:
    case = accepted_case(office, clock)
    for actor in (supervisors["town"], supervisors["admin"], office.director, office.window, None):
        with pytest.raises(NotAllowed) as refused:
            card_enter(case=case, detail=FINDING, actor=actor)
        assert refused.value.field == "actor"
    for detail in ("", "   ", "问" * 2001):
        with pytest.raises(DomainError) as refused:
            card_enter(case=case, detail=detail, actor=supervisors["county"])
        assert refused.value.field == "detail"
    for target in (None, Case(), office.item):
        with pytest.raises(DomainError) as refused:
            card_enter(case=target, detail=FINDING, actor=supervisors["county"])  # type: ignore[arg-type]
        assert refused.value.field == "case"
    assert entered() == (0, 0)


# ------------------------------------------------------------------------------------------- the form

def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_the_console_form_enters_a_finding_and_shows_refusals_beside_their_field(
        office: Office, supervisors: dict[str, User], clock: FixedClock, county: dict[str, Unit]) -> None:
    case = accepted_case(office, clock)
    client = client_for(supervisors["county"])
    cards_page = client.get("/console/board/cards/").content.decode()
    assert 'href="/console/board/enter/"' in cards_page
    form = client.get(f"/console/board/enter/?receipt={case.receipt}").content.decode()
    assert "<h1>录入其他异常</h1>" in form and f'value="{case.receipt}"' in form
    main = form.split("<main id=\"main\">")[1]
    assert " style=" not in main and "<script" not in main

    refused = client.post("/console/board/enter/", {"receipt": "YD-ZRZY-20990101-0001-0", "detail": FINDING})
    assert refused.status_code == 400 and "没有这个受理编号的办件，或该办件不属于您监察的单位" in refused.content.decode()
    refused = client.post("/console/board/enter/", {"receipt": case.receipt, "detail": " "})
    assert refused.status_code == 400 and "请写明发现的问题" in refused.content.decode()
    assert 'id="e-detail"' in refused.content.decode() and entered() == (0, 0)

    done = client.post("/console/board/enter/", {"receipt": case.receipt.lower(), "detail": FINDING})
    assert done.status_code == 302 and done["Location"] == "/console/board/cards/?trigger=case.entered"
    listed = client.get(done["Location"]).content.decode()
    assert FINDING in listed and "其他（监察人员录入）" in listed and entered() == (1, 1)


@pytest.mark.django_db
def test_the_form_is_for_supervisors_and_reaches_only_their_units(office: Office, supervisors: dict[str, User],
                                                                  clock: FixedClock) -> None:
    case = accepted_case(office, clock)
    for user in (office.window, office.director, supervisors["admin"]):
        assert client_for(user).get("/console/board/enter/").status_code == 404
        assert client_for(user).post("/console/board/enter/", {"receipt": case.receipt,
                                                                 "detail": FINDING}).status_code == 404
    assert 'href="/console/board/enter/"' not in client_for(supervisors["admin"]).get(
        "/console/board/cards/").content.decode()
    refused = client_for(supervisors["town"]).post("/console/board/enter/", {"receipt": case.receipt,
                                                                             "detail": FINDING})
    assert refused.status_code == 400 and "不属于您监察的单位" in refused.content.decode()
    assert Client().get("/console/board/enter/").status_code == 302
    assert entered() == (0, 0)
