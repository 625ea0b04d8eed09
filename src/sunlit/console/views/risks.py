"""制权 pages: a unit's risk ledger (风险台账), filtered, and its Excel export."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from sunlit.catalog import selectors
from sunlit.catalog.permissions import READ_ROLES
from sunlit.core import clock
from sunlit.flows import risks
from sunlit.flows.ledger import ledger_workbook
from sunlit.flows.models import RiskLevel, RiskPoint
from sunlit.org.models import Unit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class LedgerQuery:
    units: QuerySet[Unit]
    unit: Unit | None
    level: str | None
    owner: str | None
    overdue: bool
    risks: QuerySet[RiskPoint] | None


def _filtered(request: HttpRequest) -> LedgerQuery:
    """The filters as given, on a unit the viewer may read (the first of theirs by default)."""
    units = selectors.staff_units(viewer=request.user, roles=READ_ROLES)
    code = request.GET.get("unit")
    unit = selectors.staff_unit(viewer=request.user, code=code, roles=READ_ROLES) if code else units.first()
    level = request.GET.get("level") if request.GET.get("level") in RiskLevel.values else None
    owner = request.GET.get("owner", "").strip()[:100] or None
    overdue = request.GET.get("overdue") == "1"
    found = risks.risk_ledger(viewer=request.user, unit=unit, level=level, owner=owner,
                              review_overdue_on=clock.today() if overdue else None) if unit else None
    return LedgerQuery(units, unit, level, owner, overdue, found)


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    q = _filtered(request)
    return render(request, "console/risks.html", {
        "units": q.units, "unit": q.unit, "level": q.level, "owner": q.owner or "", "overdue": q.overdue,
        "levels": RiskLevel.choices, "risks": q.risks, "query": request.GET.urlencode(),
    })


@login_required
def export(request: HttpRequest) -> FileResponse:
    q = _filtered(request)
    if q.unit is None or q.risks is None:
        raise Http404("单位不存在或您无权查看")
    unit = q.unit
    buffer = io.BytesIO()
    ledger_workbook(unit, q.risks, title_note=f"（{clock.today():%Y年%m月%d日}）").save(buffer)
    buffer.seek(0)
    response = FileResponse(buffer, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"{unit.name}廉能风险台账.xlsx") or ""
    return response
