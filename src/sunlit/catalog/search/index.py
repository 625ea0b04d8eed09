"""The grams index in the database, and ranked queries on it.

Why grams, and why these two indexes (STACK.md has the measurements behind this):

- Chinese has no spaces, and residents type any part of a name: 建房, 村民建房, 许可. Word segmentation
  (jieba) misses substrings that cross its word boundaries and costs a second per process; SQLite's
  FTS5 trigram tokenizer finds nothing for a two-character query (the commonest Chinese word length);
  PostgreSQL's pg_trgm works but is a third mechanism. Unigrams and bigrams of the normalised text
  (`text.grams`) serve one- and two-character queries exactly and longer ones through their pairs,
  then a check against the normalised text removes pairs that occur apart.
- SQLite: an FTS5 table over the entries' `grams` column (tokenizer unicode61, which keeps each
  space-separated gram whole; detail=none, as no positions are needed), kept in step by triggers on
  `catalog_powersearchentry`. SQLite's Python build here cannot load extensions, and FTS5 is built in.
- PostgreSQL: a generated tsvector made of the grams as they are (`array_to_tsvector`, no parser,
  no stemming) with a GIN index.

SQLite's FTS5 returns its matches in item order, so a page stops reading as soon as it is full: the
first page of a two-character query costs the same at a hundred thousand items as at a thousand.
PostgreSQL's GIN index gathers every match before it returns a row (about half a microsecond each: 100 ms
for a word in a fifth of a million items), so a common word is read in item order instead, by its text
alone, from a covering B-tree of the narrow columns (`catalog_powersearch_in_order`, an index-only scan
at a quarter of a microsecond a row): a tier is first looked for in the rows at the head of the list,
where a common word fills its page, and a word PostgreSQL's statistics call common is counted there too;
only a rarer one goes to the GIN index.

Ranking is by where every term was found — all in the name, else in the name or by code prefix, else
anywhere including the legal basis (法律法规名称 and 条款) — then by item; each tier is one query that stops
at the page's end. Counts stop at `COUNT_CAP` (more shows as "1,000+").

The index holds exactly the public items; its answers are only candidates, and the rows shown are
read through the public query path (`catalog.selectors.public_power_search`).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db import connections, router, transaction
from django.db.models import Prefetch

from sunlit.catalog.models import LegalBasis, PowerItem, PowerItemVersion, PowerSearchEntry
from sunlit.catalog.search.text import FIELDS, Query, basis_text, indexed, term_grams
from sunlit.core.visibility import public_queryset

COUNT_CAP = 1000
TABLE = "catalog_powersearchentry"
FTS_TABLE = "catalog_powersearch_fts"
HEAD_OF_LIST = f"e.item_id < (SELECT min(item_id) FROM {TABLE}) + %s"
"""PostgreSQL: the rows at the head of the list, in item order — at most as many as the parameter says. Read
by name and code alone, they come from the covering index `catalog_powersearch_in_order` (item_id, then
unit, category, name and code) and never touch the table's wide rows."""


def entry_for(item: PowerItem, version: PowerItemVersion, bases: Iterable[LegalBasis]) -> PowerSearchEntry:
    return PowerSearchEntry(item_id=item.pk, unit_id=item.unit_id, category=version.category,
                            **indexed(name=version.name, code=item.code,
                                      basis=basis_text((b.law, b.article) for b in bases)))


def _public_with_bases(ids: Iterable[int] | None = None) -> Any:
    items = public_queryset(PowerItem).select_related("published_version").prefetch_related(
        Prefetch("published_version__legal_bases", queryset=LegalBasis.objects.order_by("position")))
    return items if ids is None else items.filter(pk__in=list(ids))


def index_item(item: PowerItem) -> None:
    """Make the index agree with the public query path for `item` and its sub-items (whose visibility
    may follow their main item's): a row for each that is public, none for the others."""
    ids = [item.pk, *PowerItem.objects.filter(parent_id=item.pk).values_list("pk", flat=True)]
    public = {i.pk: i for i in _public_with_bases(ids)}
    PowerSearchEntry.objects.filter(item_id__in=[i for i in ids if i not in public]).delete()
    for found in public.values():
        version = found.published_version
        entry = entry_for(found, version, version.legal_bases.all())
        PowerSearchEntry.objects.update_or_create(
            item_id=found.pk, defaults={f: getattr(entry, f) for f in ("unit_id", "category", "name", "code",
                                                                      "basis", "grams")})


