"""配权 writes. Each is one transaction that checks its rule, writes, and records its event.

The principal's forbidden areas (不直接分管) are checked in one function, `_check_principal_rule`, which
every write that could break the rule calls: giving a portfolio, starting an appointment, making a post
a principal one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Concat, Length, Substr

from sunlit.core import calendar
from sunlit.core import clock as clock_mod
from sunlit.core.clock import Clock
from sunlit.core.errors import Conflict, DomainError
from sunlit.core.models import (
    NATIONAL,
    TOKEN_DAYS,
    TOKEN_DAYS_MAX,
    ApiToken,
    CalendarDay,
    CalendarNotice,
    DayKind,
)
from sunlit.core.sms import mask_phone
from sunlit.core.visibility import Audience, Exemption
from sunlit.org.models import Appointment, Membership, Official, PortfolioArea, Post, Role, StaffContact, Unit
from sunlit.record.events import record_event

UNIT_CHANGEABLE = ("kind", "sort_order", "address", "phone", "calendar")
POST_CHANGEABLE = ("name", "is_principal", "is_leader", "is_sensitive", "is_internal")
OFFICIAL_CHANGEABLE = ("name", "unit", "title", "duties", "photo", "public_phone", "sort_order", "audience",
                       "exemption", "user")
PATH_MAX = Unit._meta.get_field("path").max_length or 400

PRINCIPAL_RULE = (
    "党政正职不直接分管人事、财务、工程项目建设、大宗物资采购、行政审批、执法等工作（不直接分管制度）"
)


# --- shared checks ------------------------------------------------------------------------------

def _label(model: type[models.Model], field: str) -> str:
    return str(getattr(model._meta.get_field(field), "verbose_name", field))


def _text(model: type[models.Model], field: str, value: str | None, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(f"请填写{_label(model, field)}", field=field)
    return text


def _clean(instance: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """Field checks (lengths, choices, references) as Django knows them, as a DomainError naming the
    field. Uniqueness is checked by each service with its own message. A reference the service was handed
    as a saved row is not looked up again."""
    skip = set(exclude) | {
        f.name for f in instance._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.is_cached(instance)
        and getattr(f.get_cached_value(instance), "pk", None) is not None
    }
    try:
        instance.full_clean(exclude=list(skip), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        if field == NON_FIELD_ERRORS:
            raise DomainError(messages[0]) from None
        raise DomainError(f"{_label(type(instance), field)}：{messages[0]}", field=field) from None


def _plain(instance: models.Model, field: str) -> Any:
    """A field's value as an event stores it: units by code, logins by username, files by name."""
    f = instance._meta.get_field(field)
    value = getattr(instance, field)
    if value is None:
        return None
    if isinstance(f, models.FileField):
        return value.name or ""
    if f.is_relation:
        if isinstance(value, Unit):
            return value.code
        if hasattr(value, "get_username"):
            return value.get_username()
        return value.pk
    return value


def _snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {f: _plain(instance, f) for f in fields}


def _apply(instance: models.Model, changes: dict[str, Any], allowed: tuple[str, ...]
           ) -> tuple[list[str], dict[str, Any]]:
    """Set `changes` on `instance`; returns the fields that changed and their values before."""
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise DomainError(f"不能修改的字段：{'、'.join(unknown)}", field=unknown[0])
    changed = [f for f in allowed if f in changes and _differs(instance, f, changes[f])]
    if not changed:
        raise DomainError("没有需要修改的内容", field=next(iter(changes), None))
    before = _snapshot(instance, changed)
    for f in changed:
        value = changes[f]
        setattr(instance, f, value.strip() if isinstance(value, str) else value)
    return changed, before


def _save_changes(instance: models.Model, changed: list[str], before: dict[str, Any], *, action: str,
                  actor: Any, clock: Clock | None) -> None:
    """Check, save and record the fields `_apply` changed: the tail of every `<entity>_change`."""
    _clean(instance)
    instance.save(update_fields=changed)
    record_event(actor=actor, action=action, obj=instance, before=before, after=_snapshot(instance, changed),
                 clock=clock)


def _differs(instance: models.Model, field: str, value: Any) -> bool:
    current = getattr(instance, field)
    if isinstance(value, str):
        value = value.strip()
    if isinstance(instance._meta.get_field(field), models.FileField):
        return hasattr(value, "read") or (getattr(current, "name", "") or "") != (value or "")
    return bool(current != value)


