"""`sunlit supervise [--at YYYY-MM-DDTHH:MM]`: one e-supervision sweep.

Prints one JSON line on stdout, `{"new": N, "yellow": Y, "red": R, "anomalies": A}`, counting what this run
created; progress goes to stderr. Then texts the recipients of the cards not yet notified (notify_cards),
its counts on stderr too.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sunlit.supervision.services import YELLOW_DAYS, notify_cards, sweep


class Command(BaseCommand):
    help = ("电子监察：扫描全部受监控的期限，对临近时限的发黄牌、超过时限的发红牌，并检查上次扫描以来新增的办理记录中的异常；"
            "输出一行JSON统计本次新发的预警；随后向尚未通知的预警所涉人员发送短信提醒。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--at", help="按此北京时间扫描（补扫或测试），YYYY-MM-DDTHH:MM；默认现在")
        parser.add_argument("--yellow-days", type=int, default=YELLOW_DAYS,
                            help=f"距期限不超过几个工作日时发黄牌（默认 {YELLOW_DAYS}）")

    def handle(self, *args: Any, **options: Any) -> None:
        at = None
        if options["at"]:
            try:
                at = timezone.make_aware(dt.datetime.fromisoformat(options["at"]))
            except ValueError:
                raise CommandError(f"--at: 「{options['at']}」不是 YYYY-MM-DDTHH:MM 形式的时间", returncode=2) from None
        if not 0 <= options["yellow_days"] <= 30:
            raise CommandError("--yellow-days: 应为 0 到 30", returncode=2)
        result = sweep(at=at, yellow_days=options["yellow_days"], progress=lambda line: self.stderr.write(line))
        self.stdout.write(json.dumps(result.as_dict()))
        notify_cards(at=at, progress=lambda line: self.stderr.write(line))