@transaction.atomic
def rebuild(batch: int = 5000) -> int:
    """Index every public item afresh (after a bulk load or a change of the rules); the count indexed.
    Reads plain values, a batch at a time: a million items take minutes, not hours. On PostgreSQL the
    table's statistics are taken again at the end, rather than when autovacuum comes by."""
    PowerSearchEntry.objects.all().delete()
    rows = (public_queryset(PowerItem).order_by("pk")
            .values_list("pk", "unit_id", "code", "published_version_id", "published_version__name",
                         "published_version__category").iterator(chunk_size=batch))
    indexed_count = 0
    while chunk := list(islice(rows, batch)):
        bases: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for version_id, law, article in (LegalBasis.objects.filter(version_id__in=[r[3] for r in chunk])
                                         .order_by("version_id", "position")
                                         .values_list("version_id", "law", "article")):
            bases[version_id].append((law, article))
        PowerSearchEntry.objects.bulk_create(
            [PowerSearchEntry(item_id=pk, unit_id=unit_id, category=category,
                              **indexed(name=name, code=code, basis=basis_text(bases[version_id])))
             for pk, unit_id, code, version_id, name, category in chunk], batch_size=batch)
        indexed_count += len(chunk)
    if connections[PowerSearchEntry.objects.db].vendor == "postgresql":
        with connections[PowerSearchEntry.objects.db].cursor() as cursor:
            cursor.execute(f"ANALYZE {TABLE}")  # the statistics `count` plans by, current at once
    return indexed_count


# ---- queries ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    """Narrowing that the index can apply itself (the public query path checks them again)."""

    unit_ids: Sequence[int] | None = None
    category: str | None = None


class _Sql:
    """The few places the two dialects differ."""

    def __init__(self, vendor: str) -> None:
        self.sqlite = vendor == "sqlite"

    def source(self) -> str:
        if self.sqlite:
            return f"{FTS_TABLE} JOIN {TABLE} e ON e.item_id = {FTS_TABLE}.rowid"
        return f"{TABLE} e"

    def match(self, expression: str) -> tuple[str, list[Any]]:
        if self.sqlite:
            return f"{FTS_TABLE} MATCH %s", [expression]
        return "e.grams_tsv @@ %s::tsquery", [expression]

    def order(self) -> str:
        return f"{FTS_TABLE}.rowid" if self.sqlite else "e.item_id"

    def contains(self, column: str, word: str) -> tuple[str, list[Any]]:
        return (f"instr(e.{column}, %s) > 0" if self.sqlite else f"strpos(e.{column}, %s) > 0"), [word]

    def starts(self, column: str, word: str) -> tuple[str, list[Any]]:
        if self.sqlite:
            return f"substr(e.{column}, 1, %s) = %s", [len(word), word]
        return f"starts_with(e.{column}, %s)", [word]  # bytes compared: left(…) would count characters first

    def gram_expression(self, query: Query, marks: str) -> str:
        """Every term (AND), any of its alternatives (OR), all of that one's grams (AND), in any of
        the fields `marks` (OR)."""
        and_, or_ = (" AND ", " OR ") if self.sqlite else (" & ", " | ")
        quote = '"' if self.sqlite else "'"

        def gram(g: str) -> str:
            return "(" + or_.join(f"{quote}{m}{g}{quote}" for m in marks) + ")"

        def alternative(word: str) -> str:
            return "(" + and_.join(gram(g) for g in term_grams(word)) + ")"

        return and_.join("(" + or_.join(alternative(a) for a in t.alternatives) + ")" for t in query.terms)


def _check(sql: _Sql, query: Query, marks: str) -> tuple[str, list[Any]]:
    """The exact condition behind `gram_expression`: each term found, as written, in a field of `marks`
    (the code by prefix)."""
    params: list[Any] = []
    terms = []
    for term in query.terms:
        alternatives = []
        for word in term.alternatives:
            for mark in marks:
                clause, p = (sql.starts("code", word) if mark == "c" else
                             sql.contains("name" if mark == "n" else "basis", word))
                alternatives.append(clause)
                params += p
        terms.append("(" + " OR ".join(alternatives) + ")")
    return "(" + " AND ".join(terms) + ")", params


def _where(sql: _Sql, query: Query, marks: str, filters: Filters, below: str | None,
           checked: bool = True, matched: bool = True) -> tuple[str, list[Any]]:
    """The condition of a tier: the grams index's match (unless not `matched`: the rows are read another
    way), the check of the text itself (unless not `checked`), not found by a tier above, the filters."""
    clauses: list[str] = []
    params: list[Any] = []
    if matched:
        match, params = sql.match(sql.gram_expression(query, marks))
        clauses.append(match)
    if checked:
        check, p = _check(sql, query, marks)
        clauses.append(check)
        params += p
    if below:  # not already found in a higher tier
        higher, p = _check(sql, query, below)
        clauses.append(f"NOT {higher}")
        params += p
    if filters.unit_ids is not None:
        clauses.append("e.unit_id IN (" + ",".join(["%s"] * len(filters.unit_ids)) + ")" if filters.unit_ids
                       else "1 = 0")
        params += list(filters.unit_ids)
    if filters.category:
        clauses.append("e.category = %s")
        params.append(filters.category)
    return " AND ".join(clauses), params


