"""`sunlit serve`: serve an existing database (no migrations, no data created)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from sunlit.catalog.models import PowerItem
from sunlit.demo.serving import run_server


class Command(BaseCommand):
    help = "启动服务，使用已有的数据库（不迁移、不创建数据）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="服务端口（默认 8000）")
        parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            tables = set(connection.introspection.table_names())
        except Exception as exc:  # the database itself cannot be reached
            raise CommandError(f"无法连接数据库：{exc}") from exc
        if "django_migrations" not in tables or PowerItem._meta.db_table not in tables:
            db = settings.DATABASES["default"]
            where = db.get("NAME") or db.get("HOST")
            raise CommandError(
                f"数据库（{where}）中还没有 Sunlit 的数据表。请先运行 `sunlit migrate`，"
                "或运行 `sunlit demo --no-serve` 创建演示县。")
        run_server(self.stdout, options["host"], options["port"])
