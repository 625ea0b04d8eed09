"""Excel imports as jobs (导入任务): queued by the console (and the command line), run by a task worker
(catalog.tasks) or in the command itself, their progress and report saved with each chunk the import
commits (catalog.excel.importer), so that a clerk can leave the page and come back, and an import stopped
midway (a worker killed, a server restarted) still says what it imported. Importing the same file again
then reports the rows already imported unchanged and imports the rest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any

from django.db import transaction

from sunlit.catalog.excel.importer import ImportReport, import_powers
from sunlit.catalog.excel.reader import check_workbook
from sunlit.catalog.models import ImportJob
from sunlit.catalog.permissions import require_edit
from sunlit.core import clock as clock_mod
from sunlit.core.clock import Clock
from sunlit.core.errors import DomainError
from sunlit.org.models import Unit
from sunlit.record.events import record_event

log = logging.getLogger("sunlit.catalog")

# A running job that has saved no progress for this long has stopped (a chunk takes about a second).
STALLED_AFTER = dt.timedelta(minutes=5)
REASON_MAX_LENGTH = ImportJob._meta.get_field("reason").max_length or 200


@transaction.atomic
def import_job_create(
    *, unit: Unit, author: Any, file: IO[bytes] | str | Path, file_name: str, dry_run: bool = False,
    reason: str = "", columns: Mapping[str, str] | None = None, clock: Clock | None = None,
) -> ImportJob:
    """Queue an import of `file` into `unit` by `author` (who must be able to edit it). A file beyond a limit,
    unreadable or without a header is refused now (ImportFileError), not in the worker, and nothing is kept."""
    require_edit(author, unit)
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise DomainError(f"变更理由过长（{len(reason)}字），最多{REASON_MAX_LENGTH}字", field="reason")
    check_workbook(file, columns)
    data = Path(file).read_bytes() if isinstance(file, str | Path) else file.read()
    job = ImportJob.objects.create(
        unit=unit, author=author, file_name=(file_name or "")[:255], workbook=data,
        sha256=hashlib.sha256(data).hexdigest(), dry_run=dry_run, reason=reason, columns=dict(columns or {}),
        created_at=clock_mod.now(clock))
    record_event(actor=author, action="catalog.import.queue", obj=job,
                 after={"unit": unit.code, "file": job.file_name, "sha256": job.sha256, "dry_run": dry_run},
                 clock=clock)
    return job


def import_job_run(job_id: int, *, progress: Callable[[ImportReport], None] | None = None,
                   clock: Clock | None = None) -> ImportJob | None:
    """Run a queued job: claimed once (a second worker given the same job does nothing), its report saved
    with each chunk. Returns the job as it ended, or None when it was not this run's to do."""
    now = clock_mod.now(clock)
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=now, updated_at=now)
    if not claimed:
        return None
    job = ImportJob.objects.select_related("unit", "author").get(pk=job_id)

    def save(report: ImportReport) -> None:
        ImportJob.objects.filter(pk=job_id).update(report=report.as_json(), updated_at=clock_mod.now(clock))
        if progress:
            progress(report)

    try:
        report = import_powers(io.BytesIO(bytes(job.workbook)), unit=job.unit, author=job.author,
                               dry_run=job.dry_run, file_name=job.file_name, reason=job.reason,
                               columns=job.columns, progress=save)
        status = ImportJob.Status.DONE
    except DomainError as exc:  # the file refused (a limit, unreadable, no header), or the right to edit gone
        report, status = ImportReport(dry_run=job.dry_run, refused=exc.message), ImportJob.Status.FAILED
    except Exception:
        log.exception("Excel导入任务%s出错", job_id)
        saved = ImportReport.from_json(ImportJob.objects.filter(pk=job_id).values_list("report", flat=True)[0] or {})
        saved.refused = "导入时发生内部错误，已导入的部分见下；请联系管理员，或稍后重新导入同一文件继续"
        report, status = saved, ImportJob.Status.FAILED
    end = clock_mod.now(clock)
    ImportJob.objects.filter(pk=job_id).update(status=status, report=report.as_json(), updated_at=end,
                                               finished_at=end)
    return ImportJob.objects.defer("workbook").select_related("unit", "author").get(pk=job_id)  # not the file again


def job_report(job: ImportJob) -> ImportReport:
    return ImportReport.from_json(job.report or {"dry_run": job.dry_run})


def job_stalled(job: ImportJob, clock: Clock | None = None) -> bool:
    """A job that says it is running but has saved no progress for a while: its worker stopped."""
    if job.status != ImportJob.Status.RUNNING:
        return False
    last = job.updated_at or job.started_at or job.created_at
    return clock_mod.now(clock) - last > STALLED_AFTER