def _database() -> str:
    return router.db_for_read(PowerSearchEntry)


def _tiers() -> list[tuple[str, str | None]]:
    """(fields searched, fields of the tiers above) for each tier: name; name or code; anywhere."""
    return [(FIELDS[:k + 1], FIELDS[:k] or None) for k in range(len(FIELDS))]


DENSE = 1000
"""PostgreSQL: a tier with at least this many matches is read in item order (by name and code from the covering
index; it meets a page's rows within a few thousand); one with fewer is read whole through the GIN index."""

HEAD = 4000
"""PostgreSQL: how many rows at the head of the list (in item order; at most, as ids may have gaps) a tier reads
first, by their text alone, before asking the GIN index: a common word fills its page there in a millisecond."""


def ranked_ids(query: Query, filters: Filters, limit: int) -> list[int]:
    """The first `limit` matching item ids, best first."""
    if not query.terms or limit <= 0:
        return []
    db = _database()
    # PostgreSQL's planner settings below last until the end of this transaction (SET LOCAL); SQLite needs
    # none, and a transaction there would take the write lock (transaction_mode IMMEDIATE).
    postgresql = connections[db].vendor == "postgresql"
    with transaction.atomic(using=db) if postgresql else nullcontext(), connections[db].cursor() as cursor:
        sql = _Sql(cursor.db.vendor)
        found: list[int] = []
        for marks, above in _tiers():
            found += _tier(cursor, sql, query, marks, filters, above, limit - len(found))
            if len(found) >= limit:
                break
    return found


def _tier(cursor: Any, sql: _Sql, query: Query, marks: str, filters: Filters, above: str | None,
          limit: int) -> list[int]:
    where, params = _where(sql, query, marks, filters, above)
    ordered = f"SELECT e.item_id FROM {sql.source()} WHERE {where} ORDER BY {sql.order()} LIMIT %s"
    if sql.sqlite:  # FTS5 yields its matches in rowid order: the page ends the read
        cursor.execute(ordered, [*params, limit])
        return [row[0] for row in cursor.fetchall()]
    # PostgreSQL reads a posting list whole before it returns a row, and estimates pairs of neighbouring
    # characters as independent (村民 and 民建 are not), so left to itself it may read every match of a common
    # word to sort them for a page of twenty. So: first the head of the list in item order, checked by the
    # text alone (a common word fills its page there); else ask how many match, up to DENSE, through the
    # index (few are sorted here); many are read in item order, checked by the text (names and codes from the
    # covering index, the legal basis from the table).
    by_text, text_params = _where(sql, query, marks, filters, above, matched=False)
    cursor.execute(f"SELECT e.item_id FROM {TABLE} e WHERE {HEAD_OF_LIST} AND {by_text} "  # noqa: S608
                   f"ORDER BY e.item_id LIMIT %s", [HEAD, *text_params, limit])
    ids = [row[0] for row in cursor.fetchall()]
    if len(ids) >= limit:
        return ids
    cursor.execute(f"SELECT e.item_id FROM {sql.source()} WHERE {where} LIMIT %s", [*params, DENSE])
    ids = [row[0] for row in cursor.fetchall()]
    if len(ids) < DENSE:
        return sorted(ids)[:limit]
    cursor.execute("SET LOCAL enable_bitmapscan = off")
    cursor.execute("SET LOCAL enable_seqscan = off")
    cursor.execute(f"SELECT e.item_id FROM {TABLE} e WHERE {by_text} ORDER BY e.item_id LIMIT %s",  # noqa: S608
                   [*text_params, limit])
    rows = [row[0] for row in cursor.fetchall()]
    cursor.execute("SET LOCAL enable_bitmapscan = on")
    cursor.execute("SET LOCAL enable_seqscan = on")
    return rows


