"""`sunlit import-powers FILE.xlsx --unit CODE [--dry-run] [--report REPORT.json] [--author USERNAME]`"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from sunlit.catalog.excel import ImportReport, import_powers, importer_user
from sunlit.core.errors import DomainError
from sunlit.org.models import Unit


class Command(BaseCommand):
    help = "从Excel（省级通用模板）导入权力清单，每个合格的行成为一个待审核版本，不合格的行逐行说明原因。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Excel文件（.xlsx）")
        parser.add_argument("--unit", required=True, help="导入到的单位编码")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入数据库")
        parser.add_argument("--report", help="把导入报告写成JSON文件")
        parser.add_argument("--author", help="编制人的用户名（默认为系统用户 importer）")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"单位编码「{options['unit']}」不存在")
        dry_run = bool(options["dry_run"])
        try:
            # One transaction with the importer user, so that a dry run leaves no trace at all.
            with transaction.atomic():
                author = self._author(options["author"], unit)
                report = import_powers(path, unit=unit, author=author, dry_run=dry_run, file_name=path.name)
                if dry_run:
                    transaction.set_rollback(True)
        except DomainError as exc:  # the file refused (a limit, unreadable, no header) or no right to edit
            if options["report"]:
                self._write_report(Path(options["report"]), ImportReport(dry_run=dry_run, refused=exc.message))
            raise CommandError(exc.message) from None
        if options["report"]:
            self._write_report(Path(options["report"]), report)
        self._summarise(report, unit)

    def _author(self, username: str | None, unit: Unit) -> Any:
        if not username:
            return importer_user(unit)
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户「{username}」不存在")
        return user

    def _write_report(self, path: Path, report: ImportReport) -> None:
        try:
            path.write_text(json.dumps(report.as_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"无法写入报告文件{path}：{exc.strerror}") from None

    def _summarise(self, report: ImportReport, unit: Unit) -> None:
        verb = "可导入" if report.dry_run else "已导入"
        line = f"工作表「{report.sheet}」：{verb}{unit.name}{report.imported}个事项（待审核）"
        refused = report.refused_rows
        self.stdout.write(self.style.SUCCESS(line) if not refused else line)
        if refused:
            self.stdout.write(self.style.WARNING(f"拒绝{len(refused)}行："))
            for error in report.errors:
                self.stdout.write(f"  第{error.row}行【{error.field}】{error.message}")
        if report.dry_run:
            self.stdout.write("试运行：未写入数据库。")