def _check_principal_rule(
    *, official: Official, day: dt.date, field: str, new_area: PortfolioArea | None = None,
    principal_post: bool = False,
) -> None:
    """不直接分管: a principal (党政正职) may not directly oversee a forbidden area. The only check of the
    rule: `new_area` is an area the official is being given; `principal_post` says the official is being
    made (or is holding a post being made) a principal."""
    if new_area is not None and new_area.principal_forbidden and is_principal_from(official, day):
        raise DomainError(
            f"{official.name}担任党政正职，不得直接分管「{new_area.name}」。依据：{PRINCIPAL_RULE}", field=field)
    if principal_post:
        forbidden = [a.name for a in official.portfolio.filter(principal_forbidden=True)]
        if forbidden:
            raise DomainError(
                f"{official.name}分管{'、'.join(forbidden)}，不得担任党政正职。依据：{PRINCIPAL_RULE}", field=field)


def is_principal_from(official: Official, day: dt.date) -> bool:
    """Principal on `day` or appointed to become one later: a later start must not open a gap."""
    appointments = Appointment.objects.filter(official=official, post__is_principal=True)
    return appointments.filter(Q(end__isnull=True) | Q(end__gte=day)).exists()


# --- units (单位) -----------------------------------------------------------------------------------

@transaction.atomic
def unit_create(
    *, code: str, name: str, kind: str, parent: Unit | None = None, short_name: str = "", sort_order: int = 0,
    address: str = "", phone: str = "", calendar: str = "", actor: Any, clock: Clock | None = None,
) -> Unit:
    """Add a unit below `parent` (a root unit when None)."""
    code = _text(Unit, "code", code)
    if "/" in code:
        raise DomainError("单位编码不能含有“/”", field="code")
    if Unit.objects.filter(code=code).exists():
        raise Conflict(f"单位编码{code}已存在", field="code")
    unit = Unit(code=code, name=_text(Unit, "name", name), short_name=_text(Unit, "short_name", short_name,
                required=False), kind=kind, parent=parent, sort_order=sort_order,
                address=_text(Unit, "address", address, required=False),
                phone=_text(Unit, "phone", phone, required=False), calendar=calendar.strip().upper())
    _clean(unit, exclude=["path"])
    unit.save()
    record_event(actor=actor, action="org.unit.create", obj=unit,
                 after=_snapshot(unit, ("code", "name", "short_name", "kind", "parent", "path", "sort_order",
                                        "address", "phone", "calendar")), clock=clock)
    return unit


@transaction.atomic
def unit_rename(
    *, unit: Unit, name: str, short_name: str | None = None, actor: Any, clock: Clock | None = None
) -> Unit:
    """Rename a unit (and its short name when given). Its code, and so its path, stay."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    changes: dict[str, Any] = {"name": _text(Unit, "name", name)}
    if short_name is not None:
        changes["short_name"] = short_name
    changed, before = _apply(unit, changes, ("name", "short_name"))
    _save_changes(unit, changed, before, action="org.unit.rename", actor=actor, clock=clock)
    return unit


@transaction.atomic
def unit_change(*, unit: Unit, actor: Any, clock: Clock | None = None, **changes: Any) -> Unit:
    """Change a unit's kind, order, address or telephone. Name and place have their own services."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if isinstance(changes.get("calendar"), str):
        changes["calendar"] = changes["calendar"].strip().upper()  # a jurisdiction code: cn-36 is CN-36
    changed, before = _apply(unit, changes, UNIT_CHANGEABLE)
    _save_changes(unit, changed, before, action="org.unit.change", actor=actor, clock=clock)
    return unit


@transaction.atomic
def unit_move(*, unit: Unit, parent: Unit | None, actor: Any, clock: Clock | None = None) -> Unit:
    """Put a unit (with everything below it) under another parent; every path below it follows."""
    unit = Unit.objects.select_for_update(of=("self",)).select_related("parent").get(pk=unit.pk)
    if parent is not None:
        parent = Unit.objects.get(pk=parent.pk)
        if parent.path.startswith(unit.path):
            raise DomainError(f"不能把{unit.name}移到它自己或它的下级单位（{parent.name}）之下", field="parent")
    if unit.parent_id == (parent.pk if parent else None):
        raise DomainError(f"{unit.name}已在该上级单位之下", field="parent")
    old_path = unit.path
    new_path = (parent.path if parent else "/") + unit.code + "/"
    below = Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk)
    longest = below.aggregate(n=models.Max(Length("path")))["n"] or len(old_path)
    if longest - len(old_path) + len(new_path) > PATH_MAX:
        raise DomainError("移动后单位层级过深", field="parent")
    before = _snapshot(unit, ("parent", "path"))
    unit.parent = parent
    unit.save(update_fields=["parent", "path"])
    moved = below.update(path=Concat(Value(new_path), Substr("path", len(old_path) + 1), output_field=CharField()))
    record_event(actor=actor, action="org.unit.move", obj=unit, before=before,
                 after={**_snapshot(unit, ("parent", "path")), "units_below": moved}, clock=clock)
    return unit


