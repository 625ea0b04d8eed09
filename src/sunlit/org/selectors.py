"""配权 reads. Those that answer for a person take the viewer, so permissions are applied here once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from sunlit.core.models import NATIONAL, ApiToken
from sunlit.core.visibility import public_queryset
from sunlit.org.models import Appointment, Official, Post, Unit, UnitKind
from sunlit.org.permissions import units_for
from sunlit.org.services import PRINCIPAL_RULE


def serving(appointments: QuerySet[Appointment], day: dt.date) -> QuerySet[Appointment]:
    """Appointments in force on `day`."""
    return appointments.filter(Q(end__isnull=True) | Q(end__gte=day), start__lte=day)


def posts_held(*, user: Any, day: dt.date) -> QuerySet[Post]:
    """The posts the official behind a login holds by appointment on `day`; none for a login that is no
    official's (system accounts, anonymous visitors)."""
    if not getattr(user, "is_authenticated", False):
        return Post.objects.none()
    held = serving(Appointment.objects.filter(official__user=user), day)
    return Post.objects.filter(pk__in=held.values("post_id")).select_related("unit").order_by("unit__path", "id")


@dataclass(frozen=True)
class PrincipalViolation:
    """A principal (党政正职) who directly oversees a forbidden area."""

    official: Official
    post_name: str
    unit_name: str
    areas: list[str]
    rule: str = PRINCIPAL_RULE


def principal_violations(*, day: dt.date, viewer: Any = None) -> list[PrincipalViolation]:
    """Compliance query: every principal serving on `day` whose portfolio holds a forbidden area, once per
    principal post held. Given a viewer, only violations on posts of units the viewer may see (a role held
    there or above); the post's unit decides, not the unit the official is listed under."""
    holdings = serving(Appointment.objects.filter(post__is_principal=True), day).filter(
        official__portfolio__principal_forbidden=True)
    if viewer is not None:
        # Any role: every member of staff may see 配权 of the units they work in.
        holdings = holdings.filter(post__unit__in=units_for(viewer, None))
    holdings = holdings.select_related("official", "post__unit").distinct().order_by("post__unit__path", "id")
    found = []
    for appt in holdings:
        areas = [a.name for a in appt.official.portfolio.filter(principal_forbidden=True)]
        found.append(PrincipalViolation(appt.official, appt.post.name, appt.post.unit.name, areas))
    return found


def unit_calendar(unit: Unit) -> str:
    """The jurisdiction whose holidays a unit's deadlines follow: its own, else the nearest unit above it
    that names one, else national."""
    codes = [code for code in unit.path.split("/") if code]
    named = dict(Unit.objects.filter(code__in=codes).exclude(calendar="").values_list("code", "calendar"))
    return next((named[code] for code in reversed(codes) if code in named), NATIONAL)


def api_tokens(*, user: Any = None) -> QuerySet[ApiToken]:
    """API tokens, newest first: a login's own (the console shows a person theirs), or every one (the
    `list-tokens` command, run by whoever runs the server)."""
    tokens = ApiToken.objects.select_related("user").order_by("-created_at", "-pk")
    return tokens if user is None else tokens.filter(user=user)


def own_api_token(*, viewer: Any, token_id: int) -> ApiToken | None:
    """The viewer's token with this id; None for anyone else's, as if it did not exist."""
    if not getattr(viewer, "is_authenticated", False):
        return None
    return ApiToken.objects.filter(pk=token_id, user=viewer).first()


# 党委, 政府, 部门, then the townships (乡镇), each followed by the units under it (its villages).
_KIND_RANK: dict[str, int] = {UnitKind.PARTY_COMMITTEE: 0, UnitKind.GOVERNMENT: 1, UnitKind.DEPARTMENT: 2}
_TOWNSHIPS_RANK, _REST_RANK = 3, 4


def units_by_kind(units: Iterable[Unit]) -> list[Unit]:
    """Units in the order people look for them: 党委, 政府, 部门, each by code, then each 乡镇 (by code)
    followed by the units under it (its villages, by code); a unit of no such place last."""
    units = list(units)
    townships = {u.code for u in units if u.kind == UnitKind.TOWNSHIP}

    def key(unit: Unit) -> tuple[int, str, int, str]:
        above = [code for code in unit.path.split("/") if code]
        township = next((code for code in reversed(above) if code in townships), None)
        if township is not None:
            return (_TOWNSHIPS_RANK, township, 0 if township == unit.code else 1, unit.code)
        return (_KIND_RANK.get(unit.kind, _REST_RANK), "", 0, unit.code)

    return sorted(units, key=key)


def public_units() -> list[Unit]:
    """Every public unit, by kind (units_by_kind): the portal's and open data's list."""
    return units_by_kind(public_queryset(Unit).select_related("parent"))


@dataclass
class UnitGroup:
    """A heading of the units list (党委, 政府, 部门, 乡镇) and its units, each with the units under it
    (a township's villages)."""

    label: str
    rows: list[tuple[Unit, list[Unit]]] = field(default_factory=list)


def public_unit_groups() -> list[UnitGroup]:
    """The public units grouped under their kind, townships with their villages: the portal's home page."""
    groups: dict[str, UnitGroup] = {}
    township_rows: dict[str, list[Unit]] = {}
    for unit in public_units():
        above = [code for code in unit.path.split("/") if code][:-1]
        township = next((code for code in reversed(above) if code in township_rows), None)
        if township is not None:
            township_rows[township].append(unit)
            continue
        label = "乡镇及所属村（社区）" if unit.kind == UnitKind.TOWNSHIP else UnitKind(unit.kind).label
        group = groups.setdefault(label, UnitGroup(label))
        group.rows.append((unit, township_rows.setdefault(unit.code, []) if unit.kind == UnitKind.TOWNSHIP else []))
    return list(groups.values())


def public_officials(*, unit_code: str | None = None) -> list[Official]:
    """The officials' boards (领导班子公示): public officials, by unit (units_by_kind), then rank."""
    officials = public_queryset(Official).select_related("unit").prefetch_related("portfolio")
    if unit_code:
        return list(officials.filter(unit__code=unit_code).order_by("sort_order", "id"))
    order = {unit.pk: n for n, unit in enumerate(public_units())}
    return sorted(officials.order_by("sort_order", "id"), key=lambda o: order.get(o.unit_id, len(order)))
