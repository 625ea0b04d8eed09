"""What a printed handbook (权力手册) and the boards (图板) hold, read through the public query path only.

Print is publication: a page pasted on a 公开栏 shows exactly what the portal shows, no more. Every item,
unit, official, post and risk point here comes from the public selectors of catalog, org and flows, and
each page carries the address of its live record (`live_url`), so a reprinted page still leads to the
current truth.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet

from sunlit.catalog import selectors
from sunlit.catalog.models import LegalBasis, PowerItem, PowerItemVersion
from sunlit.core.visibility import public_queryset
from sunlit.flows import risks, services
from sunlit.flows.models import RiskPoint
from sunlit.flows.selectors import PublicFlow, at_flow_step, public_flow, public_post_ids
from sunlit.org.models import Official, Post, Unit

Progress = Callable[[int, int, str], None]
"""(done, total, what): called as each item is read and its chart drawn."""


def live_url(path: str) -> str:
    """The public address of a portal page: SUNLIT_PUBLIC_URL (the portal as residents reach it) + path."""
    return settings.SUNLIT_PUBLIC_URL.rstrip("/") + path


def item_url(item: PowerItem) -> str:
    return live_url(f"/powers/{item.pk}/")


def unit_url(unit: Unit) -> str:
    return live_url(f"/units/{unit.code}/")


@dataclass
class ItemPage:
    """One item as the handbook prints it: its public version, chart and step list, its risk points."""

    item: PowerItem
    version: PowerItemVersion
    legal_bases: list[LegalBasis]
    handling_post: Post | None
    leader: Official | None
    flow: PublicFlow | None
    chart_svg: str | None
    risks: list[RiskPoint]
    url: str


@dataclass
class UnitSection:
    unit: Unit
    items: list[ItemPage] = field(default_factory=list)
    post_risks: list[RiskPoint] = field(default_factory=list)  # risks of a post, not of one item's step
    url: str = ""


def public_unit(code: str) -> Unit | None:
    return public_queryset(Unit).filter(code=code).first()


def units_covered(unit: Unit, *, with_sub_units: bool) -> QuerySet[Unit]:
    """The unit, and with `with_sub_units` every public unit under it, in the tree's order."""
    units = public_queryset(Unit)
    units = units.filter(path__startswith=unit.path) if with_sub_units else units.filter(pk=unit.pk)
    return units.order_by("path")


def _leader(version: PowerItemVersion) -> Official | None:
    # `public_powers_in_full` prefetches the leader through the public path: a hidden one reads as None.
    try:
        return version.responsible_leader
    except Official.DoesNotExist:
        return None


def _page(item: PowerItem, unit_risks: list[RiskPoint], shown_posts: set[int], charts: dict[int, str]) -> ItemPage:
    version = item.published_version
    assert version is not None  # the public path holds published items only
    flow = public_flow(item)
    chart_svg = None
    if flow is not None:
        if flow.version.pk not in charts:
            charts[flow.version.pk] = services.flow_chart_svg(flow)
        chart_svg = charts[flow.version.pk]
    return ItemPage(
        item=item, version=version, legal_bases=list(version.legal_bases.all()),
        handling_post=version.handling_post if version.handling_post_id in shown_posts else None,
        leader=_leader(version), flow=flow, chart_svg=chart_svg,
        risks=[r for r in unit_risks if r.item_id == item.pk or (flow is not None and at_flow_step(r, flow))],
        url=item_url(item),
    )


def _shown_posts(items: list[PowerItem]) -> set[int]:
    return public_post_ids(i.published_version.handling_post_id for i in items if i.published_version)


def item_pages(unit: Unit, charts: dict[int, str], progress: Progress | None = None,
               done: int = 0, total: int = 0) -> tuple[list[ItemPage], list[RiskPoint]]:
    """A unit's public items with their charts, and the unit's public risks tied to no item or step.

    `charts` caches drawn charts by flow version id across units: a category template serves many items.
    """
    items = list(selectors.public_powers_in_full(unit.code))
    unit_risks = list(risks.public_risks(unit))
    shown_posts = _shown_posts(items)
    pages: list[ItemPage] = []
    for n, item in enumerate(items, start=1):
        pages.append(_page(item, unit_risks, shown_posts, charts))
        if progress:
            progress(done + n, total, pages[-1].version.name)
    shown = {r.pk for page in pages for r in page.risks}
    loose = [r for r in unit_risks if r.pk not in shown and r.item_id is None]
    return pages, loose


def item_page(item_id: int) -> ItemPage | None:
    """One public item as a board prints it, or None when it is not public."""
    item = selectors.public_power(item_id)
    if item is None:
        return None
    return _page(item, list(risks.public_risks(item.unit)), _shown_posts([item]), {})


def handbook_sections(unit: Unit, *, with_sub_units: bool = False,
                      progress: Progress | None = None) -> list[UnitSection]:
    """Every unit the handbook covers with its public items, charts drawn (or taken from their cache)."""
    units = list(units_covered(unit, with_sub_units=with_sub_units))
    total = sum(selectors.public_powers(unit_code=u.code).count() for u in units)
    charts: dict[int, str] = {}
    sections, done = [], 0
    for u in units:
        pages, loose = item_pages(u, charts, progress, done, total)
        done += len(pages)
        sections.append(UnitSection(unit=u, items=pages, post_risks=loose, url=unit_url(u)))
    return sections


def board_officials(unit: Unit) -> QuerySet[Official]:
    """The officials' board (干部公示栏): the unit's public officials in their order, with portfolios."""
    return public_queryset(Official).filter(unit=unit).prefetch_related("portfolio").order_by("sort_order", "id")
