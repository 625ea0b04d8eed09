"""配权 writes. The principal's forbidden areas (不直接分管) are refused here and only here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from sunlit.core import clock as clock_mod
from sunlit.core.clock import Clock
from sunlit.core.errors import DomainError
from sunlit.org.models import Appointment, Official, PortfolioArea, Post
from sunlit.record.events import record_event

PRINCIPAL_RULE = (
    "党政正职不直接分管人事、财务、工程项目建设、大宗物资采购、行政审批、执法等工作（不直接分管制度）"
)


def is_principal_from(official: Official, day: dt.date) -> bool:
    """Principal on `day` or appointed to become one later: a later start must not open a gap."""
    appointments = Appointment.objects.filter(official=official, post__is_principal=True)
    return appointments.filter(Q(end__isnull=True) | Q(end__gte=day)).exists()


def serving(appointments: QuerySet[Appointment], day: dt.date) -> QuerySet[Appointment]:
    """Appointments in force on `day`."""
    return appointments.filter(Q(end__isnull=True) | Q(end__gte=day), start__lte=day)


@transaction.atomic
def official_assign_portfolio(
    *, official: Official, area: PortfolioArea, actor: Any, clock: Clock | None = None
) -> None:
    """Give an official a portfolio area (分管), unless the principal rule forbids it."""
    day = clock_mod.today(clock)
    if area.principal_forbidden and is_principal_from(official, day):
        raise DomainError(
            f"{official.name}担任党政正职，不得直接分管「{area.name}」。依据：{PRINCIPAL_RULE}",
            field="portfolio",
        )
    official.portfolio.add(area)
    record_event(actor=actor, action="org.portfolio.assign", obj=official,
                 after={"area": area.code}, clock=clock)


@transaction.atomic
def appointment_create(
    *, official: Official, post: Post, start: dt.date, actor: Any, clock: Clock | None = None
) -> Appointment:
    """Appoint an official to a post; a principal post is refused to one who oversees a forbidden area."""
    if post.is_principal:
        forbidden = [a.name for a in official.portfolio.filter(principal_forbidden=True)]
        if forbidden:
            raise DomainError(
                f"{official.name}分管{'、'.join(forbidden)}，不得担任党政正职。依据：{PRINCIPAL_RULE}",
                field="post",
            )
    appointment = Appointment.objects.create(official=official, post=post, start=start)
    record_event(actor=actor, action="org.appointment.create", obj=appointment,
                 after={"official": official.pk, "post": post.pk, "start": start.isoformat()}, clock=clock)
    return appointment
