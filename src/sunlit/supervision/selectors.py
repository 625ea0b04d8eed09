"""The supervisors' board (电子监察看板): what is open and late in the units a supervisor covers, the open
cards, how the cases decided in a month kept their limits (按期率, 平均用时, 提前办结率, the monthly ranking of
units), the ratings and a six-month trend.

Every figure comes from a handful of grouped queries, whatever the number of cases: the working days a
case took are counted per distinct (calendar, accepted, ended) triple the database returns, on the case's
own calendar.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Length, Substr, TruncDate

from sunlit.cases.models import OPEN_STATES, Case, CaseState, Rating, RatingLevel
from sunlit.cases.selectors import DECIDED_STATES, RatingShare, month_span
from sunlit.core import calendar as official_calendar
from sunlit.org.models import Appointment, Membership, Role, Unit
from sunlit.org.permissions import units_for
from sunlit.org.selectors import posts_held, serving
from sunlit.supervision.anomalies import LABELS
from sunlit.supervision.models import Card, CardLevel, CardRead, CardState

BOARD_ROLES: tuple[str, ...] = (Role.SUPERVISOR, Role.ADMIN)
TREND_MONTHS = 6
TRIGGER_LABELS: dict[str, str] = {"case.step": "环节时限", "case.due": "承诺办结时限", **LABELS}


def board_units(viewer: Any) -> QuerySet[Unit]:
    """The units whose board the viewer reads: where they are a supervisor (纪检监察) or an administrator,
    and every unit below."""
    return units_for(viewer, BOARD_ROLES)


@dataclass
class Decided:
    """Cases decided (办结) in a period: how many, how many on or before their promised limit, how many
    before it, and their working days from acceptance to the end (over the `timed` ones that were
    accepted)."""

    count: int = 0
    on_time: int = 0
    early: int = 0
    timed: int = 0
    working_days: int = 0

    def add(self, n: int, on_time: bool, early: bool, days: int | None) -> None:
        self.count += n
        self.on_time += n if on_time else 0
        self.early += n if early else 0
        if days is not None:
            self.timed += n
            self.working_days += n * days

    @property
    def late(self) -> int:
        return self.count - self.on_time

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.count, 1) if self.count else None

    @property
    def early_rate(self) -> float | None:
        return round(100 * self.early / self.count, 1) if self.count else None

    @property
    def average_days(self) -> float | None:
        return round(self.working_days / self.timed, 1) if self.timed else None


@dataclass
class UnitFigures:
    unit: Unit | None  # None: the covered units together
    open: int = 0
    overdue: int = 0
    stopped: int = 0
    cards: dict[str, int] = field(default_factory=lambda: {level: 0 for level in CardLevel.values})
    decided: Decided = field(default_factory=Decided)
    ratings: list[RatingShare] = field(default_factory=list)
    rank: int = 0

    @property
    def rated(self) -> int:
        return sum(share.count for share in self.ratings)

    @property
    def empty(self) -> bool:
        return not (self.open or any(self.cards.values()) or self.decided.count or self.rated)


@dataclass(frozen=True)
class MonthPoint:
    month: dt.date  # its first day
    decided: Decided


@dataclass(frozen=True)
class Board:
    day: dt.date
    month: dt.date
    units: list[UnitFigures]  # those with anything to show, in the tree's order
    quiet: int  # covered units with nothing to show
    ranking: list[UnitFigures]  # units with cases decided in the month, best first
    trend: list[MonthPoint]  # the TREND_MONTHS months up to `month`, oldest first
    total: UnitFigures  # every covered unit together (its `unit` is None)


def months_back(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 - n
    return dt.date(index // 12, index % 12 + 1, 1)


def _shares(counts: dict[str, int]) -> list[RatingShare]:
    """As cases.selectors.rating_distribution, from counts already fetched."""
    total = sum(counts.values())
    return [RatingShare(level, label, counts.get(level, 0),
                        round(100 * counts.get(level, 0) / total, 1) if total else 0.0)
            for level, label in RatingLevel.choices]


def supervision_board(*, viewer: Any, day: dt.date, month: dt.date) -> Board:
    """The board as of `day`, with the decided-case figures of `month` (any day in it)."""
    units = list(board_units(viewer))
    ids = [u.pk for u in units]
    figures = {u.pk: UnitFigures(u) for u in units}
    total = UnitFigures(None)

    running = Q(state=CaseState.OPEN)
    open_rows = (Case.objects.filter(unit__in=ids, state__in=OPEN_STATES).values("unit_id")
                 .annotate(n=Count("id"), stopped=Count("id", filter=Q(state=CaseState.STOPPED)),
                           overdue=Count("id", filter=running & (Q(step_due__lt=day) | Q(due__lt=day)))))
    for row in open_rows:
        for f in (figures[row["unit_id"]], total):
            f.open += row["n"]
            f.stopped += row["stopped"]
            f.overdue += row["overdue"]

    for row in (Card.objects.filter(unit__in=ids, state=CardState.OPEN).values("unit_id", "level")
                .annotate(n=Count("id"))):
        for f in (figures[row["unit_id"]], total):
            f.cards[row["level"]] = f.cards.get(row["level"], 0) + row["n"]

    month = month.replace(day=1)
    first = months_back(month, TREND_MONTHS - 1)
    start, _ = month_span(first)
    _, end = month_span(month)
    trend = {months_back(month, n): Decided() for n in range(TREND_MONTHS)}
    decided_rows = (Case.objects.filter(unit__in=ids, state__in=DECIDED_STATES, ended_at__gte=start, ended_at__lt=end)
                    .annotate(ended_day=TruncDate("ended_at"))
                    .values("unit_id", "calendar", "accepted_on", "ended_day", "due").annotate(n=Count("id")))
    for row in decided_rows:
        ended, due, accepted = row["ended_day"], row["due"], row["accepted_on"]
        on_time, early = due is not None and ended <= due, due is not None and ended < due
        days = (official_calendar.calendar_for(row["calendar"]).working_days_between(accepted, ended)
                if accepted is not None else None)
        trend[ended.replace(day=1)].add(row["n"], on_time, early, days)
        if ended.replace(day=1) == month:
            for f in (figures[row["unit_id"]], total):
                f.decided.add(row["n"], on_time, early, days)

    rated: dict[int, dict[str, int]] = defaultdict(dict)
    for unit_id, level, n in (Rating.objects.filter(case__unit__in=ids).values_list("case__unit_id", "level")
                              .annotate(n=Count("id"))):
        rated[unit_id][level] = n
    everyone: dict[str, int] = defaultdict(int)
    for counts in rated.values():
        for level, n in counts.items():
            everyone[level] += n
    for pk, f in figures.items():
        f.ratings = _shares(rated.get(pk, {}))
    total.ratings = _shares(everyone)

    ranking = sorted((f for f in figures.values() if f.decided.count),
                     key=lambda f: (-(f.decided.on_time_rate or 0.0), f.decided.average_days or 0.0,
                                    f.unit.path if f.unit else ""))
    previous: tuple[float | None, float | None] | None = None
    for place, f in enumerate(ranking, start=1):
        key = (f.decided.on_time_rate, f.decided.average_days)
        f.rank = ranking[place - 2].rank if key == previous else place  # ties share a place
        previous = key
    shown = [f for f in figures.values() if not f.empty]
    return Board(day, month, shown, len(figures) - len(shown), ranking,
                 [MonthPoint(m, trend[m]) for m in sorted(trend)], total)


# ------------------------------------------------------------------------------------------- cards

@dataclass(frozen=True)
class CardRow:
    card: Card
    receipt: str | None  # the case it watches, when it watches one
    trigger_label: str


def board_cards(*, viewer: Any, unit: str | None = None, level: str | None = None, state: str | None = None,
                trigger: str | None = None) -> QuerySet[Card]:
    """The cards of the units the viewer supervises, newest first, in every state unless `state` names one;
    `unit`: one unit's own cards (by code); `level`, `trigger`: of that level or rule. The board's card figures
    count the open ones of a unit and level."""
    cards = Card.objects.filter(unit__in=board_units(viewer))
    if unit:
        cards = cards.filter(unit__code=unit)
    if level in CardLevel.values:
        cards = cards.filter(level=level)
    if state in CardState.values:
        cards = cards.filter(state=state)
    if trigger:
        cards = cards.filter(trigger=trigger)
    return cards.select_related("unit", "closed_by").order_by("-issued_at", "-pk")


def open_cards(*, viewer: Any, unit: str | None = None, level: str | None = None,
               trigger: str | None = None) -> QuerySet[Card]:
    """The open cards of the units the viewer supervises, newest first."""
    return board_cards(viewer=viewer, unit=unit, level=level, state=CardState.OPEN, trigger=trigger)


def card_rows(cards: list[Card]) -> list[CardRow]:
    """The cards with the receipt numbers of the cases they watch, found in one query."""
    case_type = ContentType.objects.get_for_model(Case)
    ids = [c.target_id for c in cards if c.target_type_id == case_type.pk]
    receipts = dict(Case.objects.filter(pk__in=ids).values_list("pk", "receipt")) if ids else {}
    return [CardRow(c, receipts.get(c.target_id) if c.target_type_id == case_type.pk else None,
                    TRIGGER_LABELS.get(c.trigger, c.trigger)) for c in cards]


def open_card(*, viewer: Any, card_id: int) -> Card | None:
    """One card of the units the viewer supervises (open or not: the service says why it cannot be closed)."""
    return Card.objects.filter(unit__in=board_units(viewer), pk=card_id).select_related("unit", "closed_by").first()


# ------------------------------------------------------------------------------------------- the inbox
#
# Who a card reaches (收件箱, and the texts of services.notify_cards), one rule read from two sides: `inbox`
# gives a login's cards, `card_recipients` a batch of cards' logins.
# - its handler: the login whose recorded action an anomaly names (Card.handler), and, while the case a card
#   watches is open, the officials holding the post of its current step;
# - the leaders of the card's unit: officials holding one of its leader (领导岗位) or principal (党政正职)
#   posts;
# - its supervisors: logins with the supervisor role (纪检监察) in the unit or a unit above it.
# Posts are held as of the day asked about (the reader's today; the day a text is sent): a leader who took
# over reads the unit's cards, one who left does not. An administrator's role reaches no one's inbox.

UNREAD_SHOWN = 99  # the console's badge counts this far, then shows "99+"


def supervised_units(viewer: Any) -> QuerySet[Unit]:
    """The units where the viewer holds the supervisor role, or below one: a subquery, no query of its own."""
    covering = Membership.objects.filter(user=viewer, role_id=Role.SUPERVISOR,
                                         unit__path=Substr(OuterRef("path"), 1, Length("unit__path")))
    return Unit.objects.filter(Exists(covering))


def inbox(*, viewer: Any, day: dt.date, unread: bool = False) -> QuerySet[Card]:
    """The cards that reach the viewer (in any state), newest first, each with `read` (whether the viewer has
    read it); `unread`: only those not read. One query, whatever the viewer holds."""
    if not getattr(viewer, "is_authenticated", False):
        return Card.objects.none()
    posts = posts_held(user=viewer, day=day)
    leading = posts.filter(Q(is_leader=True) | Q(is_principal=True)).values("unit_id")
    waiting = Case.objects.filter(state__in=OPEN_STATES, current_step__post__in=posts.values("pk")).values("pk")
    reaches = (Q(unit__in=leading) | Q(unit__in=supervised_units(viewer)) | Q(handler=viewer)
               | Q(target_type=ContentType.objects.get_for_model(Case), target_id__in=waiting))
    cards = Card.objects.filter(reaches).annotate(read=Exists(CardRead.objects.filter(user=viewer, card=OuterRef("pk"))))
    if unread:
        cards = cards.filter(read=False)
    return cards.select_related("unit").order_by("-issued_at", "-pk")


@dataclass(frozen=True)
class Unread:
    """The console header's badge: the open cards the viewer has not read, counted up to UNREAD_SHOWN."""

    count: int

    @property
    def label(self) -> str:
        return f"{UNREAD_SHOWN}+" if self.count > UNREAD_SHOWN else str(self.count)


