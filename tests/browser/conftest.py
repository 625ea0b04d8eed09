"""A real Chromium for the journeys (Debian's /usr/bin/chromium, driven by Playwright).

Tests here are skipped, saying why, on a machine without Chromium (`apt-get install -y chromium
fonts-noto-cjk`); with CI=true the skip fails instead (tests/conftest.py).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from tests.cases.conftest import office  # noqa: F401  (the land bureau's licensing item and its officials)
from tests.supervision.board_cases import county_cases, supervisor  # noqa: F401  (the board's data)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
needs_chromium = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Chromium is not installed")


@pytest.fixture
def browser() -> Iterator[Any]:
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A page the width of a phone (390 px)."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    yield page
    page.close()
