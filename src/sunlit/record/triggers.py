"""Database triggers that make the log tables append-only, for any role (SQLite and PostgreSQL).

The application's role owns its tables, so REVOKE would not bind it; a trigger binds every role that
has not dropped it. Refused:

* UPDATE and DELETE of leaves, hashes and documents; TRUNCATE of them unless they are empty
  (PostgreSQL; Django's ``flush`` of an empty log still works);
* on checkpoints, any UPDATE except appending text to ``cosignatures``, and DELETE;
* on the state row, making the size smaller, changing an origin once set, deleting it once the log
  has grown.

A database owner can still drop a trigger. That is what :func:`triggers_disabled` does (tests use it to
play the tampering administrator), and that is why `sunlit audit-log` exists: any leaf or hash changed
behind the triggers' back no longer matches the recomputed tree or the signed checkpoints.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connections

FROZEN_TABLES = ("record_logleaf", "record_loghash", "record_logdocument")
CHECKPOINT_TABLE = "record_checkpoint"
STATE_TABLE = "record_logstate"
ALL_TABLES = (*FROZEN_TABLES, CHECKPOINT_TABLE, STATE_TABLE)

_CHECKPOINT_CHANGED_SQLITE = (
    "NEW.id IS NOT OLD.id OR NEW.size IS NOT OLD.size OR NEW.root IS NOT OLD.root OR NEW.note IS NOT OLD.note"
    " OR NEW.created_at IS NOT OLD.created_at"
    " OR substr(NEW.cosignatures, 1, length(OLD.cosignatures)) IS NOT OLD.cosignatures"
)
_STATE_CHANGED_SQLITE = (
    "NEW.id IS NOT OLD.id OR NEW.size < OLD.size OR (OLD.origin <> '' AND NEW.origin IS NOT OLD.origin)"
)


def _sqlite_statements() -> list[str]:
    out = []
    for table in FROZEN_TABLES:
        for op in ("UPDATE", "DELETE"):
            out.append(
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {op} refused'); END"
            )
    out.append(
        f"CREATE TRIGGER IF NOT EXISTS {CHECKPOINT_TABLE}_no_update BEFORE UPDATE ON {CHECKPOINT_TABLE} "
        f"WHEN {_CHECKPOINT_CHANGED_SQLITE} "
        f"BEGIN SELECT RAISE(ABORT, '{CHECKPOINT_TABLE} is append-only: only cosignatures may be added'); END"
    )
    out.append(
        f"CREATE TRIGGER IF NOT EXISTS {CHECKPOINT_TABLE}_no_delete BEFORE DELETE ON {CHECKPOINT_TABLE} "
        f"BEGIN SELECT RAISE(ABORT, '{CHECKPOINT_TABLE} is append-only: DELETE refused'); END"
    )
    out.append(
        f"CREATE TRIGGER IF NOT EXISTS {STATE_TABLE}_no_update BEFORE UPDATE ON {STATE_TABLE} "
        f"WHEN {_STATE_CHANGED_SQLITE} "
        f"BEGIN SELECT RAISE(ABORT, '{STATE_TABLE}: the log cannot shrink or change its origin'); END"
    )
    out.append(
        f"CREATE TRIGGER IF NOT EXISTS {STATE_TABLE}_no_delete BEFORE DELETE ON {STATE_TABLE} "
        f"WHEN OLD.size > 0 BEGIN SELECT RAISE(ABORT, '{STATE_TABLE}: DELETE refused'); END"
    )
    return out


def _sqlite_drop() -> list[str]:
    names = [f"{t}_no_{op}" for t in ALL_TABLES for op in ("update", "delete")]
    return [f"DROP TRIGGER IF EXISTS {n}" for n in names]


_PG_FUNCTIONS = [
    r"""
CREATE OR REPLACE FUNCTION sunlit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    nonempty boolean;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I)', TG_TABLE_SCHEMA, TG_TABLE_NAME) INTO nonempty;
        IF NOT nonempty THEN
            RETURN NULL;
        END IF;
    END IF;
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END
$$""",
    r"""
CREATE OR REPLACE FUNCTION sunlit_checkpoint_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.size = OLD.size AND NEW.root = OLD.root
       AND NEW.note = OLD.note AND NEW.created_at = OLD.created_at
       AND left(NEW.cosignatures, length(OLD.cosignatures)) = OLD.cosignatures THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '% is append-only: only cosignatures may be added (% refused)', TG_TABLE_NAME, TG_OP;
END
$$""",
    r"""
CREATE OR REPLACE FUNCTION sunlit_logstate_grows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.size >= OLD.size
       AND (OLD.origin = '' OR NEW.origin = OLD.origin) THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' AND OLD.size = 0 THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '%: the log cannot shrink or change its origin (% refused)', TG_TABLE_NAME, TG_OP;
END
$$""",
]


def _pg_statements() -> list[str]:
    out = list(_PG_FUNCTIONS)
    row_functions = {t: "sunlit_log_append_only" for t in FROZEN_TABLES}
    row_functions[CHECKPOINT_TABLE] = "sunlit_checkpoint_append_only"
    row_functions[STATE_TABLE] = "sunlit_logstate_grows"
    for table, function in row_functions.items():
        out.append(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        out.append(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()"
        )
        out.append(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        out.append(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION sunlit_log_append_only()"
        )
    return out


def _pg_drop() -> list[str]:
    out = []
    for table in ALL_TABLES:
        out.append(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        out.append(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    return out


def _run(connection: Any, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def install(connection: Any) -> None:
    """Create the triggers (idempotent). Other database vendors get none."""
    if connection.vendor == "sqlite":
        _run(connection, _sqlite_statements())
    elif connection.vendor == "postgresql":
        _run(connection, _pg_statements())


def drop(connection: Any) -> None:
    if connection.vendor == "sqlite":
        _run(connection, _sqlite_drop())
    elif connection.vendor == "postgresql":
        _run(connection, _pg_drop())


@contextmanager
def triggers_disabled(using: str = "default") -> Iterator[None]:
    """Drop the triggers, then put them back: what an administrator who owns the tables can do."""
    connection = connections[using]
    drop(connection)
    try:
        yield
    finally:
        install(connection)


def installed(using: str = "default") -> bool:
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = %s",
                ["record_logleaf_no_update"],
            )
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname = %s", ["record_logleaf_append_only"])
        else:
            return False
        row = cursor.fetchone()
    return bool(row and row[0])