# --- portfolio areas (分管领域) ------------------------------------------------------------------------

@transaction.atomic
def portfolio_area_create(
    *, code: str, name: str, principal_forbidden: bool = False, actor: Any, clock: Clock | None = None
) -> PortfolioArea:
    """Add an area officials may oversee. Whether principals may hold it is fixed at creation."""
    code = _text(PortfolioArea, "code", code)
    if PortfolioArea.objects.filter(code=code).exists():
        raise Conflict(f"分管领域编码{code}已存在", field="code")
    area = PortfolioArea(code=code, name=_text(PortfolioArea, "name", name), principal_forbidden=principal_forbidden)
    _clean(area)
    area.save()
    record_event(actor=actor, action="org.portfolio_area.create", obj=area,
                 after=_snapshot(area, ("code", "name", "principal_forbidden")), clock=clock)
    return area


# --- posts (岗位) -------------------------------------------------------------------------------------

def _refuse_duplicate_post(unit: Unit, name: str, exclude: int | None = None) -> None:
    if Post.objects.filter(unit=unit, name=name).exclude(pk=exclude or 0).exists():
        raise Conflict(f"{unit.name}已有岗位「{name}」", field="name")


@transaction.atomic
def post_create(
    *, unit: Unit, name: str, is_principal: bool = False, is_leader: bool = False, is_sensitive: bool = False,
    is_internal: bool = False, actor: Any, clock: Clock | None = None,
) -> Post:
    """Add a post to a unit."""
    name = _text(Post, "name", name)
    _refuse_duplicate_post(unit, name)
    post = Post(unit=unit, name=name, is_principal=is_principal, is_leader=is_leader, is_sensitive=is_sensitive,
                is_internal=is_internal)
    _clean(post)
    post.save()
    record_event(actor=actor, action="org.post.create", obj=post,
                 after=_snapshot(post, ("unit", *POST_CHANGEABLE)), clock=clock)
    return post


@transaction.atomic
def post_change(*, post: Post, actor: Any, clock: Clock | None = None, **changes: Any) -> Post:
    """Change a post's name or flags. Making it a principal post is refused while someone holding it (now
    or from a later date) oversees a forbidden area."""
    post = Post.objects.select_for_update(of=("self",)).select_related("unit").get(pk=post.pk)
    if "name" in changes:
        changes["name"] = _text(Post, "name", changes["name"])
        _refuse_duplicate_post(post.unit, changes["name"], exclude=post.pk)
    becomes_principal = bool(changes.get("is_principal")) and not post.is_principal
    changed, before = _apply(post, changes, POST_CHANGEABLE)
    if becomes_principal:
        day = clock_mod.today(clock)
        holders = Official.objects.filter(
            appointments__in=post.appointments.filter(Q(end__isnull=True) | Q(end__gte=day))).distinct()
        for holder in holders:
            _check_principal_rule(official=holder, day=day, field="is_principal", principal_post=True)
    _save_changes(post, changed, before, action="org.post.change", actor=actor, clock=clock)
    return post


# --- officials (干部) ---------------------------------------------------------------------------------

def _refuse_linked_login(user: Any, exclude: int | None = None) -> None:
    if user is None:
        return
    other = Official.objects.filter(user=user).exclude(pk=exclude or 0).first()
    if other is not None:
        raise Conflict(f"登录账号{user.get_username()}已关联干部{other.name}", field="user")


@transaction.atomic
def official_create(
    *, unit: Unit, name: str, title: str, duties: str = "", public_phone: str = "", sort_order: int = 0,
    audience: str = Audience.PUBLIC, exemption: str = Exemption.NONE, photo: Any = None, user: Any = None,
    actor: Any, clock: Clock | None = None,
) -> Official:
    """Add an official to a unit, optionally with the staff login that is theirs."""
    _refuse_linked_login(user)
    official = Official(
        unit=unit, name=_text(Official, "name", name), title=_text(Official, "title", title),
        duties=_text(Official, "duties", duties, required=False),
        public_phone=_text(Official, "public_phone", public_phone, required=False), sort_order=sort_order,
        audience=audience, exemption=exemption, user=user)
    if photo:
        official.photo = photo
    _clean(official)
    official.save()
    record_event(actor=actor, action="org.official.create", obj=official,
                 after=_snapshot(official, OFFICIAL_CHANGEABLE), clock=clock)
    return official


