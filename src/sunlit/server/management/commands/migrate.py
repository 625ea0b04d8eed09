"""`sunlit migrate`: Django's migrate, after `sunlit init` has made the data folder and the keys.

This app comes before any other that could define `migrate` in INSTALLED_APPS, so this one is found.
Init runs before the system checks, which already open the database: a new SQLite file is so created
by init, mode 0600. `--plan` and `--check` only look, and do not run init.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import CommandError
from django.core.management.commands import migrate

from sunlit.server.initialise import Step, initialise


class Command(migrate.Command):
    help = "先运行 `sunlit init`（数据目录、密钥、SQLite 文件），再执行 Django 的数据库迁移。"

    def execute(self, *args: Any, **options: Any) -> Any:
        self.init_steps: list[Step] = []
        if not (options.get("plan") or options.get("check_unapplied")):
            try:
                self.init_steps = initialise(options["database"])
            except ImproperlyConfigured as exc:
                raise CommandError(str(exc)) from exc
        return super().execute(*args, **options)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verbosity"] >= 1:
            for step in self.init_steps:
                if step.created:
                    self.stdout.write(step.line)
        super().handle(*args, **options)
