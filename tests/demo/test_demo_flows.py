"""The demo county's flow charts, read as a resident and a supervisor would: every public item has its
chart (its own or its unit's template for the category), counting in the unit its law counts in and within
its limits, drawn on posts of the unit or above it, with risk points at its sensitive steps."""

from __future__ import annotations

from collections import Counter

import pytest

from sunlit.catalog.models import Category, PowerItem
from sunlit.catalog.selectors import public_powers
from sunlit.core.visibility import public_queryset
from sunlit.flows import validate
from sunlit.flows.models import Flow, RiskPoint
from sunlit.flows.selectors import PublicFlow, public_flow
from sunlit.org.models import UnitKind
from tests.demo.test_demo import demo  # noqa: F401  (the demo county, built once for this module)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def _flows() -> list[tuple[PowerItem, PublicFlow]]:
    found = []
    for item in public_powers():
        flow = public_flow(item)
        assert flow is not None, f"{item.code}「{item.published_version.name}」没有流程图"
        found.append((item, flow))
    return found


def _counted_days(flow: PublicFlow) -> int:
    steps = tuple(validate.PlainStep(key=s.key, name=s.name, kind=s.kind, limit=s.limit,
                                     limit_unit=flow.version.limit_unit, clock_stops=s.clock_stops,
                                     legal_ground=s.legal_ground) for s in flow.steps)
    return validate.counted_days(validate.PlainFlow(steps, tuple(flow.plain_transitions())))


def test_every_public_item_has_a_published_flow() -> None:
    missing: Counter[tuple[str, str]] = Counter()
    for item in public_powers():
        if public_flow(item) is None:
            version = item.published_version
            missing[(version.category, version.statutory_limit_unit)] += 1
    assert dict(missing) == {}


def test_a_flow_counts_in_the_items_unit_and_fits_its_limits() -> None:
    for item, flow in _flows():
        version = item.published_version
        days = _counted_days(flow)
        if version.statutory_limit is not None:
            assert flow.version.limit_unit == version.statutory_limit_unit, item.code
            assert days <= version.statutory_limit, (item.code, days, version.statutory_limit)
        if version.promised_limit is not None and version.promised_limit_unit == flow.version.limit_unit:
            assert days <= version.promised_limit, (item.code, days, version.promised_limit)


def test_items_counting_in_calendar_days_get_calendar_flows() -> None:
    permit = PowerItem.objects.get(published_version__name="建筑工程施工许可证核发")  # 7日, among licences in 工作日
    flow = public_flow(permit)
    assert flow is not None and flow.source == "item" and flow.version.limit_unit == "calendar"
    for name in ("信访事项受理和办理", "查封、扣押违法开采的工具、设备、设施、场所和矿产品"):
        for item in PowerItem.objects.filter(published_version__name=name):
            found = public_flow(item)
            assert found is not None and found.version.limit_unit == "calendar", item.code


def test_every_step_is_done_by_a_post_of_the_unit_or_a_unit_above() -> None:
    for item, flow in _flows():
        for step in flow.steps:
            assert step.post is not None, (item.code, step.key)
            assert item.unit.path.startswith(step.post.unit.path), (item.code, step.key, str(step.post))


def test_every_category_template_has_a_risk_point_at_a_sensitive_step() -> None:
    templates = Flow.objects.filter(item__isnull=True).select_related("unit", "published_version")
    assert {flow.category for flow in templates} == set(Category.values)
    for flow in templates:
        risks = public_queryset(RiskPoint).filter(step__version=flow.published_version).select_related("step__post")
        assert risks.exists(), f"{flow}没有风险点"
        for risk in risks:
            step = risk.step
            assert step.supervision_point or (step.post is not None and step.post.is_sensitive), (str(flow), step.key)


def test_every_item_flow_has_risk_points_too() -> None:
    for item, flow in _flows():
        if flow.source == "item":
            assert public_queryset(RiskPoint).filter(step__version=flow.version).exists(), item.code


def test_licensing_flows_have_correction_refusal_and_hearing_branches() -> None:
    licensing = [(i, f) for i, f in _flows() if i.published_version.category == Category.LICENSING]
    assert len(licensing) > 40
    for item, flow in licensing:
        kinds = {step.kind for step in flow.steps}
        assert {"correction", "not_accepted", "hearing", "denied"} <= kinds, item.code
        assert all(step.legal_ground for step in flow.steps if step.clock_stops), item.code


def test_village_house_building_is_sent_up_to_the_township() -> None:
    items = PowerItem.objects.filter(published_version__name="村民建房申请初审", unit__kind=UnitKind.VILLAGE)
    assert items.count() == 5
    for item in items.select_related("unit__parent"):
        flow = public_flow(item)
        assert flow is not None and flow.source == "item"
        township = item.unit.parent
        assert township is not None
        sent_up = [step for step in flow.steps if step.post is not None and step.post.unit_id == township.pk]
        assert [step.kind for step in sent_up] == ["report_up", "deliver"]
        names = {c.key: c.post_name for c in flow.chart_steps({})}
        assert names["report"] == f"便民服务中心审批岗（{township.short_name}）"
        homestead = PowerItem.objects.get(unit=township, published_version__name="农村村民宅基地审批")
        approval = public_flow(homestead)
        assert approval is not None and approval.source == "item"
        assert {"correction", "not_accepted", "hearing", "denied"} <= {step.kind for step in approval.steps}


def test_internal_powers_run_as_the_programmes_ask() -> None:
    by_unit_category = {(f.unit.code, f.category): f.published_version for f in
                        Flow.objects.filter(item__isnull=True).select_related("unit", "published_version")}
    county_decision = by_unit_category[("YG-ZF", Category.MAJOR_DECISION)]
    steps = {step.key: step for step in county_decision.steps.select_related("post")}
    assert steps["legal"].post.name == "法制审核岗"
    assert steps["discuss"].post.is_principal and "末位表态" in steps["discuss"].name
    department = by_unit_category[("YG-FG", Category.MAJOR_DECISION)]
    legal = department.steps.select_related("post__unit").get(key="legal")
    assert legal.post.unit.code == "YG-ZF"  # a department's 合法性审查 goes to the county government's reviewer
    village_money = by_unit_category[("YG-QSZ-QSC", Category.FINANCE)]
    checked = village_money.steps.select_related("post__unit").get(key="township")
    assert checked.post.unit.code == "YG-QSZ"  # 村账乡代管
