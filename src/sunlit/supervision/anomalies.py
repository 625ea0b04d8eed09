"""Anomalies (异常) the sweep finds in the cases' record: what provincial systems miss, each a card of level
"anomaly" with its own trigger, issued once per case and rule (and step, for the rules about one step).

| trigger                      | rule                                | read when                          |
|------------------------------|-------------------------------------|------------------------------------|
| case.accept_and_decide       | 同一人受理并决定（分岗设权）           | a step of the case is new          |
| case.backdated               | 办理时间早于上一步                     | the step is new                    |
| case.corrections             | 多次补正（未一次性告知）               | a step of the case is new          |
| case.offline                 | 线下办理后补录                         | the step is new                    |
| case.off_post                | 办理人不在岗                           | the step is new (posts as of now)  |
| case.late_entry              | 收件后延迟录入                         | the case is new                    |
| case.refused_resubmitted     | 不予受理后重新申请以重置时限           | the case is new                    |
| case.void_overdue            | 超期后作废                             | the notice that ends it is new     |

(A refusal without reasons is refused by the cases' services, so it never needs a card.)

Reading only what is new. The three tables these rules start from (the cases' steps, the cases, the notices
that end them) are append-only, so each is a rule family with a mark (models.SweepMark): a sweep reads the
rows with an id above the family's mark, in batches by id, and then looks at those rows' cases only; its
cost follows new activity, not the number of cases. Ids are handed out before their transactions commit,
and on PostgreSQL a later id can commit first, so the mark moves up to what a sweep has read only once that
reading is older than SETTLE: the rows of the last few minutes are read again by each sweep meanwhile.

Issuing once. A card's key names its rule, its case (and step); it is written by `INSERT … ON CONFLICT (key)
DO NOTHING RETURNING id`, and the sweep counts the rows that statement returned: what this sweep actually
created. Two sweeps reading the same rows at once write the same keys, and the database lets one of them
through (on PostgreSQL the second waits for the first to commit, then skips the row): each anomaly is issued
and counted once, and a second sweep issues none.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils import timezone

from sunlit.cases.models import Case, CaseNotice, CaseState, CaseStep, Channel, NoticeKind
from sunlit.core import calendar as official_calendar
from sunlit.core import clock as clock_mod
from sunlit.core.clock import Clock
from sunlit.core.workdays import WorkCalendar
from sunlit.flows.validate import StepKind
from sunlit.org.models import Appointment
from sunlit.supervision.models import Card, CardLevel, SweepMark

# Thresholds (working days on the case's own calendar) and how the marks move.
OFFLINE_DAYS = 1  # a step entered more than this many working days after its recorded done-at
LATE_ENTRY_DAYS = 1  # a counter case entered more than this many working days after it was received
MAX_CORRECTIONS = 1  # more 补正 than this on one case breaks 一次性告知
RESUBMIT_DAYS = 5  # a new application within this many working days of a 不予受理 of the same applicant and item
SETTLE = dt.timedelta(minutes=5)  # far longer than any transaction that writes a case takes
BATCH = 1000

Row = Mapping[str, Any]  # a row as .values() gives it

ACCEPT_AND_DECIDE = "case.accept_and_decide"
BACKDATED = "case.backdated"
CORRECTIONS = "case.corrections"
OFFLINE = "case.offline"
OFF_POST = "case.off_post"
LATE_ENTRY = "case.late_entry"
REFUSED_RESUBMITTED = "case.refused_resubmitted"
VOID_OVERDUE = "case.void_overdue"

LABELS: dict[str, str] = {
    ACCEPT_AND_DECIDE: "同一人受理并决定（分岗设权）",
    BACKDATED: "办理时间早于上一步",
    CORRECTIONS: "多次补正（未一次性告知）",
    OFFLINE: "线下办理后补录",
    OFF_POST: "办理人不在岗",
    LATE_ENTRY: "收件后延迟录入",
    REFUSED_RESUBMITTED: "不予受理后重新受理以重置时限",
    VOID_OVERDUE: "超期后作废",
}


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def _date(day: dt.date) -> str:
    return f"{day:%Y年%m月%d日}"


def _time(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%Y年%m月%d日 %H:%M}"


@dataclass
class _Pass:
    """One sweep's anomaly pass: its time, the calendars it has looked up, the cards found so far."""

    at: dt.datetime
    case_type: int
    calendars: dict[str, WorkCalendar] = field(default_factory=dict)
    cards: dict[str, Card] = field(default_factory=dict)

    def calendar(self, code: str) -> WorkCalendar:
        if code not in self.calendars:
            self.calendars[code] = official_calendar.calendar_for(code)
        return self.calendars[code]

    def found(self, rule: str, case: Row, detail: str, *, step: int | None = None,
              due: dt.date | None = None) -> None:
        key = f"anomaly:{rule}:{case['pk']}" + (f":{step}" if step is not None else "")
        self.cards[key] = Card(
            level=CardLevel.ANOMALY, trigger=rule, target_type_id=self.case_type, target_id=case["pk"],
            unit_id=case["unit_id"], label=f"办件{case['receipt']}：{LABELS[rule]}"[:200], due=due, detail=detail,
            issued_at=self.at, key=key)