@transaction.atomic
def official_change(*, official: Official, actor: Any, clock: Clock | None = None, **changes: Any) -> Official:
    """Change an official's record: name, unit, title, duties, photo, phone, order, visibility, login.
    Portfolio areas and posts have their own services, where the principal rule is checked."""
    official = Official.objects.select_for_update().get(pk=official.pk)
    for field in ("name", "title"):
        if field in changes:
            changes[field] = _text(Official, field, changes[field])
    if "user" in changes:
        _refuse_linked_login(changes["user"], exclude=official.pk)
    changed, before = _apply(official, changes, OFFICIAL_CHANGEABLE)
    _save_changes(official, changed, before, action="org.official.change", actor=actor, clock=clock)
    return official


@transaction.atomic
def official_assign_portfolio(
    *, official: Official, area: PortfolioArea, actor: Any, clock: Clock | None = None
) -> None:
    """Give an official a portfolio area (分管), unless the principal rule forbids it."""
    if official.portfolio.filter(pk=area.pk).exists():
        raise Conflict(f"{official.name}已分管「{area.name}」", field="portfolio")
    _check_principal_rule(official=official, day=clock_mod.today(clock), field="portfolio", new_area=area)
    official.portfolio.add(area)
    record_event(actor=actor, action="org.portfolio.assign", obj=official,
                 after={"area": area.code}, clock=clock)


# --- appointments (任职) -----------------------------------------------------------------------------

@transaction.atomic
def appointment_start(
    *, official: Official, post: Post, start: dt.date, actor: Any, clock: Clock | None = None
) -> Appointment:
    """Appoint an official to a post from `start`; a principal post is refused to one who oversees a
    forbidden area."""
    _check_principal_rule(official=official, day=clock_mod.today(clock), field="post",
                          principal_post=post.is_principal)
    holding = Appointment.objects.filter(official=official, post=post).filter(Q(end__isnull=True) | Q(end__gte=start))
    if holding.exists():
        raise Conflict(f"{official.name}已担任{post.name}", field="post")
    appointment = Appointment.objects.create(official=official, post=post, start=start,
                                             created_at=clock_mod.now(clock))
    record_event(actor=actor, action="org.appointment.start", obj=appointment,
                 after={"official": official.pk, "post": post.pk, "start": start.isoformat()}, clock=clock)
    return appointment


