"""Build the demo county (阳光县) once: organisation, staff logins and power lists.

Everything that has a service goes through it, so every unit, post, official, appointment, portfolio,
role and version has its event (the one planted violation excepted, see build_org); each staff login is
linked to the official it stands for, the admin login to no one. The build runs on a fixed clock that
steps through working hours of 2026: the lists are compiled and approved in January–March (清权),
changed in June and September (动态管理), and a few submissions, drafts and one rejection are left in
November so the console has work to show.
One database transaction: a failure leaves nothing behind.

It is built only into a database that holds nothing else (foreign_data): never beside a county's real
users, units or powers. Its logins get the documented PASSWORD in the embedded SQLite file of the data
folder, which only this machine reaches; in any other database (SUNLIT_DATABASE_URL) each gets a random
password, printed once (demo_passwords).
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import User
from django.db import connection, transaction

from sunlit.cases.models import Case
from sunlit.catalog import services
from sunlit.catalog.models import (
    INTERNAL_CATEGORIES,
    Category,
    ChangeKind,
    LimitUnit,
    PowerItem,
    PowerItemVersion,
    VersionStatus,
)
from sunlit.core import clock as clock_mod
from sunlit.core.calendar import calendar_for
from sunlit.core.clock import FixedClock, using_clock
from sunlit.core.models import NATIONAL
from sunlit.core.timelimits import format_limit
from sunlit.core.visibility import Audience, public_queryset
from sunlit.demo.cases import CaseSimulation
from sunlit.demo.county import flows as demo_flows
from sunlit.demo.county import org as org_data
from sunlit.demo.county import powers_build, powers_county, powers_econ, powers_land, powers_local
from sunlit.demo.county.common import (
    ACCOUNTABILITY,
    CF,
    CG,
    CJ,
    CODE_PREFIX,
    CW,
    JC,
    JF,
    JL,
    QR,
    QT,
    QZ,
    RESPONSIBILITIES,
    RS,
    VILLAGE_ACCOUNTABILITY,
    VILLAGE_RESPONSIBILITIES,
    XK,
    ZD,
    ZS,
    Spec,
    commitment,
)
from sunlit.demo.county.laws import basis
from sunlit.demo.decisions import DecisionsDemo
from sunlit.flows import risks
from sunlit.flows import selectors as flow_selectors
from sunlit.flows import services as flow_services
from sunlit.flows.models import FlowVersion
from sunlit.org import services as org_services
from sunlit.org.models import Membership, Official, PortfolioArea, Post, Role, Unit, UnitKind
from sunlit.server.initialise import sqlite_file
from sunlit.supervision.services import sweep

TZ = ZoneInfo("Asia/Shanghai")
ROOT_CODE = org_data.ROOT_CODE
PASSWORD = org_data.PASSWORD
COMPILE_REASON = "依照县委《关于推进权力公开透明运行工作的实施方案》清理职权，编入本单位权力清单（清权）"

# Unit code -> its power list; townships and villages share theirs.
POWER_LISTS: dict[str, list[Spec]] = {
    "YG": powers_county.PARTY_COMMITTEE,
    "YG-ZF": powers_county.GOVERNMENT,
    "YG-CZ": powers_econ.FINANCE,
    "YG-FG": powers_econ.DEVELOPMENT,
    "YG-JT": powers_econ.TRANSPORT,
    "YG-FC": powers_build.HOUSING,
    "YG-GT": powers_land.LAND,
    "YG-GH": powers_build.PLANNING,
    "YG-KG": powers_land.MINERALS,
}

# Which post handles an item, and which portfolio its responsible leader holds, by category.
_POST_ROLE: dict[str, str] = {XK: "approve", QR: "approve", QT: "approve", JF: "approve", ZS: "approve", CJ: "approve", JL: "general",
              ZD: "general", RS: "general", CW: "finance", CG: "finance"}
_LEADER_AREA: dict[str, str] = {XK: "xzsp", QR: "xzsp", QT: "xzsp", ZS: "xzsp", JL: "xzsp", CJ: "xzsp", JF: "nync", CW: "caiwu",
                CG: "dzcg", RS: "renshi", ZD: ""}

# What an item the authority starts on its own (依职权) says where the spec gives no text.
_DEFAULT_CONDITIONS: dict[str, str] = {
    CF: "违法事实清楚、证据确凿，依法应当给予行政处罚的。",
    QZ: "为制止违法行为、防止证据损毁、避免危害发生或者控制危险扩大，或者当事人逾期不履行行政决定，依法需要实施行政强制的。",
    JC: "依照法律法规规定和年度检查计划，实行“双随机、一公开”抽查；对投诉举报和上级交办线索开展专项检查。",
}
_EX_OFFICIO = "依职权实施，不需要当事人提交申请材料。"

def is_workday(day: dt.date) -> bool:
    """A working day on the official calendar (core.calendar), holidays and swapped days included."""
    return calendar_for(NATIONAL).is_working_day(day)


class Timeline:
    """Moves the build's fixed clock through office hours (08:30–17:30) on working days."""

    def __init__(self, clock: FixedClock) -> None:
        self.clock = clock

    def start(self, day: dt.date, hour: int = 9, minute: int = 0) -> None:
        self.clock.at = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)
        self._settle()

    def step(self, minutes: int) -> None:
        self.clock.advance(minutes=minutes)
        self._settle()

    def next_workday(self, days: int = 1, hour: int = 9, minute: int = 0) -> None:
        day = self.clock.at.astimezone(TZ).date()
        while days:
            day += dt.timedelta(days=1)
            if is_workday(day):
                days -= 1
        self.start(day, hour, minute)

    def _settle(self) -> None:
        local = self.clock.at.astimezone(TZ)
        if local.time() > dt.time(17, 30):
            self.next_workday(1, 8, 40)
        elif not is_workday(local.date()):
            self.next_workday(1, 8, 40)
        elif local.time() < dt.time(8, 30):
            self.start(local.date(), 8, 40)


