"""Roles are data: the migration seeds them, memberships point at them by code (the column keeps the
code, as before roles were rows), and the power list's role sets live in catalog."""

from __future__ import annotations

import pytest

from sunlit.catalog.permissions import EDIT_ROLES, READ_ROLES, REVIEW_ROLES
from sunlit.org.models import Membership, Role, Unit
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_migration_seeds_the_roles_with_their_chinese_names() -> None:
    assert dict(Role.objects.values_list("code", "name")).items() >= {
        "editor": "承办人（录入）", "reviewer": "审核人", "supervisor": "纪检监察", "admin": "管理员",
        "legal_reviewer": "法制审核", "principal": "单位主要负责人"}.items()
    assert all(Role.objects.values_list("description", flat=True))


def test_the_constants_are_the_seeded_codes() -> None:
    codes = {Role.EDITOR, Role.REVIEWER, Role.SUPERVISOR, Role.ADMIN, Role.LEGAL_REVIEWER, Role.PRINCIPAL}
    assert codes <= set(Role.objects.values_list("code", flat=True))
    assert set(EDIT_ROLES) | set(REVIEW_ROLES) <= set(READ_ROLES) <= codes


def test_a_membership_column_holds_the_role_code(county: dict[str, Unit]) -> None:
    factories.staff("clerk", county["land"], Role.EDITOR)
    assert Membership._meta.get_field("role").column == "role"
    assert list(Membership.objects.values_list("role", flat=True)) == ["editor"]
    assert Membership.objects.get().role.name == "承办人（录入）"
