"""The task runner (Huey) as Sunlit runs it: its periodic jobs scheduled by one leader at a time
(core.leader), and its embedded SQLite queue opened when first used.

Huey's own SqliteHuey creates its file when the settings are loaded, which is before `sunlit init` has made
the data folder (mode 0700), and in every command, even those that queue nothing; this one creates its tables
on its first connection instead. settings.HUEY names these classes.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from huey.api import Huey, PostgresHuey, RedisHuey
from huey.storage import SqliteStorage

from sunlit.core.leader import Leadership


class LeaderSchedule:
    """Every worker runs tasks; only the leader enqueues the periodic ones."""

    leadership: Leadership | None = None

    def create_consumer(self, **options: Any) -> Any:
        if options.get("periodic", True):
            self.leadership = Leadership().start()
        return super().create_consumer(**options)  # type: ignore[misc]

    def read_periodic(self, timestamp: Any) -> list[Any]:
        if self.leadership is None or not self.leadership.held:
            return []
        return super().read_periodic(timestamp)  # type: ignore[misc, no-any-return]


class LazySqliteStorage(SqliteStorage):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["create_tables"] = False
        super().__init__(*args, **kwargs)

    def _create_connection(self) -> sqlite3.Connection:
        conn = super()._create_connection()
        for statement in self.ddl:
            conn.execute(statement)
        return conn


class LazySqliteHuey(LeaderSchedule, Huey):  # type: ignore[misc]
    storage_class = LazySqliteStorage


class LeaderRedisHuey(LeaderSchedule, RedisHuey):  # type: ignore[misc]
    pass


class LeaderPostgresHuey(LeaderSchedule, PostgresHuey):  # type: ignore[misc]
    pass
