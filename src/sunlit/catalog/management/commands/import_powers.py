"""`sunlit import-powers FILE.xlsx --unit CODE [--dry-run] [--reason TEXT] [--column 来源表头=目标列 …]
[--report REPORT.json] [--author USERNAME]`"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from sunlit.catalog.excel import ImportReport, import_powers, importer_user
from sunlit.catalog.excel.columns import BY_KEY, column_named
from sunlit.catalog.imports import import_job_create, import_job_run
from sunlit.core.errors import DomainError
from sunlit.core.terminal import ProgressBar
from sunlit.org.models import Unit


class Command(BaseCommand):
    help = ("从Excel导入权力清单（各省平台的常见表头均可识别）：新的事项编码新增事项，与现有版本相同的行报告为未变化，"
            "不同的行成为待审核的变更版本，不合格的行逐行说明原因。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Excel文件（.xlsx）")
        parser.add_argument("--unit", required=True, help="导入到的单位编码")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入数据库")
        parser.add_argument("--reason", default="", help="变更理由（表中无“变更理由”列时用于变更的行）")
        parser.add_argument("--column", action="append", default=[], metavar="来源表头=目标列",
                            help="把表中的某个表头当作模板的某一列，如 --column 权力项目代码=事项编码（可重复）")
        parser.add_argument("--report", help="把导入报告写成JSON文件")
        parser.add_argument("--author", help="编制人的用户名（默认为系统用户 importer）")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        columns = _columns(options["column"])
        unit = Unit.objects.filter(code=options["unit"]).first()
        dry_run = bool(options["dry_run"])
        report_path = Path(options["report"]) if options["report"] else None
        try:
            if not path.is_file():
                raise CommandError(f"找不到文件：{path}")
            if unit is None:
                raise CommandError(f"单位编码「{options['unit']}」不存在")
            report = self._import(path, unit, options, columns, dry_run)
        except (CommandError, DomainError) as exc:  # the file refused (a limit, unreadable, no header) or no right
            message = exc.message if isinstance(exc, DomainError) else str(exc)
            if report_path:  # the report says why even when nothing could be read
                self._write_report(report_path, ImportReport(dry_run=dry_run, refused=message))
            raise CommandError(message) from None
        if report_path:
            self._write_report(report_path, report)
        self._summarise(report, unit)

    def _import(self, path: Path, unit: Unit, options: dict[str, Any], columns: dict[str, str],
                dry_run: bool) -> ImportReport:
        bar = ProgressBar("试导入" if dry_run else "导入")

        def shown(report: ImportReport) -> None:
            bar.update(report.done, report.rows)

        try:
            if dry_run:  # one transaction, rolled back: not even the importer user is left behind
                with transaction.atomic():
                    author = self._author(options["author"], unit)
                    report = import_powers(path, unit=unit, author=author, dry_run=True, file_name=path.name,
                                           reason=options["reason"], columns=columns, progress=shown)
                    transaction.set_rollback(True)
                return report
            with transaction.atomic():  # a refused file leaves neither a job nor the importer user
                author = self._author(options["author"], unit)
                job = import_job_create(unit=unit, author=author, file=path, file_name=path.name,
                                        reason=options["reason"], columns=columns)
            done = import_job_run(job.pk, progress=shown)
            assert done is not None
            report = ImportReport.from_json(done.report)
            if report.refused:
                raise CommandError(report.refused)
            return report
        finally:
            bar.close()

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
        verb = "可" if report.dry_run else "已"
        line = (f"工作表「{report.sheet}」：{verb}新增{unit.name}{report.imported}个事项、{verb}变更{report.changed}个"
                f"（待审核），{report.unchanged}个未变化")
        refused = report.refused_rows
        self.stdout.write(self.style.SUCCESS(line) if not refused else line)
        if refused:
            self.stdout.write(self.style.WARNING(f"拒绝{len(refused)}行："))
            for error in report.errors:
                self.stdout.write(f"  第{error.row}行【{error.field}】{error.message}")
        if report.warnings:
            self.stdout.write(self.style.WARNING(f"请核对{len(report.warnings)}处："))
            for warning in report.warnings:
                self.stdout.write(f"  第{warning.row}行【{warning.field}】{warning.message}")
        if report.dry_run:
            self.stdout.write("试运行：未写入数据库。")


def _columns(pairs: list[str]) -> dict[str, str]:
    """`--column 来源表头=目标列` → {来源表头: column key}; the target is a template column or a synonym."""
    columns: dict[str, str] = {}
    for pair in pairs:
        source, sep, target = pair.partition("=")
        key = column_named(target) if sep else None
        if not source.strip() or key is None:
            names = "、".join(c.header for c in BY_KEY.values() if c.key != "status")
            raise CommandError(f"--column「{pair}」应写作 来源表头=目标列，目标列为模板的列名之一：{names}")
        columns[source.strip()] = key
    return columns
