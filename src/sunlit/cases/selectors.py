"""网上运行 reads. An applicant reaches a case by its receipt number and query password, throttled per
address and per receipt (failures are kept in the audit trail, which every worker shares); staff reach
cases through their units."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from sunlit.cases import receipt
from sunlit.cases.models import (
    APPLIED_FOR,
    DECIDED_STATES,
    OPEN_STATES,
    Case,
    CaseMaterial,
    CaseNotice,
    CaseState,
    CaseStep,
    ClockStop,
    Rating,
    RatingLevel,
)
from sunlit.cases.receipt import mask_id_number
from sunlit.catalog.models import PowerItem
from sunlit.catalog.permissions import READ_ROLES
from sunlit.core import clock as clock_mod
from sunlit.core.audit import audit_record
from sunlit.core.clock import Clock
from sunlit.core.errors import DomainError, TooMany
from sunlit.core.models import AuditEntry, AuditKind
from sunlit.core.prepared import PreparedQuery
from sunlit.core.visibility import public_queryset
from sunlit.flows.models import FlowVersion, Transition
from sunlit.flows.selectors import ways_on
from sunlit.org.models import Appointment, Official
from sunlit.org.permissions import units_for
from sunlit.org.selectors import posts_held, serving

WINDOW = dt.timedelta(minutes=15)
PER_ADDRESS = 10
PER_RECEIPT = 5


def applicant_case(*, number: str, password: str, address: str | None, clock: Clock | None = None) -> Case:
    """The case these two open, or a refusal that says only that they do not match (never which one)."""
    number = (number or "").strip().upper()[:60]
    since = clock_mod.now(clock) - WINDOW
    failures = AuditEntry.objects.filter(kind=AuditKind.CASE_LOOKUP_FAILED, at__gte=since)
    if (address and failures.filter(address=address).count() >= PER_ADDRESS) or \
            failures.filter(username=number).count() >= PER_RECEIPT:
        raise TooMany("查询过于频繁，请15分钟后再试", field="password")
    if not receipt.well_formed(number):
        _failed(number, address, clock)
        raise DomainError("受理编号有误，请核对（最后一位是校验码）", field="receipt")
    case = Case.objects.select_related("item__published_version", "unit", "current_step").filter(receipt=number).first()
    if case is None or not receipt.password_matches(number, password or "", case.password_hash):
        _failed(number, address, clock)
        raise DomainError("受理编号或查询密码不正确", field="password")
    return case


def _failed(number: str, address: str | None, clock: Clock | None) -> None:
    audit_record(kind=AuditKind.CASE_LOOKUP_FAILED, username=number, address=address, clock=clock)


@dataclass(frozen=True)
class Progress:
    """What the applicant reads: the steps taken (without who did them), what they were told, what stands
    now, and the names of the materials they handed in (the files themselves only staff open)."""

    case: Case
    steps: list[CaseStep]
    notices: list[CaseNotice]
    materials: list[str]


def applicant_progress(case: Case) -> Progress:
    steps = list(CaseStep.objects.filter(case=case).select_related("step").order_by("id"))
    names = list(CaseMaterial.objects.filter(case=case).order_by("id").values_list("name", flat=True))
    return Progress(case, steps, list(CaseNotice.objects.filter(case=case).order_by("id")), names)


# ------------------------------------------------------------------------------------------- staff


class Timing:
    """When a decided case ended against its promised limit: on or before it (按期), before it (提前), after
    it or without one (超期)."""

    ON_TIME = "on_time"
    EARLY = "early"
    LATE = "late"
    ALL = (ON_TIME, EARLY, LATE)


def month_span(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The first moment of `month` (any day in it) and of the next, in local time."""
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    zone = timezone.get_current_timezone()
    return (dt.datetime.combine(first, dt.time(), tzinfo=zone), dt.datetime.combine(following, dt.time(), tzinfo=zone))


class CaseStateKind:
    """The state filter of the staff list: one state, or the open (在办) or ended (已办结) ones together."""

    ACTIVE = "active"
    ENDED = "ended"


def _staff_scope(viewer: Any, day: dt.date) -> Q:
    """The cases staff reach: those of the units where they hold a post on `day` or a READ role (and the
    units below), and those whose current step's post they hold (a step sent up to a unit above)."""
    held = posts_held(user=viewer, day=day)
    return (Q(unit__in=held.values("unit_id")) | Q(unit__in=units_for(viewer, READ_ROLES))
            | Q(state__in=OPEN_STATES, current_step__post__in=held.values("pk")))


