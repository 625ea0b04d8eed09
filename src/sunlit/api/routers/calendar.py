"""The official working-day calendar: when a time limit ends (public, no login)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from sunlit.core import calendar
from sunlit.core.errors import DomainError

router = Router(tags=["公开数据"])


@router.get("/calendar/due", summary="期限届满日", openapi_extra={"parameters": [
    {"name": "from", "in": "query", "required": True, "schema": {"type": "string", "format": "date"},
     "description": "起算日（不计入期限）"},
    {"name": "working_days", "in": "query", "schema": {"type": "integer", "minimum": 0}, "description": "工作日数"},
    {"name": "calendar_days", "in": "query", "schema": {"type": "integer", "minimum": 0}, "description": "日数"},
    {"name": "jurisdiction", "in": "query", "schema": {"type": "string", "default": "CN"}, "description": "适用范围"},
]})
def due(request: HttpRequest) -> Any:
    """`?from=YYYY-MM-DD&working_days=N` (or `calendar_days=N`, exactly one) → the due date, and whether
    every year it crosses has its official notice (`confirmed`)."""
    query = request.GET
    given = [name for name in ("working_days", "calendar_days") if name in query]
    if len(given) != 1:
        raise DomainError("请给出 working_days 或 calendar_days 之一（且只能给一个）",
                          given[1] if len(given) > 1 else "working_days")
    start = calendar.parse_date(query.get("from"), "from")
    n = calendar.parse_days(query.get(given[0]), given[0])
    code = calendar.parse_jurisdiction(query.get("jurisdiction"), "jurisdiction")
    answer = calendar.due(start, n, calendar_days=given[0] == "calendar_days", jurisdiction=code, field=given[0])
    return {"from": start.isoformat(), given[0]: n, "jurisdiction": code, "due": answer.day.isoformat(),
            "confirmed": answer.confirmed}