# A family reads the rows with an id above `after` (at most BATCH, by id) and records what it finds in the
# pass; it returns the ids it read.
Family = Callable[[int, _Pass], list[int]]


# ------------------------------------------------------------------------------------------- steps

def _who(step: Row) -> str:
    return step["official__name"] or step["done_by__username"] or "（未记录）"


def _serving(appointments: Iterable[Row], day: dt.date) -> list[Row]:
    """The appointments held on `day` (as org.selectors.serving counts them: from start to end, inclusive)."""
    return [a for a in appointments if a["start"] <= day and (a["end"] is None or a["end"] >= day)]


def _steps(after: int, run: _Pass) -> list[int]:
    new = list(CaseStep.objects.filter(pk__gt=after).order_by("pk").values_list("pk", "case_id")[:BATCH])
    if not new:
        return []
    fresh = {pk for pk, _ in new}
    # The steps first, then the cases: a case read after its steps can only have moved on from them.
    by_case: dict[int, list[Row]] = defaultdict(list)
    for row in CaseStep.objects.filter(case_id__in={case for _, case in new}).order_by("case_id", "pk").values(
            "pk", "case_id", "step__kind", "step__name", "step__post_id", "step__post__name", "done_at", "entered_at",
            "done_by_id", "done_by__username", "official__name"):
        by_case[row["case_id"]].append(row)
    cases = {c["pk"]: c for c in Case.objects.filter(pk__in=by_case).values(
        "pk", "receipt", "unit_id", "unit__name", "calendar", "current_step__kind")}
    users = {s["done_by_id"] for steps in by_case.values() for s in steps if s["pk"] in fresh and s["done_by_id"]}
    held: dict[int, list[Row]] = defaultdict(list)
    for appointment in Appointment.objects.filter(official__user_id__in=users).values(
            "official__user_id", "post_id", "post__unit_id", "start", "end"):
        held[appointment["official__user_id"]].append(appointment)
    for case_id, steps in by_case.items():
        case = cases[case_id]
        _case_steps(run, case, steps)
        for previous, step in zip([None, *steps], steps, strict=False):
            if step["pk"] in fresh and step["step__kind"] != StepKind.APPLY:
                _step(run, case, step, previous, held)
    return [pk for pk, _ in new]


def _case_steps(run: _Pass, case: Row, steps: list[Row]) -> None:
    """The rules about a case's steps together: who accepted and who decided, how often it went to 补正."""
    accepted_by = {s["done_by_id"] for s in steps if s["step__kind"] == StepKind.ACCEPT and s["done_by_id"]}
    for step in steps:
        if step["step__kind"] == StepKind.DECIDE and step["done_by_id"] in accepted_by:
            run.found(ACCEPT_AND_DECIDE, case, f"受理与决定均由 {_who(step)} 办理")
            break
    # Each time the case went to 补正: the 补正 steps it finished, and the one it stands in now.
    corrections = sum(s["step__kind"] == StepKind.CORRECTION for s in steps) + (
        case["current_step__kind"] == StepKind.CORRECTION)
    if corrections > MAX_CORRECTIONS:
        run.found(CORRECTIONS, case, f"本件已{corrections}次要求申请人补正，未一次性告知需补正的全部内容")


