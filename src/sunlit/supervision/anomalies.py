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
| case.refusal_overturned      | 不予受理后又受理（不予受理被推翻）     | the later case's 受理 step is new   |
| case.late_transfer           | 逾期上报上级单位                       | the step that sends it up is new   |
| case.fee_mismatch            | 收费与公布的收费标准不符               | the step with the fee is new       |
| case.void_overdue            | 超期后作废                             | the notice that ends it is new     |

(A refusal without reasons is refused by the cases' services, so it never needs a card. A supervisor's own
finding is entered as a card of trigger case.entered by supervision.services.card_enter, not found here.)

Three rules in words, since each defines its terms from the record:
- Refusal overturned: a case ended 不予受理, and the same unit then accepted (受理) a case of the same applicant
  (ID number) for the same item, the acceptance at most OVERTURN_DAYS working days after the refusal. The
  applicant's eligibility for an item does not come and go in a month, and incomplete materials call for 补正
  (行政许可法 Art. 32), not a refusal; what the applicant handed in the second time is not recorded, so the
  rule cannot ask whether it changed, and a supervisor reads both cases. The card is on the refused case (the
  act in question, its handler the login that refused it), once per refusal. When the later application came
  within RESUBMIT_DAYS of the refusal, case.refused_resubmitted has carded that pair already, and this rule
  stays silent: one situation, one card.
- Late transfer: a case is sent up when it moves from a step of its own unit to a step whose post belongs to
  a unit above (a village's case to the township: 上报), or when it leaves a 上报 step (kind report_up) done in
  its own unit. The step that sends it up carries the limit it was given (CaseStep.due); the transfer is late
  when that step was done more than TRANSFER_GRACE_DAYS working days after the end of that day.
- Fee mismatch: a fee recorded on a step (CaseStep.fee) that the fees text (收费标准) of the item's version in
  force when the step was done does not allow (supervision.fees: 不收费/免费 is 0, listed amounts, ranges,
  ceilings). A text that states no amount (a rate, a standard named elsewhere) is not judged.

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
from sunlit.catalog.models import ChangeKind, PowerItemVersion
from sunlit.core import calendar as official_calendar
from sunlit.core import clock as clock_mod
from sunlit.core.clock import Clock
from sunlit.core.versioning import VersionStatus
from sunlit.core.workdays import WorkCalendar
from sunlit.flows.models import Transition
from sunlit.flows.validate import StepKind
from sunlit.org.models import Appointment
from sunlit.supervision.fees import fee_rule
from sunlit.supervision.models import Card, CardLevel, SweepMark

# Thresholds (working days on the case's own calendar) and how the marks move.
OFFLINE_DAYS = 1  # a step entered more than this many working days after its recorded done-at
LATE_ENTRY_DAYS = 1  # a counter case entered more than this many working days after it was received
MAX_CORRECTIONS = 1  # more 补正 than this on one case breaks 一次性告知
RESUBMIT_DAYS = 5  # a new application within this many working days of a 不予受理 of the same applicant and item
OVERTURN_DAYS = 20  # an acceptance within this many working days of a 不予受理 of the same applicant and item
TRANSFER_GRACE_DAYS = 0  # working days a step that sends a case up may run past its limit
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
REFUSAL_OVERTURNED = "case.refusal_overturned"
LATE_TRANSFER = "case.late_transfer"
FEE_MISMATCH = "case.fee_mismatch"
ENTERED = "case.entered"  # a supervisor's finding (services.card_enter), not a rule of the sweep

LABELS: dict[str, str] = {
    ACCEPT_AND_DECIDE: "同一人受理并决定（分岗设权）",
    BACKDATED: "办理时间早于上一步",
    CORRECTIONS: "多次补正（未一次性告知）",
    OFFLINE: "线下办理后补录",
    OFF_POST: "办理人不在岗",
    LATE_ENTRY: "收件后延迟录入",
    REFUSED_RESUBMITTED: "不予受理后重新受理以重置时限",
    VOID_OVERDUE: "超期后作废",
    REFUSAL_OVERTURNED: "不予受理后又受理（不予受理被推翻）",
    LATE_TRANSFER: "逾期上报上级单位",
    FEE_MISMATCH: "收费与公布的收费标准不符",
    ENTERED: "其他（监察人员录入）",
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
              due: dt.date | None = None, handler: int | None = None) -> None:
        """An anomaly on `case` (its pk, receipt and unit), about one of its steps when `step` is given;
        `handler`: the login whose recorded action it names."""
        key = f"anomaly:{rule}:{case['pk']}" + (f":{step}" if step is not None else "")
        self.cards[key] = Card(
            level=CardLevel.ANOMALY, trigger=rule, target_type_id=self.case_type, target_id=case["pk"],
            unit_id=case["unit_id"], label=f"办件{case['receipt']}：{LABELS[rule]}"[:200], due=due, detail=detail,
            issued_at=self.at, key=key, handler_id=handler)


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
            "pk", "case_id", "step_id", "step__kind", "step__name", "step__post_id", "step__post__name",
            "step__post__unit__path", "done_at", "entered_at", "done_by_id", "done_by__username", "official__name",
            "outcome", "due", "fee"):
        by_case[row["case_id"]].append(row)
    cases = {c["pk"]: c for c in Case.objects.filter(pk__in=by_case).values(
        "pk", "receipt", "unit_id", "unit__name", "unit__path", "calendar", "current_step__kind", "item_id",
        "applicant_id_number", "received_at", "accepted_on")}
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
    done = [(cases[s["case_id"]], s) for steps in by_case.values() for s in steps
            if s["pk"] in fresh and s["step__kind"] != StepKind.APPLY]
    _transfers(run, done)
    _fees(run, done)
    _overturned(run, [case for case, s in done if s["step__kind"] == StepKind.ACCEPT and case["accepted_on"]])
    return [pk for pk, _ in new]


