"""`sunlit reindex-search`: build the search index afresh from the public list."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sunlit.catalog.search.index import rebuild


class Command(BaseCommand):
    help = "按公开的权力清单重建检索索引（批量导入数据或升级检索规则之后运行）。"

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"ok: 已为{rebuild():,}个公开事项重建检索索引")
