"""The demo county: built once per module (inside a transaction rolled back at the end), then read. It is
built as on a county's server (any database but the embedded SQLite file), where every login gets a random
password, printed once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from sunlit.cases.models import Case, CaseState, CaseStep, ClockStop, Rating
from sunlit.catalog.models import (
    INTERNAL_CATEGORIES,
    ChangeKind,
    LimitUnit,
    PowerItem,
    PowerItemVersion,
    VersionStatus,
)
from sunlit.catalog.rules import Limit, promised_exceeds_statutory
from sunlit.catalog.selectors import public_power_search, public_powers
from sunlit.core.models import Event
from sunlit.core.visibility import public_queryset
from sunlit.decisions.models import (
    Consultation,
    Matter,
    MatterStatus,
    Meeting,
    MeetingState,
    Statement,
    Vote,
    Withdrawal,
)
from sunlit.decisions.selectors import missing_stages
from sunlit.demo.build import PASSWORD, ROOT_CODE, SHOWN_ONCE, DemoSummary, build_demo, demo_usernames
from sunlit.demo.serving import login_lines
from sunlit.org.models import Appointment, Official, Unit, UnitKind
from sunlit.org.selectors import posts_held, principal_violations
from sunlit.supervision.models import Card, CardLevel
from tests.decisions.test_draw import check_published_draw

TODAY = dt.date(2026, 11, 24)


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoSummary]:
    """Build once for the module, as into a county's PostgreSQL (SUNLIT_DATABASE_URL: not the embedded
    database) and with the tests' fast hasher; the outer transaction is rolled back so no other test sees it."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            with override_settings(SUNLIT_EMBEDDED_DATABASE=False,
                                   PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
                summary = build_demo()
            yield summary
            transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_build_creates_the_county(demo: DemoSummary) -> None:
    assert demo.created
    root = Unit.objects.get(code=ROOT_CODE)
    units = Unit.objects.filter(path__startswith=root.path)
    assert units.filter(kind=UnitKind.PARTY_COMMITTEE).count() == 1
    assert units.filter(kind=UnitKind.GOVERNMENT).count() == 1
    assert set(units.filter(kind=UnitKind.DEPARTMENT).values_list("name", flat=True)) == {
        "阳光县财政局", "阳光县发展和改革委员会", "阳光县交通运输局", "阳光县房产管理局", "阳光县国土资源局",
        "阳光县城乡规划建设局", "阳光县矿产资源管理局"}
    assert units.filter(kind=UnitKind.TOWNSHIP).count() == 2
    for township in units.filter(kind=UnitKind.TOWNSHIP):
        assert 2 <= township.children.filter(kind=UnitKind.VILLAGE).count() <= 3


def test_at_least_300_public_items(demo: DemoSummary) -> None:
    assert public_queryset(PowerItem).count() >= 300
    assert demo.public_items >= 300


def test_township_and_village_counts(demo: DemoSummary) -> None:
    for township in Unit.objects.filter(kind=UnitKind.TOWNSHIP):
        assert PowerItem.objects.filter(unit=township).count() == 26
        assert public_powers(unit_code=township.code).count() == 26
    villages = Unit.objects.filter(kind=UnitKind.VILLAGE)
    assert villages.count() == 5
    for village in villages:
        assert PowerItem.objects.filter(unit=village).count() == 20
        assert public_powers(unit_code=village.code).count() == 20


def test_search_finds_village_house_building(demo: DemoSummary) -> None:
    found = public_power_search(q="建房").page(0, 1000)
    named = [i for i in found if "建房" in i.published_version.name]
    assert len([i for i in named if i.unit.kind == UnitKind.VILLAGE]) >= 5
    assert found[:len(named)] == named  # those with the word in their name first


def test_exactly_one_principal_violation(demo: DemoSummary) -> None:
    violations = principal_violations(day=TODAY)
    assert len(violations) == 1
    assert violations[0].unit_name == "清水镇"
    assert violations[0].areas == ["财务"]