def _step(run: _Pass, case: Row, step: Row, previous: Row | None,
          held: dict[int, list[Row]]) -> None:
    """The rules about one new step: its recorded time, when it was entered, who did it."""
    name, done = step["step__name"], step["done_at"]
    if previous is not None and done < previous["done_at"]:
        run.found(BACKDATED, case, f"「{name}」记录的办理时间 {_time(done)} 早于上一步「{previous['step__name']}」的 "
                  f"{_time(previous['done_at'])}", step=step["pk"])
    calendar = run.calendar(case["calendar"])
    gap = calendar.working_days_between(_day(done), _day(step["entered_at"]))
    if gap > OFFLINE_DAYS:
        run.found(OFFLINE, case, f"「{name}」记录的办理时间为 {_date(_day(done))}，{_date(_day(step['entered_at']))} "
                  f"才录入系统（相隔{gap}个工作日）", step=step["pk"])
    if step["done_by_id"] is None:
        return
    serving = _serving(held.get(step["done_by_id"], []), _day(done))
    if step["step__post_id"] is not None:
        if not any(a["post_id"] == step["step__post_id"] for a in serving):
            run.found(OFF_POST, case, f"「{name}」由 {_who(step)} 于{_date(_day(done))}办理，"
                      f"其当日不在{step['step__post__name']}任职", step=step["pk"])
    elif not any(a["post__unit_id"] == case["unit_id"] for a in serving):
        run.found(OFF_POST, case, f"「{name}」由 {_who(step)} 于{_date(_day(done))}办理，"
                  f"其当日不在{case['unit__name']}任职", step=step["pk"])


# ------------------------------------------------------------------------------------------- cases

def _cases(after: int, run: _Pass) -> list[int]:
    new = list(Case.objects.filter(pk__gt=after).order_by("pk").values(
        "pk", "receipt", "unit_id", "calendar", "channel", "received_at", "entered_at", "item_id",
        "applicant_id_number")[:BATCH])
    if not new:
        return []
    for case in new:
        if case["channel"] == Channel.COUNTER:
            received, entered = _day(case["received_at"]), _day(case["entered_at"])
            gap = run.calendar(case["calendar"]).working_days_between(received, entered)
            if gap > LATE_ENTRY_DAYS:
                run.found(LATE_ENTRY, case, f"收件时间为 {_date(received)}，{_date(entered)} 才录入系统"
                          f"（相隔{gap}个工作日）")
    _resubmitted(run, new)
    return [case["pk"] for case in new]


def _resubmitted(run: _Pass, new: Sequence[Row]) -> None:
    """A new case of an applicant (the same ID number) for an item on which a case of theirs was not accepted
    at most RESUBMIT_DAYS working days before: refused, then applied for afresh, its clock started anew. The
    refusals are read in one query over the (state, …) index, from the widest window back."""
    numbers = {case["applicant_id_number"].strip().upper() for case in new}
    spellings = numbers | {n.lower() for n in numbers}
    earliest = min(case["received_at"] for case in new) - dt.timedelta(days=7 * RESUBMIT_DAYS + 15)
    refused: dict[tuple[int, str], list[Row]] = defaultdict(list)
    for row in Case.objects.filter(state=CaseState.NOT_ACCEPTED, item_id__in={c["item_id"] for c in new},
                                   applicant_id_number__in=spellings, ended_at__gte=earliest).values(
            "pk", "receipt", "item_id", "applicant_id_number", "ended_at"):
        refused[(row["item_id"], row["applicant_id_number"].strip().upper())].append(row)
    for case in new:
        calendar = run.calendar(case["calendar"])
        earlier = [r for r in refused.get((case["item_id"], case["applicant_id_number"].strip().upper()), [])
                   if r["pk"] != case["pk"] and r["ended_at"] <= case["received_at"]]
        if not earlier:
            continue
        last = max(earlier, key=lambda r: r["ended_at"])
        gap = calendar.working_days_between(_day(last["ended_at"]), _day(case["received_at"]))
        if gap <= RESUBMIT_DAYS:
            run.found(REFUSED_RESUBMITTED, case, f"同一申请人就同一事项的办件 {last['receipt']} 于"
                      f"{_date(_day(last['ended_at']))}不予受理，{gap}个工作日后重新申请，办理时限重新起算")