@dataclass
class DemoSummary:
    """What the demo county holds; `created` says whether this call built it."""

    created: bool
    seconds: float = 0.0
    units: dict[str, int] = field(default_factory=dict)
    items: dict[str, int] = field(default_factory=dict)
    public_items: int = 0
    versions: dict[str, int] = field(default_factory=dict)
    cancelled_items: int = 0
    officials: int = 0
    appointments: int = 0
    users: list[str] = field(default_factory=list)
    # The random password of each login, when this call built the demo with them: shown this once.
    passwords: dict[str, str] = field(default_factory=dict)

    @property
    def total_items(self) -> int:
        return sum(self.items.values())


def demo_exists() -> bool:
    return Unit.objects.filter(code=ROOT_CODE).exists()


class DemoRefused(Exception):
    """The database holds data the demo did not make: the demo is not built into it."""


# What the demo looks for before it builds, each with the column that names a row in the refusal.
_FOREIGN: list[tuple[type[Any], str, str]] = [
    (User, "账号", "username"), (Unit, "单位", "name"), (Official, "干部", "name"),
    (PowerItem, "职权事项", "code"), (Case, "办件", "receipt"),
]


def foreign_data() -> list[str]:
    """What the database holds that the demo did not make, in words (`账号2个（alice、bob）`); empty when the
    demo may be built (nothing there yet) or is built already. It only reads, and may run before migrating:
    a table a migration has still to create holds nothing."""
    path = sqlite_file(connection.settings_dict)
    if path is not None and not path.exists():
        return []
    tables = set(connection.introspection.table_names())
    if Unit._meta.db_table in tables and demo_exists():
        return []
    found = []
    for model, label, column in _FOREIGN:
        if model._meta.db_table not in tables:
            continue
        rows = model._default_manager.order_by("pk")
        count = rows.count()
        if count:
            names = "、".join(str(v) for v in rows.values_list(column, flat=True)[:3])
            found.append(f"{label}{count}个（{names}{'等' if count > 3 else ''}）")
    return found


def refusal(found: list[str]) -> str:
    return ("数据库中已有不是演示程序创建的数据：" + "；".join(found) + "。演示县只建在空数据库中，以免演示账号"
            "进入正式环境；本次没有写入任何内容。如需演示，请另用一个空数据库（SUNLIT_DATABASE_URL），或不设"
            " SUNLIT_DATABASE_URL 而使用新的数据目录（SUNLIT_DATA_DIR）。")


def demo_usernames() -> list[str]:
    """Every demo login that has a password: the administrator, each unit's editor and reviewer, the
    supervisor (the officials' own logins for the cases, made later, have none)."""
    names = [org_data.ADMIN[0]]
    for d in org_data.units():
        if d.users:
            names += [f"{d.prefix.lower()}_editor", f"{d.prefix.lower()}_reviewer"]
    return [*names, org_data.SUPERVISOR[0]]


_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/l/I


def random_password() -> str:
    """Three groups of four (about 69 bits), easy to read off a terminal: `k7Qm-x2Pz-w9Rt`."""
    return "-".join("".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3))


def demo_passwords(random_passwords: bool | None = None) -> dict[str, str]:
    """The password each demo login gets: the documented PASSWORD in the embedded SQLite file of the data
    folder (settings.SUNLIT_EMBEDDED_DATABASE), a random one each in any other database, which may be a
    county's server. `random_passwords` overrides the choice."""
    if random_passwords is None:
        random_passwords = not settings.SUNLIT_EMBEDDED_DATABASE
    return {name: random_password() if random_passwords else PASSWORD for name in demo_usernames()}


