"""`sunlit export-powers --unit CODE FILE.xlsx [--include-sub-units] [--working] [--with-cancelled]`"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sunlit.catalog.excel import write_powers
from sunlit.org.models import Unit


class Command(BaseCommand):
    help = "把单位的权力清单导出为Excel（省级通用模板），可直接打印归档，也可改后再导入。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="要写入的Excel文件（.xlsx）")
        parser.add_argument("--unit", required=True, help="单位编码")
        parser.add_argument("--include-sub-units", action="store_true", help="同时导出下级单位的事项")
        parser.add_argument("--working", action="store_true",
                            help="导出工作稿：每个事项的最新版本（含草稿、待审核、已退回），并加“状态”列；默认只导出已批准发布的版本")
        parser.add_argument("--with-cancelled", action="store_true", help="同时导出已取消的事项（状态为“已取消”）")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"单位编码「{options['unit']}」不存在")
        path = Path(options["file"])
        try:
            count = write_powers(path, unit=unit, include_sub_units=options["include_sub_units"],
                                 working=options["working"], with_cancelled=options["with_cancelled"])
        except OSError as exc:
            raise CommandError(f"无法写入文件{path}：{exc.strerror}") from None
        what = "工作稿（最新版本）" if options["working"] else "已发布的"
        self.stdout.write(self.style.SUCCESS(f"已导出{unit.name}{what}{count}个事项到{path}"))
