"""The sweep (电子监察) and what supervisors do with its cards.

`sweep(at)` reads the watched deadlines (core.models.Watch) by their indexed due date, never the domains'
tables: a red card for each deadline passed (due before the sweep's day), a yellow card for each due within
`yellow_days` working days on its own calendar. A watch moves from no card to yellow to red by
compare-and-swap (`UPDATE … WHERE level = old AND due … RETURNING`, in batches), and a card is written only
for the rows the sweep's own update raised:
two sweeps at once issue each card once, and a second sweep issues none (Healthchecks' sendalerts). Cards
carry the sweep's time, so a catch-up run (`--at`) dates them as they should have been.

Then the anomaly pass (supervision.anomalies): the rows the cases added since the last sweep, read by id above
a mark per rule family, each anomaly a card of level "anomaly" issued once by its key.

The sweep writes cards only, never a row per person: who a card reaches is a query (selectors.inbox). Texting
them is a step of its own, `notify_cards`, run after each sweep: it claims the cards not yet notified by
compare-and-swap on `notified_at`, so two runs at once text each card's recipients once, and sends each
recipient with a mobile number (org.StaffContact) one text per batch through the configured backend
(core.sms). A card is claimed before it is texted: a gateway that fails loses that text (it is logged and
counted), never sends it twice; the inbox still shows the card.

A supervisor's own finding enters as a card too (`card_enter`), and reaches the same people.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from sunlit.cases.models import Case
from sunlit.core import calendar as official_calendar
from sunlit.core import clock as clock_mod
from sunlit.core import sms
from sunlit.core.clock import Clock
from sunlit.core.errors import Conflict, DomainError, NotAllowed
from sunlit.core.models import Watch, WatchLevel
from sunlit.org.models import Role, StaffContact, Unit
from sunlit.org.permissions import has_role
from sunlit.record.events import record_event
from sunlit.supervision.anomalies import ENTERED, LABELS, find_anomalies
from sunlit.supervision.models import Card, CardLevel, CardRead, CardState
from sunlit.supervision.selectors import card_recipients, inbox

log = logging.getLogger(__name__)

YELLOW_DAYS = 1
BATCH = 2000

Progress = Callable[[str], None]


@dataclass(frozen=True)
class SweepResult:
    yellow: int
    red: int
    anomalies: int

    @property
    def new(self) -> int:
        return self.yellow + self.red + self.anomalies

    def as_dict(self) -> dict[str, int]:
        return {"new": self.new, "yellow": self.yellow, "red": self.red, "anomalies": self.anomalies}


def _raise(ids: list[int], level: str, condition: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Raise these watches to `level` where they still meet `condition` (their level and due date as the
    sweep found them: an action may have moved the deadline meanwhile), in one statement; the rows this
    sweep raised. UPDATE … RETURNING: SQLite 3.35+ and PostgreSQL."""
    table = Watch._meta.db_table
    marks = ", ".join(["%s"] * len(ids))
    sql = (f"UPDATE {table} SET level = %s WHERE id IN ({marks}) AND {condition} "
           "RETURNING id, kind, target_type_id, target_id, unit_code, label, due")
    with connection.cursor() as cursor:
        cursor.execute(sql, [level, *ids, *params])
        return list(cursor.fetchall())


def _cards(rows: list[tuple[Any, ...]], level: str, at: dt.datetime, units: dict[str, int]) -> None:
    cards = []
    for _, kind, target_type_id, target_id, unit_code, label, due in rows:
        day = due if isinstance(due, dt.date) else dt.date.fromisoformat(str(due))
        if unit_code not in units:
            continue  # a unit since removed: the level is kept, the card has nowhere to go
        cards.append(Card(
            level=CardLevel.RED if level == WatchLevel.RED else CardLevel.YELLOW, trigger=kind,
            target_type_id=target_type_id, target_id=target_id, unit_id=units[unit_code], label=label, due=day,
            issued_at=at, detail=f"期限{day:%Y年%m月%d日}" + ("，已超期" if level == WatchLevel.RED else "，即将到期"),
            key=f"{kind}:{target_type_id}:{target_id}:{day:%Y%m%d}:{level}"))
    Card.objects.bulk_create(cards, ignore_conflicts=True)  # the key: belt and braces beside the swap


