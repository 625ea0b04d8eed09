"""`sunlit handbook --unit CODE FILE.pdf [--with-sub-units]`: the printed power handbook (权力手册)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sunlit.core import fonts
from sunlit.handbook import content, render


class Command(BaseCommand):
    help = ("把单位的公开职权事项排成可印制的权力手册（PDF，A4）：封面、目录、每项的依据、流程图、风险点及防控措施，"
            "页码，内嵌中文字体，每页二维码指向门户网站上的现行版本（地址取自 SUNLIT_PUBLIC_URL）。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="要写入的PDF文件")
        parser.add_argument("--unit", required=True, help="单位编码")
        parser.add_argument("--with-sub-units", action="store_true", help="同时收录下级单位的事项")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = content.public_unit(options["unit"])
        if unit is None:
            raise CommandError(f"单位编码「{options['unit']}」不存在或未公开")
        path = Path(options["file"])
        if path.suffix.lower() != ".pdf":
            raise CommandError(f"文件名应以 .pdf 结尾：{path}")
        if not path.parent.is_dir():
            raise CommandError(f"目录不存在：{path.parent}")
        started = time.monotonic()
        if not fonts.static_fonts_ready():
            self.stdout.write("首次印制：正在准备内嵌的中文字体（约半分钟，每台机器仅此一次）…")
        self.stdout.write(f"二维码与链接指向 {settings.SUNLIT_PUBLIC_URL}（SUNLIT_PUBLIC_URL）")
        data = render.handbook_pdf(unit, with_sub_units=options["with_sub_units"], progress=self._progress,
                                   stage=lambda what: self.stdout.write(what))
        try:
            render.write(path, data)
        except OSError as exc:
            raise CommandError(f"无法写入文件{path}：{exc.strerror}") from None
        self.stdout.write(self.style.SUCCESS(
            f"已生成{unit.name}权力手册：{path}（{len(data) / 1024 / 1024:.1f} MB，{time.monotonic() - started:.1f} 秒）"))

    def _progress(self, done: int, total: int, name: str) -> None:
        if done == total or done % 10 == 1:
            self.stdout.write(f"  读取事项与流程图 {done}/{total}　{name}")
