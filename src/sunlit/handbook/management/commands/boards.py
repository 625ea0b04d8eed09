"""`sunlit boards --unit CODE DIR [--with-sub-units]`: the printed A3 boards (图板) of a unit."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sunlit.catalog import selectors
from sunlit.core import fonts
from sunlit.handbook import content, render


def safe_name(text: str) -> str:
    """A file name part: no path separators or characters Windows refuses."""
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("._")[:80] or "_"


class Command(BaseCommand):
    help = ("为单位印制A3公示图板（PDF）：领导干部公示栏一张，每个有公开流程图的事项一张流程图板，"
            "均带二维码指向门户网站上的现行信息。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="写入PDF的目录（不存在则新建）")
        parser.add_argument("--unit", required=True, help="单位编码")
        parser.add_argument("--with-sub-units", action="store_true", help="同时印制下级单位的图板")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = content.public_unit(options["unit"])
        if unit is None:
            raise CommandError(f"单位编码「{options['unit']}」不存在或未公开")
        out = Path(options["directory"])
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"无法创建目录{out}：{exc.strerror}") from None
        if not fonts.static_fonts_ready():
            self.stdout.write("首次印制：正在准备内嵌的中文字体（约半分钟，每台机器仅此一次）…")
        written = 0
        for u in content.units_covered(unit, with_sub_units=options["with_sub_units"]):
            self._write(out / f"{safe_name(u.code)}-领导干部公示栏.pdf", render.officials_board_pdf(u))
            written += 1
            items = list(selectors.public_powers(unit_code=u.code))
            for n, item in enumerate(items, start=1):
                if n == len(items) or n % 10 == 1:
                    self.stdout.write(f"  {u.name} 事项 {n}/{len(items)}")
                data = render.flow_board_pdf(item.pk)
                if data is not None:  # an item with no published flow has no flow board
                    self._write(out / f"{safe_name(u.code)}-流程图板-{safe_name(item.code)}.pdf", data)
                    written += 1
        self.stdout.write(self.style.SUCCESS(f"已在{out}印制{written}张图板"))

    def _write(self, path: Path, data: bytes) -> None:
        try:
            render.write(path, data)
        except OSError as exc:
            raise CommandError(f"无法写入文件{path}：{exc.strerror}") from None