def _issue(candidates: Any, level: str, condition: str, params: list[Any], at: dt.datetime,
           units: dict[str, int]) -> int:
    """Raise the candidate watches in batches, one transaction each, and write a card for each raised."""
    issued = 0
    ids = list(candidates.values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        with transaction.atomic():
            rows = _raise(ids[start:start + BATCH], level, condition, params)
            _cards(rows, level, at, units)
        issued += len(rows)
    return issued


def sweep(*, at: dt.datetime | None = None, yellow_days: int = YELLOW_DAYS, progress: Progress | None = None,
          clock: Clock | None = None) -> SweepResult:
    """One sweep as of `at` (now by default)."""
    moment = at or clock_mod.now(clock)
    today = timezone.localtime(moment).date()
    units = dict(Unit.objects.values_list("code", "pk"))
    # Both reads are ranges of the (level, due) index: their cost follows what is due, not how much is open.
    overdue = Watch.objects.filter(level__in=[WatchLevel.NONE, WatchLevel.YELLOW], due__lt=today).order_by("due", "pk")
    red = _issue(overdue, WatchLevel.RED, "level <> %s AND due < %s", [WatchLevel.RED, today], moment, units)
    if progress:
        progress(f"红牌 {red}")
    yellow = 0
    # No calendar stretches N working days over more than N weeks and a fortnight of holidays.
    widest = today + dt.timedelta(days=7 * yellow_days + 15)
    for code in Watch.objects.filter(level=WatchLevel.NONE, due__gte=today, due__lte=widest).values_list(
            "calendar", flat=True).distinct():
        horizon = official_calendar.calendar_for(code).add_working_days(today, yellow_days).day
        soon = Watch.objects.filter(calendar=code, level=WatchLevel.NONE, due__gte=today, due__lte=horizon)
        yellow += _issue(soon.order_by("due", "pk"), WatchLevel.YELLOW, "level = %s AND due >= %s AND due <= %s",
                         [WatchLevel.NONE, today, horizon], moment, units)
    if progress:
        progress(f"黄牌 {yellow}")
    anomalies = find_anomalies(at=moment, clock=clock)
    if progress:
        progress(f"异常 {anomalies}")
    return SweepResult(yellow=yellow, red=red, anomalies=anomalies)


# ------------------------------------------------------------------------------------------- closing cards

@transaction.atomic
def card_resolve(*, card: Card, note: str, actor: Any, clock: Clock | None = None) -> Card:
    return _close(card, CardState.RESOLVED, note, actor, clock)


@transaction.atomic
def card_refer(*, card: Card, note: str, actor: Any, clock: Clock | None = None) -> Card:
    """A red card (or an anomaly) referred for accountability (问责)."""
    if card.level == CardLevel.YELLOW:
        raise DomainError("黄牌只需处理，不移送问责", field="card")
    return _close(card, CardState.REFERRED, note, actor, clock)


def _close(card: Card, state: str, note: str, actor: Any, clock: Clock | None) -> Card:
    text = (note or "").strip()
    if not text:
        raise DomainError("请写明处理说明", field="note")
    card = Card.objects.select_for_update().get(pk=card.pk)
    if card.state != CardState.OPEN:
        raise Conflict(f"该预警{card.get_state_display()}", field="card")
    card.state, card.note, card.closed_by, card.closed_at = state, text, actor, clock_mod.now(clock)
    card.save(update_fields=["state", "note", "closed_by", "closed_at"])
    record_event(actor=actor, action=f"supervision.card.{state}", obj=card, before={"state": CardState.OPEN},
                 after={"state": state}, note=text, clock=clock)
    return card



# ------------------------------------------------------------------------------------------- a supervisor's finding

MAX_DETAIL = 2000


@transaction.atomic
def card_enter(*, case: Case, detail: str, actor: Any, clock: Clock | None = None) -> Card:
    """其他: a finding of a supervisor covering the case's unit (纪检监察, in the unit or above), entered as an
    anomaly card on the case; it reaches the same people as the sweep's. The same finding on the same case
    is entered once."""
    if not isinstance(case, Case) or case.pk is None:
        raise DomainError("请选择办件", field="case")
    case = Case.objects.select_related("unit").get(pk=case.pk)
    if not has_role(actor, case.unit, [Role.SUPERVISOR]):
        raise NotAllowed(f"您不是{case.unit.name}的监察人员，不能录入异常", field="actor")
    text = (detail or "").strip()
    if not text:
        raise DomainError("请写明发现的问题", field="detail")
    if len(text) > MAX_DETAIL:
        raise DomainError(f"问题说明不能超过{MAX_DETAIL}个字", field="detail")
    digest = hashlib.sha256(" ".join(text.split()).encode()).hexdigest()[:24]
    card = Card(level=CardLevel.ANOMALY, trigger=ENTERED, target_type=ContentType.objects.get_for_model(Case),
                target_id=case.pk, unit=case.unit, label=f"办件{case.receipt}：{LABELS[ENTERED]}"[:200],
                detail=text, issued_at=clock_mod.now(clock), key=f"anomaly:{ENTERED}:{case.pk}:{digest}")
    try:
        with transaction.atomic():
            card.save()
    except IntegrityError:
        raise Conflict("该办件已录入过相同的问题", field="detail") from None
    record_event(actor=actor, action="supervision.card.enter", obj=card,
                 after={"case": case.receipt, "trigger": ENTERED, "state": CardState.OPEN}, note=text, clock=clock)
    return card


# ------------------------------------------------------------------------------------------- the inbox

def card_mark_read(*, viewer: Any, card_ids: Iterable[int], clock: Clock | None = None) -> int:
    """Mark these cards read for the viewer, those of them that reach the viewer (selectors.inbox); how many
    were unread. A reading is the viewer's own state, not an act of office: it records no event."""
    ids = {int(i) for i in card_ids}
    if not ids or not getattr(viewer, "is_authenticated", False):
        return 0
    now = clock_mod.now(clock)
    unread = list(inbox(viewer=viewer, day=timezone.localtime(now).date(), unread=True).filter(pk__in=ids)
                  .values_list("pk", flat=True))
    CardRead.objects.bulk_create([CardRead(user=viewer, card_id=pk, read_at=now) for pk in unread],
                                 ignore_conflicts=True)
    return len(unread)


# ------------------------------------------------------------------------------------------- texts

NOTIFY_BATCH = 500
LISTED = 3  # a text names this many cards, then says how many more


@dataclass(frozen=True)
class NotifyResult:
    cards: int  # claimed by this run
    texts: int  # sent
    failed: int  # refused by the gateway

    def as_dict(self) -> dict[str, int]:
        return {"cards": self.cards, "texts": self.texts, "failed": self.failed}


def _claim(ids: list[int], at: dt.datetime) -> list[int]:
    """Set notified_at on those of these cards that still have none, in one statement; the ids this run set."""
    table = connection.ops.quote_name(Card._meta.db_table)
    marks = ", ".join(["%s"] * len(ids))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET notified_at = %s WHERE id IN ({marks}) AND notified_at IS NULL "
                       "RETURNING id", [Card._meta.get_field("notified_at").get_db_prep_save(at, connection), *ids])
        return [row[0] for row in cursor.fetchall()]


