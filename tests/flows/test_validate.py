"""The flow chart's rules (流程图) as plain functions: no database, one test per rule, hypothesis for the graph."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sunlit.flows.validate import (
    END_KINDS,
    FIELDS,
    Limit,
    PlainFlow,
    PlainStep,
    PlainTransition,
    StepKind,
    counted_days,
    validate_flow,
)

W, C = "working", "calendar"
GROUND_CORRECTION = "《中华人民共和国行政许可法》第三十二条、第四十五条"
GROUND_HEARING = "《中华人民共和国行政许可法》第四十五条、第四十七条"
T = PlainTransition


def licensing_flow() -> PlainFlow:
    """农村村民住宅建设审批 at a county land bureau: 20 working days statutory, 15 promised."""
    steps = (
        PlainStep("apply", "申请", StepKind.APPLY, None, W),
        PlainStep("accept", "受理", StepKind.ACCEPT, 5, W, post_name="窗口受理岗"),
        PlainStep("correction", "补正", StepKind.CORRECTION, None, W, clock_stops=True,
                  legal_ground=GROUND_CORRECTION),
        PlainStep("not_accepted", "不予受理", StepKind.NOT_ACCEPTED, None, W),
        PlainStep("review", "审查", StepKind.REVIEW, 7, W, post_name="审批岗"),
        PlainStep("hearing", "听证", StepKind.HEARING, 20, W, clock_stops=True, legal_ground=GROUND_HEARING),
        PlainStep("decide", "决定", StepKind.DECIDE, 3, W, post_name="分管副局长"),
        PlainStep("deliver", "送达", StepKind.DELIVER, None, W),
        PlainStep("denied", "不予许可", StepKind.DENIED, None, W),
    )
    transitions = (
        T("apply", "accept"),
        T("accept", "review", "受理"), T("accept", "correction", "补正"), T("accept", "not_accepted", "不予受理"),
        T("correction", "accept", "补正后重新提交"),
        T("review", "hearing", "需听证"), T("review", "decide", "无需听证"),
        T("hearing", "decide"),
        T("decide", "deliver", "准予许可"), T("decide", "denied", "不予许可"),
    )
    return PlainFlow(steps, transitions, statutory=Limit(20, W), promised=Limit(15, W))


def changed(flow: PlainFlow, key: str, **changes: Any) -> PlainFlow:
    steps = tuple(dataclasses.replace(s, **changes) if s.key == key else s for s in flow.steps)
    return dataclasses.replace(flow, steps=steps)


def extended(flow: PlainFlow, *more: PlainStep | PlainTransition, without: tuple[str, str] | None = None) -> PlainFlow:
    steps = flow.steps + tuple(m for m in more if isinstance(m, PlainStep))
    transitions = tuple(t for t in flow.transitions if (t.source, t.target) != without)
    transitions += tuple(m for m in more if isinstance(m, PlainTransition))
    return dataclasses.replace(flow, steps=steps, transitions=transitions)


def step(key: str, name: str, kind: str = StepKind.REVIEW, limit: int | None = 1, **more: Any) -> PlainStep:
    return PlainStep(key, name, kind, limit, W, **more)


def only(flow: PlainFlow) -> tuple[str | None, str, str]:
    problems = validate_flow(flow)
    assert len(problems) == 1, problems
    return problems[0].step, problems[0].field, problems[0].message


# ---------------------------------------------------------------- the valid flow


def test_the_licensing_flow_is_valid_and_counts_fifteen_working_days() -> None:
    assert validate_flow(licensing_flow()) == []
    # 受理 5 + 审查 7 + 决定 3; 补正 and 听证 (20) stop the clock, the ends have no limit of their own
    assert counted_days(licensing_flow()) == 15


# ---------------------------------------------------------------- 1. keys, names, kinds, transitions


def test_a_key_used_twice_is_refused_naming_the_second_step() -> None:
    step_, field, message = only(extended(licensing_flow(), step("review", "复审")))
    assert (step_, field) == ("review", "key") and "「复审」" in message and "「审查」" in message


def test_a_step_without_a_key_is_refused_naming_it() -> None:
    assert only(extended(licensing_flow(), step("", "复审"))) == (None, "key", "「复审」：环节缺少编码")


def test_a_step_without_a_name_is_refused_naming_it_by_its_key() -> None:
    step_, field, message = only(changed(licensing_flow(), "review", name=" "))
    assert (step_, field) == ("review", "name") and "「review」" in message


def test_an_unknown_kind_is_refused_naming_the_step() -> None:
    step_, field, message = only(changed(licensing_flow(), "hearing", kind="meeting"))
    assert (step_, field) == ("hearing", "kind") and "「听证」" in message and "meeting" in message


def test_a_transition_to_a_missing_step_is_refused_naming_both() -> None:
    step_, field, message = only(extended(licensing_flow(), T("review", "archive", "归档")))
    assert (step_, field) == ("review", "transitions") and "「审查」" in message and "archive" in message


def test_a_transition_given_twice_is_refused() -> None:
    step_, field, message = only(extended(licensing_flow(), T("hearing", "decide", "再议")))
    assert (step_, field) == ("hearing", "transitions") and "「听证」" in message and "「决定」" in message


# ---------------------------------------------------------------- 2. exactly one start


def test_a_flow_without_an_application_is_refused() -> None:
    step_, field, message = only(changed(licensing_flow(), "apply", kind=StepKind.ACCEPT))
    assert (step_, field) == (None, "steps") and "申请" in message


def test_a_second_application_is_refused_naming_it() -> None:
    online = step("online", "网上申请", StepKind.APPLY, None)
    step_, field, message = only(extended(licensing_flow(), online, T("online", "accept")))
    assert (step_, field) == ("online", "kind") and "「网上申请」" in message


def test_a_transition_into_the_application_is_refused() -> None:
    problems = validate_flow(extended(licensing_flow(), T("review", "apply", "退回申请")))
    assert any(p.step == "apply" and p.field == "transitions" and "「申请」" in p.message for p in problems)


# ---------------------------------------------------------------- 3. every step reachable


def test_a_step_no_path_reaches_is_refused_naming_it() -> None:
    archive = step("archive", "归档")
    assert only(extended(licensing_flow(), archive, T("archive", "deliver"))) == (
        "archive", "transitions", "「归档」：从「申请」出发没有路径到达此环节")


# ---------------------------------------------------------------- 4. every path ends


def test_an_end_with_a_way_out_is_refused_naming_it() -> None:
    step_, field, message = only(extended(licensing_flow(), T("denied", "deliver")))
    assert (step_, field) == ("denied", "transitions") and "「不予许可」" in message


def test_a_step_with_no_way_out_is_refused_naming_it() -> None:
    survey = step("survey", "现场勘查")
    assert only(extended(licensing_flow(), survey, T("review", "survey", "需勘查"))) == (
        "survey", "transitions", "「现场勘查」：没有后续环节，流程在此中断")


def test_a_step_that_cannot_reach_an_end_is_refused_even_inside_a_correction_loop() -> None:
    flow = extended(licensing_flow(), step("recheck", "复核受理", StepKind.ACCEPT),
                    step("more", "复核补正", StepKind.CORRECTION, None, clock_stops=True, legal_ground=GROUND_CORRECTION),
                    T("review", "recheck", "复核"), T("recheck", "more"), T("more", "recheck"))
    problems = validate_flow(flow)
    assert [(p.step, p.field) for p in problems] == [("recheck", "transitions"), ("more", "transitions")]
    assert "「复核受理」" in problems[0].message and "办结" in problems[0].message


# ---------------------------------------------------------------- 5. no cycle but correction → acceptance


def test_a_loop_other_than_correction_back_to_acceptance_is_refused_naming_a_step_on_it() -> None:
    step_, field, message = only(extended(licensing_flow(), T("decide", "review", "退回重审")))
    assert (step_, field) == ("review", "transitions") and "「审查」" in message and "回路" in message


# ---------------------------------------------------------------- 6. branches name distinct outcomes


@pytest.mark.parametrize("outcome", ["", "受理"])
def test_a_branch_without_a_distinct_outcome_is_refused_naming_the_step(outcome: str) -> None:
    flow = extended(licensing_flow(), T("accept", "correction", outcome), without=("accept", "correction"))
    step_, field, message = only(flow)
    assert (step_, field) == ("accept", "outcome") and "「受理」" in message and "「补正」" in message


# ---------------------------------------------------------------- 7. posts in the owning unit or above


def test_a_post_outside_the_owning_unit_and_those_above_is_refused_naming_it() -> None:
    step_, field, message = only(changed(licensing_flow(), "review", post_ok=False, post_name="财政审核岗"))
    assert (step_, field) == ("review", "post") and "「审查」" in message and "财政审核岗" in message


# ---------------------------------------------------------------- 8. one unit, no negative limit


def test_mixing_working_and_calendar_days_is_refused_naming_the_step() -> None:
    step_, field, message = only(changed(licensing_flow(), "review", limit_unit=C))
    assert (step_, field) == ("review", "limit_unit") and "「审查」" in message and "不能混用工作日和日" in message


def test_without_a_statutory_limit_the_steps_still_share_one_unit() -> None:
    flow = dataclasses.replace(changed(licensing_flow(), "review", limit_unit=C), statutory=None, promised=None)
    step_, field, message = only(flow)
    assert (step_, field) == ("review", "limit_unit") and "「审查」" in message and "「受理」" in message


def test_a_negative_limit_is_refused_naming_the_step() -> None:
    assert only(changed(licensing_flow(), "review", limit=-1)) == ("review", "limit", "「审查」：时限不能为负数")


# ---------------------------------------------------------------- 9. the longest path fits


def test_a_longest_path_over_the_statutory_limit_is_refused_stating_both() -> None:
    flow = dataclasses.replace(changed(licensing_flow(), "review", limit=15), promised=None)
    step_, field, message = only(flow)
    assert (step_, field) == (None, "limit")
    assert message.startswith("最长路径计时23个工作日，超过法定时限20个工作日") and "审查" in message


def test_a_longest_path_over_the_promised_limit_is_refused() -> None:
    step_, field, message = only(changed(licensing_flow(), "review", limit=8))
    assert (step_, field) == (None, "limit") and message.startswith("最长路径计时16个工作日，超过承诺时限15个工作日")


def test_a_promised_limit_in_calendar_days_is_not_compared_with_working_days() -> None:
    flow = dataclasses.replace(changed(licensing_flow(), "review", limit=8), promised=Limit(10, C))
    assert validate_flow(flow) == []


def test_a_hearing_that_stops_no_clock_counts_toward_the_limit() -> None:
    flow = changed(licensing_flow(), "hearing", clock_stops=False)
    assert counted_days(flow) == 35
    assert [p.message.split("（")[0] for p in validate_flow(flow)] == [
        "最长路径计时35个工作日，超过法定时限20个工作日", "最长路径计时35个工作日，超过承诺时限15个工作日"]


# ---------------------------------------------------------------- 10. a stopped clock names its ground


def test_a_step_whose_clock_stops_must_name_its_legal_ground() -> None:
    step_, field, message = only(changed(licensing_flow(), "hearing", legal_ground=""))
    assert (step_, field) == ("hearing", "legal_ground") and "「听证」" in message


# ---------------------------------------------------------------- every problem at once, and fast


def test_every_problem_is_reported_not_only_the_first() -> None:
    flow = changed(changed(licensing_flow(), "hearing", legal_ground=""), "review", post_ok=False)
    assert [(p.step, p.field) for p in validate_flow(flow)] == [("review", "post"), ("hearing", "legal_ground")]


def test_counted_days_refuses_a_flow_with_a_loop() -> None:
    with pytest.raises(ValueError, match="回路"):
        counted_days(extended(licensing_flow(), T("decide", "review", "退回重审")))


def test_a_200_step_flow_with_astronomically_many_paths_validates_in_milliseconds() -> None:
    # each step also skips the next one: about 10^41 paths, which no enumeration would survive
    keys = ["apply", *(f"s{i}" for i in range(198)), "deliver"]
    steps = (step("apply", "申请", StepKind.APPLY, None), *(step(k, f"环节{k}") for k in keys[1:-1]),
             step("deliver", "送达", StepKind.DELIVER, None))
    transitions = [T(a, b, "下一步") for a, b in zip(keys, keys[1:], strict=False)]
    transitions += [T(a, b, "跳过") for a, b in zip(keys, keys[2:], strict=False)]
    flow = PlainFlow(steps, tuple(transitions), statutory=Limit(198, W))
    started = time.perf_counter()
    assert validate_flow(flow) == []
    assert counted_days(flow) == 198
    assert time.perf_counter() - started < 0.5


# ---------------------------------------------------------------- properties

MIDDLE_KINDS = [StepKind.REVIEW, StepKind.DECIDE, StepKind.HEARING, StepKind.EXPERT_REVIEW, StepKind.TESTING,
                StepKind.REPORT_UP]


@st.composite
def valid_flows(draw: st.DrawFn, max_middle: int = 6) -> PlainFlow:
    """申请 → 受理 → a chain of middle steps → 送达, with forward branches, optional 补正 loop and early ends."""
    limits = st.one_of(st.none(), st.integers(0, 15))
    middle = []
    for i in range(draw(st.integers(0, max_middle))):
        stops = draw(st.booleans())
        middle.append(PlainStep(f"m{i}", f"环节{i}", draw(st.sampled_from(MIDDLE_KINDS)), draw(limits), W,
                                clock_stops=stops, legal_ground="《中华人民共和国行政许可法》第四十五条" if stops else ""))
    chain = [step("apply", "申请", StepKind.APPLY, None), step("accept", "受理", StepKind.ACCEPT, draw(limits)),
             *middle, step("deliver", "送达", StepKind.DELIVER, None)]
    keys = [s.key for s in chain]
    edges = [(a, b) for a, b in zip(keys, keys[1:], strict=False)]
    for i, a in enumerate(keys[:-2]):
        edges += [(a, b) for b in sorted(draw(st.sets(st.sampled_from(keys[i + 2:]))))]
    extra = []
    for key, name, kind in (("not_accepted", "不予受理", StepKind.NOT_ACCEPTED), ("denied", "不予许可", StepKind.DENIED)):
        if draw(st.booleans()):
            extra.append(step(key, name, kind, None))
            edges.append((draw(st.sampled_from(keys[:-1])), key))
    if draw(st.booleans()):
        extra.append(step("correction", "补正", StepKind.CORRECTION, draw(limits), clock_stops=True,
                          legal_ground=GROUND_CORRECTION))
        edges += [("accept", "correction"), ("correction", "accept")]
    sources = [a for a, _ in edges]
    transitions = [T(a, b, f"去{b}" if sources.count(a) > 1 else "") for a, b in edges]
    steps = draw(st.permutations(chain + extra))
    statutory = sum(s.limit or 0 for s in steps) + draw(st.integers(0, 3))
    return PlainFlow(tuple(steps), tuple(draw(st.permutations(transitions))), statutory=Limit(statutory, W))


def forward_edges(flow: PlainFlow) -> dict[str, list[str]]:
    kinds = {s.key: s.kind for s in flow.steps}
    out: dict[str, list[str]] = {s.key: [] for s in flow.steps}
    for t in flow.transitions:
        if (kinds[t.source], kinds[t.target]) != (StepKind.CORRECTION, StepKind.ACCEPT):
            out[t.source].append(t.target)
    return out


def brute_force_longest(flow: PlainFlow) -> int:
    by_key = {s.key: s for s in flow.steps}
    out = forward_edges(flow)

    def counted(key: str) -> int:
        s = by_key[key]
        return 0 if s.clock_stops or s.limit is None else s.limit

    def longest(key: str) -> int:  # over every path from key to an end; a dead end counts as none
        if by_key[key].kind in END_KINDS:
            return counted(key)
        return counted(key) + max((longest(k) for k in out[key]), default=-(10**9))

    return longest("apply")


def reaches(flow: PlainFlow, source: str) -> set[str]:
    out, seen, todo = forward_edges(flow), {source}, [source]
    while todo:
        for k in out[todo.pop()]:
            if k not in seen:
                seen.add(k)
                todo.append(k)
    return seen


@given(valid_flows())
def test_any_chain_with_branches_is_accepted_and_counts_its_longest_path(flow: PlainFlow) -> None:
    assert validate_flow(flow) == []
    assert counted_days(flow) == brute_force_longest(flow)


@given(valid_flows(), st.data())
def test_any_back_edge_but_correction_to_acceptance_is_refused(flow: PlainFlow, data: st.DataObject) -> None:
    kinds = {s.key: s.kind for s in flow.steps}
    existing = {(t.source, t.target) for t in flow.transitions}
    back = sorted((u, v) for v in kinds for u in reaches(flow, v)
                  if (u, v) not in existing and (kinds[u], kinds[v]) != (StepKind.CORRECTION, StepKind.ACCEPT))
    u, v = data.draw(st.sampled_from(back))
    problems = validate_flow(extended(flow, T(u, v, "退回")))
    assert any(p.field == "transitions" and "回路" in p.message for p in problems), problems


KEYS = st.sampled_from(["apply", "accept", "a", "b", "", " "]) | st.text(max_size=2)
UNITS = st.sampled_from([W, C, "", "月"])
junk_steps = st.builds(
    PlainStep, key=KEYS, name=st.text(max_size=3), kind=st.sampled_from([*StepKind, "", "bogus"]),
    limit=st.none() | st.integers(-3, 30), limit_unit=UNITS, clock_stops=st.booleans(),
    legal_ground=st.text(max_size=2), post_ok=st.booleans(), post_name=st.text(max_size=2))
junk_limits = st.none() | st.builds(Limit, days=st.integers(-3, 40), unit=UNITS)
junk_flows = st.builds(
    PlainFlow, steps=st.lists(junk_steps, max_size=8).map(tuple),
    transitions=st.lists(st.builds(PlainTransition, KEYS, KEYS, st.text(max_size=2)), max_size=14).map(tuple),
    statutory=junk_limits, promised=junk_limits)


@given(junk_flows)
def test_validation_never_raises_on_junk_and_answers_the_same_twice(flow: PlainFlow) -> None:
    problems = validate_flow(flow)
    assert problems == validate_flow(flow)
    assert all(p.field in FIELDS and p.message for p in problems)
    if not problems:
        assert flow.statutory is None or counted_days(flow) <= flow.statutory.days
