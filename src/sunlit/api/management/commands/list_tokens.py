from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sunlit.core import clock
from sunlit.org.selectors import api_tokens
from sunlit.server.serving import pad

COLUMNS = (("编号", 6), ("名称", 22), ("用户", 16), ("签发时间", 18), ("到期时间", 18), ("最近使用", 18), ("状态", 0))


def _when(moment: Any) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else "—"


class Command(BaseCommand):
    help = "List API tokens (all, or one user's): id, name, user, issued, expires, last used, state."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", nargs="?")

    def handle(self, *args: Any, username: str | None, **options: Any) -> None:
        user = None
        if username:
            user = get_user_model().objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"用户 {username} 不存在")
        tokens = api_tokens(user=user)
        if not tokens.exists():
            self.stdout.write("没有令牌。")
            return
        self.stdout.write("".join(pad(title, width) if width else title for title, width in COLUMNS).rstrip())
        now = clock.now()
        for t in tokens:
            cells = (str(t.pk), t.name, t.user.get_username(), _when(t.created_at), _when(t.expires_at),
                     _when(t.last_used_at), t.state(now).label)
            self.stdout.write("".join(pad(cell, width) if width else cell
                                      for cell, (_, width) in zip(cells, COLUMNS, strict=True)))
