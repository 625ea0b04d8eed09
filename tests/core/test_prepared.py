"""Statements compiled once (core.prepared) mean what the ORM means: the same rows, the same instances with
their relations, the same stored values, and the same refusals."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from sunlit.core.models import Event
from sunlit.core.prepared import PreparedInsert, PreparedQuery, PreparedUpdate, Writes
from sunlit.org.models import Appointment, Official, Post, Unit, UnitKind
from sunlit.org.selectors import serving

pytestmark = pytest.mark.django_db

AT = dt.datetime(2026, 11, 24, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))

POSTS = PreparedQuery(lambda unit_id: Post.objects.select_related("unit").filter(unit_id=unit_id).order_by("name"),
                      unit_id=PreparedQuery.ID)
SERVING = PreparedQuery(lambda post_id, day: serving(Appointment.objects.filter(post_id=post_id), day)
                        .values_list("official__name", "start", "end").order_by("start"),
                        post_id=PreparedQuery.ID, day=PreparedQuery.DATE)


@pytest.fixture
def unit() -> Unit:
    gov = Unit.objects.create(code="T", name="测试县人民政府", kind=UnitKind.GOVERNMENT)
    land = Unit.objects.create(code="T-ZR", name="测试县自然资源局", kind=UnitKind.DEPARTMENT, parent=gov)
    for name in ("窗口受理岗", "审批岗", "局长"):
        Post.objects.create(unit=land, name=name, is_principal=name == "局长")
    Post.objects.create(unit=gov, name="县长", is_principal=True)
    return land


def test_instances_and_their_relations_are_what_the_queryset_gives(unit, django_assert_num_queries):
    expected = list(Post.objects.select_related("unit").filter(unit=unit).order_by("name"))
    POSTS.first(unit_id=-1)  # on PostgreSQL the first use on a connection prepares it on the server
    with django_assert_num_queries(1):
        got = list(POSTS.objects(unit_id=unit.pk))
        names = [(p.pk, p.name, p.is_principal, p.unit.name) for p in got]  # the unit came with the row
    assert names == [(p.pk, p.name, p.is_principal, p.unit.name) for p in expected]
    assert POSTS.first(unit_id=-1) is None


def test_dates_are_parameters_and_come_back_as_dates(unit):
    post = Post.objects.get(unit=unit, name="局长")
    for name, start, end in (("甲", dt.date(2020, 1, 1), dt.date(2024, 6, 30)), ("乙", dt.date(2024, 7, 1), None)):
        Appointment.objects.create(official=Official.objects.create(name=name, unit=unit, title="局长"), post=post,
                                   start=start, end=end)
    assert SERVING.rows(post_id=post.pk, day=dt.date(2024, 6, 30)) == [("甲", dt.date(2020, 1, 1), dt.date(2024, 6, 30))]
    assert SERVING.rows(post_id=post.pk, day=dt.date(2026, 11, 24)) == [("乙", dt.date(2024, 7, 1), None)]
    assert SERVING.rows(post_id=post.pk, day=dt.date(2019, 12, 31)) == []


@pytest.mark.django_db(transaction=True)
def test_a_locking_query_outside_a_transaction_is_refused_as_the_orm_refuses_it(unit):
    locked = PreparedQuery(lambda unit_id: Unit.objects.select_for_update().filter(pk=unit_id), unit_id=PreparedQuery.ID)
    with transaction.atomic():
        assert locked.first(unit_id=unit.pk).code == "T-ZR"
    if not transaction.get_connection().features.has_select_for_update:
        pytest.skip("SQLite locks the whole database in a write transaction: there is no FOR UPDATE to refuse")
    with pytest.raises(TransactionManagementError):
        list(Unit.objects.select_for_update().filter(pk=unit.pk))
    with pytest.raises(TransactionManagementError):
        locked.first(unit_id=unit.pk)


def test_a_parameter_the_query_does_not_use_is_a_mistake_found_at_once(unit):
    unused = PreparedQuery(lambda unit_id: Unit.objects.filter(code="T"), unit_id=PreparedQuery.ID)
    with pytest.raises(ValueError, match="unit_id"):
        unused.rows(unit_id=unit.pk)


def test_an_insert_stores_what_the_orm_would_store(unit):
    insert = PreparedInsert(Event, ("at", "actor_id", "action", "object_type", "object_id", "before", "after", "note"))
    values = {"at": AT, "actor_id": None, "action": "test.prepared", "object_type": "org.unit", "object_id": str(unit.pk),
              "before": None, "after": {"day": dt.date(2026, 11, 24), "名称": "自然资源局", "n": 3}, "note": "备注"}
    pk = insert.run(**values)
    orm = Event.objects.create(**values)
    mine, theirs = Event.objects.get(pk=pk), Event.objects.get(pk=orm.pk)
    assert [getattr(mine, f) for f in ("at", "action", "before", "after", "note")] == \
           [getattr(theirs, f) for f in ("at", "action", "before", "after", "note")]
    assert mine.after == {"day": "2026-11-24", "名称": "自然资源局", "n": 3}
    first, second = insert.run_many([dict(values, note="一"), dict(values, note="二")])
    assert Event.objects.get(pk=first).note == "一" and Event.objects.get(pk=second).note == "二"


def test_an_update_with_an_expected_value_changes_nothing_when_it_moved(unit):
    rename = PreparedUpdate(Unit, ("name",), expect="name")
    assert rename.run(unit.pk, expected="别的名字", name="改名") == 0
    assert Unit.objects.get(pk=unit.pk).name == "测试县自然资源局"
    assert rename.run(unit.pk, expected="测试县自然资源局", name="测试县自然资源和规划局") == 1
    assert Unit.objects.get(pk=unit.pk).name == "测试县自然资源和规划局"


def test_a_refused_write_raises_djangos_error_on_either_path(unit, django_assert_num_queries):
    insert = PreparedInsert(Unit, ("code", "name", "kind", "path"))
    values = {"code": "T-ZR", "name": "重复的单位", "kind": UnitKind.DEPARTMENT, "path": "/X/"}
    with pytest.raises(IntegrityError), transaction.atomic():
        insert.run(**values)  # nobody counting queries: SQLite's own cursor
    with pytest.raises(IntegrityError), django_assert_num_queries(1), transaction.atomic():
        insert.run(**values)  # counted: through Django's cursor
    assert Unit.objects.filter(code="T-ZR").count() == 1


EVENT_FIELDS = ("at", "actor_id", "action", "object_type", "object_id", "before", "after", "note")


def test_writes_sent_together_run_in_order_and_travel_in_one_round_trip_on_postgresql(unit):
    insert, rename = PreparedInsert(Event, EVENT_FIELDS), PreparedUpdate(Unit, ("name",), expect="name")
    values = {"at": AT, "actor_id": None, "action": "test.writes", "object_type": "org.unit",
              "object_id": str(unit.pk), "before": None, "after": {"day": dt.date(2026, 11, 24)}, "note": ""}
    writes = Writes()
    first = writes.add(*insert.statement([dict(values, note="一")]))
    renamed = writes.add(*rename.statement(unit.pk, expected=unit.name, name="测试县自然资源和规划局"), expect_rows=1)
    second = writes.add(*insert.statement([dict(values, note="二")]))
    with CaptureQueriesContext(connection) as sent, transaction.atomic():
        results = writes.send()
    assert len([q for q in sent.captured_queries if "INSERT" in q["sql"] or "UPDATE" in q["sql"]]) == \
        (1 if connection.vendor == "postgresql" else 3)
    assert results[renamed][1] == 1
    assert Event.objects.get(pk=results[first][0][0][0]).note == "一"
    assert Event.objects.get(pk=results[second][0][0][0]).note == "二"
    assert results[first][0][0][0] < results[second][0][0][0]
    assert Event.objects.get(pk=results[first][0][0][0]).after == {"day": "2026-11-24"}
    assert Unit.objects.get(pk=unit.pk).name == "测试县自然资源和规划局"


def test_writes_whose_swap_lost_raise_and_leave_nothing_written(unit):
    insert, rename = PreparedInsert(Event, EVENT_FIELDS), PreparedUpdate(Unit, ("name",), expect="name")
    values = {"at": AT, "actor_id": None, "action": "test.writes.lost", "object_type": "org.unit",
              "object_id": str(unit.pk), "before": None, "after": None, "note": ""}
    writes = Writes()
    writes.add(*insert.statement([values]))
    writes.add(*rename.statement(unit.pk, expected="别的名字", name="改名"), expect_rows=1,
               error=LookupError("单位已被他人修改"))
    with pytest.raises(LookupError, match="单位已被他人修改"), transaction.atomic():
        writes.send()
    assert not Event.objects.filter(action="test.writes.lost").exists()
    assert Unit.objects.get(pk=unit.pk).name == "测试县自然资源局"
    assert writes.send() == []  # what was sent is gone


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL only: SQLite has no server to prepare on")
@pytest.mark.django_db(transaction=True)  # the connection is closed midway
def test_on_postgresql_a_prepared_query_is_planned_once_per_connection(unit):
    names = list(Post.objects.filter(unit=unit).order_by("name").values_list("name", flat=True))
    with CaptureQueriesContext(connection) as first:
        assert [p.name for p in POSTS.objects(unit_id=unit.pk)] == names
    assert [q["sql"].split()[0] for q in first.captured_queries] in (["PREPARE", "EXECUTE"], ["EXECUTE"])
    with CaptureQueriesContext(connection) as again:
        assert [p.name for p in POSTS.objects(unit_id=unit.pk)] == names
    assert [q["sql"].split()[0] for q in again.captured_queries] == ["EXECUTE"]
    connection.close()  # a new session knows no prepared statement: it is prepared again
    with CaptureQueriesContext(connection) as fresh:
        assert POSTS.first(unit_id=unit.pk).unit.name == "测试县自然资源局"
    assert [q["sql"].split()[0] for q in fresh.captured_queries] == ["PREPARE", "EXECUTE"]