def inbox_unread(*, viewer: Any, day: dt.date) -> Unread:
    """One query, stopping at the hundredth card: cheap enough for every console page."""
    cards = inbox(viewer=viewer, day=day, unread=True).filter(state=CardState.OPEN).order_by()
    return Unread(cards.values("pk")[:UNREAD_SHOWN + 1].count())


def card_recipients(cards: list[Card], day: dt.date) -> dict[int, set[int]]:
    """The logins (user ids) each card reaches on `day`, as `inbox` would list it for them: in five queries
    for the batch, whatever its size."""
    reach: dict[int, set[int]] = {card.pk: ({card.handler_id} if card.handler_id else set()) for card in cards}
    if not cards:
        return reach
    unit_ids = {card.unit_id for card in cards}
    paths = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "path"))
    leaders: dict[int, set[int]] = defaultdict(set)
    for unit_id, user_id in serving(Appointment.objects.filter(
            Q(post__is_leader=True) | Q(post__is_principal=True), post__unit_id__in=unit_ids,
            official__user__isnull=False), day).values_list("post__unit_id", "official__user_id"):
        leaders[unit_id].add(user_id)
    above = {code for path in paths.values() for code in path.split("/") if code}
    supervisors = list(Membership.objects.filter(role_id=Role.SUPERVISOR, unit__code__in=above).values_list(
        "unit__path", "user_id"))
    case_type = ContentType.objects.get_for_model(Case).pk
    waiting = dict(Case.objects.filter(pk__in={c.target_id for c in cards if c.target_type_id == case_type},
                                       state__in=OPEN_STATES, current_step__post__isnull=False)
                   .values_list("pk", "current_step__post_id"))
    holders: dict[int, set[int]] = defaultdict(set)
    if waiting:
        for post_id, user_id in serving(Appointment.objects.filter(
                post_id__in=set(waiting.values()), official__user__isnull=False), day).values_list(
                "post_id", "official__user_id"):
            holders[post_id].add(user_id)
    for card in cards:
        path = paths[card.unit_id]
        reach[card.pk] |= leaders[card.unit_id]
        reach[card.pk] |= {user for covering, user in supervisors if path.startswith(covering)}
        if card.target_type_id == case_type and card.target_id in waiting:
            reach[card.pk] |= holders[waiting[card.target_id]]
    return reach


def reachable_card(*, viewer: Any, day: dt.date, card_id: int) -> Card | None:
    """One card of the viewer's inbox."""
    return inbox(viewer=viewer, day=day).filter(pk=card_id).first()


def case_for_entry(*, viewer: Any, receipt: str) -> Case | None:
    """The case with this receipt number in a unit the viewer supervises (where services.card_enter lets them
    enter a finding), or None."""
    number = (receipt or "").strip().upper()[:60]
    if not number:
        return None
    return Case.objects.filter(receipt=number, unit__in=supervised_units(viewer)).select_related("unit").first()
