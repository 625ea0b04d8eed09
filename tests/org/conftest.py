from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User

from sunlit.core.models import Event
from sunlit.record.models import LeafQueue


@pytest.fixture
def actor(db: None) -> User:
    """The person making 配权 changes (组织部 staff)."""
    return User.objects.create(username="组织部")


@pytest.fixture
def trail() -> Callable[[], tuple[int, int]]:
    """(events, queued leaves): both stay put when a service refuses."""
    return lambda: (Event.objects.count(), LeafQueue.objects.count())
