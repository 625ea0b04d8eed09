"""Who may do what in the major-decision procedure: the roles (org.models.Role codes, held per unit and
reaching the units below) that grant each right."""

from __future__ import annotations

from typing import Any

from sunlit.core.errors import NotAllowed
from sunlit.org.models import Role, Unit
from sunlit.org.permissions import has_role, units_for

SECRETARY = "secretary"
"""会议秘书 (办公室): runs meetings, keeps the observer pool. Seeded by this app's migration."""

SPONSOR_ROLES: tuple[str, ...] = (Role.EDITOR, Role.ADMIN)
LEGAL_ROLES: tuple[str, ...] = (Role.LEGAL_REVIEWER,)
SECRETARY_ROLES: tuple[str, ...] = (SECRETARY, Role.ADMIN)


def require_sponsor(user: Any, unit: Unit) -> None:
    """Refuse unless `user` may prepare `unit`'s matters (承办: research, drafts, consultations)."""
    if not has_role(user, unit, SPONSOR_ROLES):
        raise NotAllowed(f"您没有{unit.name}重大事项的承办权限", field="unit")


def require_legal(user: Any, unit: Unit) -> None:
    if not has_role(user, unit, LEGAL_ROLES):
        raise NotAllowed(f"您没有{unit.name}的合法性审查权限", field="unit")


def require_secretary(user: Any, unit: Unit) -> None:
    if not has_role(user, unit, SECRETARY_ROLES):
        raise NotAllowed(f"您不是{unit.name}的会议秘书", field="unit")


def keeps_pool(user: Any) -> bool:
    """The observer pool is the county's, kept by a secretary of any unit (the party office)."""
    return units_for(user, SECRETARY_ROLES).exists()


def require_pool_keeper(user: Any) -> None:
    if not keeps_pool(user):
        raise NotAllowed("您没有维护旁听人员库的权限", field="observer")
