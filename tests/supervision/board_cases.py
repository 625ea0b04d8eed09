"""The county's cases as the supervisors' board reads them, and a supervisor covering the whole county: the
console's board (tests/supervision) and the API's statistics (tests/api) are tested on the same data."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType

from sunlit.cases.models import Case, CaseState, Rating
from sunlit.cases.services import case_submit
from sunlit.org.models import Role, Unit
from sunlit.supervision.models import Card, CardLevel
from tests import factories
from tests.cases.conftest import ID_NUMBER, Office

D = dt.date
SHANGHAI = ZoneInfo("Asia/Shanghai")


def a_case(office: Office, unit: Unit | None = None, **fields: Any) -> Case:
    """A case submitted on the portal, then set straight to the state the board reads (its figures are the
    subject here, not how the case got there)."""
    case, _ = case_submit(item_id=office.item.item_id, applicant_name="王五", applicant_id_number=ID_NUMBER,
                          applicant_contact="13700000000")
    if unit is not None:
        fields["unit"] = unit
    Case.objects.filter(pk=case.pk).update(**fields)
    case.refresh_from_db()
    return case


def decided(office: Office, accepted: dt.date, due: dt.date, ended: dt.date, unit: Unit | None = None) -> Case:
    return a_case(office, unit, state=CaseState.APPROVED, accepted_on=accepted, due=due,
                  ended_at=dt.datetime.combine(ended, dt.time(16, 0), tzinfo=SHANGHAI), current_step=None)


def card(case: Case, level: str, trigger: str = "case.due") -> Card:
    return Card.objects.create(level=level, trigger=trigger, target_type=ContentType.objects.get_for_model(Case),
                               target_id=case.pk, unit=case.unit, label=f"办件{case.receipt}：承诺办结期限",
                               detail="期限已过", key=f"{trigger}:{case.pk}:{level}")


@pytest.fixture
def county_cases(office: Office, county: dict[str, Unit]) -> dict[str, Case]:
    """The land bureau decided three cases in October 2026 and the finance bureau one; one more in November;
    two open, one of them late, one stopped."""
    finance = county["finance"]
    cases = {
        # 9/30 → 10/9 across National Day (10/1-10/7 off): 10/8 and 10/9, 2 working days; due that day: on time.
        "holiday": decided(office, D(2026, 9, 30), D(2026, 10, 9), D(2026, 10, 9)),
        "early": decided(office, D(2026, 10, 12), D(2026, 10, 23), D(2026, 10, 20)),  # 6 working days
        "late": decided(office, D(2026, 10, 12), D(2026, 10, 14), D(2026, 10, 16)),  # 4 working days
        "finance": decided(office, D(2026, 10, 12), D(2026, 10, 23), D(2026, 10, 13), unit=finance),  # 1
        "november": decided(office, D(2026, 11, 2), D(2026, 11, 13), D(2026, 11, 10)),
        "overdue": a_case(office, accepted_on=D(2026, 11, 2), due=D(2026, 11, 13), step_due=D(2026, 11, 5)),
        "stopped": a_case(office, state=CaseState.STOPPED, accepted_on=D(2026, 11, 2), due=D(2026, 11, 13)),
    }
    Rating.objects.create(case=cases["holiday"], level="5")
    Rating.objects.create(case=cases["late"], level="1")
    card(cases["overdue"], CardLevel.RED)
    card(cases["overdue"], CardLevel.YELLOW, "case.step")
    return cases


@pytest.fixture
def supervisor(county: dict[str, Unit]) -> Any:
    return factories.staff("sup", county["gov"], Role.SUPERVISOR)
