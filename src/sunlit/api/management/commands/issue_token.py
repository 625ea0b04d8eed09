from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sunlit.core.errors import DomainError
from sunlit.core.models import TOKEN_DAYS
from sunlit.org.services import api_token_issue


class Command(BaseCommand):
    help = ("Issue an API token for a staff user, good for --days days (90 unless said); the token is printed "
            "once and only its hash is kept.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="命令行签发")
        parser.add_argument("--days", type=int, default=TOKEN_DAYS, help=f"有效天数（默认 {TOKEN_DAYS}）")

    def handle(self, *args: Any, username: str, name: str, days: int, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"用户 {username} 不存在或已停用")
        try:
            token, raw = api_token_issue(user=user, name=name, days=days, actor=None)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(raw)
        self.stderr.write(f"令牌编号 {token.pk}，有效期至 {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}")