def test_every_published_external_item_has_a_legal_basis(demo: DemoSummary) -> None:
    external = public_queryset(PowerItem).exclude(published_version__category__in=list(INTERNAL_CATEGORIES))
    assert external.count() > 200
    missing = [i.code for i in external if not i.published_version.legal_bases.exists()]
    assert missing == []


def test_promised_never_longer_than_statutory(demo: DemoSummary) -> None:
    versions = PowerItemVersion.objects.exclude(promised_limit=None).exclude(statutory_limit=None)
    assert versions.count() > 100
    for v in versions:
        assert not promised_exceeds_statutory(Limit(v.promised_limit, v.promised_limit_unit),
                                              Limit(v.statutory_limit, v.statutory_limit_unit)), v
    assert PowerItemVersion.objects.filter(promised_limit=0).exists()  # 即办
    assert PowerItemVersion.objects.filter(statutory_limit_unit=LimitUnit.CALENDAR_DAYS).exists()


def test_states_for_the_console(demo: DemoSummary) -> None:
    versions = PowerItemVersion.objects.all()
    assert versions.filter(status=VersionStatus.SUBMITTED).count() >= 3
    assert versions.filter(status=VersionStatus.DRAFT).count() >= 2
    assert versions.filter(status=VersionStatus.REJECTED).count() == 1
    cancelled = PowerItem.objects.get(is_cancelled=True)
    assert cancelled.versions.filter(change_kind=ChangeKind.CANCEL, status=VersionStatus.APPROVED).exists()
    assert not public_queryset(PowerItem).filter(pk=cancelled.pk).exists()
    multi = [i for i in PowerItem.objects.all() if i.versions.filter(status=VersionStatus.APPROVED).count() >= 3]
    assert multi, "one item should have three approved versions (动态管理)"
    assert PowerItem.objects.filter(parent__isnull=False).count() >= 10


def test_history_dates_run_through_2026_and_every_version_has_its_event(demo: DemoSummary) -> None:
    created = sorted(PowerItemVersion.objects.values_list("created_at", flat=True))
    assert created[0].year == 2026 and created[-1].year == 2026
    assert created[-1].date() <= TODAY
    event_ids = set(Event.objects.filter(object_type="catalog.poweritemversion").values_list("object_id", flat=True))
    assert {str(pk) for pk in PowerItemVersion.objects.values_list("pk", flat=True)} <= event_ids


def test_officials_and_logins(demo: DemoSummary) -> None:
    assert Official.objects.count() >= 60
    assert Appointment.objects.filter(post__is_principal=True).count() >= 10
    assert Official.objects.filter(portfolio__isnull=False).distinct().count() >= 40
    assert authenticate(username="gt_reviewer", password=demo.passwords["gt_reviewer"]) is not None
    assert authenticate(username="admin", password=demo.passwords["admin"]).is_superuser  # type: ignore[union-attr]


def test_on_a_county_server_each_login_gets_its_own_random_password(demo: DemoSummary) -> None:
    assert set(demo.passwords) == set(demo_usernames()) and "jw_supervisor" in demo.passwords
    assert len(set(demo.passwords.values())) == len(demo.passwords)
    for username, password in demo.passwords.items():
        assert password != PASSWORD
        validate_password(password, User.objects.get(username=username))
    assert authenticate(username="admin", password=PASSWORD) is None
    assert authenticate(username="gt_editor", password=PASSWORD) is None


def test_the_random_passwords_are_printed_once_in_the_login_table(demo: DemoSummary) -> None:
    first = "\n".join(login_lines(demo.passwords))
    for username, password in demo.passwords.items():
        assert any(username in line and password in line for line in first.splitlines()), username
    later = "\n".join(login_lines())
    assert "gt_reviewer" in later and SHOWN_ONCE in later
    assert not any(password in later for password in demo.passwords.values())
    assert PASSWORD not in later


