"""`sunlit demo`: init and migrate, create the demo county (阳光县) once, then serve it with its logins.

It refuses (exit 2, nothing written to the database, not even a migration) a database that holds data the
demo did not make (sunlit.demo.build.foreign_data)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sunlit.demo.build import DemoRefused, build_demo, foreign_data, refusal, unfinished_versions
from sunlit.demo.serving import login_lines, print_logins
from sunlit.server.initialise import initialise
from sunlit.server.serving import run_server


class Command(BaseCommand):
    help = "创建演示县（阳光县）的组织、账号和权力清单（已存在则不重复创建），然后启动服务。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="只创建数据，不启动服务")
        parser.add_argument("--port", type=int, default=8000, help="服务端口（默认 8000）")
        parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")

    def handle(self, *args: Any, **options: Any) -> None:
        out = self.stdout
        try:
            steps = initialise()  # migrate runs it too; here its news is shown
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        for step in steps:
            if step.created:
                out.write(step.line)
        found = foreign_data()
        if found:
            raise CommandError(refusal(found), returncode=2)
        out.write("正在迁移数据库……")
        call_command("migrate", interactive=False, verbosity=0)
        try:
            summary = build_demo()
        except DemoRefused as exc:
            raise CommandError(str(exc), returncode=2) from None
        if summary.created:
            out.write(self.style.SUCCESS(f"已创建演示县“阳光县”（虚构单位，用时 {summary.seconds:.1f} 秒）。"))
        else:
            out.write("演示县“阳光县”已存在，本次未创建任何数据。")
        units = "、".join(f"{k}{v}个" for k, v in summary.units.items())
        items = "、".join(f"{k}{v}项" for k, v in summary.items.items())
        out.write(f"  单位：{units}")
        out.write(f"  职权事项：共{summary.total_items}项（{items}），其中对外公开{summary.public_items}项")
        open_work = "、".join(f"{k}{v}" for k, v in unfinished_versions().items())
        out.write(f"  版本：{sum(summary.versions.values())}个（{open_work}）；已取消事项{summary.cancelled_items}项")
        out.write(f"  干部：{summary.officials}人，任职记录{summary.appointments}条；登录账号{len(summary.users)}个")
        passwords = summary.passwords or None
        if options["no_serve"]:
            print_logins(out, passwords)
            return
        run_server(out, options["host"], options["port"], notes=login_lines(passwords))
