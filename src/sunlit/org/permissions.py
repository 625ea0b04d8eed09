"""Object permissions: roles (org.models.Role, by code) are held per unit and reach the units below it.

Which roles grant which right is the business of each module (catalog.permissions for the power list);
here only the generic questions are answered.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from sunlit.org.models import Membership, Unit


def _paths_below(paths: Iterable[str]) -> QuerySet[Unit]:
    cond = Q()
    for p in paths:
        cond |= Q(path__startswith=p)
    return Unit.objects.filter(cond) if cond else Unit.objects.none()


def units_for(user: Any, roles: Iterable[str] | None) -> QuerySet[Unit]:
    """Units in which `user` holds one of `roles` (codes; None: any role), with every unit below them."""
    if not getattr(user, "is_authenticated", False):
        return Unit.objects.none()
    if user.is_superuser:
        return Unit.objects.all()
    memberships = Membership.objects.filter(user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return _paths_below(memberships.values_list("unit__path", flat=True))


def has_role(user: Any, unit: Unit, roles: Iterable[str]) -> bool:
    """Whether `user` holds one of `roles` (codes) in `unit` or a unit above it."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    ancestors = [p for p in unit.path.split("/") if p]
    return Membership.objects.filter(user=user, role__in=list(roles), unit__code__in=ancestors).exists()
