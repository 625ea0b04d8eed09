"""Time limits (时限) as the law states them: a number of working days (工作日) or of calendar days (日).

Power items, flow steps and cases all carry limits in these units; the working-day calendar that turns
a limit into a due date lives beside this module in `core`.
"""

from __future__ import annotations

from django.db import models


class LimitUnit(models.TextChoices):
    WORKING_DAYS = "working", "工作日"
    CALENDAR_DAYS = "calendar", "日"


def format_limit(days: int | None, unit: str) -> str:
    """A limit in the words users read: '20个工作日', '60日', '即办' (0), '' (no limit)."""
    if days is None:
        return ""
    if days == 0:
        return "即办"
    return f"{days}个工作日" if unit == LimitUnit.WORKING_DAYS else f"{days}日"
