"""Catalog work on the task runner (settings.HUEY): Excel imports queued by the console (catalog.imports)."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from sunlit.catalog.imports import import_job_run


@db_task(name="catalog.import")
def run_import_job(job_id: int) -> None:
    import_job_run(job_id)