def test_second_build_adds_nothing(demo: DemoSummary) -> None:
    counts = (PowerItem.objects.count(), PowerItemVersion.objects.count(), Event.objects.count(),
              Official.objects.count())
    again = build_demo()
    assert not again.created
    assert (PowerItem.objects.count(), PowerItemVersion.objects.count(), Event.objects.count(),
            Official.objects.count()) == counts
    assert again.total_items == demo.total_items


def test_demo_command_without_serving(demo: DemoSummary, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo", "--no-serve")
    out = capsys.readouterr().out
    assert "已存在" in out
    assert "gt_reviewer" in out and SHOWN_ONCE in out
    assert PASSWORD not in out and demo.passwords["gt_reviewer"] not in out


def test_every_staff_login_stands_for_an_official_and_the_admin_for_no_one(demo: DemoSummary) -> None:
    staff = User.objects.filter(memberships__isnull=False).distinct()
    assert staff.count() == len(demo.users) - 1
    assert not staff.filter(official__isnull=True).exists()
    assert not hasattr(User.objects.get(username="admin"), "official")
    gt_reviewer = User.objects.get(username="gt_reviewer")
    assert [p.name for p in posts_held(user=gt_reviewer, day=TODAY)] == ["副局长（行政审批）"]
    assert User.objects.get(username="jw_supervisor").official.title == "县委常委、纪委书记、监委主任"


def test_the_county_has_handled_cases_with_what_supervision_looks_for(demo: DemoSummary) -> None:
    states = set(Case.objects.values_list("state", flat=True))
    assert Case.objects.count() >= 2000 and Case.objects.values("unit").distinct().count() >= 5
    assert {CaseState.APPROVED, CaseState.NOT_ACCEPTED, CaseState.WITHDRAWN, CaseState.OPEN} <= states
    assert ClockStop.objects.exists() and Case.objects.filter(extension_days__gt=0).exists()
    assert Rating.objects.filter(level__in=["1", "2"]).exists() and Rating.objects.filter(level="5").exists()
    assert Card.objects.filter(level=CardLevel.RED).exists() and Card.objects.filter(level=CardLevel.ANOMALY).exists()
    # every case walked a flow by the officials holding its posts: no step without who did it
    assert not CaseStep.objects.filter(done_by__isnull=True).exclude(step__kind="apply").exists()


def test_major_decisions_at_every_stage_and_two_past_meetings(demo: DemoSummary) -> None:
    blocked = Matter.objects.get(title="县城区机动车停放服务收费标准调整")
    assert any("合法性审查未通过" in m for m in missing_stages(blocked, TODAY))
    assert Matter.objects.filter(status=MatterStatus.PREPARING, legality_reviews__passed__isnull=True,
                                 legality_reviews__isnull=False).exists()
    assert Consultation.objects.filter(opens_on__lte=TODAY, closes_on__gte=TODAY).exists()
    past = Meeting.objects.filter(state=MeetingState.SIGNED)
    assert past.count() == 2
    for meeting in past:
        assert Statement.objects.filter(item__meeting=meeting).exists() and Vote.objects.filter(item__meeting=meeting).exists()
        assert meeting.draw.drawn and all(i.publication for i in meeting.agenda.all())
    assert Withdrawal.objects.exists() and Meeting.objects.filter(acting_presider__isnull=False).exists()
    assert Card.objects.filter(trigger="decision_report", level=CardLevel.RED).exists()


def test_every_demo_draw_redone_from_its_description_gives_the_same_observers(demo: DemoSummary) -> None:
    meetings = Meeting.objects.exclude(draw__seed="").filter(draw__isnull=False)
    assert meetings.count() == 2
    for meeting in meetings:
        doc = check_published_draw(Client(), meeting.pk)
        assert doc["drawn"] == meeting.draw.drawn
