"""Public pages. They read through the catalog's public selectors only (DESIGN.md, Visibility)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from sunlit.cases import selectors as case_selectors
from sunlit.cases import services as case_services
from sunlit.catalog import selectors
from sunlit.catalog.models import Category, PowerItem
from sunlit.core.errors import DomainError
from sunlit.core.visibility import public_queryset
from sunlit.flows import risks
from sunlit.flows import selectors as flow_selectors
from sunlit.org.models import Official, Unit
from sunlit.record.selectors import latest_checkpoint, verifier_key

PAGE_SIZE = 20


def home(request: HttpRequest) -> HttpResponse:
    units = public_queryset(Unit).order_by("path")
    return render(request, "portal/home.html", {
        "units": units, "categories": Category.choices, "total": selectors.public_powers().count(),
    })


def power_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    unit_code = request.GET.get("unit", "").strip()[:32] or None
    asked = request.GET.get("category", "")
    category = asked if asked in Category.values else None
    unit = public_queryset(Unit).filter(code=unit_code).first() if unit_code else None
    context: dict[str, object] = {"q": q, "unit": unit, "category": category, "categories": Category.choices, "search": None,
               "needles": None}
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
    pages: Paginator[PowerItem] = Paginator(listed, PAGE_SIZE)  # type: ignore[arg-type]
    return render(request, "portal/power_list.html", {**context, "page": pages.get_page(request.GET.get("page"))})


def power_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    item = selectors.public_power(item_id)
    if item is None:
        raise Http404("事项不存在或未公开")
    return render(request, "portal/power_detail.html", {
        "item": item, "v": item.published_version, "history": selectors.public_history_with_leaves(item),
        "flow": flow_selectors.public_flow(item), "chart_url": f"/api/v1/powers/{item.pk}/flow.svg",
        "can_apply": case_services.can_apply(item),
        "sub_items": selectors.public_powers().filter(parent=item),
    })


def verify_help(request: HttpRequest) -> HttpResponse:
    """How anyone can check a downloaded proof offline, with the log's public key."""
    latest = latest_checkpoint()
    return render(request, "portal/verify.html", {"key": verifier_key(), "checkpoint": latest})


def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = public_queryset(Unit).filter(code=code).first()
    if unit is None:
        raise Http404("单位不存在")
    officials = public_queryset(Official).filter(unit=unit).prefetch_related("portfolio")
    children = public_queryset(Unit).filter(parent=unit).order_by("sort_order", "code")
    return render(request, "portal/unit.html", {
        "unit": unit, "officials": officials, "children": children,
        "count": selectors.public_powers(unit_code=unit.code).count(),
        "risks": risks.public_risks(unit), "templates": flow_selectors.public_templates(unit),
        "ratings": (ratings := case_selectors.rating_distribution([unit.pk])),
        "rated": sum(r.count for r in ratings),
        "rating_comments": case_selectors.public_rating_comments([unit.pk]),
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
