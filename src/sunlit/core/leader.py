"""One leader at a time among the processes that could run the schedule (the task runner's periodic jobs).

Every task worker may enqueue periodic jobs, and each job is safe to run twice (the sweep issues cards by
compare-and-swap), but the schedule should run once: the worker that holds the lock leads. On PostgreSQL the
lock is a session advisory lock on a connection of its own, which the server releases when the holder's
process dies; on SQLite (one machine) it is an exclusive lock on a file in the data folder, which the kernel
releases the same way. A thread in each worker tries every few seconds, so another takes over within seconds
of the leader's death.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from pathlib import Path
from typing import Any

log = logging.getLogger("sunlit.leader")

LOCK_KEY = 0x5375_6E6C_6974  # "Sunlit": the advisory lock's number, the same in every process
INTERVAL = 2.0


class Leadership:
    def __init__(self, name: str = "schedule", interval: float = INTERVAL) -> None:
        self.name, self.interval = name, interval
        self._held = False
        self._conn: Any = None
        self._file: Any = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def held(self) -> bool:
        return self._held

    def start(self) -> Leadership:
        """Try now, then keep trying in a daemon thread."""
        self.try_lead()
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="sunlit-leader", daemon=True)
            self._thread.start()
        return self

    def _loop(self) -> None:
        stop = threading.Event()
        while not stop.wait(self.interval):
            self.try_lead()

    def try_lead(self) -> bool:
        with self._lock:
            was = self._held
            try:
                self._held = self._postgres() if _database()["ENGINE"].endswith("postgresql") else self._file_lock()
            except Exception:  # a lost connection: not leading until it is back
                log.exception("无法确认调度主进程身份")
                self._drop()
                self._held = False
            if self._held and not was:
                log.warning("本进程（%s）成为%s主进程", os.getpid(), self.name)
            elif was and not self._held:
                log.warning("本进程（%s）不再是%s主进程", os.getpid(), self.name)
            return self._held

    def _postgres(self) -> bool:
        import psycopg

        if self._conn is None or self._conn.closed:
            self._conn = psycopg.connect(**_dsn(), autocommit=True, application_name=f"sunlit-{self.name}-leader")
        if self._held:  # still ours while our session lives: prove the session is alive
            self._conn.execute("SELECT 1")
            return True
        row = self._conn.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()
        return bool(row and row[0])

    def _file_lock(self) -> bool:
        if self._held:
            return True
        from django.conf import settings

        if self._file is None:
            path = Path(settings.DATA_DIR or ".") / f"{self.name}.lock"
            self._file = open(path, "a+")  # noqa: SIM115 - held open for the life of the process
        try:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # noqa: S110 - already broken
                pass
            self._conn = None


def _database() -> dict[str, Any]:
    from django.conf import settings

    return dict(settings.DATABASES["default"])


def _dsn() -> dict[str, Any]:
    db = _database()
    return {key: value for key, value in (("dbname", db.get("NAME")), ("user", db.get("USER")),
                                           ("password", db.get("PASSWORD")), ("host", db.get("HOST")),
                                           ("port", db.get("PORT"))) if value}
