"""Statements compiled once, for the few writes a clerk's click repeats thousands of times a day.

Django compiles a queryset to SQL on every call, and for a short statement that costs several times what
the database takes to run it: a case's step (lock, check, append, recompute, tell, record) spent nine
tenths of its time compiling. These helpers keep the ORM's meaning and pay the compilation once per
database connection:

- `PreparedQuery` is built from an ordinary queryset, made with sentinel values standing for its
  parameters (ids and dates); each call puts the real values where the sentinels were, adapted as the ORM
  adapts them, and turns the rows into model instances (select_related included) or tuples with the ORM's
  own converters. What the queryset means (a public query path's filter, `select_for_update`) is what runs.
  On PostgreSQL it is also prepared on the server (PREPARE, once per connection; then EXECUTE), so the
  server plans it once: a case's lock with its public-item check took a millisecond to plan on every click.
- `PreparedInsert` and `PreparedUpdate` write one row of a model from its fields' own database preparation
  (`get_db_prep_save`), so JSON, dates and times are stored exactly as `save()` stores them.

- `Writes` gathers the writes of one action and sends them together: on PostgreSQL one round trip for
  all of them instead of one each (the server may sit on another machine), on SQLite one after another.

Statements go through the connection's cursor wrapper: they are counted and logged like any query.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.query import QuerySet, get_related_populators  # type: ignore[attr-defined]
from django.db.transaction import TransactionManagementError

_INT_SENTINEL = -7_310_000_000
_QMARK = re.compile(r"(?<!%)%s")


def execute(connection: Any, sql: str, params: Sequence[Any]) -> tuple[list[Any], int]:
    """Run one statement; its rows (RETURNING included) and the count of rows it changed. On SQLite, when nothing is listening to
    the queries (no DEBUG log, no test counting them, no execute wrapper), straight on the driver's cursor with
    the statement in the driver's own placeholders, kept as it is so the driver reuses its compiled form:
    Django's wrapper rewrites every statement's placeholders with a regular expression on each call. Errors
    are Django's either way."""
    if connection.vendor != "sqlite" or connection.queries_logged or connection.execute_wrappers:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return (list(cursor.fetchall()) if cursor.description else []), cursor.rowcount
    native = _NATIVE.get(sql)
    if native is None:
        native = _QMARK.sub("?", sql).replace("%%", "%")
        if len(_NATIVE) < 1000:  # the prepared statements are a few dozen
            _NATIVE[sql] = native
    if connection.connection is None:  # ensure_connection() checks for an event loop on every call
        connection.ensure_connection()
    connection.validate_no_broken_transaction()
    with connection.wrap_database_errors:
        cursor = connection.connection.cursor()
        try:
            cursor.execute(native, params)
            return (cursor.fetchall() if cursor.description else []), cursor.rowcount
        finally:
            cursor.close()


_NATIVE: dict[str, str] = {}

# Fields whose database preparation gives back a value of these exact types unchanged (a str to a text
# column, an int to an integer or a foreign key, a bool, None): such a value is passed as it is. An aware
# datetime to a DateTimeField and a date to a DateField go straight to the backend's adaptation (what
# get_db_prep_save ends in, past the checks such a value passes anyway); any other value (a naive datetime,
# JSON, a str subclass such as a choice) goes through the field's get_db_prep_save.
_AS_IS_FIELDS = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.ForeignKey)
_AS_IS_TYPES = frozenset({str, int, bool, type(None)})


def _preparer(field: models.Field[Any, Any]) -> Callable[[Any, Any], Any]:
    slow = field.get_db_prep_save
    if isinstance(field, models.DateTimeField):
        def prepare_moment(value: Any, connection: Any) -> Any:
            if type(value) is dt.datetime and value.tzinfo is not None:
                return connection.ops.adapt_datetimefield_value(value)
            return value if value is None else slow(value, connection)

        return prepare_moment
    if isinstance(field, models.DateField):
        def prepare_day(value: Any, connection: Any) -> Any:
            if type(value) is dt.date:
                return connection.ops.adapt_datefield_value(value)
            return value if value is None else slow(value, connection)

        return prepare_day
    if not isinstance(field, _AS_IS_FIELDS):
        return slow
    if isinstance(field, models.ForeignKey) and not isinstance(field.target_field, models.IntegerField):
        return slow

    def prepare(value: Any, connection: Any) -> Any:
        return value if type(value) in _AS_IS_TYPES else slow(value, connection)

    return prepare


