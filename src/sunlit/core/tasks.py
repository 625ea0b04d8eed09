"""The task runner's embedded storage: Huey's SQLite queue, opened when first used.

Huey's own SqliteHuey creates its file when the settings are loaded, which is before `sunlit init` has made
the data folder (mode 0700), and in every command, even those that queue nothing. This one creates its tables
on its first connection instead.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from huey.api import Huey
from huey.storage import SqliteStorage


class LazySqliteStorage(SqliteStorage):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["create_tables"] = False
        super().__init__(*args, **kwargs)

    def _create_connection(self) -> sqlite3.Connection:
        conn = super()._create_connection()
        for statement in self.ddl:
            conn.execute(statement)
        return conn


class LazySqliteHuey(Huey):  # type: ignore[misc]
    storage_class = LazySqliteStorage
