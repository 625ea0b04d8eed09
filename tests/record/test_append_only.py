"""Nothing in the log can be changed or removed: not through the ORM, not with SQL."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from sunlit.core.models import AppendOnlyError
from sunlit.core.tlog.checkpoint import cosign, generate_cosigner_key, parse_cosigner_key, verify_cosignatures
from sunlit.core.tlog.note import open_note, parse_note
from sunlit.record import keys, services, triggers
from sunlit.record.models import Checkpoint, LogDocument, LogHash, LogLeaf, LogState
from tests.record.conftest import grow

pytestmark = pytest.mark.django_db

# What the triggers say (SQLite and PostgreSQL wordings): a typo in a statement must not pass for a refusal.
REFUSED = r"record_\w+(?: is append-only|: the log cannot shrink|: DELETE refused)"


def _sql(statement: str, params: list[Any] | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, params or [])


@pytest.fixture
def log(county: Any, editor: Any, reviewer: Any) -> None:
    from tests import factories

    factories.published(county["land"], editor, reviewer)
    grow(300)


def test_the_triggers_are_installed_by_the_migration() -> None:
    assert triggers.installed()


def test_orm_changes_of_log_rows_are_refused(log: None) -> None:
    leaf = LogLeaf.objects.get(index=0)
    leaf.data = b"{}"
    with pytest.raises(AppendOnlyError):
        leaf.save()
    with pytest.raises(AppendOnlyError):
        leaf.delete()
    with pytest.raises(AppendOnlyError):
        LogLeaf.objects.filter(index=0).update(data=b"{}")
    with pytest.raises(AppendOnlyError):
        LogHash.objects.filter(level=0).delete()
    with pytest.raises(AppendOnlyError):
        Checkpoint.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        LogDocument.objects.all().update(public=True)


@pytest.mark.parametrize("statement", [
    "UPDATE record_logleaf SET data = data WHERE {q_index} = 1",
    "DELETE FROM record_logleaf WHERE {q_index} = 299",
    "UPDATE record_loghash SET hash = hash WHERE level = 0",
    "DELETE FROM record_loghash WHERE level = 3",
    "UPDATE record_logdocument SET public = public",
    "DELETE FROM record_logdocument",
    "UPDATE record_checkpoint SET note = note || 'x'",
    "DELETE FROM record_checkpoint",
    "UPDATE record_logstate SET size = size - 1",
    "UPDATE record_logstate SET origin = 'elsewhere/log'",
    "DELETE FROM record_logstate",
])
def test_sql_changes_of_log_rows_are_refused_by_the_database(log: None, statement: str) -> None:
    with pytest.raises(DatabaseError, match=REFUSED):
        _sql(statement.format(q_index=connection.ops.quote_name("index")))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_truncating_a_log_table_that_holds_rows_is_refused(log: None) -> None:
    with pytest.raises(DatabaseError, match=REFUSED):
        _sql("TRUNCATE record_logleaf")


def test_cosignature_lines_may_be_appended_and_the_note_still_verifies(log: None, client: Any) -> None:
    checkpoint = Checkpoint.objects.order_by("-size").first()
    assert checkpoint is not None
    skey, witness_vkey = generate_cosigner_key("witness.example/w1")
    witness = parse_cosigner_key(skey, clock=lambda: 1_790_000_000)
    cosigned = cosign(checkpoint.signed_note, witness)
    line = parse_note(cosigned).signatures[-1].line()

    updated = services.add_cosignatures(checkpoint, [line])
    again = services.add_cosignatures(updated, [line])  # already there: nothing added

    served = client.get("/log/checkpoint").content.decode()
    assert served == again.signed_note == cosigned
    assert again.note == checkpoint.note and again.cosignatures == line + "\n"
    open_note(served, [keys.log_verifier()])
    from sunlit.core.tlog.note import parse_verifier_key

    assert verify_cosignatures(served, [parse_verifier_key(witness_vkey)]) == {"witness.example/w1": 1_790_000_000}  # type: ignore[list-item]


def test_cosignature_lines_once_added_cannot_be_removed_or_rewritten(log: None) -> None:
    checkpoint = Checkpoint.objects.order_by("-size").first()
    assert checkpoint is not None
    skey, _ = generate_cosigner_key("witness.example/w1")
    line = parse_note(cosign(checkpoint.signed_note, parse_cosigner_key(skey, clock=lambda: 1))).signatures[-1].line()
    services.add_cosignatures(checkpoint, [line])

    for statement in ("UPDATE record_checkpoint SET cosignatures = ''",
                      "UPDATE record_checkpoint SET cosignatures = 'x' || cosignatures"):
        with pytest.raises(DatabaseError, match=REFUSED):
            _sql(statement)
    with pytest.raises(ValueError, match="not a signature line"):
        services.add_cosignatures(checkpoint, ["not a signature line"])
    assert Checkpoint.objects.get(pk=checkpoint.pk).cosignatures == line + "\n"


def test_the_state_may_only_grow(log: None) -> None:
    older = LogState.objects.get(pk=1)
    grow(1)
    state = LogState.objects.get(pk=1)
    assert state.size == older.size + 1

    state.size -= 1
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        state.save()
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        older.save()  # the stored state overwritten with the one read before the last leaf
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        LogState.objects.filter(pk=1).update(size=0)
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        LogState.objects.all().delete()

    assert LogState.objects.get(pk=1).size == older.size + 1
    grow(1)  # the next leaf still takes the next index, none is handed out twice
    assert LogState.objects.get(pk=1).size == older.size + 2
    assert LogLeaf.objects.count() == older.size + 2