def _text(cards: list[Card]) -> str:
    names = "；".join(card.label for card in cards[:LISTED])
    more = f"等{len(cards)}条" if len(cards) > LISTED else ""
    return f"【阳光权力运行平台】您有{len(cards)}条新的监察预警：{names}{more}。请登录工作台“预警消息”查看。"


def notify_cards(*, at: dt.datetime | None = None, progress: Progress | None = None,
                 clock: Clock | None = None) -> NotifyResult:
    """Text the recipients of every card not yet notified (selectors.card_recipients, as of `at`'s day), those
    with a mobile number and an active login: one text per recipient per batch, naming its cards. Idempotent,
    and safe to run twice at once: each card is claimed by one run only."""
    moment = at or clock_mod.now(clock)
    day = timezone.localtime(moment).date()
    backend = sms.get_backend()  # a misnamed backend fails here, before any card is claimed
    claimed = texts = failed = 0
    while True:
        ids = list(Card.objects.filter(notified_at__isnull=True).order_by("pk").values_list("pk", flat=True)[
            :NOTIFY_BATCH])
        if not ids:
            break
        mine = _claim(ids, moment)
        if not mine:
            continue  # another run took them: the next read finds the rest
        claimed += len(mine)
        cards = list(Card.objects.filter(pk__in=mine).order_by("issued_at", "pk"))
        reach = card_recipients(cards, day)
        phones = dict(StaffContact.objects.filter(
            user_id__in={u for users in reach.values() for u in users}, user__is_active=True).exclude(
            mobile="").values_list("user_id", "mobile"))
        per_user: dict[int, list[Card]] = defaultdict(list)
        for card in cards:
            for user_id in reach[card.pk]:
                if user_id in phones:
                    per_user[user_id].append(card)
        for user_id, theirs in sorted(per_user.items()):
            try:
                backend.send(phones[user_id], _text(theirs))
            except Exception:  # noqa: BLE001 - one gateway failure must not stop the others' texts
                log.exception("短信发送失败（用户 %s）", user_id)
                failed += 1
            else:
                texts += 1
    if progress:
        progress(f"通知 预警{claimed}条，短信{texts}条" + (f"，失败{failed}条" if failed else ""))
    return NotifyResult(claimed, texts, failed)