def build_demo(*, random_passwords: bool | None = None) -> DemoSummary:
    """Create the demo county unless it is there already; idempotent. Refuses (DemoRefused, nothing
    written) a database holding data the demo did not make."""
    if demo_exists():
        return summarize(created=False)
    found = foreign_data()
    if found:
        raise DemoRefused(refusal(found))
    started = time.perf_counter()
    passwords = demo_passwords(random_passwords)
    clock = FixedClock(dt.datetime(2026, 1, 5, 9, 0, tzinfo=TZ))
    with transaction.atomic(), using_clock(clock):
        builder = _Builder(clock, passwords)
        builder.run()
    summary = summarize(created=True)
    summary.seconds = time.perf_counter() - started
    summary.passwords = {n: p for n, p in passwords.items() if p != PASSWORD}
    return summary


def summarize(*, created: bool) -> DemoSummary:
    root = Unit.objects.filter(code=ROOT_CODE).first()
    summary = DemoSummary(created=created)
    if root is None:
        return summary
    prefix = root.path
    kinds = dict(UnitKind.choices)
    units = Unit.objects.filter(path__startswith=prefix)
    summary.units = {kinds[k]: n for k, n in Counter(units.values_list("kind", flat=True)).items()}
    items = PowerItem.objects.filter(unit__path__startswith=prefix)
    summary.items = {kinds[k]: n for k, n in Counter(items.values_list("unit__kind", flat=True)).items()}
    summary.public_items = public_queryset(PowerItem).filter(unit__path__startswith=prefix).count()
    versions = PowerItemVersion.objects.filter(item__unit__path__startswith=prefix)
    statuses = dict(VersionStatus.choices)
    summary.versions = {statuses[s]: n for s, n in Counter(versions.values_list("status", flat=True)).items()}
    summary.cancelled_items = items.filter(is_cancelled=True).count()
    officials = Official.objects.filter(unit__path__startswith=prefix)
    summary.officials = officials.count()
    summary.appointments = sum(o.appointments.count() for o in officials.prefetch_related("appointments"))
    summary.users = sorted(
        set(Membership.objects.filter(unit__path__startswith=prefix).values_list("user__username", flat=True))
        | ({org_data.ADMIN[0]} if User.objects.filter(username=org_data.ADMIN[0]).exists() else set())
    )
    return summary


SHOWN_ONCE = "（创建时已显示）"


def documented_password_holds() -> bool:
    """Whether the demo's administrator still has the documented PASSWORD (a demo built in the embedded
    database), so that later runs may print it; a demo built with random passwords never shows them again."""
    admin = User.objects.filter(username=org_data.ADMIN[0]).values_list("password", flat=True).first()
    return admin is not None and check_password(PASSWORD, admin)


def logins(passwords: dict[str, str] | None = None) -> list[tuple[str, str, str]]:
    """(username, password, what the login can do) for the demo's staff, most useful first: the random
    `passwords` of a demo just built with them, else the documented PASSWORD where it holds, else a note
    that they were shown when the demo was built."""
    shared = PASSWORD if not passwords and documented_password_holds() else SHOWN_ONCE

    def pw(username: str) -> str:
        return (passwords or {}).get(username, shared)

    rows = [
        ("admin", pw("admin"), "系统管理员（超级用户，可进入 /admin/ 和全部控制台功能）"),
        ("gt_editor", pw("gt_editor"), "县国土资源局 承办人：编制、提交事项"),
        ("gt_reviewer", pw("gt_reviewer"), "县国土资源局 审核人：审核、批准或退回（有待审核事项）"),
        ("qsz_editor", pw("qsz_editor"), "清水镇 承办人：编制本镇及所辖村的事项"),
        ("qsz_reviewer", pw("qsz_reviewer"), "清水镇 审核人：审核本镇及所辖村的事项（有待审核事项）"),
        ("jw_supervisor", pw("jw_supervisor"), "县纪委监委 纪检监察：查看全县事项、合规检查"),
        ("zf_reviewer", pw("zf_reviewer"), "县政府办公室主任：三重一大会议秘书（会议、旁听抽取、纪要签字、公开）"),
        ("zf_editor", pw("zf_editor"), "县司法局法制审核员：重大决策合法性审查"),
    ]
    for unit in org_data.units():
        if unit.users and unit.prefix not in {"GT", "QSZ", "ZF"}:
            p = unit.prefix.lower()
            if passwords:
                rows.append((f"{p}_editor", pw(f"{p}_editor"), f"{unit.name} 承办人"))
                rows.append((f"{p}_reviewer", pw(f"{p}_reviewer"), f"{unit.name} 审核人"))
            else:
                rows.append((f"{p}_editor / {p}_reviewer", shared, f"{unit.name} 承办人 / 审核人"))
    return rows


