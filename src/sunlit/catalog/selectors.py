"""清权 reads. Public reads go through `public_queryset` only; staff reads take the viewer."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from sunlit.catalog.models import (
    CONTENT_FIELDS,
    CancelledPowerItem,
    ChangeKind,
    ImportJob,
    LegalBasis,
    PowerItem,
    PowerItemVersion,
    VersionStatus,
)
from sunlit.catalog.permissions import READ_ROLES, REVIEW_ROLES, can_edit
from sunlit.catalog.search import index
from sunlit.catalog.search.synonyms import synonym_table
from sunlit.catalog.search.text import MAX_QUERY_LENGTH, QUERY_TOO_LONG, Query, parse
from sunlit.core.errors import DomainError, NotAllowed, NotFound
from sunlit.core.timelimits import format_limit
from sunlit.core.versioning import OPEN_STATUSES
from sunlit.core.visibility import public_queryset
from sunlit.org.models import Official, Post, Unit
from sunlit.org.permissions import units_for
from sunlit.record.selectors import record_leaf_indexes


def public_powers(*, unit_code: str | None = None, category: str | None = None,
                  include_sub_units: bool = False) -> QuerySet[PowerItem]:
    """The public power list, filtered; each row carries its published version and unit. Searching
    it by words is `public_power_search`."""
    items = public_queryset(PowerItem).select_related("published_version", "unit", "parent")
    if unit_code:
        if include_sub_units:
            items = items.filter(unit__path__contains=f"/{unit_code}/")
        else:
            items = items.filter(unit__code=unit_code)
    if category:
        items = items.filter(published_version__category=category)
    return items.order_by("unit__path", "code")


def _units_named(unit_code: str, include_sub_units: bool) -> QuerySet[Unit]:
    """The units `public_powers` narrows to, as the search index narrows by them."""
    if include_sub_units:
        return Unit.objects.filter(path__contains=f"/{unit_code}/")
    return Unit.objects.filter(code=unit_code)


_LONG_TEXTS = tuple(f"published_version__{field.name}" for field in PowerItemVersion._meta.concrete_fields
                    if isinstance(field, models.TextField))  # 受理条件, 申请材料, …: what no list shows


class PowerSearch:
    """A search of the public list (检索), ranked: items with every term in the name first, then those
    found by code prefix, then by legal basis. Sliced like a list (Django's Paginator takes it); its
    count stops at `index.COUNT_CAP` (`capped` then says there are more).

    Candidates come from the grams index (catalog.search.index); the rows shown are read through the
    public query path, so an item the index still holds but the path does not admit is never shown.
    """

    def __init__(self, query: Query, *, unit_code: str | None, category: str | None,
                 include_sub_units: bool) -> None:
        self.query = query
        # A page of results shows names, codes, units and limits: the long texts stay in the database.
        self._listed = public_powers(unit_code=unit_code, category=category,
                                     include_sub_units=include_sub_units).defer(*_LONG_TEXTS)
        unit_ids = list(_units_named(unit_code, include_sub_units).values_list("pk", flat=True)) if unit_code else None
        self._filters = index.Filters(unit_ids=unit_ids, category=category)
        self._count: int | None = None

    @property
    def added(self) -> tuple[str, ...]:
        """Words the residents' synonyms added to the query (也为您查找了…)."""
        return self.query.added

    def count(self) -> int:
        if self._count is None:
            self._count = index.count(self.query, self._filters)
        return min(self._count, index.COUNT_CAP)

    @property
    def capped(self) -> bool:
        self.count()
        return (self._count or 0) > index.COUNT_CAP

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[PowerItem]:
        start = window.start or 0
        return self.page(start, (window.stop or start) - start)

    def page(self, start: int, size: int) -> list[PowerItem]:
        need = start + size
        for _ in range(3):
            ids = index.ranked_ids(self.query, self._filters, need)
            rows = {i.pk: i for i in self._listed.filter(pk__in=ids).order_by()}
            shown = [rows[i] for i in ids if i in rows]
            if len(shown) >= need or len(ids) < need:
                break
            need += need - len(shown)  # the index held items the public path refused: read further
        return shown[start:start + size]


def parse_query(q: str | None) -> Query:
    """A resident's query as searched, widened by the residents' synonyms; refused, naming the field
    `q`, beyond MAX_QUERY_LENGTH characters (the portal and the API say the same)."""
    if q and len(q) > MAX_QUERY_LENGTH:
        raise DomainError(QUERY_TOO_LONG, field="q")
    return parse(q or "", synonym_table())


def public_power_search(*, q: str, unit_code: str | None = None, category: str | None = None,
                        include_sub_units: bool = False) -> PowerSearch:
    """The public items matching `q` (every space-separated term, by name, code prefix or legal basis,
    widened by the residents' synonyms), best first."""
    return PowerSearch(parse_query(q), unit_code=unit_code, category=category, include_sub_units=include_sub_units)


def page_of(items: QuerySet[PowerItem], start: int, size: int) -> list[PowerItem]:
    """Rows start…start+size of `items`, in their order, in one query.

    The page is chosen among the narrow (id, sort key) rows and only its own rows are read in full:
    sorting every wide row to reach a deep page took 250 ms on SQLite and 80 ms on PostgreSQL with
    20,000 items (benchmarks/api_powers.py).
    """
    return list(items.filter(pk__in=items.values("pk")[start:start + size]))


class NarrowPages:
    """`items` for Django's Paginator, each page read by `page_of`: what the portal's list pages use."""

    def __init__(self, items: QuerySet[PowerItem]) -> None:
        self.items = items
        self.ordered = items.ordered

    def count(self) -> int:
        return self.items.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[PowerItem]:
        start = window.start or 0
        return page_of(self.items, start, (window.stop or start) - start)


def _public_leaders() -> QuerySet[Official]:
    """A version names its responsible leader only when that official is public too."""
    return public_queryset(Official).order_by()


def _public_posts() -> QuerySet[Post]:
    """A version names its handling post only when that post is public too (not an internal post)."""
    return public_queryset(Post).order_by()


def _in_full(items: QuerySet[PowerItem]) -> QuerySet[PowerItem]:
    """Public items with everything an item's page shows (legal bases, a public handling post and leader)."""
    return (
        items.select_related("unit", "parent", "published_version")
        .prefetch_related(Prefetch("published_version__legal_bases", queryset=LegalBasis.objects.order_by("position")),
                          Prefetch("published_version__handling_post", queryset=_public_posts()),
                          Prefetch("published_version__responsible_leader", queryset=_public_leaders()))
    )


def public_power(item_id: int) -> PowerItem | None:
    """One public item with everything its detail page shows, in a fixed number of queries."""
    return _in_full(public_queryset(PowerItem)).filter(pk=item_id).first()


def public_cancelled_power(item_id: int) -> CancelledPowerItem | None:
    """An item cancelled after publication (已取消), whose page and history stay public; None for any other."""
    return public_queryset(CancelledPowerItem).select_related("unit", "parent").filter(pk=item_id).first()


def public_record(item_id: int) -> PowerItem | None:
    """An item whose history is public: on the public list, or cancelled after publication."""
    return public_power(item_id) or public_cancelled_power(item_id)


def cancellation(history: Iterable[PowerItemVersion]) -> PowerItemVersion | None:
    """The approved cancellation (取消) among an item's public versions: its date and reason."""
    return next((v for v in history if v.change_kind == ChangeKind.CANCEL), None)


def public_powers_in_full(unit_code: str) -> QuerySet[PowerItem]:
    """A unit's public items, each with everything its page shows, in a fixed number of queries: what a
    printed handbook lists, in code order."""
    return _in_full(public_powers(unit_code=unit_code))


def public_powers_downloaded(*, unit_code: str | None = None, category: str | None = None, q: str | None = None,
                             include_sub_units: bool = False) -> QuerySet[PowerItem]:
    """The public list as open data (开放数据): the rows the list page gives for the same filters (with `q`, the
    search's matches, at most DOWNLOAD_MATCHES of them), each with everything its page shows (legal bases, a
    public handling post and leader)."""
    items = public_powers(unit_code=unit_code, category=category, include_sub_units=include_sub_units)
    if q:
        found = public_power_search(q=q, unit_code=unit_code, category=category, include_sub_units=include_sub_units)
        items = items.filter(pk__in=[item.pk for item in found.page(0, DOWNLOAD_MATCHES)])
    return _in_full(items)


DOWNLOAD_MATCHES = 1_000  # as many as a search counts exactly (index.COUNT_CAP)


def public_power_history(item: PowerItem) -> QuerySet[PowerItemVersion]:
    """The approved versions of a public item (or of one cancelled after publication, the cancellation
    first), newest first."""
    return (
        public_queryset(PowerItemVersion)
        .filter(item=item)
        .prefetch_related(Prefetch("legal_bases", queryset=LegalBasis.objects.order_by("position")),
                          Prefetch("handling_post", queryset=_public_posts()),
                          Prefetch("responsible_leader", queryset=_public_leaders()))
        .order_by("-number")
    )


def public_snapshot(version: PowerItemVersion) -> dict[str, Any]:
    """A public version's content as the public query path shows it: its handling post and responsible
    leader only when they are public too (else null). What a public log entry holds."""
    data = version.snapshot()
    for key, model in (("handling_post", Post), ("responsible_leader", Official)):
        if data[key] is not None and not public_queryset(model).filter(pk=data[key]).exists():
            data[key] = None
    return data


def public_history_with_leaves(item: PowerItem) -> list[tuple[PowerItemVersion, int | None]]:
    """The approved versions of a public item, newest first, each with the index of its leaf in the log
    (None while the sequencer has not appended it yet): what the portal links proofs from."""
    history = list(public_power_history(item))
    leaves = record_leaf_indexes(history)
    return [(version, leaves.get(version.pk)) for version in history]


def staff_powers(*, viewer: Any, unit_code: str | None = None, q: str | None = None,
                 status: str | None = None) -> QuerySet[PowerItem]:
    """Items of the units the viewer works in, whatever their state, each with its newest version's
    name, number, kind and status (`latest_name`, `latest_number`, `latest_kind`, `latest_status`): what
    staff work on, published or not. `status` keeps the items whose newest version is in that state."""
    newest = PowerItemVersion.objects.filter(item=OuterRef("pk")).order_by("-number")
    items = (PowerItem.objects.filter(unit__in=units_for(viewer, READ_ROLES))
             .select_related("unit", "published_version")
             .annotate(latest_name=Subquery(newest.values("name")[:1]),
                       latest_number=Subquery(newest.values("number")[:1]),
                       latest_kind=Subquery(newest.values("change_kind")[:1]),
                       latest_status=Subquery(newest.values("status")[:1])))
    if unit_code:
        items = items.filter(unit__code=unit_code)
    if q:
        items = items.filter(Exists(PowerItemVersion.objects.filter(item=OuterRef("pk"), name__icontains=q))
                             | Q(code__icontains=q))
    if status:
        items = items.filter(latest_status=status)
    return items.order_by("unit__path", "code")


def staff_item(*, viewer: Any, item_id: int) -> PowerItem | None:
    return PowerItem.objects.filter(unit__in=units_for(viewer, READ_ROLES), pk=item_id).select_related(
        "unit", "published_version").first()


def item_to_edit(*, viewer: Any, item_id: int) -> PowerItem:
    """The item `item_id` for the editor's forms: NotFound when there is none, NotAllowed unless the
    viewer holds a write role (编制) on its unit; the unit is named only to those who may see it."""
    item = PowerItem.objects.select_related("unit", "published_version").filter(pk=item_id).first()
    if item is None:
        raise NotFound("事项不存在", field="id")
    if not can_edit(viewer, item.unit):
        seen = units_for(viewer, READ_ROLES).filter(pk=item.unit_id).exists()
        raise NotAllowed(f"您没有{item.unit.name}的编制权限" if seen else "您没有该事项的编制权限", field="unit")
    return item


def open_version(item: PowerItem) -> PowerItemVersion | None:
    """The item's version still a draft or waiting for review, if any: while it is open no other is written."""
    return item.versions.filter(status__in=OPEN_STATUSES).order_by("-number").first()


def main_items(unit: Unit) -> QuerySet[PowerItem]:
    """The items of `unit` a new sub-item may hang under (main items not cancelled), each with its newest
    name (`latest_name`), in code order."""
    newest = PowerItemVersion.objects.filter(item=OuterRef("pk")).order_by("-number")
    return (PowerItem.objects.filter(unit=unit, parent__isnull=True, is_cancelled=False)
            .annotate(latest_name=Subquery(newest.values("name")[:1])).order_by("code"))


def posts_to_handle(unit: Unit, keep: int | None = None) -> QuerySet[Post]:
    """The posts a version of `unit`'s item may name as its handling post (承办岗位): the unit's own, and
    `keep` (the one the version revised names) wherever it is."""
    return Post.objects.filter(Q(unit=unit) | Q(pk=keep)).order_by("name")


def leaders_to_name(unit: Unit, keep: int | None = None) -> QuerySet[Official]:
    """The officials a version of `unit`'s item may name as responsible leader (责任领导): the unit's own,
    and `keep` (the one the version revised names) wherever they are."""
    return Official.objects.filter(Q(unit=unit) | Q(pk=keep)).order_by("sort_order", "id")


def staff_units(*, viewer: Any, roles: Iterable[str] = READ_ROLES) -> QuerySet[Unit]:
    """The units whose lists the viewer works on (by `roles`), in tree order."""
    return units_for(viewer, roles).order_by("path")


def staff_unit(*, viewer: Any, code: str | None, roles: Iterable[str] = READ_ROLES) -> Unit | None:
    """The unit `code` if the viewer holds one of `roles` there (or above it); None otherwise."""
    return units_for(viewer, roles).filter(code=code).first() if code else None


def unit_named(code: str) -> Unit:
    """The unit a request names by code (units are public); refused, naming the field, when there is
    none. Whether the viewer may edit it is the service's check (power_item_create)."""
    unit = public_queryset(Unit).filter(code=code).first()
    if unit is None:
        raise DomainError(f"单位{code}不存在", field="unit")
    return unit


def main_item_to_attach(*, viewer: Any, item_id: int) -> PowerItem:
    """The main item (主项) a new sub-item names, if the viewer may see it; that it belongs to the same
    unit is the service's rule (power_item_create)."""
    item = staff_item(viewer=viewer, item_id=item_id)
    if item is None:
        raise DomainError("主项不存在或您无权查看", field="main_item")
    return item


def staff_version(*, viewer: Any, version_id: int) -> PowerItemVersion | None:
    return PowerItemVersion.objects.filter(
        item__unit__in=units_for(viewer, READ_ROLES), pk=version_id).select_related("item__unit").first()


def review_queue(*, viewer: Any) -> QuerySet[PowerItemVersion]:
    return (PowerItemVersion.objects.filter(status=VersionStatus.SUBMITTED,
                                            item__unit__in=units_for(viewer, REVIEW_ROLES))
            .select_related("item__unit", "author").order_by("submitted_at", "id"))


def version_to_revise(item: PowerItem, number: int | None = None) -> PowerItemVersion | None:
    """The version a new version of `item` starts from: version `number` when given; else the published
    one (a change builds on what the public sees, not on a change that was sent back); else the newest
    (an item never published: its first version, perhaps returned). None for an item with no version."""
    versions = item.versions.prefetch_related(Prefetch("legal_bases", queryset=LegalBasis.objects.order_by("position")))
    if number is not None:
        return versions.filter(number=number).first()
    if item.published_version_id is not None:
        return versions.filter(pk=item.published_version_id).first()
    return versions.order_by("-number").first()


def previous_version(version: PowerItemVersion) -> PowerItemVersion | None:
    """The version a diff compares `version` with by default: the one numbered just before it."""
    return version.item.versions.filter(number__lt=version.number).order_by("-number").first()


def version_diff(old: PowerItemVersion | None, new: PowerItemVersion) -> list[dict[str, Any]]:
    """Field-by-field changes from `old` to `new` (all fields when `old` is None), in the words
    users read: choice labels, post and leader names, limits as '20个工作日'."""
    before = _readable(old) if old else {}
    after = _readable(new)
    changes = []
    for name in (*CONTENT_FIELDS, "legal_bases"):
        a, b = before.get(name), after.get(name)
        if a != b:
            label = "设定依据" if name == "legal_bases" else str(PowerItemVersion._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
            changes.append({"field": name, "label": label, "before": a, "after": b})
    return changes


def _readable(version: PowerItemVersion) -> dict[str, Any]:
    data = version.snapshot()
    for name in ("category", "audience", "exemption", "statutory_limit_unit", "promised_limit_unit"):
        data[name] = getattr(version, f"get_{name}_display")()
    for kind in ("statutory", "promised"):
        data[f"{kind}_limit"] = format_limit(getattr(version, f"{kind}_limit"), getattr(version, f"{kind}_limit_unit"))
    data["handling_post"] = version.handling_post.name if version.handling_post else None
    data["responsible_leader"] = str(version.responsible_leader) if version.responsible_leader else None
    return data


def import_jobs(*, viewer: Any, limit: int = 10) -> list[ImportJob]:
    """The viewer's own latest Excel imports, newest first (without their workbooks)."""
    return list(ImportJob.objects.filter(author=viewer).defer("workbook").select_related("unit")
                .order_by("-created_at", "-pk")[:limit])


def staff_import_job(*, viewer: Any, job_id: int) -> ImportJob | None:
    """An import job, for the one who started it or staff who may read its unit's list."""
    jobs = ImportJob.objects.defer("workbook").select_related("unit", "author")
    return jobs.filter(pk=job_id).filter(Q(author=viewer) | Q(unit__in=units_for(viewer, READ_ROLES))).first()
