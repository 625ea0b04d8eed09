from __future__ import annotations

import datetime as dt
import os
from collections.abc import Generator, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sunlit.core.calendar import forget_calendars
from sunlit.core.clock import FixedClock, using_clock
from sunlit.flows.selectors import forget_ways
from sunlit.org.models import Role, Unit, UnitKind
from tests import factories

# With CI=true (as .ci/run runs), a test that would be skipped fails instead: CI installs every tool the
# suite needs (Chromium, CJK fonts, poppler), so a skip there means a test silently did not run. The
# one kind of skip kept is a test for one database only, which runs in the other database's pass of
# `sunlit test`: its reason names PostgreSQL or SQLite.


def _strict_skips() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def _skip_reason(report: pytest.CollectReport | pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def _fail_skip(report: pytest.CollectReport | pytest.TestReport) -> None:
    if not (_strict_skips() and report.skipped) or hasattr(report, "wasxfail"):
        return
    reason = _skip_reason(report)
    if "PostgreSQL" in reason or "SQLite" in reason:
        return
    report.outcome = "failed"
    report.longrepr = (f"skipped, and CI=true allows no skip for a missing tool: {reason}\n"
                       "(.ci/run installs Chromium, fonts-noto-cjk, poppler-utils and npm when they are missing, "
                       "and fetches axe-core)")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    outcome = yield
    _fail_skip(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, Any, None]:
    outcome = yield
    _fail_skip(outcome.get_result())


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


@pytest.fixture(autouse=True)
def fresh_calendars() -> None:
    """Calendars (core.calendar) and flow versions' ways (flows.selectors) are cached per process, and tests reuse
    ids across rolled-back databases: a test starts from the tables."""
    forget_calendars()
    forget_ways()
