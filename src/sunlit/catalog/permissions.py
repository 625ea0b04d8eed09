"""Who may do what on the power list: the roles (codes of org.models.Role, held per unit and reaching the
units below, see org.permissions) that grant each right. These sets are the catalog's; org knows none."""

from __future__ import annotations

from typing import Any

from sunlit.core.errors import NotAllowed
from sunlit.org.models import Role, Unit
from sunlit.org.permissions import has_role

EDIT_ROLES: tuple[str, ...] = (Role.EDITOR, Role.ADMIN)
REVIEW_ROLES: tuple[str, ...] = (Role.REVIEWER, Role.ADMIN)
READ_ROLES: tuple[str, ...] = (Role.EDITOR, Role.REVIEWER, Role.SUPERVISOR, Role.ADMIN)


def can_edit(user: Any, unit: Unit) -> bool:
    """Whether `user` may draft, submit and cancel items of `unit`'s list (编制)."""
    return has_role(user, unit, EDIT_ROLES)


def can_review(user: Any, unit: Unit) -> bool:
    """Whether `user` may approve or reject versions of `unit`'s list (审核)."""
    return has_role(user, unit, REVIEW_ROLES)


def require_edit(user: Any, unit: Unit) -> None:
    """Refuse, naming the unit, unless `user` may edit `unit`'s list (and what hangs on it: flows, risks)."""
    if not can_edit(user, unit):
        raise NotAllowed(f"您没有{unit.name}的编制权限", field="unit")


def require_review(user: Any, unit: Unit) -> None:
    """Refuse, naming the unit, unless `user` may review `unit`'s versions."""
    if not can_review(user, unit):
        raise NotAllowed(f"您没有{unit.name}的审核权限", field="unit")
