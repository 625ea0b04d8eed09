from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sunlit.core.errors import DomainError
from sunlit.org.services import api_token_issue


class Command(BaseCommand):
    help = "Issue an API token for a staff user; the token is printed once and only its hash is kept."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="命令行签发")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"用户 {username} 不存在或已停用")
        try:
            _, raw = api_token_issue(user=user, name=name, actor=None)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(raw)