@transaction.atomic
def appointment_end(
    *, appointment: Appointment, end: dt.date, actor: Any, clock: Clock | None = None
) -> Appointment:
    """End an appointment on `end` (the last day served)."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.end is not None:
        raise Conflict(f"该任职已于{appointment.end.isoformat()}结束", field="end")
    if end < appointment.start:
        raise DomainError(f"离任日期不能早于任职日期（{appointment.start.isoformat()}）", field="end")
    appointment.end = end
    appointment.save(update_fields=["end"])
    record_event(actor=actor, action="org.appointment.end", obj=appointment, before={"end": None},
                 after={"end": end.isoformat()}, clock=clock)
    return appointment


# --- staff roles (角色) -------------------------------------------------------------------------------

@transaction.atomic
def membership_grant(
    *, user: Any, unit: Unit, role: Role | str, actor: Any, note: str = "", clock: Clock | None = None
) -> Membership:
    """Give a login a role in a unit; it covers the unit and the units below it."""
    code = role.code if isinstance(role, Role) else role
    found = Role.objects.filter(code=code).first()
    if found is None:
        raise DomainError(f"没有这个角色：{code}", field="role")
    if Membership.objects.filter(user=user, unit=unit, role=found).exists():
        raise Conflict(f"{user.get_username()}已是{unit.name}的{found.name}", field="role")
    membership = Membership.objects.create(user=user, unit=unit, role=found)
    record_event(actor=actor, action="org.membership.grant", obj=membership,
                 after={"user": user.get_username(), "unit": unit.code, "role": found.code}, note=note, clock=clock)
    return membership


@transaction.atomic
def membership_revoke(
    *, membership: Membership, actor: Any, note: str = "", clock: Clock | None = None
) -> None:
    """Take a role away. The event keeps who held it where."""
    held = (Membership.objects.select_for_update(of=("self",)).select_related("user", "unit")
            .filter(pk=membership.pk).first())
    if held is None:
        raise Conflict("该角色授权已撤销", field="membership")
    record_event(actor=actor, action="org.membership.revoke", obj=held,
                 before={"user": held.user.get_username(), "unit": held.unit.code, "role": held.role_id},
                 note=note, clock=clock)
    held.delete()


# --- logins and API tokens ------------------------------------------------------------------------

@transaction.atomic
def login_record(*, user: Any, via: str, clock: Clock | None = None) -> None:
    """A successful login (console or admin). Where it came from stays out of the log: the log is
    permanent and a network address is personal data."""
    record_event(actor=user, action="org.login", obj=user, after={"username": user.get_username(), "via": via},
                 clock=clock)


@transaction.atomic
def api_token_issue(*, user: Any, name: str, actor: Any, days: int = TOKEN_DAYS,
                    clock: Clock | None = None) -> tuple[ApiToken, str]:
    """Issue an API token for an active login, good for `days` days (90 unless said); returns the token and
    its raw value, which is shown once and kept nowhere (neither in the table nor in the event)."""
    if user is None or not user.is_active:
        raise DomainError("该账号不存在或已停用，不能签发令牌", field="user")
    name = _text(ApiToken, "name", name)
    if len(name) > (ApiToken._meta.get_field("name").max_length or 100):
        raise DomainError("令牌名称不能超过100个字", field="name")
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= TOKEN_DAYS_MAX:
        raise DomainError(f"有效期应为1至{TOKEN_DAYS_MAX}天", field="days")
    token, raw = ApiToken.issue(user, name, at=clock_mod.now(clock), days=days)
    record_event(actor=actor, action="org.api_token.issue", obj=token,
                 after={"user": user.get_username(), "name": token.name, "expires_at": token.expires_at.isoformat()},
                 clock=clock)
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: Any, clock: Clock | None = None) -> ApiToken:
    """Revoke a token: it stops working at once. An expired token can still be revoked (it says so in
    the list); a revoked one cannot be revoked again."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked:
        raise Conflict("该令牌已吊销", field="token")
    token.revoked = True
    token.save(update_fields=["revoked"])
    record_event(actor=actor, action="org.api_token.revoke", obj=token, before={"revoked": False},
                 after={"revoked": True}, clock=clock)
    return token


MOBILE = re.compile(r"1[3-9][0-9]{9}")


@transaction.atomic
def staff_mobile_set(*, user: Any, mobile: str, actor: Any, clock: Clock | None = None) -> StaffContact | None:
    """Set (or, given an empty number, clear) the mobile number a staff login is texted at (短信提醒). The
    number may be typed with spaces, dashes or +86; the event keeps it masked (the log is permanent)."""
    if user is None or not getattr(user, "pk", None):
        raise DomainError("请选择登录账号", field="user")
    number = re.sub(r"[\s-]", "", mobile or "")
    number = number.removeprefix("+86").removeprefix("0086")
    if number and not MOBILE.fullmatch(number):
        raise DomainError("手机号码应为11位数字，以1开头", field="mobile")
    contact = StaffContact.objects.select_for_update().filter(user=user).first()
    before = {"mobile": mask_phone(contact.mobile)} if contact else {"mobile": ""}
    if not number:
        if contact is None:
            return None
        contact.delete()
        record_event(actor=actor, action="org.staff_mobile.clear", obj=user, before=before, after={"mobile": ""},
                     clock=clock)
        return None
    if contact is None:
        contact = StaffContact(user=user)
    elif contact.mobile == number:
        return contact
    contact.mobile, contact.changed_at = number, clock_mod.now(clock)
    contact.save()
    record_event(actor=actor, action="org.staff_mobile.set", obj=user, before=before,
                 after={"mobile": mask_phone(number)}, clock=clock)
    return contact


# --- the official calendar: administrators' entries (core.calendar reads them) ------------------------

CALENDAR_YEARS = (1949, 2200)


def _calendar_text(value: str | None, field: str, label: str, max_length: int, *, required: bool = True) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        raise DomainError(f"请填写{label}", field=field)
    if len(text) > max_length:
        raise DomainError(f"{label}不能超过{max_length}个字", field=field)
    return text