def count(query: Query, filters: Filters, cap: int | None = None) -> int:
    """How many items match, counted up to `cap` (COUNT_CAP unless given) + 1: more than `cap` is "cap+"."""
    cap = COUNT_CAP if cap is None else cap
    if not query.terms:
        return 0
    with connections[_database()].cursor() as cursor:
        sql = _Sql(cursor.db.vendor)

        def up_to(limit: int, where: str, params: list[Any], order: str = "") -> int:
            cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {sql.source()} WHERE {where} {order} LIMIT %s) "
                           "AS hits", [*params, limit])
            return int(cursor.fetchone()[0])

        def in_item_order(marks: str, start: int, stop: int, limit: int) -> int:
            """Matches in `marks` among rows start…stop at the head of the list, read by their text alone."""
            by_text, params = _where(sql, query, marks, filters, None, matched=False)
            return up_to(limit, f"{HEAD_OF_LIST} AND e.item_id >= (SELECT min(item_id) FROM {TABLE}) + %s "
                                f"AND {by_text}", [stop, start, *params], "ORDER BY e.item_id")

        def by_reading(marks: str, sample: int, most: int) -> int:
            """Matches in `marks` among the first `sample` rows; then, if they say more than the cap lie within
            `most` rows, in as many rows after them as that takes (twice over)."""
            found = in_item_order(marks, 0, sample, cap + 1)
            rest = (cap + 1 - found) * sample / found * 2 if 0 < found <= cap else most
            if sample + rest < most:
                found += in_item_order(marks, sample, sample + int(rest), cap + 1 - found)
            return found

        if not sql.sqlite:
            shares = gram_shares(cursor)
            common = share(query, "nc", shares)
            if common >= PROVE_SHARE and (found := by_reading("nc", NAME_SAMPLE, PROVE_ROWS)) > cap:
                return found  # common in names: counted from the covering index
            if share(query, FIELDS, shares) - common >= PROVE_SHARE:
                # Its pairs are common in legal bases, which says little of a longer word (食品 and 品经 common,
                # 食品经营 rare): the wide rows at the head of the list show how common the word is there.
                if (found := by_reading(FIELDS, BASIS_SAMPLE, BASIS_ROWS)) > cap:
                    return found
                # Names alone, through the GIN index, spare it the legal bases' long lists.
                if (found := up_to(cap + 1, *_where(sql, query, "nc", filters, None))) > cap:
                    return found
        if all(_exact(word) for term in query.terms for word in term.alternatives):
            # A word of one or two letters is one gram: in the name and the legal basis the index alone is
            # exact, so a common word is counted past the cap without reading a single row.
            found = up_to(cap + 1, *_where(sql, query, "nb", filters, None, checked=False))
            if found > cap:
                return found
        return up_to(cap + 1, *_where(sql, query, FIELDS, filters, None))


def _exact(word: str) -> bool:
    """Whether the index's grams match `word` exactly (in a name or basis): one run of one or two letters."""
    return term_grams(word) == [word]


PROVE_SHARE = 0.02
"""PostgreSQL: a query whose grams PostgreSQL's statistics put in at least this share of rows is counted first by
reading rows in item order, by their text: more than COUNT_CAP matches turn up within COUNT_CAP / PROVE_SHARE
rows (names and codes from the covering index, a quarter of a microsecond a row: 12 ms, on pages every search
keeps warm), where the GIN index would gather every match first (half a microsecond each, then a table page
for each of the first COUNT_CAP: a word in 2% of a million items, 15 ms; in 25%, 120 ms). Below it, the GIN
index is the cheaper way."""

PROVE_ROWS, NAME_SAMPLE = 80_000, 8_000
"""PostgreSQL: that first count reads names and codes in a sample of rows at the head of the list (2 ms), and
goes on only if the sample says more than COUNT_CAP matches lie within PROVE_ROWS rows (20 ms): the
statistics judge a longer word by its rarest pair, which may be commoner than the word, and a word common in
the whole list may be rare at its head. Else the GIN index counts."""

BASIS_ROWS, BASIS_SAMPLE = 20_000, 2_000
"""PostgreSQL: the same for a word whose pairs are common in legal bases, read from the table's wide rows (2 ms
for the sample, up to 20 ms in all)."""


STATISTICS_SECONDS = 600.0
_statistics: tuple[str, float, dict[str, float]] | None = None


def gram_shares(cursor: Any) -> dict[str, float]:
    """The share of rows holding each of PostgreSQL's commonest grams (ANALYZE's sample of `grams_tsv`, which
    autovacuum keeps current: its most common elements, down to about half a percent of rows); read again
    after STATISTICS_SECONDS. Empty until the table is first analysed."""
    global _statistics
    now, database = time.monotonic(), cursor.db.alias + ":" + str(cursor.db.settings_dict["NAME"])
    if _statistics is None or _statistics[0] != database or now - _statistics[1] > STATISTICS_SECONDS:
        cursor.execute("SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                       "WHERE schemaname = current_schema() AND tablename = %s AND attname = 'grams_tsv'", [TABLE])
        row = cursor.fetchone()
        _statistics = (database, now, dict(zip(row[0], row[1], strict=False)) if row and row[0] else {})
    return _statistics[2]


def share(query: Query, marks: str, shares: dict[str, float]) -> float:
    """The share of rows that `query` may match in the fields `marks`, by its grams' shares: every term must
    match (the rarest term bounds it), any alternative in any field may (they add up), an alternative needs
    all its grams (its rarest gram bounds it). A gram the statistics do not list is rarer than every listed one."""
    rarest = min(shares.values(), default=0.0)
    return min((sum(min((shares.get(mark + gram, rarest) for gram in term_grams(word)), default=0.0)
                    for word in term.alternatives for mark in marks)
                for term in query.terms), default=0.0)
