"""The demo county's cases (办件), September to November 2026, as the county would have handled them.

A simulation of three thousand cases: applications arrive in office hours on working days at every unit
of the county that takes them, and each walks its item's published flow through the services, done by the
officials who hold each step's post, the clock moving forward only. Most finish on time; some are corrected
(补正), heard, extended, refused, withdrawn or left to run late; a few carry the irregularities
e-supervision looks for (a step recorded days after it was done, an application entered days after it was
received, a case voided after its limit, a second 补正, a fee the item's published fees do not allow). Ended cases are rated, not all of them and
not all well. Deterministic: the same seed gives the same county.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User

from sunlit.cases import services as cases
from sunlit.cases.models import Case, Channel
from sunlit.catalog.models import PowerItem
from sunlit.catalog.selectors import public_powers
from sunlit.core.calendar import calendar_for
from sunlit.core.clock import FixedClock
from sunlit.core.errors import DomainError
from sunlit.demo.county.org import ROOT_CODE
from sunlit.flows.models import Step, Transition
from sunlit.flows.selectors import public_flow
from sunlit.flows.validate import StepKind
from sunlit.org import services as org_services
from sunlit.org.models import Appointment

TZ = ZoneInfo("Asia/Shanghai")
UNITS = (ROOT_CODE,)  # the whole county: every unit and the units under it
FIRST_DAY = dt.date(2026, 9, 15)  # the county's list and flows are in place by then (build.py)
LAST_DAY = dt.date(2026, 11, 13)
CASES = 3000
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰文辉鹏飞俊红梅建国志强春燕海波"
SUBJECTS = ("在本组宅基地上翻建住房", "申请临时使用集体土地堆放建材", "办理房屋不动产首次登记", "申请困难救助",
            "承包地流转合同鉴证", "新建生猪养殖用房", "申请设施农业用地备案", "修缮危旧住房")
PROFILES = (("smooth", 56), ("correction", 12), ("hearing", 4), ("late", 10), ("extended", 4), ("refused", 6),
            ("withdrawn", 3), ("offline", 2), ("void_late", 2), ("late_entry", 1), ("corrected_twice", 1),
            ("fee", 1))
AVOID = {StepKind.CORRECTION, StepKind.NOT_ACCEPTED, StepKind.DENIED, StepKind.HEARING, StepKind.EXPERT_REVIEW,
         StepKind.TESTING}


@dataclass
class Plan:
    item: PowerItem
    profile: str
    received: dt.datetime
    case: Case | None = None
    corrections: int = 0
    extended: bool = False
    late_step: int = 0  # which step (counted from acceptance) takes too long
    steps_done: int = 0
    notes: list[str] = field(default_factory=list)


class CaseSimulation:
    def __init__(self, clock: FixedClock, admin: User, seed: int = 2026) -> None:
        self.clock, self.admin, self.rng = clock, admin, random.Random(seed)
        self.calendar = calendar_for()
        self.holder: dict[int, User] = {}  # post id → the login of an official holding it
        self.unit_staff: dict[int, User] = {}  # unit id → some login holding a post there
        self.head: dict[int, User] = {}  # unit id → the login of its head (a principal post)

    # --- who works -------------------------------------------------------------------------------

    def staff_logins(self) -> None:
        """Every official holding a post in the simulated units gets a login (officials handle cases
        themselves), linked through the org services."""
        appointments = (Appointment.objects.filter(end__isnull=True, post__unit__path__regex=self._units_regex())
                        .select_related("official", "post").order_by("id"))
        logins: dict[int, User] = {}  # an official may hold several posts
        for appointment in appointments:
            official = appointment.official
            user = logins.get(official.pk)
            if user is None:
                if official.user_id is None:
                    user = User.objects.create(username=f"staff{official.pk}", first_name=official.name,
                                               password="!", date_joined=self.clock.now())
                    org_services.official_change(official=official, user=user, actor=self.admin)
                else:
                    user = User.objects.get(pk=official.user_id)
                logins[official.pk] = user
            self.holder.setdefault(appointment.post_id, user)
            self.unit_staff.setdefault(appointment.post.unit_id, user)
            if appointment.post.is_principal:
                self.head.setdefault(appointment.post.unit_id, user)

    def _units_regex(self) -> str:
        return "|".join(f"/{code}/" for code in UNITS)

    def items(self) -> list[PowerItem]:
        """Items people apply for, in the simulated units, whose every step can be staffed."""
        found = []
        for code in UNITS:
            for item in public_powers(unit_code=code, include_sub_units=True):
                flow = public_flow(item)
                if flow is None or not cases.can_apply(item):
                    continue
                if all(s.post_id is None or s.post_id in self.holder for s in flow.steps):
                    found.append(item)
        return found

    # --- time ------------------------------------------------------------------------------------

    def office_time(self, moment: dt.datetime) -> dt.datetime:
        """The moment, moved into office hours (08:40–17:30) on a working day."""
        local = moment.astimezone(TZ)
        day, clock_time = local.date(), local.time()
        if clock_time > dt.time(17, 30) or not self.calendar.is_working_day(day):
            day = self.calendar.add_working_days(day, 1).day
            return dt.datetime.combine(day, dt.time(8, 40), TZ) + dt.timedelta(minutes=self.rng.randrange(0, 90))
        if clock_time < dt.time(8, 40):
            return dt.datetime.combine(day, dt.time(8, 40), TZ) + dt.timedelta(minutes=self.rng.randrange(0, 60))
        return local

    def later(self, start: dt.datetime, working_days: float) -> dt.datetime:
        whole = int(working_days)
        day = self.calendar.add_working_days(start.astimezone(TZ).date(), whole).day if whole else start.date()
        at = dt.datetime.combine(day, start.astimezone(TZ).time(), TZ)
        return self.office_time(at + dt.timedelta(hours=(working_days - whole) * 8))

    # --- the run ---------------------------------------------------------------------------------

    def run(self, count: int = CASES) -> int:
        self.staff_logins()
        items = self.items()
        if not items:
            return 0
        profiles = [p for p, weight in PROFILES for _ in range(weight)]
        span = (LAST_DAY - FIRST_DAY).days
        queue: list[tuple[dt.datetime, int]] = []
        plans: list[Plan] = []
        for n in range(count):
            day = FIRST_DAY + dt.timedelta(days=self.rng.randrange(0, span))
            received = self.office_time(dt.datetime.combine(day, dt.time(8, 30), TZ)
                                        + dt.timedelta(minutes=self.rng.randrange(0, 540)))
            plans.append(Plan(item=self.rng.choice(items), profile=self.rng.choice(profiles), received=received,
                              late_step=self.rng.randrange(1, 3)))
            heapq.heappush(queue, (received, n))
        cutoff = dt.datetime.combine(LAST_DAY, dt.time(17, 30), TZ)
        while queue:
            when, n = heapq.heappop(queue)
            if when > cutoff:
                continue
            if when > self.clock.at:
                self.clock.at = when
            following = self.act(plans[n])
            if following is not None:
                heapq.heappush(queue, (following, n))
        self.rate(plans)
        return sum(1 for p in plans if p.case is not None)

    def act(self, plan: Plan) -> dt.datetime | None:
        """Take the plan's next action at the clock's time; when the one after it is due, or None."""
        if plan.case is None:
            return self.submit(plan)
        case = Case.objects.select_related("current_step").get(pk=plan.case.pk)
        if not case.is_open or case.current_step is None:
            return None
        step = case.current_step
        if plan.profile == "withdrawn" and plan.steps_done >= 2:
            cases.case_withdraw(case=case, reason="申请人已另行解决，申请撤回")
            return None
        if plan.profile == "void_late" and case.due is not None and self.clock.at.date() > case.due:
            cases.case_void(case=case, reason="申请人未按要求到场，本件作废", actor=self.unit_staff[case.unit_id])
            return None
        if plan.profile == "extended" and not plan.extended and case.accepted_on and case.unit_id in self.head:
            plan.extended = True
            self._try(lambda: cases.case_extend(case=case, days=5, reason="需会同有关部门现场踏勘核实",
                                                approver=self.head[case.unit_id]))
        outcome, opinion = self.choose(plan, step)
        actor = self.holder.get(step.post_id) if step.post_id else self.unit_staff.get(case.unit_id)
        done_at = None
        if plan.profile == "offline" and plan.steps_done == 2:
            done_at = self.clock.at - dt.timedelta(days=4)  # handled on paper, entered four days later
            done_at = max(done_at, case.step_started_at or case.received_at)
        # a fee the item's published fees do not allow, charged at the step after acceptance
        fee = Decimal("50") if plan.profile == "fee" and plan.steps_done == 1 else None
        if not self._try(lambda: cases.case_step_done(case=case, outcome=outcome, opinion=opinion, actor=actor,
                                                      done_at=done_at, fee=fee)):
            return None
        plan.steps_done += 1
        return self.later(self.clock.at, self.duration(plan, step))

    def submit(self, plan: Plan) -> dt.datetime | None:
        person = self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.randrange(1, 3)))
        id_number = f"3607{self.rng.randrange(20, 40)}19{self.rng.randrange(50, 99)}{self.rng.randrange(1, 12):02d}" \
                    f"{self.rng.randrange(1, 28):02d}{self.rng.randrange(100, 999)}{self.rng.choice('0123456789X')}"
        counter = self.rng.random() < 0.45 or plan.profile == "late_entry"
        received = plan.received
        if plan.profile == "late_entry":
            received = self.clock.at - dt.timedelta(days=5)  # a paper application left in a drawer
        staff = self.unit_staff.get(plan.item.unit_id)
        try:
            plan.case, _ = cases.case_submit(
                item_id=plan.item.pk, applicant_name=person, applicant_id_number=id_number,
                applicant_contact=f"1{self.rng.choice('3589')}{self.rng.randrange(10**8, 10**9)}",
                subject=self.rng.choice(SUBJECTS), channel=Channel.COUNTER if counter else Channel.PORTAL,
                received_at=received if counter else None, entered_by=staff if counter else None)
        except DomainError:
            return None
        return self.later(self.clock.at, self.rng.choice((0.2, 0.5, 1)))

    def choose(self, plan: Plan, step: Step) -> tuple[str, str]:
        ways = list(Transition.objects.filter(source=step).select_related("target").order_by("position"))
        kinds = {t.target.kind: t for t in ways}
        if step.kind == StepKind.ACCEPT:
            allowed = {"correction": 1, "corrected_twice": 2}.get(plan.profile, 0)  # the second breaks 一次性告知
            if plan.corrections < allowed and StepKind.CORRECTION in kinds:
                plan.corrections += 1
                return kinds[StepKind.CORRECTION].outcome, "申请材料不齐全，一次性告知需补正：宅基地使用证明、四邻意见"
            if plan.profile == "refused" and StepKind.NOT_ACCEPTED in kinds:
                return kinds[StepKind.NOT_ACCEPTED].outcome, "申请事项不属于本机关职权范围，已告知向有关机关申请"
        if plan.profile == "hearing" and StepKind.HEARING in kinds:
            plan.profile = "smooth"
            return kinds[StepKind.HEARING].outcome, "涉及相邻权利人重大利益，依法组织听证"
        if plan.profile == "refused" and StepKind.DENIED in kinds:
            return kinds[StepKind.DENIED].outcome, "经审查不符合村庄规划和宅基地使用条件"
        good = [t for t in ways if t.target.kind not in AVOID] or ways
        return good[0].outcome, self.rng.choice(("材料齐全，符合要求", "经审查符合条件", "同意", "情况属实，同意办理"))

    def duration(self, plan: Plan, step: Step) -> float:
        """Working days until the next action: within the next step's limit, or past it when planned late."""
        if step.kind == StepKind.CORRECTION or (plan.case and plan.case.state == "stopped"):
            return self.rng.choice((2, 3, 4))
        limit = max(step.limit or 1, 1)
        if plan.profile in ("late", "void_late") and plan.steps_done == plan.late_step and plan.case is not None:
            # this step drags on past the case's promised date
            due = Case.objects.filter(pk=plan.case.pk).values_list("due", flat=True).get()
            left = self.calendar.working_days_between(self.clock.at.astimezone(TZ).date(), due) if due else limit
            return left + self.rng.uniform(1, 4)
        return max(0.1, limit * self.rng.uniform(0.15, 0.7))

    def rate(self, plans: list[Plan]) -> None:
        levels = [("5", 52), ("4", 28), ("3", 10), ("2", 6), ("1", 4)]
        pool = [level for level, weight in levels for _ in range(weight)]
        comments = {"5": "窗口服务热情，一次办好", "4": "办理及时", "3": "", "2": "等待时间较长，材料要求说明不够清楚",
                    "1": "跑了三趟才办成"}
        for plan in plans:
            if plan.case is None or self.rng.random() > 0.7:
                continue
            case = Case.objects.get(pk=plan.case.pk)
            if case.state in cases.RATABLE:
                self._rate(case, self.rng.choice(pool), comments)

    def _rate(self, case: Case, level: str, comments: dict[str, str]) -> None:
        self._try(lambda: cases.rating_submit(case=case, level=level, comment=comments[level]))

    @staticmethod
    def _try(action: Callable[[], Any]) -> bool:
        try:
            action()
        except DomainError:
            return False
        return True