def _case_steps(run: _Pass, case: Row, steps: list[Row]) -> None:
    """The rules about a case's steps together: who accepted and who decided, how often it went to 补正."""
    accepted_by = {s["done_by_id"] for s in steps if s["step__kind"] == StepKind.ACCEPT and s["done_by_id"]}
    for step in steps:
        if step["step__kind"] == StepKind.DECIDE and step["done_by_id"] in accepted_by:
            run.found(ACCEPT_AND_DECIDE, case, f"受理与决定均由 {_who(step)} 办理", handler=step["done_by_id"])
            break
    # Each time the case went to 补正: the 补正 steps it finished, and the one it stands in now.
    corrections = sum(s["step__kind"] == StepKind.CORRECTION for s in steps) + (
        case["current_step__kind"] == StepKind.CORRECTION)
    if corrections > MAX_CORRECTIONS:
        run.found(CORRECTIONS, case, f"本件已{corrections}次要求申请人补正，未一次性告知需补正的全部内容",
                  handler=steps[-1]["done_by_id"])  # the step that sent it to 补正 the last time


def _step(run: _Pass, case: Row, step: Row, previous: Row | None,
          held: dict[int, list[Row]]) -> None:
    """The rules about one new step: its recorded time, when it was entered, who did it."""
    name, done = step["step__name"], step["done_at"]
    if previous is not None and done < previous["done_at"]:
        run.found(BACKDATED, case, f"「{name}」记录的办理时间 {_time(done)} 早于上一步「{previous['step__name']}」的 "
                  f"{_time(previous['done_at'])}", step=step["pk"], handler=step["done_by_id"])
    calendar = run.calendar(case["calendar"])
    gap = calendar.working_days_between(_day(done), _day(step["entered_at"]))
    if gap > OFFLINE_DAYS:
        run.found(OFFLINE, case, f"「{name}」记录的办理时间为 {_date(_day(done))}，{_date(_day(step['entered_at']))} "
                  f"才录入系统（相隔{gap}个工作日）", step=step["pk"], handler=step["done_by_id"])
    if step["done_by_id"] is None:
        return
    serving = _serving(held.get(step["done_by_id"], []), _day(done))
    if step["step__post_id"] is not None:
        if not any(a["post_id"] == step["step__post_id"] for a in serving):
            run.found(OFF_POST, case, f"「{name}」由 {_who(step)} 于{_date(_day(done))}办理，"
                      f"其当日不在{step['step__post__name']}任职", step=step["pk"], handler=step["done_by_id"])
    elif not any(a["post__unit_id"] == case["unit_id"] for a in serving):
        run.found(OFF_POST, case, f"「{name}」由 {_who(step)} 于{_date(_day(done))}办理，"
                  f"其当日不在{case['unit__name']}任职", step=step["pk"], handler=step["done_by_id"])


