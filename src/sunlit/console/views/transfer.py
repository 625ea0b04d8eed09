"""清权 in Excel: import a unit's sheet with its report, export a unit's list."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from sunlit.catalog import selectors
from sunlit.catalog.excel import export_powers as run_export
from sunlit.catalog.excel import guard
from sunlit.catalog.excel import import_powers as run_import
from sunlit.catalog.permissions import EDIT_ROLES, READ_ROLES
from sunlit.core import clock
from sunlit.core.errors import DomainError


@login_required
def import_powers(request: HttpRequest) -> HttpResponse:
    units = selectors.staff_units(viewer=request.user, roles=EDIT_ROLES)
    report, error, status = None, None, 200
    if request.method == "POST":
        unit = selectors.staff_unit(viewer=request.user, code=request.POST.get("unit"), roles=EDIT_ROLES)
        upload = request.FILES.get("file")
        if unit is None:
            error = "请选择您有编制权限的单位"
        elif upload is None:
            error = "请选择要导入的Excel文件（.xlsx）"
        else:
            try:
                report = run_import(upload, unit=unit, author=request.user,
                                    dry_run=bool(request.POST.get("dry_run")), file_name=upload.name)
            except DomainError as exc:  # a file beyond a limit, unreadable, or no edit right on the unit
                error, status = exc.message, exc.status
    limits = {"file_mb": guard.MAX_FILE_BYTES // (1024 * 1024), "cells": f"{guard.MAX_SHEET_CELLS:,}"}
    return render(request, "console/import.html", {"units": units, "report": report, "error": error,
                                                   "limits": limits}, status=status)


@login_required
def export_powers(request: HttpRequest) -> FileResponse:
    unit = selectors.staff_unit(viewer=request.user, code=request.GET.get("unit"), roles=READ_ROLES)
    if unit is None:
        raise Http404("单位不存在或您无权导出")
    buffer = io.BytesIO()
    run_export(unit=unit).save(buffer)
    buffer.seek(0)
    name = f"{unit.name}权力清单-{clock.today():%Y%m%d}.xlsx"
    response = FileResponse(buffer, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    return response