def staff_cases(*, viewer: Any, day: dt.date, state: str | None = None, mine: bool = False,
                overdue: bool = False, q: str | None = None, unit: str | None = None,
                decided_in: dt.date | None = None, timing: str | None = None,
                rating: str | None = None) -> QuerySet[Case]:
    """The cases of the units the viewer works in, newest first, each row with what the list shows.
    `mine`: those whose current step waits on a post the viewer holds on `day` (待我办理); `overdue`: open
    cases (clock running) whose step or promised limit is past on `day`; `q`: a receipt number or an
    applicant's name, or part of one; `unit`: one unit's own cases (by code); `decided_in`: decided (办结) in
    that month (any day in it); `timing`: decided on time, early or late (a Timing); `rating`: rated at that
    level, or at all ("any"). The supervisors' board links each of its figures here with these."""
    if not getattr(viewer, "is_authenticated", False):
        return Case.objects.none()
    cases = Case.objects.filter(_staff_scope(viewer, day))
    if unit:
        cases = cases.filter(unit__code=unit)
    if decided_in is not None:
        start, end = month_span(decided_in)
        cases = cases.filter(state__in=DECIDED_STATES, ended_at__gte=start, ended_at__lt=end)
    if timing in Timing.ALL:
        cases = cases.filter(state__in=DECIDED_STATES).annotate(ended_day=TruncDate("ended_at"))
        cases = cases.filter({Timing.ON_TIME: Q(ended_day__lte=F("due")), Timing.EARLY: Q(ended_day__lt=F("due")),
                              Timing.LATE: Q(ended_day__gt=F("due")) | Q(due__isnull=True)}[timing])
    if rating in RatingLevel.values:
        cases = cases.filter(rating__level=rating)
    elif rating == "any":
        cases = cases.filter(rating__isnull=False)
    if state == CaseStateKind.ACTIVE:
        cases = cases.filter(state__in=OPEN_STATES)
    elif state == CaseStateKind.ENDED:
        cases = cases.exclude(state__in=OPEN_STATES)
    elif state in CaseState.values:
        cases = cases.filter(state=state)
    if mine:
        cases = cases.filter(state__in=OPEN_STATES,
                             current_step__post__in=posts_held(user=viewer, day=day).values("pk"))
    if overdue:
        cases = cases.filter(Q(step_due__lt=day) | Q(due__lt=day), state=CaseState.OPEN)
    term = (q or "").strip()
    if term:
        cases = cases.filter(Q(receipt__icontains=term) | Q(applicant_name__icontains=term))
    return cases.select_related("item__published_version", "unit", "current_step__post").order_by(
        "-received_at", "-pk")


@dataclass(frozen=True)
class CaseFile:
    """A case as its handlers read it: every step with who did it, every clock stop, every notice, and the
    materials handed in."""

    case: Case
    steps: list[CaseStep]
    stops: list[ClockStop]
    notices: list[CaseNotice]
    materials: list[CaseMaterial]


def _staff_reached(viewer: Any, day: dt.date) -> QuerySet[Case]:
    if not getattr(viewer, "is_authenticated", False):
        return Case.objects.none()
    return Case.objects.filter(_staff_scope(viewer, day))


def staff_case(*, viewer: Any, day: dt.date, number: str) -> CaseFile | None:
    """One case, in full, for staff who reach it (as `staff_cases`); None for anyone else."""
    case = (_staff_reached(viewer, day).filter(receipt=number.strip()[:60])
            .select_related("item__published_version", "unit", "flow_version", "current_step__post__unit",
                            "entered_by").first())
    if case is None:
        return None
    steps = list(CaseStep.objects.filter(case=case).select_related("step", "official", "done_by").order_by("id"))
    stops = list(ClockStop.objects.filter(case=case).select_related("step").order_by("id"))
    return CaseFile(case, steps, stops, list(CaseNotice.objects.filter(case=case).order_by("id")),
                    list(CaseMaterial.objects.filter(case=case).order_by("id")))


def staff_case_material(*, viewer: Any, day: dt.date, number: str, material_id: int) -> CaseMaterial | None:
    """One material of a case, for the staff who reach the case (as `staff_case`); None for anyone else."""
    return CaseMaterial.objects.filter(pk=material_id, case__in=_staff_reached(viewer, day).filter(
        receipt=number.strip()[:60])).first()