_DATE_SENTINEL = dt.date(1001, 1, 1)


class _Compiled:
    """One queryset's SQL on one connection, where each parameter comes from, and how rows are read."""

    def __init__(self, queryset: QuerySet[Any, Any], sentinels: dict[str, Any], using: str) -> None:
        connection = connections[using]
        compiler = queryset.query.get_compiler(using=using)
        self.sql, params = compiler.as_sql()
        self.for_update = queryset.query.select_for_update
        adapted = {name: self._adapt(connection, value) for name, value in sentinels.items()}
        self.slots: list[str | None] = []
        self.fixed: list[Any] = list(params)
        for param in params:
            self.slots.append(next((name for name, value in adapted.items() if param == value), None))
        missing = set(sentinels) - set(self.slots)
        if missing:
            raise ValueError(f"prepared query does not use its parameters {sorted(missing)}")
        self.compiler = compiler
        fields = [s[0] for s in compiler.select[0:compiler.col_count]]
        self.converters = compiler.get_converters(fields)
        self.klass_info = compiler.klass_info
        self.annotations = dict(compiler.annotation_col_map or {})
        self._name = "sunlit_" + hashlib.sha256(self.sql.encode()).hexdigest()[:24]  # PostgreSQL's PREPARE
        self._dollar_sql = _dollars(self.sql)

    @staticmethod
    def _adapt(connection: Any, value: Any) -> Any:
        if isinstance(value, dt.date):
            return connection.ops.adapt_datefield_value(value)
        return value

    def params(self, connection: Any, values: dict[str, Any]) -> list[Any]:
        return [self.fixed[i] if name is None else self._adapt(connection, values[name])
                for i, name in enumerate(self.slots)]

    def rows(self, using: str, values: dict[str, Any]) -> list[Any]:
        connection = connections[using]
        if self.for_update and connection.features.has_select_for_update and connection.get_autocommit():
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        params = self.params(connection, values)
        if connection.vendor == "postgresql":
            rows, _ = execute(connection, self._server_prepared(connection), params)
        else:
            rows, _ = execute(connection, self.sql, params)
        if self.converters:
            return list(self.compiler.apply_converters(rows, self.converters))
        return rows

    def _server_prepared(self, connection: Any) -> str:
        """PostgreSQL: the statement that runs the query prepared on the server under a name of its own,
        preparing it first if this connection has not (a prepared statement lives as long as its session,
        whatever happens to the transaction it was made in)."""
        connection.ensure_connection()
        made = _PREPARED.setdefault(connection.connection, set())
        if self._name not in made:
            with connection.cursor() as cursor:
                cursor.execute(f"PREPARE {self._name} AS {self._dollar_sql}")
            made.add(self._name)
        count = len(self.slots)
        return f"EXECUTE {self._name}" + (" (" + ", ".join(["%s"] * count) + ")" if count else "")


_PREPARED: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()
"""The statements prepared on each PostgreSQL connection (the driver's connection: a new one knows none)."""


def _dollars(sql: str) -> str:
    """A statement with Django's placeholders (%s, and %% for a percent sign) in PostgreSQL's own ($1, $2 …),
    as PREPARE takes it."""
    numbers = iter(range(1, 10_000))
    return re.sub(r"%%|%s", lambda m: "%" if m.group() == "%%" else f"${next(numbers)}", sql)


