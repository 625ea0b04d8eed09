"""The leaf form: canonical JSON, sealed events, published records, digest entries (docs/tlog.md)."""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sunlit.catalog import services as catalog
from sunlit.catalog.models import ChangeKind
from sunlit.core.models import Event
from sunlit.core.visibility import Audience
from sunlit.org.models import Official, Post
from sunlit.record.events import record_event
from sunlit.record.leaf import (
    LeafError,
    as_stored,
    canonical_json,
    document_matches,
    entry_digest,
    event_leaf,
    format_datetime,
    make_leaf,
)
from sunlit.record.models import LeafQueue
from tests import factories


def test_canonical_json_sorts_keys_drops_whitespace_and_keeps_chinese_as_utf8() -> None:
    value = {"b": [1, True, None], "a": "阳光", "c": {"z": 1.5, "y": "x"}}

    out = canonical_json(value)

    assert out == '{"a":"阳光","b":[1,true,null],"c":{"y":"x","z":1.5}}'.encode()


def test_canonical_json_writes_datetimes_in_shanghai_with_microseconds() -> None:
    utc = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)

    assert format_datetime(utc) == "2026-11-24T10:00:00.000000+08:00"
    assert canonical_json({"at": utc, "d": dt.date(2026, 1, 2), "m": decimal.Decimal("1.10")}) == (
        b'{"at":"2026-11-24T10:00:00.000000+08:00","d":"2026-01-02","m":"1.10"}'
    )


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), {1: "x"}, object(), dt.datetime(2026, 1, 1)])
def test_canonical_json_refuses_values_without_a_canonical_form(bad: Any) -> None:
    with pytest.raises(LeafError):
        canonical_json({"v": bad})


def test_a_public_small_document_is_its_own_entry() -> None:
    leaf = make_leaf("catalog.x", 3, {"type": "record", "id": 3}, {"content": {"name": "甲"}}, public=True)

    assert leaf.document is None
    assert json.loads(leaf.data) == {"schema": 2, "type": "record", "id": 3, "content": {"name": "甲"}}


def test_a_large_public_document_enters_as_its_digest_and_stays_unsalted() -> None:
    big = "字" * 30_000  # 90,000 bytes of UTF-8

    leaf = make_leaf("catalog.x", 3, {"type": "record", "id": 3}, {"content": {"text": big}}, public=True)

    assert leaf.document is not None and len(leaf.document) > 65_535
    assert leaf.document == canonical_json({"schema": 2, "type": "record", "id": 3, "content": {"text": big}})
    assert json.loads(leaf.data) == {"schema": 2, "type": "record", "id": 3, "document": {
        "sha256": hashlib.sha256(leaf.document).hexdigest(), "size": len(leaf.document), "salted": False}}
    assert document_matches(leaf.data, leaf.document)
    assert entry_digest(leaf.data) == json.loads(leaf.data)["document"]


def test_a_private_document_is_salted_so_its_digest_hides_it() -> None:
    one = make_leaf("event", 1, {"type": "event", "id": 1}, {"note": "同意"}, public=False)
    two = make_leaf("event", 1, {"type": "event", "id": 1}, {"note": "同意"}, public=False)

    assert one.document is not None and two.document is not None
    assert one.data != two.data  # the same content gives unrelated digests
    assert len(json.loads(one.document)["salt"]) == 64
    assert document_matches(one.data, one.document)
    assert not document_matches(one.data, two.document)
    assert json.loads(one.data)["document"]["salted"] is True


def test_a_sealed_entry_shows_its_type_its_time_and_the_digest_nothing_more() -> None:
    at = dt.datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    header = {"type": "record", "kind": "catalog.x", "id": 3, "at": at, "unit": {"code": "YD-ZRZY"}}

    leaf = make_leaf("catalog.x", 3, header, {"content": {"name": "甲"}}, public=False)

    assert leaf.document is not None
    entry = json.loads(leaf.data)
    assert set(entry) == {"schema", "type", "at", "document"}
    assert entry["type"] == "record" and entry["at"] == "2026-11-24T10:00:00.000000+08:00"
    assert json.loads(leaf.document)["unit"] == {"code": "YD-ZRZY"}  # the auditors' copy keeps it all
    assert document_matches(leaf.data, leaf.document)


def test_document_matches_refuses_a_document_whose_header_differs() -> None:
    leaf = make_leaf("event", 1, {"type": "event", "id": 1}, {"note": "x"}, public=False)
    assert leaf.document is not None
    doc = json.loads(leaf.document)
    doc["id"] = 2
    forged = canonical_json(doc)

    assert not document_matches(leaf.data, forged)


def test_an_event_is_sealed_and_its_document_can_be_rebuilt_from_the_stored_row(county: Any, editor: Any) -> None:
    when = dt.datetime(2026, 11, 24, 10, 0, 0, 123456, tzinfo=ZoneInfo("Asia/Shanghai"))
    event = record_event(actor=editor, action="test.thing", obj=county["land"],
                         before={"at": when, "n": decimal.Decimal("2.5")}, after={"名称": "县自然资源局"}, note="说明")

    queued = LeafQueue.objects.get(kind="event", ref=event.pk)
    entry, document = bytes(queued.data), bytes(queued.document)
    assert json.loads(entry) == {
        "schema": 2, "type": "event", "at": "2026-11-24T10:00:00.000000+08:00",
        "document": {"sha256": hashlib.sha256(document).hexdigest(), "size": len(document), "salted": True},
    }
    assert b"test.thing" not in entry and b"org.unit" not in entry
    stored = Event.objects.get(pk=event.pk)
    salt = json.loads(document)["salt"]
    rebuilt = canonical_json({
        "schema": 2, "type": "event", "id": stored.pk, "at": stored.at, "action": stored.action,
        "object_type": stored.object_type, "object_id": stored.object_id, "actor": stored.actor_id,
        "before": stored.before, "after": stored.after, "note": stored.note, "salt": salt,
    })
    assert rebuilt == document
    assert as_stored(event.before) == stored.before