class _Builder:
    def __init__(self, clock: FixedClock, passwords: dict[str, str]) -> None:
        self.tl = Timeline(clock)
        self.defs = {u.code: u for u in org_data.units()}
        self.units: dict[str, Unit] = {}
        self.areas: dict[str, PortfolioArea] = {}
        self.posts: dict[tuple[str, str], Post] = {}
        self.officials: dict[tuple[str, str], Official] = {}
        self.users: dict[str, User] = {}
        self.login_of: dict[tuple[str, str], User] = {}
        self.keyed: dict[tuple[str, str], PowerItem] = {}
        self.deferred: list[tuple[Unit, Spec, str]] = []
        self.names = iter(org_data.fictional_names())
        self.phones = iter(range(100, 1000))
        self.passwords = passwords
        self._hashes: dict[str, str] = {}  # one hash for the shared password, one for each random one
        self._portfolio_cache: dict[int, set[str]] = {}

    # --- organisation (配权) -------------------------------------------------------------------

    def run(self) -> None:
        self.tl.start(dt.date(2026, 1, 5), 9, 0)
        self.admin = self._user(org_data.ADMIN[0], org_data.ADMIN[1], superuser=True)
        self.build_org()
        self.tl.next_workday(5)
        self.build_power_lists()
        self.build_flows()
        self.dynamic_changes()
        DecisionsDemo(self.tl, units=self.units, users=self.users, officials=self.officials, admin=self.admin).run()
        self.cases = CaseSimulation(self.tl.clock, self.admin).run()
        self.pending_work()
        # E-supervision as it stood on the last working day before the demo's today: cards and anomalies.
        self.sweep = sweep(at=dt.datetime(2026, 11, 27, 17, 45, tzinfo=TZ))

    def build_org(self) -> None:
        for code, name, forbidden in org_data.AREAS:
            self.areas[code] = org_services.portfolio_area_create(
                code=code, name=name, principal_forbidden=forbidden, actor=self.admin)
        for order, d in enumerate(self.defs.values()):
            parent = self.units[d.parent] if d.parent else None
            self.units[d.code] = org_services.unit_create(
                code=d.code, name=d.name, short_name=d.short, kind=d.kind, parent=parent, sort_order=order,
                address=d.address, phone=d.phone, actor=self.admin)
            for p in d.posts:
                self.posts[(d.code, p.role)] = org_services.post_create(
                    unit=self.units[d.code], name=p.name, is_principal=p.principal, is_leader=p.leader,
                    is_sensitive=p.sensitive, actor=self.admin)
            self.tl.step(2)
        self.build_users()
        for d in self.defs.values():
            for order, o in enumerate(d.officials):
                self._official(d, o, order)
                self.tl.step(2)
        # Planted on purpose: the compliance query (org.selectors.principal_violations) must have
        # exactly one case to show. 清水镇's party secretary kept 财务 from before the 不直接分管 rule
        # was enforced; the service would refuse this (official_assign_portfolio), so the record is
        # written directly, as legacy data imported from the old system would be.
        unit_code, role, area = org_data.PLANTED_VIOLATION
        self.officials[(unit_code, role)].portfolio.add(self.areas[area])

    def _official(self, d: org_data.UnitDef, o: org_data.OfficialDef, order: int) -> None:
        official = org_services.official_create(
            name=next(self.names), unit=self.units[d.code], title=o.title, duties=o.duties,
            public_phone=org_data.phone(next(self.phones)), sort_order=order,
            audience=Audience.INTERNAL if o.staff else Audience.PUBLIC,
            user=self.login_of.get((d.code, o.posts[0])), actor=self.admin)
        for ref in o.posts:
            unit_code, role = (f"{ROOT_CODE}" if ref.startswith("XW:") else d.code), ref.split(":")[-1]
            org_services.appointment_start(official=official, post=self.posts[(unit_code, role)], start=o.start,
                                           actor=self.admin)
            self.officials.setdefault((unit_code, role), official)
        for area in o.portfolio:
            org_services.official_assign_portfolio(official=official, area=self.areas[area], actor=self.admin)

    def _user(self, username: str, display: str, *, superuser: bool = False) -> User:
        password = self.passwords[username]
        if password not in self._hashes:
            self._hashes[password] = make_password(password)
        user = User.objects.create(
            username=username, password=self._hashes[password], first_name=display, is_staff=superuser,
            is_superuser=superuser, date_joined=clock_mod.now())
        self.users[username] = user
        return user

    def _login(self, username: str, display: str, unit_code: str, role: str, post_role: str) -> None:
        """A staff login with its role, linked to the official holding `post_role` in the unit."""
        user = self._user(username, display)
        org_services.membership_grant(user=user, unit=self.units[unit_code], role=role, actor=self.admin)
        self.login_of[(unit_code, post_role)] = user

    def build_users(self) -> None:
        for d in self.defs.values():
            if not d.users:
                continue
            p = d.prefix.lower()
            for suffix, role, label in (("editor", Role.EDITOR, "承办人"), ("reviewer", Role.REVIEWER, "审核人")):
                self._login(f"{p}_{suffix}", f"{d.short}{label}（演示）", d.code, role, d.logins[suffix])
            self.tl.step(3)
        username, unit_code, role, display, post_role = org_data.SUPERVISOR
        self._login(username, display, unit_code, role, post_role)

    # --- power lists (清权) ----------------------------------------------------------------------

    def _staff_for(self, d: org_data.UnitDef) -> tuple[User, User]:
        owner = d if d.users else self.defs[d.parent or ROOT_CODE]
        p = owner.prefix.lower()
        return self.users[f"{p}_editor"], self.users[f"{p}_reviewer"]

    def _specs_for(self, d: org_data.UnitDef) -> list[Spec]:
        if d.kind == UnitKind.TOWNSHIP:
            return powers_local.TOWNSHIP
        if d.kind == UnitKind.VILLAGE:
            return powers_local.VILLAGE
        return POWER_LISTS[d.code]

    def build_power_lists(self) -> None:
        for d in self.defs.values():
            unit = self.units[d.code]
            editor, reviewer = self._staff_for(d)
            numbers: Counter[str] = Counter()
            created: list[PowerItemVersion] = []
            for spec in self._specs_for(d):
                numbers[spec.cat] += 1
                code = f"{d.prefix}-{CODE_PREFIX[spec.cat]}-{numbers[spec.cat]:03d}"
                if spec.status != "approved":
                    self.deferred.append((unit, spec, code))
                    continue
                version = self._create(unit, spec, code, None, editor)
                created.append(version)
                for i, sub in enumerate(spec.subs, 1):
                    created.append(self._create(unit, sub, f"{code}-{i:02d}", version.item, editor))
            self.tl.next_workday(2, 9, 30)
            for version in created:
                services.power_version_approve(version=version, reviewer=reviewer, comment="审核通过，同意公布")
                self.tl.step(3)
            self.tl.next_workday(1, 9, 0)

    def _create(self, unit: Unit, spec: Spec, code: str, parent: PowerItem | None, author: User, *,
                submit: bool = True, reason: str = COMPILE_REASON) -> PowerItemVersion:
        version = services.power_item_create(
            unit=unit, code=code, content=self.content(unit, spec), legal_bases=[basis(k) for k in spec.bases],
            reason=reason, author=author, parent=parent, submit=submit)
        if spec.key:
            self.keyed[(unit.code, spec.key)] = version.item
        self.tl.step(6 + len(spec.name) % 5)
        return version

    def content(self, unit: Unit, spec: Spec) -> dict[str, Any]:
        d = self.defs[unit.code]
        statutory, promised = spec.limit or (None, None)
        s_unit = spec.unit
        p_unit = spec.punit or spec.unit
        village = d.kind == UnitKind.VILLAGE
        role = _POST_ROLE.get(spec.cat, "enforce")
        office = d.offices.get(spec.office or role, spec.office) or d.offices.get("general", d.name)
        post = self.posts.get((d.code, role)) or self.posts.get((d.code, "general"))
        if spec.audience:
            audience = spec.audience
        elif d.kind == UnitKind.DEPARTMENT and spec.cat in INTERNAL_CATEGORIES:
            audience = Audience.INTERNAL  # 单位内部事务：对内公开
        else:
            audience = Audience.PUBLIC
        county = self.defs[ROOT_CODE]
        return {
            "name": spec.name,
            "category": spec.cat,
            "implementing_body": f"{d.name}村民委员会" if village else d.name,
            "handling_office": office,
            "handling_post": post.pk if post else None,
            "responsible_leader": self._leader(d, spec).pk,
            "conditions": spec.cond or _DEFAULT_CONDITIONS.get(spec.cat, ""),
            "materials": spec.mat or (_EX_OFFICIO if spec.cat in _DEFAULT_CONDITIONS else ""),
            "statutory_limit": statutory,
            "statutory_limit_unit": s_unit if statutory is not None else LimitUnit.WORKING_DAYS,
            "promised_limit": promised,
            "promised_limit_unit": p_unit if promised is not None else LimitUnit.WORKING_DAYS,
            "fees": spec.fees,
            "fee_basis": spec.fee_basis,
            "service_commitment": commitment(spec.cat, promised, format_limit(promised, p_unit), village),
            "responsibilities": VILLAGE_RESPONSIBILITIES if village else RESPONSIBILITIES[spec.cat],
            "accountability": VILLAGE_ACCOUNTABILITY if village else ACCOUNTABILITY[spec.cat],
            "complaint_phone": f"{d.complaint_phone}（县纪委监委：{county.complaint_phone}）",
            "remarks": spec.remarks,
            "audience": audience,
            "exemption": "none",
        }

    def _leader(self, d: org_data.UnitDef, spec: Spec) -> Official:
        wanted = [a for a in (spec.lead, _LEADER_AREA.get(spec.cat, "zhifa"), "xzsp") if a]
        if spec.cat == ZD:
            wanted = [spec.lead] if spec.lead else []
        for area in wanted:
            for official in self._unit_officials(d.code):
                if official.pk not in self._principals(d.code) and area in self._portfolio(official):
                    return official
        return self.officials[(d.code, "head")]

    def _unit_officials(self, unit_code: str) -> list[Official]:
        return [o for (u, _role), o in self.officials.items() if u == unit_code and o.unit_id == self.units[u].pk]

    def _principals(self, unit_code: str) -> set[int]:
        return {o.pk for (u, role), o in self.officials.items()
                if u == unit_code and self.posts[(u, role)].is_principal}

    def _portfolio(self, official: Official) -> set[str]:
        if official.pk not in self._portfolio_cache:
            self._portfolio_cache[official.pk] = set(official.portfolio.values_list("code", flat=True))
        return self._portfolio_cache[official.pk]

    # --- 动态管理: later changes ----------------------------------------------------------------

    def _change(self, unit_code: str, key_or_name: str, reason: str, *, submit: bool = True,
                legal_bases_add: tuple[str, ...] = (), **changes: Any) -> PowerItemVersion:
        unit = self.units[unit_code]
        item = self.keyed.get((unit_code, key_or_name))
        if item is None:
            item = PowerItem.objects.get(unit=unit, published_version__name=key_or_name)
        item.refresh_from_db()
        current = item.published_version
        assert current is not None
        content = current.snapshot()
        bases = content.pop("legal_bases") + [basis(k) for k in legal_bases_add]
        content.update(changes)
        editor, _ = self._staff_for(self.defs[unit_code])
        version = services.power_version_draft(item=item, content=content, legal_bases=bases, reason=reason,
                                               author=editor, submit=submit)
        self.tl.step(12)
        return version

    def _approve(self, unit_code: str, version: PowerItemVersion, comment: str = "同意") -> None:
        _, reviewer = self._staff_for(self.defs[unit_code])
        services.power_version_approve(version=version, reviewer=reviewer, comment=comment)
        self.tl.step(5)

    def build_flows(self) -> None:
        """Flow charts (流程图), approved: each unit's category template (类别流程图) for every category it
        exercises in public, counting in the unit its items' laws count in; then item flows (项目流程图) for
        the items whose own procedure the county publishes, and for items whose law counts in the other unit
        (a unit has one template per category, so those take it as their own). Risk points at the sensitive
        steps of each. Templates are public, so a category whose items are all internal (对内公开) gets none."""
        items = list(public_queryset(PowerItem).select_related("unit", "published_version")
                     .order_by("unit__path", "code"))
        counted_in: dict[tuple[str, str], list[str | None]] = {}
        for item in items:
            v = item.published_version
            assert v is not None
            counted_in.setdefault((item.unit.code, v.category), []).append(
                v.statutory_limit_unit if v.statutory_limit is not None
                else v.promised_limit_unit if v.promised_limit is not None else None)
        posts: dict[str, dict[str, Post]] = {}
        for (unit_code, _), post in self.posts.items():
            posts.setdefault(unit_code, {})[post.name] = post
        templates: dict[tuple[str, str], str] = {}
        for code, unit in self.units.items():
            for category in Category.values:
                flow = demo_flows.template_for(category, self.defs[code].kind)
                if (code, category) not in counted_in or flow is None:
                    continue
                steps = self._flow_steps(code, flow, posts)
                if steps is None:
                    continue
                limit_unit = demo_flows.template_unit(counted_in[(code, category)], flow.limit_unit)
                editor, _ = self._staff_for(self.defs[code])
                version = self._flow_version(
                    code, flow, steps, editor, reason="依据权力运行流程图编制要求，编制本单位类别流程图",
                    unit=unit, category=category, limit_unit=limit_unit)
                templates[(code, category)] = limit_unit
                self._flow_risks(unit, version, flow, editor)

        for item in items:
            v = item.published_version
            assert v is not None
            own = demo_flows.ITEM_FLOWS.get(v.name)
            template = templates.get((item.unit.code, v.category))
            if own is None and (v.statutory_limit is None or template in (None, v.statutory_limit_unit)):
                continue
            flow = own or demo_flows.template_for(v.category, self.defs[item.unit.code].kind)
            steps = self._flow_steps(item.unit.code, flow, posts) if flow is not None else None
            if flow is None or steps is None:
                continue
            editor, _ = self._staff_for(self.defs[item.unit.code])
            counts = "日" if v.statutory_limit_unit == LimitUnit.CALENDAR_DAYS else "工作日"
            reason = ("按本事项的法定程序编制项目流程图" if own is not None
                      else f"本事项法定时限以{counts}计，与本单位类别流程图不同，按类别流程图编制项目流程图")
            version = self._flow_version(item.unit.code, flow, steps, editor, reason=reason, item=item)
            self._flow_risks(item.unit, version, flow, editor)

    def _flow_version(self, code: str, flow: demo_flows.FlowDef, steps: list[dict[str, Any]], editor: User, *,
                      reason: str, **owner: Any) -> FlowVersion:
        _, reviewer = self._staff_for(self.defs[code])
        version = flow_services.flow_version_create(
            steps=steps, transitions=[{"from": a, "to": b, "outcome": o} for a, b, o in flow.transitions],
            reason=reason, author=editor, submit=True, **owner)
        self.tl.step(8)
        flow_services.flow_version_approve(version=version, reviewer=reviewer, comment="同意")
        self.tl.step(3)
        return version

    def _flow_risks(self, unit: Unit, version: FlowVersion, flow: demo_flows.FlowDef, editor: User) -> None:
        """廉能风险点 at the flow's sensitive steps, owned by the step's post (a post of the unit above, 上报,
        is named but not linked: a risk point belongs to one unit)."""
        steps = {step.key: step for step in version.steps.select_related("post__unit")}
        for risk in flow.risks:
            step = steps[risk.step]
            own_post = step.post if step.post is not None and step.post.unit_id == unit.pk else None
            owner = "" if step.post is None else own_post.name if own_post else flow_selectors.sent_up_label(step.post)
            risks.risk_point_create(unit=unit, step=step, post=own_post, level=risk.level,
                                    description=risk.description, measures=risk.measures, owner=owner,
                                    actor=editor, next_review=dt.date(2026, 12, 31))

    def _flow_steps(self, code: str, flow: demo_flows.FlowDef,
                    posts: dict[str, dict[str, Post]]) -> list[dict[str, Any]] | None:
        """The flow's steps on this unit's posts (`posts`: each unit's by name): a step sent up (上报) on its
        parent's, a role the unit may borrow (demo_flows.BORROWED_ROLES) on the nearest unit's above that
        has one; None when a post is missing."""
        chain = [code]
        while (parent := self.defs[chain[-1]].parent) is not None:
            chain.append(parent)
        steps = []
        for s in flow.steps:
            names = demo_flows.post_names(s.role, flow.category)
            where = chain[1:2] if s.up else chain if s.role in demo_flows.BORROWED_ROLES else chain[:1]
            post = next((posts[u][name] for u in where for name in names if name in posts.get(u, {})), None)
            if post is None:
                return None
            steps.append({"key": s.key, "name": s.name, "kind": s.kind, "post": post.pk, "limit": s.limit,
                          "clock_stops": s.clock_stops, "legal_ground": s.legal_ground,
                          "supervision_point": s.supervision_point, "duty": s.duty, "rights": s.rights,
                          "complaint": demo_flows.COMPLAINT})
        return steps

    def dynamic_changes(self) -> None:
        # June: 清水镇 shortens the homestead approval; 国土 speeds up registration; 矿管 cancels a
        # fee that has been zero-rated since 2016.
        self.tl.start(dt.date(2026, 6, 8), 10, 0)
        v2 = self._change(
            "YG-QSZ", "twp-zjd",
            "落实农村宅基地审批“一个窗口对外受理、多部门内部联动运行”，承诺时限由15个工作日压缩为10个工作日，增加宅基地使用承诺书。",
            promised_limit=10,
            materials="农村宅基地和建房（规划许可）申请表；申请人身份证和户口簿；农村宅基地使用承诺书；村民小组会议讨论意见和村级公示材料；"
                      "村民委员会审查意见；拟建房屋位置图。",
            service_commitment=commitment(XK, 10, format_limit(10, LimitUnit.WORKING_DAYS)))
        self.tl.next_workday(2, 10, 30)
        self._approve("YG-QSZ", v2, "同意，按新承诺时限执行")

        self.tl.start(dt.date(2026, 6, 15), 9, 20)
        cancel = services.power_item_cancel(
            item=self.keyed[("YG-KG", "kg-kcbc")],
            reason="经清理，矿产资源补偿费费率已自2016年7月1日起降为零（《财政部 国家税务总局关于全面推进资源税改革的通知》"
                   "财税〔2016〕53号），本事项不再实施，申请从权力清单中取消。",
            author=self.users["kg_editor"])
        self.tl.next_workday(2, 15, 10)
        self._approve("YG-KG", cancel, "同意取消；事项及其历史版本留存可查")

        self.tl.start(dt.date(2026, 6, 22), 14, 0)
        bdc = self._change(
            "YG-GT", "gt-bdc",
            "推行不动产登记“一窗受理、并行办理”，一般登记承诺时限由10个工作日压缩为5个工作日。",
            promised_limit=5, service_commitment=commitment(QR, 5, format_limit(5, LimitUnit.WORKING_DAYS)))
        self.tl.next_workday(2, 9, 45)
        self._approve("YG-GT", bdc, "同意")

        # September: 清水镇 adds the rural construction planning permit to the homestead approval.
        self.tl.start(dt.date(2026, 9, 14), 10, 0)
        v3 = self._change(
            "YG-QSZ", "twp-zjd",
            "实行宅基地审批与乡村建设规划许可“一表申请、一并审查”，增加设定依据《城乡规划法》第四十一条并调整受理条件。",
            legal_bases_add=("GH41",),
            conditions="本村集体经济组织成员，一户只能拥有一处宅基地；符合乡（镇）土地利用总体规划和村庄规划，不占用永久基本农田；"
                       "面积不超过省规定的标准；出卖、出租、赠与住宅后再申请的不予批准。符合村庄规划的，乡村建设规划许可申请一并审查、"
                       "报县城乡规划建设局核发。")
        self.tl.next_workday(2, 11, 0)
        self._approve("YG-QSZ", v3, "同意")

    # --- work left for the console (November) ------------------------------------------------------

    def pending_work(self) -> None:
        self.tl.start(dt.date(2026, 11, 16), 9, 10)
        to_reject: list[tuple[User, PowerItemVersion]] = []
        for unit, spec, code in self.deferred:
            editor, reviewer = self._staff_for(self.defs[unit.code])
            version = self._create(unit, spec, code, None, editor, submit=spec.status != "draft",
                                   reason="2026年度权力清单动态调整：新增事项")
            if spec.status == "rejected":
                to_reject.append((reviewer, version))
        self.tl.start(dt.date(2026, 11, 17), 10, 0)
        self._change("YG-GT", "gt-ydys",
                     "用地预审与规划选址合并办理，承诺时限由12个工作日压缩为10个工作日，申请材料相应精简。",
                     promised_limit=10,
                     materials="建设项目用地预审与选址意见书申请表；项目建设依据；标准分幅土地利用现状图及勘测定界图；"
                               "涉及占用永久基本农田的补划方案。",
                     service_commitment=commitment(XK, 10, format_limit(10, LimitUnit.WORKING_DAYS)))
        self.tl.start(dt.date(2026, 11, 18), 10, 20)
        for reviewer, version in to_reject:
            services.power_version_reject(
                version=version, reviewer=reviewer,
                comment="城镇土地使用税由税务机关依照《中华人民共和国城镇土地使用税暂行条例》征收，不属于本局职权，"
                        "所引设定依据也不对应；请勿列入本局权力清单。")
        self.tl.start(dt.date(2026, 11, 18), 15, 30)
        self._change("YG-CZ", "政府采购投诉处理",
                     "优化政府采购营商环境，投诉处理承诺时限由20个工作日压缩为15个工作日。",
                     promised_limit=15,
                     service_commitment=commitment(CJ, 15, format_limit(15, LimitUnit.WORKING_DAYS)))
        self.tl.start(dt.date(2026, 11, 19), 9, 40)
        self._change("YG-QSZ", "最低生活保障申请受理和调查审核",
                     "县民政局委托乡镇审批后，调查审核承诺时限由20个工作日压缩为15个工作日。",
                     promised_limit=15, service_commitment=commitment(JF, 15, format_limit(15, LimitUnit.WORKING_DAYS)))
        self.tl.start(dt.date(2026, 11, 20), 16, 0)
        self._change("YG-JT", "超限运输车辆行驶公路许可（县域内）",
                     "推行超限运输许可网上办理（草稿，待补充网上申请材料清单后提交）。",
                     submit=False, promised_limit=3,
                     service_commitment=commitment(XK, 3, format_limit(3, LimitUnit.WORKING_DAYS)))


def unfinished_versions() -> dict[str, int]:
    """Counts of versions still open or turned back in the demo, for the command's report."""
    versions = PowerItemVersion.objects.filter(item__unit__path__startswith=f"/{ROOT_CODE}/")
    return {
        "待审核": versions.filter(status=VersionStatus.SUBMITTED).count(),
        "草稿": versions.filter(status=VersionStatus.DRAFT).count(),
        "已退回": versions.filter(status=VersionStatus.REJECTED).count(),
        "取消": versions.filter(change_kind=ChangeKind.CANCEL, status=VersionStatus.APPROVED).count(),
    }
