"""Any sequence of actions on a case, by anyone, with any outcome, at any pace: every accepted action writes
exactly one event, every refused one changes nothing, and the stored deadlines always equal what the case's
own rows give on the calendar (a hypothesis state machine)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from sunlit.cases import deadlines
from sunlit.cases.models import OPEN_STATES, Case, CaseNotice, CaseState, CaseStep, ClockStop
from sunlit.cases.services import case_extend, case_step_done, case_submit, case_void, case_withdraw
from sunlit.core import calendar
from sunlit.core.clock import FixedClock
from sunlit.core.errors import DomainError
from sunlit.core.models import Event
from sunlit.flows.models import Transition
from sunlit.flows.validate import END_KINDS
from tests.cases.conftest import ID_NUMBER, Office

pytestmark = pytest.mark.django_db

OUTCOMES = ["", "受理", "补正", "不予受理", "补正完成", "无需听证", "听证", "准予许可", "不予许可", "批准"]
PEOPLE = ["window", "examiner", "deputy", "director", "outsider"]


def rows(case: Case) -> tuple[Any, ...]:
    """Everything an action could change, of this case and of the event table."""
    case = Case.objects.get(pk=case.pk)
    return (case.state, case.current_step_id, case.step_started_at, case.step_due, case.due, case.statutory_due,
            case.accepted_on, case.extension_days, case.version, case.ended_at,
            CaseStep.objects.filter(case=case).count(), ClockStop.objects.filter(case=case).count(),
            ClockStop.objects.filter(case=case, restarted_on=None).count(),
            CaseNotice.objects.filter(case=case).count(), Event.objects.count())


def events_of(case: Case) -> int:
    return Event.objects.filter(object_type="cases.case", object_id=str(case.pk)).count()


def test_any_sequence_of_actions_keeps_a_case_consistent(office: Office, clock: FixedClock) -> None:
    class CaseMachine(RuleBasedStateMachine):
        case: Case

        @initialize()
        def submit(self) -> None:
            self.case, _ = case_submit(item_id=office.item.item_id, applicant_name="李四",
                                       applicant_id_number=ID_NUMBER, applicant_contact="13900000000")
            self.accepted = 1

        def attempt(self, action: Any) -> None:
            before = rows(self.case)
            try:
                action()
            except DomainError:
                assert rows(self.case) == before, "a refused action changed something"
                return
            self.accepted += 1
            assert events_of(self.case) == self.accepted, "an accepted action wrote other than one event"

        @rule(who=st.sampled_from(PEOPLE), outcome=st.sampled_from(OUTCOMES), opinion=st.sampled_from(["", "意见"]),
              hours=st.integers(min_value=0, max_value=96))
        def step(self, who: str, outcome: str, opinion: str, hours: int) -> None:
            clock.advance(hours=hours)
            self.attempt(lambda: case_step_done(case=self.case, outcome=outcome, opinion=opinion,
                                                actor=getattr(office, who)))

        @rule(who=st.sampled_from(PEOPLE), days=st.integers(min_value=0, max_value=40),
              reason=st.sampled_from(["", "需现场踏勘"]))
        def extend(self, who: str, days: int, reason: str) -> None:
            self.attempt(lambda: case_extend(case=self.case, days=days, reason=reason, approver=getattr(office, who)))

        @rule(reason=st.sampled_from(["", "不再需要"]))
        def withdraw(self, reason: str) -> None:
            self.attempt(lambda: case_withdraw(case=self.case, reason=reason))

        @rule(who=st.sampled_from(PEOPLE), reason=st.sampled_from(["", "重复录入"]))
        def void(self, who: str, reason: str) -> None:
            self.attempt(lambda: case_void(case=self.case, reason=reason, actor=getattr(office, who)))

        @invariant()
        def deadlines_are_what_the_rows_give(self) -> None:
            case = Case.objects.select_related("current_step").get(pk=self.case.pk)
            stops = list(ClockStop.objects.filter(case=case))
            expected = deadlines.compute(
                calendar.calendar_for(case.calendar), unit=case.limit_unit,
                step_started=dt.datetime.date(case.step_started_at.astimezone(clock.at.tzinfo))
                if case.step_started_at else None,
                step_limit=case.current_step.limit if case.current_step and case.is_open else None,
                accepted_on=case.accepted_on, promised=case.promised_limit, promised_unit=case.promised_limit_unit,
                statutory=case.statutory_limit, extension=case.extension_days,
                stops=[(s.stopped_on, s.restarted_on) for s in stops if s.restarted_on is not None])
            assert (case.step_due, case.due, case.statutory_due) == (expected.step_due, expected.due,
                                                                     expected.statutory_due)
            if case.accepted_on is not None and case.due is not None:
                assert case.due > case.accepted_on or case.promised_limit == 0

        @invariant()
        def state_and_step_agree(self) -> None:
            case = Case.objects.select_related("current_step").get(pk=self.case.pk)
            open_stops = ClockStop.objects.filter(case=case, restarted_on=None).count()
            assert case.current_step is not None
            if case.state in OPEN_STATES:
                assert case.current_step.kind not in END_KINDS and case.ended_at is None
                assert open_stops == (1 if case.state == CaseState.STOPPED else 0)
                assert case.state == CaseState.STOPPED or not case.current_step.clock_stops
                assert Transition.objects.filter(source=case.current_step).exists()
            else:
                assert case.ended_at is not None and open_stops == 0
                if case.state in (CaseState.APPROVED, CaseState.REFUSED, CaseState.NOT_ACCEPTED):
                    assert case.current_step.kind in END_KINDS

    run_state_machine_as_test(CaseMachine, settings=settings(
        max_examples=25, stateful_step_count=25, deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]))
