"""`sunlit due YYYY-MM-DD N [--calendar-days] [--jurisdiction CODE]`: when a time limit ends.

The first line is the answer, `YYYY-MM-DD` or `YYYY-MM-DD unconfirmed`; a second line says in words how it
was counted. Exit 0 with an answer, 2 for bad input (the message names the argument).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sunlit.core import calendar
from sunlit.core.errors import DomainError
from sunlit.core.models import NATIONAL

ARGUMENTS = {"start": "YYYY-MM-DD", "n": "N", "jurisdiction": "--jurisdiction"}


class Command(BaseCommand):
    help = ("计算期限届满日：自起算日次日起第 N 个工作日（或 N 日，届满日遇休息日顺延至下一个工作日），"
            "按国务院节假日安排及本地调整。第一行输出 YYYY-MM-DD，尚未收录当年安排时加 unconfirmed。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("start", help="起算日（受理、告知或决定之日，不计入期限），YYYY-MM-DD")
        parser.add_argument("n", help="期限天数，0 或正整数")
        parser.add_argument("--calendar-days", action="store_true", help="按日（自然日）计算，默认按工作日")
        parser.add_argument("--jurisdiction", default=NATIONAL, help="适用范围代码，默认 CN（全国）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            start = calendar.parse_date(options["start"], "start")
            n = calendar.parse_days(options["n"], "n")
            code = calendar.parse_jurisdiction(options["jurisdiction"], "jurisdiction")
            answer = calendar.due(start, n, calendar_days=options["calendar_days"], jurisdiction=code)
        except DomainError as exc:
            raise CommandError(f"{ARGUMENTS.get(exc.field or '', exc.field)}: {exc.message}", returncode=2) from None
        self.stdout.write(f"{answer.day:%Y-%m-%d}" + ("" if answer.confirmed else " unconfirmed"))
        unit = "日" if options["calendar_days"] else "个工作日"
        words = f"自 {start:%Y-%m-%d} 起 {n}{unit}，届满日 {answer.day:%Y年%m月%d日}（{code}）"
        if not answer.confirmed:
            missing = "、".join(str(y) for y in calendar.unknown_years(start, answer.day, code))
            words += f"；尚未收录{missing}年的节假日安排，仅按周末计算，结果待确认"
        self.stdout.write(words)