class PreparedQuery:
    """A queryset compiled once per database alias. `build(**sentinels)` makes the queryset; `sentinels`
    name the parameters with values of their kind (`PreparedQuery.ID`, `PreparedQuery.DATE`), which must
    appear nowhere else in the query."""

    ID = _INT_SENTINEL
    DATE = _DATE_SENTINEL

    def __init__(self, build: Callable[..., QuerySet[Any, Any]], **sentinels: Any) -> None:
        used = list(sentinels.values())
        if len(set(used)) != len(used):
            raise ValueError("each parameter needs its own sentinel value")
        self.build, self.sentinels = build, sentinels
        self._local = threading.local()  # a compiler is bound to its thread's connection

    @staticmethod
    def ids(n: int) -> list[int]:
        """`n` distinct id sentinels."""
        return [_INT_SENTINEL - i for i in range(n)]

    def _get(self, using: str) -> _Compiled:
        cache: dict[str, _Compiled] = self._local.__dict__.setdefault("compiled", {})
        compiled = cache.get(using)
        if compiled is None:
            compiled = cache[using] = _Compiled(self.build(**self.sentinels), self.sentinels, using)
        return compiled

    def rows(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> list[tuple[Any, ...]]:
        """The rows, converted as `values_list` converts them (for a queryset built with `values_list`)."""
        return [tuple(row) for row in self._get(using).rows(using, values)]

    def objects(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> Iterator[Any]:
        """Model instances, with the relations the queryset selects, as iterating the queryset gives them."""
        compiled = self._get(using)
        rows = compiled.rows(using, values)
        info, select = compiled.klass_info, compiled.compiler.select
        start, end = info["select_fields"][0], info["select_fields"][-1] + 1
        names = [f[0].target.attname for f in select[start:end]]
        populators = get_related_populators(info, select, using)
        model_cls = info["model"]
        for row in rows:
            obj = model_cls.from_db(using, names, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in compiled.annotations.items():
                setattr(obj, name, row[position])
            yield obj

    def first(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> Any:
        return next(self.objects(using=using, **values), None)


def _fields(model: type[models.Model], names: Sequence[str]) -> list[Any]:
    return [model._meta.get_field(name) for name in names]


class PreparedInsert:
    """INSERT of rows of `model` setting `names` (fields or their attnames: `case_id` for a foreign key);
    `run(**values)` returns the new primary key, `run_many(rows)` writes several rows in one statement."""

    def __init__(self, model: type[models.Model], names: Sequence[str]) -> None:
        self.model, self.fields = model, _fields(model, names)
        self._prepare = [(f.attname, f.name, _preparer(f)) for f in self.fields]
        self._sql: dict[tuple[str, int], str] = {}

    def _statement(self, connection: Any, rows: int) -> str:
        sql = self._sql.get((connection.vendor, rows))
        if sql is None:
            q = connection.ops.quote_name
            columns = ", ".join(q(f.column) for f in self.fields)
            marks = ", ".join(["(" + ", ".join(["%s"] * len(self.fields)) + ")"] * rows)
            sql = (f"INSERT INTO {q(self.model._meta.db_table)} ({columns}) VALUES {marks} "  # noqa: S608
                   f"RETURNING {q(self.model._meta.pk.column)}")  # type: ignore[union-attr]
            self._sql[(connection.vendor, rows)] = sql
        return sql

    def _params(self, connection: Any, values: dict[str, Any]) -> list[Any]:
        return [prepare(values[attname] if attname in values else values[name], connection)
                for attname, name, prepare in self._prepare]

    def statement(self, rows: Sequence[dict[str, Any]], *, using: str = DEFAULT_DB_ALIAS) -> tuple[str, list[Any]]:
        """The SQL and parameters writing `rows` (for `Writes.add`); it returns the new primary keys."""
        connection = connections[using]
        params = [p for values in rows for p in self._params(connection, values)]
        return self._statement(connection, len(rows)), params

    def run(self, *, using: str = DEFAULT_DB_ALIAS, **values: Any) -> int:
        return self.run_many([values], using=using)[0]

    def run_many(self, rows: Sequence[dict[str, Any]], *, using: str = DEFAULT_DB_ALIAS) -> list[int]:
        """The new primary keys, in the order of `rows` (a handful: one statement carries them all)."""
        if not rows:
            return []
        returned, _ = execute(connections[using], *self.statement(rows, using=using))
        return sorted(int(row[0]) for row in returned)


class PreparedUpdate:
    """UPDATE of one row of `model` by primary key, setting `names`; with `expect`, only when that field
    still holds the given value (compare-and-swap). `run(pk, **values)` returns the rows changed."""

    def __init__(self, model: type[models.Model], names: Sequence[str], *, expect: str | None = None) -> None:
        self.model, self.fields = model, _fields(model, names)
        self._prepare = [(f.attname, f.name, _preparer(f)) for f in self.fields]
        self.expect = _fields(model, [expect])[0] if expect else None
        self._sql: dict[str, str] = {}

    def _statement(self, connection: Any) -> str:
        sql = self._sql.get(connection.vendor)
        if sql is None:
            q = connection.ops.quote_name
            sets = ", ".join(f"{q(f.column)} = %s" for f in self.fields)
            where = f"{q(self.model._meta.pk.column)} = %s"  # type: ignore[union-attr]
            if self.expect is not None:
                where += f" AND {q(self.expect.column)} = %s"
            sql = f"UPDATE {q(self.model._meta.db_table)} SET {sets} WHERE {where}"  # noqa: S608
            self._sql[connection.vendor] = sql
        return sql

    def statement(self, pk: Any, *, expected: Any = None, using: str = DEFAULT_DB_ALIAS,
                  **values: Any) -> tuple[str, list[Any]]:
        """The SQL and parameters of the update (for `Writes.add`)."""
        connection = connections[using]
        params = [prepare(values[attname] if attname in values else values[name], connection)
                  for attname, name, prepare in self._prepare]
        params.append(pk)
        if self.expect is not None:
            params.append(self.expect.get_db_prep_save(expected, connection))
        return self._statement(connection), params

    def run(self, pk: Any, *, expected: Any = None, using: str = DEFAULT_DB_ALIAS, **values: Any) -> int:
        return execute(connections[using], *self.statement(pk, expected=expected, using=using, **values))[1]


class Writes:
    """The writes of one action, sent together by `send()`: on PostgreSQL as one query (Django's psycopg 3
    cursors bind parameters on the client, so several statements may travel in one round trip, their results
    read in turn), elsewhere one after another. A statement added with `expect_rows` raises `error` from
    `send()` when it changed another number of rows (a compare-and-swap that lost). Nothing added is run
    before `send()`: an action adds only writes that no read of its own needs first."""

    def __init__(self, using: str = DEFAULT_DB_ALIAS) -> None:
        self.using = using
        self._statements: list[tuple[str, list[Any]]] = []
        self._checks: list[tuple[int, int, Exception]] = []

    def add(self, sql: str, params: list[Any], *, expect_rows: int | None = None,
            error: Exception | None = None) -> int:
        """Queue a statement; its position in what `send()` returns."""
        self._statements.append((sql, params))
        if expect_rows is not None:
            self._checks.append((len(self._statements) - 1, expect_rows, error or RuntimeError(sql)))
        return len(self._statements) - 1

    def send(self) -> list[tuple[list[Any], int]]:
        """Run what was added, in order; each statement's rows (RETURNING) and the count of rows it changed."""
        statements, self._statements = self._statements, []
        checks, self._checks = self._checks, []
        connection = connections[self.using]
        if len(statements) > 1 and connection.vendor == "postgresql" and not connection.execute_wrappers \
                and not connection.settings_dict["OPTIONS"].get("server_side_binding"):
            results = _together(connection, statements)
        else:
            results = [execute(connection, sql, params) for sql, params in statements]
        for position, rows, error in checks:
            if results[position][1] != rows:
                raise error
        return results


def _together(connection: Any, statements: list[tuple[str, list[Any]]]) -> list[tuple[list[Any], int]]:
    with connection.cursor() as cursor:
        cursor.execute(";\n".join(sql for sql, _ in statements), [p for _, params in statements for p in params])
        raw, results = cursor.cursor, []
        while True:
            results.append((list(raw.fetchall()) if raw.description else [], raw.rowcount))
            if not raw.nextset():
                break
    if len(results) != len(statements):
        raise RuntimeError(f"{len(statements)} statements sent together gave {len(results)} results")
    return results
