"""清权 in Excel: import a unit's sheet with its report, export a unit's list."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header

from sunlit.catalog import imports, selectors
from sunlit.catalog.excel import export_powers as run_export
from sunlit.catalog.excel import guard
from sunlit.catalog.excel.columns import COLUMNS
from sunlit.catalog.models import ImportJob
from sunlit.catalog.permissions import EDIT_ROLES, READ_ROLES
from sunlit.catalog.tasks import run_import_job
from sunlit.core import clock
from sunlit.core.errors import DomainError


@login_required
def import_powers(request: HttpRequest) -> HttpResponse:
    """The upload form: a good file becomes an import job run by the task worker, and the clerk is taken to
    its page (progress, then the report), which they may leave and come back to."""
    units = selectors.staff_units(viewer=request.user, roles=EDIT_ROLES)
    error, status = None, 200
    if request.method == "POST":
        unit = selectors.staff_unit(viewer=request.user, code=request.POST.get("unit"), roles=EDIT_ROLES)
        upload = request.FILES.get("file")
        if unit is None:
            error = "请选择您有编制权限的单位"
        elif upload is None:
            error = "请选择要导入的Excel文件（.xlsx）"
        else:
            try:
                job = imports.import_job_create(unit=unit, author=request.user, file=upload, file_name=upload.name or "",
                                                dry_run=bool(request.POST.get("dry_run")),
                                                reason=request.POST.get("reason", ""))
            except DomainError as exc:  # a file beyond a limit, unreadable, without header; no edit right
                error, status = exc.message, exc.status
            else:
                run_import_job(job.pk)  # queued for the task worker (run at once where tasks are immediate)
                return redirect("console:import_job", job_id=job.pk)
    limits = {"file_mb": guard.MAX_FILE_BYTES // (1024 * 1024), "cells": f"{guard.MAX_SHEET_CELLS:,}"}
    return render(request, "console/import.html", {
        "units": units, "error": error, "limits": limits, "jobs": selectors.import_jobs(viewer=request.user),
        "headers": ", ".join(c.header for c in COLUMNS)}, status=status)


@login_required
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """An import's progress while it runs (the page refreshes itself), then its report."""
    job = selectors.staff_import_job(viewer=request.user, job_id=job_id)
    if job is None:
        raise Http404("导入任务不存在或您无权查看")
    report = imports.job_report(job)
    active = job.status in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING)
    stalled = imports.job_stalled(job)
    percent = round(100 * report.done / report.rows) if report.rows else 0
    took = (job.finished_at - job.started_at).total_seconds() if job.finished_at and job.started_at else None
    return render(request, "console/import_job.html", {
        "job": job, "report": report, "active": active and not stalled, "stalled": stalled, "percent": percent,
        "took": None if took is None else f"{took:.0f}秒" if took < 120 else f"{took / 60:.0f}分钟"})


@login_required
def export_powers(request: HttpRequest) -> FileResponse:
    unit = selectors.staff_unit(viewer=request.user, code=request.GET.get("unit"), roles=READ_ROLES)
    if unit is None:
        raise Http404("单位不存在或您无权导出")
    working = request.GET.get("working") == "1"
    buffer = io.BytesIO()
    run_export(unit=unit, working=working, with_cancelled=request.GET.get("with_cancelled") == "1").save(buffer)
    buffer.seek(0)
    name = f"{unit.name}权力清单{'工作稿' if working else ''}-{clock.today():%Y%m%d}.xlsx"
    response = FileResponse(buffer, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    return response
