"""One task worker leads the schedule at a time, and another takes over within seconds when it dies: a
PostgreSQL advisory lock on a session of its own, or a file lock on SQLite."""

from __future__ import annotations

import pytest
from django.db import connection

from sunlit.core.leader import Leadership
from sunlit.core.tasks import LazySqliteHuey


@pytest.mark.django_db(transaction=True)
def test_one_leader_at_a_time_and_the_next_takes_over() -> None:
    first, second = Leadership(interval=0.1), Leadership(interval=0.1)
    assert first.try_lead() and not second.try_lead()
    assert first.try_lead() and not second.try_lead()  # still ours
    # the leader's process dies: its session (PostgreSQL) or its open file (SQLite) goes with it
    if connection.vendor == "postgresql":
        first._conn.close()
    else:
        first._file.close()
    assert second.try_lead()


def test_only_the_leader_enqueues_the_periodic_jobs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    huey = LazySqliteHuey("leader-test", filename=str(tmp_path / "q.sqlite3"))

    @huey.periodic_task(lambda moment: True, name="every-tick")
    def tick() -> None:
        pass

    follower = Leadership()
    follower._held = False
    huey.leadership = follower
    assert huey.read_periodic(None) == []
    follower._held = True
    assert [t.name for t in huey.read_periodic(None)] == ["every-tick"]