def _jurisdiction(code: str | None) -> str:
    value = (code or NATIONAL).strip().upper()
    if not calendar.valid_jurisdiction(value):
        raise DomainError(f"适用范围代码「{code}」无法识别，应为 CN 或 CN-省-县 形式（如 CN-36-0731）",
                          field="jurisdiction")
    return value


def _calendar_snapshot(entry: CalendarDay | CalendarNotice) -> dict[str, Any]:
    if isinstance(entry, CalendarNotice):
        return {"jurisdiction": entry.jurisdiction, "year": entry.year, "source": entry.source}
    return {"jurisdiction": entry.jurisdiction, "day": entry.day.isoformat(), "kind": entry.kind,
            "name": entry.name, "source": entry.source}


@transaction.atomic
def calendar_notice_enter(*, year: int, source: str, jurisdiction: str = NATIONAL, actor: Any,
                          clock: Clock | None = None) -> CalendarNotice:
    """Enter a year's holiday notice (its days come with `calendar_day_set`): from now on the year is known,
    and due dates crossing it are confirmed. Deadlines that crossed it are moved (calendar_changed)."""
    code = _jurisdiction(jurisdiction)
    if not isinstance(year, int) or not CALENDAR_YEARS[0] <= year <= CALENDAR_YEARS[1]:
        raise DomainError(f"年份应在{CALENDAR_YEARS[0]}至{CALENDAR_YEARS[1]}之间", field="year")
    text = _calendar_text(source, "source", "来源文件", 300)
    if CalendarNotice.objects.filter(jurisdiction=code, year=year).exists():
        raise Conflict(f"{code} {year}年的节假日安排通知已录入", field="year")
    notice = CalendarNotice.objects.create(jurisdiction=code, year=year, source=text,
                                           entered_at=clock_mod.now(clock), entered_by=actor)
    record_event(actor=actor, action="core.calendar.notice", obj=notice, after=_calendar_snapshot(notice),
                 clock=clock)
    first = dt.date(year, 1, 1)
    calendar.calendar_changed.send(sender=CalendarNotice, jurisdiction=code,
                                   days=[first + dt.timedelta(days=i) for i in range(366) if
                                         (first + dt.timedelta(days=i)).year == year], actor=actor)
    return notice


@transaction.atomic
def calendar_day_set(*, day: dt.date, kind: str, source: str, name: str = "", jurisdiction: str = NATIONAL,
                     actor: Any, clock: Clock | None = None) -> CalendarDay:
    """Enter (or change) a day: a weekday off (节假日, a county's local day off) or a weekend worked (调休),
    naming the notice it comes from."""
    code = _jurisdiction(jurisdiction)
    if not isinstance(day, dt.date) or not CALENDAR_YEARS[0] <= day.year <= CALENDAR_YEARS[1]:
        raise DomainError(f"日期应在{CALENDAR_YEARS[0]}至{CALENDAR_YEARS[1]}年之间", field="day")
    if kind not in DayKind.values:
        raise DomainError("类型应为休息（节假日）或上班（调休）", field="kind")
    fields = {"kind": kind, "name": _calendar_text(name, "name", "名称", 100, required=False),
              "source": _calendar_text(source, "source", "来源文件", 300)}
    entry = CalendarDay.objects.select_for_update().filter(jurisdiction=code, day=day).first()
    before = _calendar_snapshot(entry) if entry else None
    if entry is None:
        entry = CalendarDay(jurisdiction=code, day=day)
    for field, value in fields.items():
        setattr(entry, field, value)
    entry.entered_at, entry.entered_by = clock_mod.now(clock), actor
    entry.save()
    record_event(actor=actor, action="core.calendar.day", obj=entry, before=before, after=_calendar_snapshot(entry),
                 clock=clock)
    calendar.calendar_changed.send(sender=CalendarDay, jurisdiction=code, days=[day], actor=actor)
    return entry


@transaction.atomic
def calendar_day_remove(*, entry: CalendarDay, reason: str, actor: Any, clock: Clock | None = None) -> None:
    """Take a day out (entered by mistake): it counts by its weekday again."""
    text = _calendar_text(reason, "reason", "理由", 300)
    entry = CalendarDay.objects.select_for_update().get(pk=entry.pk)
    before = _calendar_snapshot(entry)
    record_event(actor=actor, action="core.calendar.day.remove", obj=entry, before=before, note=text, clock=clock)
    entry.delete()
    calendar.calendar_changed.send(sender=CalendarDay, jurisdiction=before["jurisdiction"],
                                   days=[dt.date.fromisoformat(before["day"])], actor=actor)
