"""`sunlit serve`: serve an existing database (no migrations, no data created)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor

from sunlit.server.initialise import sqlite_file
from sunlit.server.serving import run_server


def _first_step() -> str:
    if apps.is_installed("sunlit.demo"):
        return "请先运行 `sunlit migrate`，或运行 `sunlit demo --no-serve` 创建演示县。"
    return "请先运行 `sunlit migrate`。"


def refuse_unless_ready(alias: str = DEFAULT_DB_ALIAS) -> None:
    """CommandError, saying what to run, unless the database has every migration and a secret key is set."""
    connection = connections[alias]
    db = connection.settings_dict
    where = str(db.get("NAME") or db.get("HOST"))
    path = sqlite_file(db)
    if path is not None and not path.exists():  # connecting would create an empty file
        raise CommandError(f"数据库文件 {path} 不存在。{_first_step()}")
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except ImproperlyConfigured as exc:
        raise CommandError(str(exc)) from exc
    except DatabaseError as exc:  # the database itself cannot be reached
        raise CommandError(f"无法连接数据库：{exc}") from exc
    if plan and not executor.loader.applied_migrations:
        raise CommandError(f"数据库（{where}）中还没有 Sunlit 的数据表。{_first_step()}")
    if plan:
        waiting = "、".join(f"{m.app_label}.{m.name}" for m, _ in plan[:3]) + ("等" if len(plan) > 3 else "")
        raise CommandError(f"数据库（{where}）还有 {len(plan)} 个迁移未应用（{waiting}）。请先运行 `sunlit migrate`。")
    try:
        settings.SECRET_KEY  # noqa: B018 - Django refuses an empty one here
    except ImproperlyConfigured as exc:
        raise CommandError(
            "还没有 SECRET_KEY。请先运行 `sunlit init`（`sunlit migrate` 也会运行它），"
            "或设置环境变量 SUNLIT_SECRET_KEY。") from exc


class Command(BaseCommand):
    help = ("启动服务（生产服务器 gunicorn，另起日志排序进程和后台任务进程），使用已有的数据库（不迁移、不创建数据）。"
            "进程数等见 SUNLIT_WORKERS、SUNLIT_THREADS、SUNLIT_TIMEOUT。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="服务端口（默认 8000）")
        parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
        parser.add_argument("--dev", action="store_true",
                            help="用 Django 开发服务器（代码修改后自动重载），仅供开发；默认用生产服务器 gunicorn")

    def handle(self, *args: Any, **options: Any) -> None:
        refuse_unless_ready()
        run_server(self.stdout, options["host"], options["port"], dev=options["dev"])