def _above(post_unit_path: str | None, case_unit_path: str) -> bool:
    """Whether a post of this unit is in a unit above the case's (its path a proper prefix of the case's)."""
    return post_unit_path is not None and post_unit_path != case_unit_path and case_unit_path.startswith(
        post_unit_path)


def _transfers(run: _Pass, done: Sequence[tuple[Row, Row]]) -> None:
    """The new steps that sent their case up (上报) after their limit: a step of the case's own unit whose way
    on leads to a post of a unit above, or a 上报 step done in the case's own unit. The ways are read in one
    query, by the step and the outcome the record names."""
    candidates = [(case, s) for case, s in done
                  if s["due"] is not None and not _above(s["step__post__unit__path"], case["unit__path"])]
    if not candidates:
        return
    ways = {(t["source_id"], t["outcome"]): t for t in Transition.objects.filter(
        source_id__in={s["step_id"] for _, s in candidates}).values(
        "source_id", "outcome", "target__name", "target__post__unit__path", "target__post__unit__name")}
    for case, s in candidates:
        way = ways.get((s["step_id"], s["outcome"]))
        into_above = way is not None and _above(way["target__post__unit__path"], case["unit__path"])
        if not (into_above or s["step__kind"] == StepKind.REPORT_UP):
            continue
        calendar = run.calendar(case["calendar"])
        done_on = _day(s["done_at"])
        if done_on <= calendar.add_working_days(s["due"], TRANSFER_GRACE_DAYS).day:
            continue
        late = calendar.working_days_between(s["due"], done_on)
        where = (f"报送{way['target__post__unit__name']}「{way['target__name']}」" if into_above and way is not None
                 else "上报上级单位")
        run.found(LATE_TRANSFER, case, f"「{s['step__name']}」时限至{_date(s['due'])}，{_date(done_on)}才办理并"
                  + where + (f"（逾期{late}个工作日）" if late else "（逾期）"),
                  step=s["pk"], due=s["due"], handler=s["done_by_id"])


def _fees(run: _Pass, done: Sequence[tuple[Row, Row]]) -> None:
    """The new steps with a fee recorded that the item's fees (收费标准) do not allow, held against the version
    of the item in force when the step was done (the approved versions read in one query)."""
    charged = [(case, s) for case, s in done if s["fee"] is not None]
    if not charged:
        return
    versions: dict[int, list[Row]] = defaultdict(list)
    for version in PowerItemVersion.objects.filter(
            item_id__in={case["item_id"] for case, _ in charged}, status=VersionStatus.APPROVED,
            reviewed_at__isnull=False).order_by("reviewed_at", "pk").values("item_id", "reviewed_at", "fees",
                                                                            "change_kind"):
        versions[version["item_id"]].append(version)
    for case, s in charged:
        in_force = [v for v in versions.get(case["item_id"], []) if v["reviewed_at"] <= s["done_at"]]
        if not in_force or in_force[-1]["change_kind"] == ChangeKind.CANCEL:
            continue
        fees = in_force[-1]["fees"]
        rule = fee_rule(fees)
        if rule is None or rule.allows(s["fee"]):
            continue
        run.found(FEE_MISMATCH, case, f"「{s['step__name']}」实收费用{format(s['fee'].normalize(), 'f')}元，"
                  f"事项公布的收费标准为「{fees[:100]}」，应收{rule.describe()}", step=s["pk"], handler=s["done_by_id"])


# ------------------------------------------------------------------------------------------- cases

def _cases(after: int, run: _Pass) -> list[int]:
    new = list(Case.objects.filter(pk__gt=after).order_by("pk").values(
        "pk", "receipt", "unit_id", "calendar", "channel", "received_at", "entered_at", "entered_by_id", "item_id",
        "applicant_id_number")[:BATCH])
    if not new:
        return []
    for case in new:
        if case["channel"] == Channel.COUNTER:
            received, entered = _day(case["received_at"]), _day(case["entered_at"])
            gap = run.calendar(case["calendar"]).working_days_between(received, entered)
            if gap > LATE_ENTRY_DAYS:
                run.found(LATE_ENTRY, case, f"收件时间为 {_date(received)}，{_date(entered)} 才录入系统"
                          f"（相隔{gap}个工作日）", handler=case["entered_by_id"])
    _resubmitted(run, new)
    return [case["pk"] for case in new]


