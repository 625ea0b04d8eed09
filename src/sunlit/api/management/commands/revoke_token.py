from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sunlit.core.errors import DomainError
from sunlit.core.models import ApiToken
from sunlit.org.services import api_token_revoke


class Command(BaseCommand):
    help = "Revoke an API token by its id (`sunlit list-tokens` shows it): it stops working at once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("id", type=int)

    def handle(self, *args: Any, id: int, **options: Any) -> None:
        token = ApiToken.objects.select_related("user").filter(pk=id).first()
        if token is None:
            raise CommandError(f"编号为 {id} 的令牌不存在")
        try:
            api_token_revoke(token=token, actor=None)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"已吊销令牌 {id}（{token.user.get_username()}·{token.name}）")