def counter_items(*, viewer: Any, day: dt.date) -> QuerySet[PowerItem]:
    """The public items a counter clerk may enter applications for (窗口受理): those of the units where the
    viewer holds a post on `day` that have a published flow, their own or their unit's template for the
    category (as flows.selectors.public_flow chooses), in one query."""
    if not getattr(viewer, "is_authenticated", False):
        return PowerItem.objects.none()
    flows = public_queryset(FlowVersion)
    own = flows.filter(flow__item=OuterRef("pk"))
    template = flows.filter(flow__item__isnull=True, flow__unit=OuterRef("unit_id"),
                            flow__category=OuterRef("published_version__category"))
    same_unit = template.filter(limit_unit=OuterRef("published_version__statutory_limit_unit"))
    return (public_queryset(PowerItem)
            .filter(unit__in=posts_held(user=viewer, day=day).values("unit_id"),
                    published_version__category__in=APPLIED_FOR, published_version__promised_limit__isnull=False)
            .filter(Exists(own) | Q(Exists(template), published_version__statutory_limit__isnull=True)
                    | Exists(same_unit))
            .select_related("unit", "published_version").order_by("unit__path", "code"))


@dataclass(frozen=True)
class Held:
    """What a login's official holds on a day, read in one query: the posts, their units, the units it
    heads (a principal post), and the official. The one place the services and the pages ask who may act
    on a case."""

    posts: frozenset[int]
    units: frozenset[int]
    heads: frozenset[int]
    official: int | None

    def may_do(self, case: Case) -> bool:
        """The current step: by the official holding its post; a step with no post, by staff of the unit."""
        post_id = case.current_step.post_id if case.current_step is not None else None
        return post_id in self.posts if post_id is not None else case.unit_id in self.units


_HELD = PreparedQuery(lambda user_id, day: serving(Appointment.objects.filter(official__user_id=user_id), day)
                      .values_list("post_id", "post__unit_id", "post__is_principal", "official_id"),
                      user_id=PreparedQuery.ID, day=PreparedQuery.DATE)  # asked on every action: compiled once


def held(user: Any, day: dt.date) -> Held:
    if not getattr(user, "is_authenticated", False):
        return Held(frozenset(), frozenset(), frozenset(), None)
    rows = _HELD.rows(user_id=user.pk, day=day)
    official = rows[0][3] if rows else Official.objects.filter(user=user).values_list("pk", flat=True).first()
    return Held(frozenset(r[0] for r in rows), frozenset(r[1] for r in rows),
                frozenset(r[1] for r in rows if r[2]), official)


def applicant_id_shown(*, case: Case, viewer: Any, day: dt.date) -> str:
    """The applicant's ID number as a staff view shows it: whole to the case's handlers (officials holding a
    post in its unit that day), masked to everyone else who may see the case (supervisors, reviewers,
    administrators)."""
    if case.unit_id in held(viewer, day).units:
        return case.applicant_id_number
    return mask_id_number(case.applicant_id_number)


@dataclass(frozen=True)
class CaseActions:
    """What a viewer may do on a case on a day, as the services will allow it: the current step (as the
    official holding its post; `outcomes` its ways on), an extension (as the unit's head), withdrawing at
    the applicant's request or voiding (as staff holding a post in the unit)."""

    step: bool
    outcomes: list[Transition]
    extend: bool
    close: bool


def case_actions(*, case: Case, viewer: Any, day: dt.date) -> CaseActions:
    if not case.is_open or case.current_step is None:
        return CaseActions(False, [], False, False)
    holds = held(viewer, day)
    step = holds.may_do(case)
    outcomes = list(ways_on(case.flow_version_id, case.current_step_id)) if step else []
    return CaseActions(step and bool(outcomes), outcomes,
                       case.unit_id in holds.heads and case.accepted_on is not None and not case.extension_days,
                       case.unit_id in holds.units)


@dataclass(frozen=True)
class RatingShare:
    level: str
    label: str
    count: int
    percent: float


def rating_distribution(unit_ids: list[int]) -> list[RatingShare]:
    """How a unit's (or units') cases were rated, every level shown, the silent not counted: what the
    portal publishes for each unit."""
    counts = dict(Rating.objects.filter(case__unit_id__in=unit_ids).values_list("level").annotate(n=Count("id")))
    total = sum(counts.values())
    return [RatingShare(level, label, counts.get(level, 0), round(100 * counts.get(level, 0) / total, 1) if total else 0.0)
            for level, label in RatingLevel.choices]


def public_rating_comments(unit_ids: list[int], limit: int = 20) -> list[tuple[str, str, dt.datetime]]:
    """Reviewed comments, newest first: (level label, comment, when)."""
    rows = Rating.objects.filter(case__unit_id__in=unit_ids, comment_public=True).order_by("-rated_at")[:limit]
    return [(r.get_level_display(), r.comment, r.rated_at) for r in rows]