def _resubmitted(run: _Pass, new: Sequence[Row]) -> None:
    """A new case of an applicant (the same ID number) for an item on which a case of theirs was not accepted
    at most RESUBMIT_DAYS working days before: refused, then applied for afresh, its clock started anew. The
    refusals are read in one query over the (state, …) index, from the widest window back."""
    refused = _refusals(new, RESUBMIT_DAYS)
    for case in new:
        last = _last_refusal(refused, case)
        if last is None:
            continue
        gap = run.calendar(case["calendar"]).working_days_between(_day(last["ended_at"]), _day(case["received_at"]))
        if gap <= RESUBMIT_DAYS:
            run.found(REFUSED_RESUBMITTED, case, f"同一申请人就同一事项的办件 {last['receipt']} 于"
                      f"{_date(_day(last['ended_at']))}不予受理，{gap}个工作日后重新申请，办理时限重新起算")


def _refusals(cases: Sequence[Row], window_days: int) -> dict[tuple[int, str], list[Row]]:
    """The 不予受理 cases of these cases' applicants (by ID number, however spelt) and items, ended at most
    `window_days` working days (on any calendar) before the earliest of them was received: one query over the
    (state, …) index."""
    numbers = {case["applicant_id_number"].strip().upper() for case in cases}
    earliest = min(case["received_at"] for case in cases) - dt.timedelta(days=7 * window_days + 15)
    refused: dict[tuple[int, str], list[Row]] = defaultdict(list)
    for row in Case.objects.filter(state=CaseState.NOT_ACCEPTED, item_id__in={c["item_id"] for c in cases},
                                   applicant_id_number__in=numbers | {n.lower() for n in numbers},
                                   ended_at__gte=earliest).values(
            "pk", "receipt", "unit_id", "item_id", "applicant_id_number", "ended_at"):
        refused[(row["item_id"], row["applicant_id_number"].strip().upper())].append(row)
    return refused


def _last_refusal(refused: dict[tuple[int, str], list[Row]], case: Row) -> Row | None:
    """The latest refusal of the case's applicant and item that had ended when the case was received."""
    earlier = [r for r in refused.get((case["item_id"], case["applicant_id_number"].strip().upper()), [])
               if r["pk"] != case["pk"] and r["ended_at"] <= case["received_at"]]
    return max(earlier, key=lambda r: r["ended_at"]) if earlier else None


def _overturned(run: _Pass, accepted: list[Row]) -> None:
    """Cases whose 受理 step is new and accepted them: the refusal of the same applicant and item they overturn,
    unless case.refused_resubmitted already carded the pair (see the module's docstring)."""
    if not accepted:
        return
    refused = _refusals(accepted, OVERTURN_DAYS)
    found: list[tuple[Row, Row, int]] = []
    for case in accepted:
        last = _last_refusal(refused, case)
        if last is None:
            continue
        calendar = run.calendar(case["calendar"])
        ended = _day(last["ended_at"])
        if calendar.working_days_between(ended, _day(case["received_at"])) <= RESUBMIT_DAYS:
            continue
        gap = calendar.working_days_between(ended, case["accepted_on"])
        if gap <= OVERTURN_DAYS:
            found.append((case, last, gap))
    if not found:
        return
    refusing: dict[int, Row] = {}  # the last step recorded on a refused case is the one that refused it
    for row in CaseStep.objects.filter(case_id__in={last["pk"] for _, last, _ in found}).order_by(
            "case_id", "pk").values("case_id", "done_by_id", "opinion"):
        refusing[row["case_id"]] = row
    for case, last, gap in found:
        step = refusing.get(last["pk"], {})
        reason = (step.get("opinion") or "").strip()
        run.found(REFUSAL_OVERTURNED, last, f"本件于{_date(_day(last['ended_at']))}不予受理"
                  + (f"（理由：{reason[:60]}）" if reason else "") + f"；同一申请人就同一事项的办件 {case['receipt']} "
                  f"于{_date(case['accepted_on'])}受理（相隔{gap}个工作日）", handler=step.get("done_by_id"))


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
            "state", "note", "handler")


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
