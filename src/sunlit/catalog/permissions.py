"""Who may do what on the power list: the roles (held per unit, org.permissions) that grant each right."""

from __future__ import annotations

from sunlit.org.models import Role

EDIT_ROLES = (Role.EDITOR, Role.ADMIN)
REVIEW_ROLES = (Role.REVIEWER, Role.ADMIN)
READ_ROLES = (Role.EDITOR, Role.REVIEWER, Role.SUPERVISOR, Role.ADMIN)
