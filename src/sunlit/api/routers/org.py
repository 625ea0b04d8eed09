"""配权 reads: units and officials, public (no login)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from sunlit.api import schemas as s
from sunlit.core.visibility import public_queryset
from sunlit.org.models import Official, Unit

router = Router(tags=["公开数据"])


@router.get("/units", response=list[s.UnitOut], summary="单位")
def list_units(request: HttpRequest) -> Any:
    return public_queryset(Unit).select_related("parent").order_by("path")


class OfficialFilters(s.InputSchema):
    unit: str | None = s.Field(None, max_length=32)


@router.get("/officials", response=list[s.OfficialOut], summary="干部")
def list_officials(request: HttpRequest, filters: Query[OfficialFilters]) -> Any:
    officials = public_queryset(Official).select_related("unit").prefetch_related("portfolio")
    return officials.filter(unit__code=filters.unit) if filters.unit else officials
