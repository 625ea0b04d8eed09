"""Object permissions: roles are held per unit and reach the units below it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from sunlit.org.models import Membership, Unit


def units_for(user: Any, roles: Iterable[str]) -> QuerySet[Unit]:
    """Units in which `user` holds one of `roles`, with every unit below them."""
    if not getattr(user, "is_authenticated", False):
        return Unit.objects.none()
    if user.is_superuser:
        return Unit.objects.all()
    paths = list(
        Membership.objects.filter(user=user, role__in=list(roles)).values_list("unit__path", flat=True)
    )
    if not paths:
        return Unit.objects.none()
    cond = Q()
    for p in paths:
        cond |= Q(path__startswith=p)
    return Unit.objects.filter(cond)


def has_role(user: Any, unit: Unit, roles: Iterable[str]) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    ancestors = [p for p in unit.path.split("/") if p]
    return Membership.objects.filter(user=user, role__in=list(roles), unit__code__in=ancestors).exists()
