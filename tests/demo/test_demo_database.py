"""Which database the demo goes into: never one holding data it did not make (refused with exit 2, nothing
written), and only the embedded SQLite file of the data folder gets the documented password. No county is
built here: the refusals come before any building, and the build itself is tested in test_demo.py."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.management import CommandError, call_command
from django.test import override_settings

from sunlit.catalog.models import PowerItem
from sunlit.core.models import AuditEntry, Event
from sunlit.demo.build import PASSWORD, DemoRefused, build_demo, demo_passwords, demo_usernames, foreign_data
from sunlit.demo.serving import login_lines
from sunlit.org.models import Official, Unit
from sunlit.record.models import LeafQueue
from tests import factories

pytestmark = pytest.mark.django_db


def _everything() -> tuple[int, ...]:
    return (User.objects.count(), Unit.objects.count(), Official.objects.count(), PowerItem.objects.count(),
            Event.objects.count(), LeafQueue.objects.count(), AuditEntry.objects.count())


def test_a_database_with_someone_elses_login_is_refused_with_exit_2_and_nothing_written() -> None:
    User.objects.create_user("zhangwei", password="a-real-password")
    before = _everything()

    with pytest.raises(CommandError) as refused:
        call_command("demo", "--no-serve")

    assert refused.value.returncode == 2
    assert "数据库中已有不是演示程序创建的数据：账号1个（zhangwei）" in str(refused.value)
    assert "没有写入任何内容" in str(refused.value)
    assert _everything() == before
    assert not User.objects.filter(username="admin").exists()


def test_a_unit_or_a_power_item_of_a_real_county_is_refused_too(editor: User) -> None:
    factories.draft(editor.memberships.get().unit, editor, code="XK-001")
    found = foreign_data()
    assert found[0].startswith("账号1个（editor）")
    assert any(line.startswith("单位5个（") and line.endswith("等）") for line in found)
    assert "职权事项1个（XK-001）" in found
    before = _everything()
    with pytest.raises(DemoRefused):
        build_demo()
    assert _everything() == before


def test_an_empty_database_may_take_the_demo() -> None:
    assert foreign_data() == []


@override_settings(SUNLIT_EMBEDDED_DATABASE=True)
def test_the_embedded_sqlite_file_gets_the_documented_password() -> None:
    assert set(demo_passwords().values()) == {PASSWORD}
    assert set(demo_passwords()) == set(demo_usernames())


@override_settings(SUNLIT_EMBEDDED_DATABASE=False)
def test_any_other_database_gets_a_random_password_for_each_login_shown_in_the_table() -> None:
    passwords = demo_passwords()
    assert set(passwords) == set(demo_usernames())
    assert len(set(passwords.values())) == len(passwords) and PASSWORD not in passwords.values()
    for username, password in passwords.items():
        validate_password(password, User(username=username))
    table = login_lines(passwords)
    assert "随机密码" in table[1]
    for username, password in passwords.items():
        assert any(username in line and password in line for line in table), username
