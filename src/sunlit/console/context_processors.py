"""What every console page's header shows: the count of unread cards in the viewer's inbox (预警消息), counted
only when a page shows it (the portal's pages never do)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from sunlit.core import clock
from sunlit.supervision import selectors


def inbox(request: HttpRequest) -> dict[str, Any]:
    return {"inbox_unread": SimpleLazyObject(
        lambda: selectors.inbox_unread(viewer=getattr(request, "user", None), day=clock.today()))}
