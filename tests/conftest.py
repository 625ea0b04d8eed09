from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sunlit.core.clock import FixedClock, using_clock
from sunlit.org.models import Role, Unit, UnitKind
from tests import factories


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Tests make staff users by the dozen; the production hasher would spend most of the run on them."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher",
                                 "django.contrib.auth.hashers.PBKDF2PasswordHasher"]


@pytest.fixture
def clock() -> Iterator[FixedClock]:
    """The clock every test runs on: 2026-11-24 10:00 in Asia/Shanghai unless a test moves it."""
    fixed = FixedClock(dt.datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    with using_clock(fixed):
        yield fixed


@pytest.fixture
def county(db: None, clock: FixedClock) -> dict[str, Unit]:
    gov = factories.unit("YD", "于都县人民政府", UnitKind.GOVERNMENT)
    land = factories.unit("YD-ZRZY", "县自然资源局", parent=gov)
    town = factories.unit("YD-GJ", "贡江镇", UnitKind.TOWNSHIP, parent=gov)
    village = factories.unit("YD-GJ-CX", "长新村", UnitKind.VILLAGE, parent=town)
    finance = factories.unit("YD-CZ", "县财政局", parent=gov)
    return {"gov": gov, "land": land, "town": town, "village": village, "finance": finance}


@pytest.fixture
def editor(county: dict[str, Unit]):  # type: ignore[no-untyped-def]
    return factories.staff("editor", county["land"], Role.EDITOR)


@pytest.fixture
def reviewer(county: dict[str, Unit]):  # type: ignore[no-untyped-def]
    return factories.staff("reviewer", county["land"], Role.REVIEWER)
