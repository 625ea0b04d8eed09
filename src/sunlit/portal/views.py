"""Public pages. They read through the catalog's public selectors only (DESIGN.md, Visibility)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.paginator import Page
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from sunlit.cases import selectors as case_selectors
from sunlit.cases import services as case_services
from sunlit.catalog import selectors
from sunlit.catalog.models import Category, PowerItem
from sunlit.core import clock, paging
from sunlit.core.errors import DomainError
from sunlit.core.visibility import public_queryset
from sunlit.flows import risks
from sunlit.flows import selectors as flow_selectors
from sunlit.org import selectors as org_selectors
from sunlit.org.models import Unit
from sunlit.portal import offline
from sunlit.record.selectors import latest_checkpoint, verifier_key

PAGE_SIZE = 20
FAVICON_MAX_AGE = 7 * 24 * 3600


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {
        "groups": org_selectors.public_unit_groups(), "categories": Category.choices,
        "total": selectors.public_powers().count(),
    })


def power_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    unit_code = request.GET.get("unit", "").strip()[:32] or None
    asked = request.GET.get("category", "")
    category = asked if asked in Category.values else None
    unit = public_queryset(Unit).filter(code=unit_code).first() if unit_code else None
    # The same rows as open data (portal.opendata reads these parameters the same way).
    download = urlencode([(k, v) for k, v in (("unit", unit_code), ("category", category), ("q", q)) if v])
    context: dict[str, object] = {"q": q, "unit": unit, "category": category, "categories": Category.choices,
                                  "search": None, "needles": None, "download_query": download}
    listed: object
    if q:
        try:
            listed = found = selectors.public_power_search(q=q, unit_code=unit_code, category=category,
                                                           include_sub_units=True)
        except DomainError as refused:
            return render(request, "portal/power_list.html", {**context, "error": refused.message}, status=400)
        context.update(search=found, needles=found.query.needles)
    else:
        listed = selectors.NarrowPages(selectors.public_powers(unit_code=unit_code, category=category,
                                                               include_sub_units=True))
    page: Page[PowerItem] = paging.paginate(listed, PAGE_SIZE, request.GET.get("page"))  # type: ignore[arg-type]
    return render(request, "portal/power_list.html", {**context, "page": page})


def power_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    item = selectors.public_power(item_id)
    if item is None:
        return cancelled_power(request, item_id)
    return render(request, "portal/power_detail.html", {
        "item": item, "v": item.published_version, "history": selectors.public_history_with_leaves(item),
        "flow": flow_selectors.public_flow(item), "chart_url": f"/api/v1/powers/{item.pk}/flow.svg",
        "can_apply": case_services.can_apply(item),
        "sub_items": selectors.public_powers().filter(parent=item),
    })


def cancelled_power(request: HttpRequest, item_id: int) -> HttpResponse:
    """An item cancelled after publication keeps its page: 已取消, when and why, and its history."""
    item = selectors.public_cancelled_power(item_id)
    if item is None:
        raise Http404("事项不存在或未公开")
    history = selectors.public_history_with_leaves(item)
    cancelled = selectors.cancellation(v for v, _ in history)
    return render(request, "portal/power_cancelled.html", {"item": item, "cancelled": cancelled, "history": history})


def verify_help(request: HttpRequest) -> HttpResponse:
    """How anyone can check a downloaded proof offline, with the log's public key."""
    latest = latest_checkpoint()
    return render(request, "portal/verify.html", {"key": verifier_key(), "checkpoint": latest})


def verifier_download(request: HttpRequest) -> HttpResponse:
    """The offline verifier as one HTML file to save, with the log's key pinned in it (portal.offline)."""
    page = offline.verifier_page(key=verifier_key(), site=settings.SUNLIT_PUBLIC_URL, made_at=clock.now())
    response = HttpResponse(page.html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{offline.FILENAME}"'
    # Were it ever shown rather than saved, the file's own policy (as in its <meta>) lets it work as it would
    # from disk; the middleware leaves a policy already set alone.
    response["Content-Security-Policy"] = page.policy + "; frame-ancestors 'none'"
    return response


def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = public_queryset(Unit).filter(code=code).first()
    if unit is None:
        raise Http404("单位不存在")
    officials = org_selectors.public_officials(unit_code=unit.code)
    children = public_queryset(Unit).filter(parent=unit).order_by("sort_order", "code")
    return render(request, "portal/unit.html", {
        "unit": unit, "officials": officials, "children": children,
        "count": selectors.public_powers(unit_code=unit.code).count(),
        "risks": risks.public_risks(unit), "templates": flow_selectors.public_templates(unit),
        "ratings": (ratings := case_selectors.rating_distribution([unit.pk])),
        "rated": sum(r.count for r in ratings),
        "rating_comments": case_selectors.public_rating_comments([unit.pk]),
    })


def unit_print(request: HttpRequest, code: str) -> HttpResponse:
    """A unit's public power list to print (打印版): one table, the header repeated on every sheet."""
    unit = public_queryset(Unit).filter(code=code).first()
    if unit is None:
        raise Http404("单位不存在")
    return render(request, "portal/unit_print.html", {
        "unit": unit, "items": selectors.public_powers_in_full(unit.code), "today": clock.today(),
        "unit_url": request.build_absolute_uri(f"/units/{unit.code}/"),
    })


def unit_flow(request: HttpRequest, code: str, category: str) -> HttpResponse:
    """A unit's category flow chart (类别流程图), with the items that follow it."""
    unit = public_queryset(Unit).filter(code=code).first()
    flow = flow_selectors.public_template_flow(unit, category) if unit and category in Category.values else None
    if unit is None or flow is None:
        raise Http404("该单位没有已发布的类别流程图")
    label = Category(category).label
    return render(request, "portal/unit_flow.html", {
        "unit": unit, "flow": flow, "label": label, "items": flow_selectors.items_following(unit, category),
        "chart_url": f"/api/v1/units/{unit.code}/flows/{category}/flow.svg",
    })


@cache
def _favicon() -> bytes:
    found = finders.find("sunlit/favicon.ico")
    return Path(str(found)).read_bytes()


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, where browsers and bookmarks look first (pages also name the SVG icon in static/)."""
    response = HttpResponse(_favicon(), content_type="image/x-icon")
    response["Cache-Control"] = f"public, max-age={FAVICON_MAX_AGE}"
    return response
