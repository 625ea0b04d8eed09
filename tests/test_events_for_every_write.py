"""Every write is an event: each accepted call of a service (and a console login) adds exactly one Event
and queues exactly one sealed leaf of kind "event"; approving a version also queues the version's record
leaf. A refused call adds neither. A failed login adds neither and is kept in the audit trail instead."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from sunlit.catalog import services as catalog
from sunlit.catalog.models import PowerItemVersion
from sunlit.core.errors import DomainError
from sunlit.core.models import ApiToken, AuditEntry, AuditKind, CalendarDay, Event
from sunlit.flows import services as flows
from sunlit.flows.models import FlowVersion
from sunlit.org import services as org
from sunlit.org.models import Appointment, Membership, Official, PortfolioArea, Post, Role, Unit, UnitKind
from sunlit.record.models import LeafQueue
from tests import factories

pytestmark = pytest.mark.django_db


class World:
    """A small county with one of everything the calls below need, written before counting starts."""

    def __init__(self, county: dict[str, Unit]) -> None:
        self.county = county
        self.town, self.land = county["town"], county["land"]
        self.admin = User.objects.create_superuser("root", password="pw-root")
        self.editor = factories.staff("editor", self.land, Role.EDITOR)
        self.reviewer = factories.staff("reviewer", self.land, Role.REVIEWER)
        self.finance = PortfolioArea.objects.create(code="CW", name="财务", principal_forbidden=True)
        self.party = PortfolioArea.objects.create(code="DJ", name="党建")
        self.secretary_post = Post.objects.create(unit=self.town, name="党委书记", is_principal=True)
        self.deputy_post = Post.objects.create(unit=self.town, name="副镇长", is_leader=True)
        self.secretary = Official.objects.create(name="王强", unit=self.town, title="党委书记")
        Appointment.objects.create(official=self.secretary, post=self.secretary_post, start=dt.date(2025, 1, 1))
        self.deputy = Official.objects.create(name="李娜", unit=self.town, title="副镇长")
        self.deputy.portfolio.add(self.finance)
        self.deputy_term = Appointment.objects.create(official=self.deputy, post=self.deputy_post,
                                                      start=dt.date(2024, 3, 1))
        self.clerk = User.objects.create(username="clerk")
        self.clerk_role = Membership.objects.create(user=self.clerk, unit=self.town, role=factories.role(Role.EDITOR))
        self.token, _ = ApiToken.issue(self.clerk, "旧令牌")

    # Catalog states, made on demand (each before counting starts).
    def draft(self, code: str = "XK-001") -> PowerItemVersion:
        return factories.draft(self.land, self.editor, code=code)

    def submitted(self) -> PowerItemVersion:
        version = self.draft()
        return catalog.power_version_submit(version=version, actor=self.editor)

    def published(self) -> PowerItemVersion:
        return factories.published(self.land, self.editor, self.reviewer)

    def flow_steps(self) -> list[dict[str, Any]]:
        return [{"key": "apply", "name": "申请", "kind": "apply"},
                {"key": "accept", "name": "受理", "kind": "accept", "limit": 2},
                {"key": "decide", "name": "决定", "kind": "decide", "limit": 3},
                {"key": "deliver", "name": "送达", "kind": "deliver"}]

    def flow(self, submit: bool = False) -> FlowVersion:
        return flows.flow_version_create(item=self.published().item, steps=self.flow_steps(), transitions=FLOW,
                                         reason="编制", author=self.editor, submit=submit)

    def login(self, password: str) -> Any:
        return Client().post("/console/login/", {"username": "editor", "password": password})


@dataclass(frozen=True)
class Case:
    """`prepare` runs before counting and returns the call to count; `action` is the event it must record,
    or None when the call must be refused."""

    name: str
    prepare: Callable[[World], Callable[[], Any]]
    action: str | None
    record_leaves: int = 0


def _accepted_login(w: World) -> Callable[[], Any]:
    def call() -> None:
        assert w.login("pw-editor").status_code == 302
    return call


def _stale_membership(w: World) -> Callable[[], Any]:
    org.membership_revoke(membership=w.clerk_role, actor=w.admin)
    return lambda: org.membership_revoke(membership=w.clerk_role, actor=w.admin)


def _revoked_token(w: World) -> Callable[[], Any]:
    org.api_token_revoke(token=w.token, actor=w.admin)
    return lambda: org.api_token_revoke(token=w.token, actor=w.admin)


def _own_approval(w: World) -> Callable[[], Any]:
    both = factories.staff("both", w.land, Role.EDITOR, Role.REVIEWER)
    version = factories.draft(w.land, both)
    catalog.power_version_submit(version=version, actor=both)
    return lambda: catalog.power_version_approve(version=version, reviewer=both)


def _second_draft(w: World) -> Callable[[], Any]:
    item = w.published().item
    catalog.power_version_draft(item=item, content=factories.content(promised_limit=8),
                                legal_bases=factories.LICENSING_BASIS, reason="压缩时限", author=w.editor)
    return lambda: catalog.power_version_draft(item=item, content=factories.content(promised_limit=5),
                                               legal_bases=factories.LICENSING_BASIS, reason="再压缩",
                                               author=w.editor)


CASES = [
    # 配权 (org.services)
    Case("unit_create", lambda w: lambda: org.unit_create(
        code="YD-GJ-XC", name="新村", kind=UnitKind.VILLAGE, parent=w.town, actor=w.admin), "org.unit.create"),
    Case("unit_create: code taken", lambda w: lambda: org.unit_create(
        code="YD-GJ", name="贡江镇", kind=UnitKind.TOWNSHIP, actor=w.admin), None),
    Case("unit_rename", lambda w: lambda: org.unit_rename(unit=w.land, name="县自然资源和规划局", actor=w.admin),
         "org.unit.rename"),
    Case("unit_rename: no name", lambda w: lambda: org.unit_rename(unit=w.land, name="", actor=w.admin), None),
    Case("unit_change", lambda w: lambda: org.unit_change(unit=w.land, phone="0797-1", actor=w.admin),
         "org.unit.change"),
    Case("unit_change: bad kind", lambda w: lambda: org.unit_change(unit=w.land, kind="ministry", actor=w.admin),
         None),
    Case("unit_move", lambda w: lambda: org.unit_move(unit=w.town, parent=w.county["finance"], actor=w.admin),
         "org.unit.move"),
    Case("unit_move: under its own village", lambda w: lambda: org.unit_move(
        unit=w.town, parent=w.county["village"], actor=w.admin), None),
    Case("portfolio_area_create", lambda w: lambda: org.portfolio_area_create(
        code="JY", name="教育", actor=w.admin), "org.portfolio_area.create"),
    Case("portfolio_area_create: code taken", lambda w: lambda: org.portfolio_area_create(
        code="CW", name="财务", actor=w.admin), None),
    Case("post_create", lambda w: lambda: org.post_create(unit=w.town, name="审批岗", actor=w.admin),
         "org.post.create"),
    Case("post_create: name taken", lambda w: lambda: org.post_create(unit=w.town, name="副镇长", actor=w.admin),
         None),
    Case("post_change", lambda w: lambda: org.post_change(post=w.deputy_post, is_internal=True, actor=w.admin),
         "org.post.change"),
    Case("post_change: principal rule", lambda w: lambda: org.post_change(
        post=w.deputy_post, is_principal=True, actor=w.admin), None),
    Case("official_create", lambda w: lambda: org.official_create(
        unit=w.town, name="赵磊", title="组织委员", user=w.clerk, actor=w.admin), "org.official.create"),
    Case("official_create: no title", lambda w: lambda: org.official_create(
        unit=w.town, name="赵磊", title="", actor=w.admin), None),
    Case("official_change", lambda w: lambda: org.official_change(official=w.deputy, user=w.clerk, actor=w.admin),
         "org.official.change"),
    Case("official_change: login taken", lambda w: (
        org.official_change(official=w.secretary, user=w.clerk, actor=w.admin),
        lambda: org.official_change(official=w.deputy, user=w.clerk, actor=w.admin))[1], None),
    Case("official_assign_portfolio", lambda w: lambda: org.official_assign_portfolio(
        official=w.secretary, area=w.party, actor=w.admin), "org.portfolio.assign"),
    Case("official_assign_portfolio: principal rule", lambda w: lambda: org.official_assign_portfolio(
        official=w.secretary, area=w.finance, actor=w.admin), None),
    Case("appointment_start", lambda w: lambda: org.appointment_start(
        official=w.secretary, post=w.deputy_post, start=dt.date(2026, 12, 1), actor=w.admin),
        "org.appointment.start"),
    Case("appointment_start: principal rule", lambda w: lambda: org.appointment_start(
        official=w.deputy, post=w.secretary_post, start=dt.date(2026, 12, 1), actor=w.admin), None),
    Case("appointment_end", lambda w: lambda: org.appointment_end(
        appointment=w.deputy_term, end=dt.date(2026, 11, 30), actor=w.admin), "org.appointment.end"),
    Case("appointment_end: before start", lambda w: lambda: org.appointment_end(
        appointment=w.deputy_term, end=dt.date(2020, 1, 1), actor=w.admin), None),
    Case("membership_grant", lambda w: lambda: org.membership_grant(
        user=w.clerk, unit=w.land, role=Role.SUPERVISOR, actor=w.admin), "org.membership.grant"),
    Case("membership_grant: held already", lambda w: lambda: org.membership_grant(
        user=w.clerk, unit=w.town, role=Role.EDITOR, actor=w.admin), None),
    Case("membership_revoke", lambda w: lambda: org.membership_revoke(membership=w.clerk_role, actor=w.admin),
         "org.membership.revoke"),
    Case("membership_revoke: revoked already", _stale_membership, None),
    Case("api_token_issue", lambda w: lambda: org.api_token_issue(user=w.clerk, name="导入脚本", actor=w.admin),
         "org.api_token.issue"),
    Case("api_token_issue: no name", lambda w: lambda: org.api_token_issue(user=w.clerk, name=" ", actor=w.admin),
         None),
    Case("api_token_revoke", lambda w: lambda: org.api_token_revoke(token=w.token, actor=w.admin),
         "org.api_token.revoke"),
    Case("api_token_revoke: revoked already", _revoked_token, None),
    Case("staff_mobile_set", lambda w: lambda: org.staff_mobile_set(user=w.clerk, mobile="13812345678", actor=w.admin),
         "org.staff_mobile.set"),
    Case("staff_mobile_set: clear", lambda w: (
        org.staff_mobile_set(user=w.clerk, mobile="13812345678", actor=w.admin),
        lambda: org.staff_mobile_set(user=w.clerk, mobile="", actor=w.admin))[1], "org.staff_mobile.clear"),
    Case("staff_mobile_set: not a mobile number", lambda w: lambda: org.staff_mobile_set(
        user=w.clerk, mobile="0797-1234567", actor=w.admin), None),
    # the official calendar (administrators' entries through org.services)
    Case("calendar_notice_enter", lambda w: lambda: org.calendar_notice_enter(
        year=2027, source="国务院办公厅关于2027年部分节假日安排的通知", actor=w.admin), "core.calendar.notice"),
    Case("calendar_notice_enter: year held", lambda w: lambda: org.calendar_notice_enter(
        year=2026, source="又一份通知", actor=w.admin), None),
    Case("calendar_notice_enter: no source", lambda w: lambda: org.calendar_notice_enter(
        year=2027, source=" ", actor=w.admin), None),
    Case("calendar_day_set", lambda w: lambda: org.calendar_day_set(
        day=dt.date(2026, 4, 20), kind="rest", name="壮族三月三", source="自治区通知", jurisdiction="CN-45",
        actor=w.admin), "core.calendar.day"),
    Case("calendar_day_set: change a day", lambda w: lambda: org.calendar_day_set(
        day=dt.date(2026, 10, 7), kind="work", source="更正", actor=w.admin), "core.calendar.day"),
    Case("calendar_day_set: bad jurisdiction", lambda w: lambda: org.calendar_day_set(
        day=dt.date(2026, 4, 20), kind="rest", source="通知", jurisdiction="Guangxi", actor=w.admin), None),
    Case("calendar_day_set: bad kind", lambda w: lambda: org.calendar_day_set(
        day=dt.date(2026, 4, 20), kind="maybe", source="通知", actor=w.admin), None),
    Case("calendar_day_remove", lambda w: lambda: org.calendar_day_remove(
        entry=CalendarDay.objects.get(day=dt.date(2026, 10, 7)), reason="录入有误", actor=w.admin),
         "core.calendar.day.remove"),
    Case("calendar_day_remove: no reason", lambda w: lambda: org.calendar_day_remove(
        entry=CalendarDay.objects.get(day=dt.date(2026, 10, 7)), reason="", actor=w.admin), None),
    Case("console login", _accepted_login, "org.login"),
    # 清权 (catalog.services)
    Case("power_item_create", lambda w: lambda: w.draft("XK-009"), "catalog.version.draft"),
    Case("power_item_create: no edit role", lambda w: lambda: factories.draft(w.land, w.reviewer), None),
    Case("power_items_create_many", lambda w: lambda: catalog.power_items_create_many(
        unit=w.land, author=w.editor, powers=[catalog.NewPower("XK-010", factories.content(),
                                                               factories.LICENSING_BASIS, "新增")]),
        "catalog.version.draft"),
    Case("power_items_create_many: a code taken", lambda w: (lambda v: lambda: catalog.power_items_create_many(
        unit=w.land, author=w.editor, powers=[
            catalog.NewPower("XK-011", factories.content(), factories.LICENSING_BASIS, "新增"),
            catalog.NewPower(v.item.code, factories.content(), factories.LICENSING_BASIS, "新增")]))(w.draft()),
        None),
    Case("power_version_draft", lambda w: (lambda item: lambda: catalog.power_version_draft(
        item=item, content=factories.content(promised_limit=5), legal_bases=factories.LICENSING_BASIS,
        reason="压缩时限", author=w.editor))(w.published().item), "catalog.version.draft"),
    Case("power_version_draft: one open already", _second_draft, None),
    Case("power_version_submit", lambda w: (lambda v: lambda: catalog.power_version_submit(
        version=v, actor=w.editor))(w.draft()), "catalog.version.submit"),
    Case("power_version_submit: not a draft", lambda w: (lambda v: lambda: catalog.power_version_submit(
        version=v, actor=w.editor))(w.submitted()), None),
    Case("power_version_approve", lambda w: (lambda v: lambda: catalog.power_version_approve(
        version=v, reviewer=w.reviewer, comment="同意"))(w.submitted()), "catalog.version.approve", 1),
    Case("power_version_approve: own version", _own_approval, None),
    Case("power_version_reject", lambda w: (lambda v: lambda: catalog.power_version_reject(
        version=v, reviewer=w.reviewer, comment="依据不对"))(w.submitted()), "catalog.version.reject"),
    Case("power_version_reject: no reason", lambda w: (lambda v: lambda: catalog.power_version_reject(
        version=v, reviewer=w.reviewer, comment=" "))(w.submitted()), None),
    Case("power_version_revise", lambda w: (lambda item: lambda: catalog.power_version_revise(
        item=item, changes={"promised_limit": 5}, reason="压缩时限", author=w.editor))(w.published().item),
        "catalog.version.draft"),
    Case("power_version_revise: blank name", lambda w: (lambda item: lambda: catalog.power_version_revise(
        item=item, changes={"name": " "}, reason="改名", author=w.editor))(w.published().item), None),
    Case("power_version_withdraw", lambda w: (lambda v: lambda: catalog.power_version_withdraw(
        version=v, actor=w.editor, reason="草稿写错"))(w.draft()), "catalog.version.withdraw"),
    Case("power_version_withdraw: by a reviewer", lambda w: (lambda v: lambda: catalog.power_version_withdraw(
        version=v, actor=w.reviewer, reason="撤回"))(w.submitted()), None),
    Case("power_item_cancel", lambda w: (lambda item: lambda: catalog.power_item_cancel(
        item=item, reason="上位法废止", author=w.editor))(w.published().item), "catalog.version.submit"),
    Case("power_item_cancel: never published", lambda w: (lambda item: lambda: catalog.power_item_cancel(
        item=item, reason="上位法废止", author=w.editor))(w.draft().item), None),
    # 制权 (flows.services)
    Case("flow_version_create", lambda w: (lambda item: lambda: flows.flow_version_create(
        item=item, steps=w.flow_steps(), transitions=FLOW, reason="编制", author=w.editor))(w.published().item),
        "flows.version.draft"),
    Case("flow_version_create: ends nowhere", lambda w: (lambda item: lambda: flows.flow_version_create(
        item=item, steps=w.flow_steps(), transitions=FLOW[:1], reason="编制", author=w.editor))(w.published().item),
        None),
    Case("flow_version_submit", lambda w: (lambda v: lambda: flows.flow_version_submit(
        version=v, actor=w.editor))(w.flow()), "flows.version.submit"),
    Case("flow_version_submit: by a reviewer", lambda w: (lambda v: lambda: flows.flow_version_submit(
        version=v, actor=w.reviewer))(w.flow()), None),
    Case("flow_version_approve", lambda w: (lambda v: lambda: flows.flow_version_approve(
        version=v, reviewer=w.reviewer))(w.flow(submit=True)), "flows.version.approve", 1),
    Case("flow_version_approve: a draft", lambda w: (lambda v: lambda: flows.flow_version_approve(
        version=v, reviewer=w.reviewer))(w.flow()), None),
    Case("flow_version_reject", lambda w: (lambda v: lambda: flows.flow_version_reject(
        version=v, reviewer=w.reviewer, comment="缺听证环节"))(w.flow(submit=True)), "flows.version.reject"),
    Case("flow_version_reject: no reason", lambda w: (lambda v: lambda: flows.flow_version_reject(
        version=v, reviewer=w.reviewer, comment=""))(w.flow(submit=True)), None),
    Case("flow_version_withdraw", lambda w: (lambda v: lambda: flows.flow_version_withdraw(
        version=v, actor=w.editor, reason="上传错了文件"))(w.flow(submit=True)), "flows.version.withdraw"),
    Case("flow_version_withdraw: no reason", lambda w: (lambda v: lambda: flows.flow_version_withdraw(
        version=v, actor=w.editor, reason=" "))(w.flow()), None),
    Case("flow_version_withdraw: by a reviewer", lambda w: (lambda v: lambda: flows.flow_version_withdraw(
        version=v, actor=w.reviewer, reason="撤回"))(w.flow()), None),
]

FLOW = [{"from": "apply", "to": "accept"}, {"from": "accept", "to": "decide"}, {"from": "decide", "to": "deliver"}]

ORG_SERVICES = {
    "unit_create", "unit_rename", "unit_change", "unit_move", "portfolio_area_create", "post_create",
    "post_change", "official_create", "official_change", "official_assign_portfolio", "appointment_start",
    "appointment_end", "membership_grant", "membership_revoke", "api_token_issue", "api_token_revoke",
    "login_record", "calendar_notice_enter", "calendar_day_set", "calendar_day_remove", "staff_mobile_set",
}


def counts() -> tuple[int, int, int]:
    """(events, queued event leaves, other queued leaves)."""
    leaves = LeafQueue.objects.all()
    return (Event.objects.count(), leaves.filter(kind="event").count(), leaves.exclude(kind="event").count())


@pytest.fixture
def world(county: dict[str, Unit]) -> World:
    return World(county)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_write_records_one_event_and_a_refusal_none(world: World, case: Case) -> None:
    call = case.prepare(world)
    events, event_leaves, other_leaves = counts()
    last = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    if case.action is None:
        with pytest.raises(DomainError):
            call()
        assert counts() == (events, event_leaves, other_leaves)
        return
    call()
    assert counts() == (events + 1, event_leaves + 1, other_leaves + case.record_leaves)
    event = Event.objects.get(pk__gt=last)
    assert event.action == case.action
    assert LeafQueue.objects.filter(kind="event", ref=event.pk).exists()


def test_the_table_covers_every_org_service() -> None:
    named = {c.name.split(":")[0] for c in CASES}
    public = {n for n in dir(org) if not n.startswith("_") and callable(getattr(org, n))
              and getattr(getattr(org, n), "__module__", "") == org.__name__ and n != "is_principal_from"}
    assert public == ORG_SERVICES
    assert ORG_SERVICES - {"login_record"} <= named and "console login" in named


@pytest.mark.parametrize("path", ["/console/login/", "/admin/login/"])
def test_a_failed_login_adds_no_event_and_no_leaf_but_one_audit_entry(world: World, path: str) -> None:
    before = counts()
    response = Client().post(path, {"username": "editor", "password": "wrong"})
    assert response.status_code == 200
    assert counts() == before
    entry = AuditEntry.objects.get()
    assert (entry.kind, entry.username) == (AuditKind.LOGIN_FAILED, "editor")
