"""`sunlit init`: create the data folder, the secret key, the SQLite file and the signing keys."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from sunlit.server.initialise import initialise


class Command(BaseCommand):
    help = (
        "创建数据目录（权限 0700）、SECRET_KEY、SQLite 数据库文件和日志、见证签名密钥（权限 0600）；"
        "已有的保持不变。`sunlit migrate` 和 `sunlit demo` 会先运行这一步。"
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="数据库别名（默认 default）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            steps = initialise(options["database"])
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        for step in steps:
            self.stdout.write(self.style.SUCCESS(step.line) if step.created else step.line)
