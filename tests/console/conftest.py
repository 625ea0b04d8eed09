"""Console tests: the county and staff fixtures; the Excel import's task worker is the request itself."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from huey.contrib.djhuey import HUEY

from tests.cases.conftest import office  # noqa: F401  (the land bureau's licensing item and its officials: the case pages)


@pytest.fixture(autouse=True)
def tasks_at_once() -> Iterator[None]:
    """The console queues Excel imports for the task worker; here the worker is the request itself."""
    HUEY.immediate = True
    yield
    HUEY.immediate = False