def test_event_leaf_of_the_same_event_differs_only_by_its_salt(county: Any) -> None:
    event = record_event(actor=None, action="test.thing", obj=county["gov"])
    a, b = event_leaf(event), event_leaf(event)
    assert a.document is not None and b.document is not None
    strip = lambda d: {k: v for k, v in json.loads(d).items() if k != "salt"}  # noqa: E731

    assert strip(a.document) == strip(b.document)


def test_approving_a_version_queues_its_public_record_as_the_entry(county: Any, editor: Any, reviewer: Any) -> None:
    version = factories.published(county["land"], editor, reviewer)

    queued = LeafQueue.objects.get(kind="catalog.poweritemversion", ref=version.pk)
    entry = json.loads(bytes(queued.data))
    assert queued.document is None
    assert entry == {
        "schema": 2, "type": "record", "kind": "catalog.poweritemversion", "id": version.pk,
        "item": {"id": version.item_id, "code": "XK-001", "parent": None},
        "unit": {"id": county["land"].pk, "code": "YD-ZRZY", "name": "县自然资源局"},
        "number": 1, "change_kind": "create", "at": "2026-11-24T10:00:00.000000+08:00",
        "content": json.loads(canonical_json(version.snapshot())),
    }
    assert entry["content"]["name"] == "农村村民住宅建设审批"
    kinds = list(LeafQueue.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == ["event", "event", "catalog.poweritemversion", "event"]  # draft, submit, record, approve


def test_a_public_record_names_a_non_public_leader_as_null(county: Any, editor: Any, reviewer: Any) -> None:
    hidden = Official.objects.create(name="内部干部", unit=county["land"], title="副局长", audience=Audience.INTERNAL)
    shown = Official.objects.create(name="公开干部", unit=county["land"], title="局长")
    one = factories.published(county["land"], editor, reviewer, code="XK-001", responsible_leader=hidden.pk)
    two = factories.published(county["land"], editor, reviewer, code="XK-002", responsible_leader=shown.pk)

    def logged(version: Any) -> dict[str, Any]:
        queued = LeafQueue.objects.get(kind="catalog.poweritemversion", ref=version.pk)
        return json.loads(bytes(queued.data))["content"]

    assert logged(one)["responsible_leader"] is None
    assert logged(two)["responsible_leader"] == shown.pk
    assert one.snapshot()["responsible_leader"] == hidden.pk  # staff still see who it is


def test_a_public_record_names_an_internal_post_as_null(county: Any, editor: Any, reviewer: Any) -> None:
    hidden = Post.objects.create(unit=county["land"], name="机要岗", is_internal=True)
    shown = Post.objects.create(unit=county["land"], name="审批岗")
    one = factories.published(county["land"], editor, reviewer, code="XK-001", handling_post=hidden.pk)
    two = factories.published(county["land"], editor, reviewer, code="XK-002", handling_post=shown.pk)

    def logged(version: Any) -> bytes:
        return bytes(LeafQueue.objects.get(kind="catalog.poweritemversion", ref=version.pk).data)

    assert json.loads(logged(one))["content"]["handling_post"] is None
    assert "机要岗".encode() not in logged(one)
    assert json.loads(logged(two))["content"]["handling_post"] == shown.pk


def test_an_internal_version_enters_sealed_showing_no_code_unit_or_action(
    county: Any, editor: Any, reviewer: Any
) -> None:
    version = factories.published(county["land"], editor, reviewer, code="NB-7781", audience=Audience.INTERNAL)

    queued = LeafQueue.objects.get(kind="catalog.poweritemversion", ref=version.pk)
    entry = bytes(queued.data)
    assert set(json.loads(entry)) == {"schema", "type", "at", "document"}
    assert json.loads(entry)["document"]["salted"] is True
    for secret in ("NB-7781", "YD-ZRZY", "县自然资源局", "农村村民住宅建设审批", "catalog."):
        assert secret.encode() not in entry
    events = LeafQueue.objects.filter(kind="event").values_list("data", flat=True)
    assert events and all(b"catalog.version" not in bytes(e) and b"NB-7781" not in bytes(e) for e in events)
    assert queued.document is not None and not queued.document_public
    assert b"NB-7781" in bytes(queued.document)
    assert document_matches(entry, bytes(queued.document))


def test_a_draft_or_a_cancellation_is_not_a_published_record(county: Any, editor: Any, reviewer: Any) -> None:
    draft = factories.draft(county["land"], editor)
    assert not LeafQueue.objects.filter(kind="catalog.poweritemversion", ref=draft.pk).exists()
    published = factories.published(county["land"], editor, reviewer, code="XK-002")
    cancel = catalog.power_item_cancel(item=published.item, reason="取消", author=editor)
    catalog.power_version_approve(version=cancel, reviewer=reviewer)

    assert cancel.change_kind == ChangeKind.CANCEL
    assert not LeafQueue.objects.filter(kind="catalog.poweritemversion", ref=cancel.pk).exists()
    assert LeafQueue.objects.filter(kind="catalog.poweritemversion", ref=published.pk).count() == 1