# ------------------------------------------------------------------------------------------- endings

def _endings(after: int, run: _Pass) -> list[int]:
    new = list(CaseNotice.objects.filter(pk__gt=after).order_by("pk").values_list("pk", "case_id", "kind")[:BATCH])
    ended = {case for _, case, kind in new if kind == NoticeKind.ENDED}
    for case in Case.objects.filter(pk__in=ended, state=CaseState.VOIDED).values(
            "pk", "receipt", "unit_id", "calendar", "due", "statutory_due", "ended_at"):
        due, ended_at = case["due"] or case["statutory_due"], case["ended_at"]
        if due is None or ended_at is None:
            continue
        voided = _day(ended_at)
        if voided > due:
            late = run.calendar(case["calendar"]).working_days_between(due, voided)
            run.found(VOID_OVERDUE, case, f"办结期限为 {_date(due)}，{_date(voided)} 作废"
                      + (f"（已超期{late}个工作日）" if late else "（已超期）"), due=due)
    return [pk for pk, _, _ in new]


FAMILIES: dict[str, Family] = {"cases.steps": _steps, "cases.cases": _cases, "cases.endings": _endings}


# ------------------------------------------------------------------------------------------- the pass

_COLUMNS = ("level", "trigger", "target_type", "target_id", "unit", "label", "due", "detail", "issued_at", "key",
            "state", "note")


def _insert(cards: list[Card]) -> int:
    """Write the cards whose key is new, in one statement per few hundred; how many it wrote."""
    fields = [f for f in (Card._meta.get_field(name) for name in _COLUMNS) if isinstance(f, models.Field)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    written = 0
    cards = sorted(cards, key=lambda c: c.key)  # the same order in every sweep: no two wait on each other
    for start in range(0, len(cards), 200):
        chunk = cards[start:start + 200]
        params = [f.get_db_prep_save(getattr(card, f.attname), connection)
                  for card in chunk for f in fields]
        sql = (f"INSERT INTO {quote(Card._meta.db_table)} ({columns}) VALUES {', '.join([row] * len(chunk))} "
               f"ON CONFLICT ({quote('key')}) DO NOTHING RETURNING {quote('id')}")
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            written += len(cursor.fetchall())
    return written


def _marks() -> dict[str, SweepMark]:
    marks = {m.name: m for m in SweepMark.objects.filter(name__in=FAMILIES)}
    if len(marks) < len(FAMILIES):
        SweepMark.objects.bulk_create([SweepMark(name=n) for n in FAMILIES if n not in marks], ignore_conflicts=True)
        marks = {m.name: m for m in SweepMark.objects.filter(name__in=FAMILIES)}
    return marks


def _read(mark: SweepMark, family: Family, run: _Pass, clock: Clock | None) -> int:
    """Read a family's rows above its mark, write the cards they show, and move the mark on."""
    now = clock_mod.now(clock)  # before reading: every row read below is read at least this late
    settled = mark.seen_at is None or mark.seen_at <= now - SETTLE
    after, issued = mark.done, 0
    while True:
        read = family(after, run)
        issued += _insert(list(run.cards.values()))
        run.cards.clear()
        if read:
            after = read[-1]
        if len(read) < BATCH:
            break
    if not settled:
        return issued
    # What was read by the earlier sweep has settled since (and was read again just now): the mark moves up to
    # it, and this reading becomes the one that settles next.
    done, seen = mark.seen, max(after, mark.seen)
    if (done, seen) != (mark.done, mark.seen):
        SweepMark.objects.filter(pk=mark.pk, done=mark.done, seen=mark.seen).update(
            done=done, seen=seen, seen_at=clock_mod.now(clock))
    return issued


def find_anomalies(*, at: dt.datetime, clock: Clock | None = None) -> int:
    """One anomaly pass as of `at` (the cards' time): the rows added since the last pass, by family; how many
    anomaly cards it issued."""
    run = _Pass(at=at, case_type=ContentType.objects.get_for_model(Case).pk)
    return sum(_read(mark, FAMILIES[name], run, clock) for name, mark in _marks().items())
