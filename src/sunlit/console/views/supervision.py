"""督权 pages: for supervisors (纪检监察), the board of the units they cover, the open cards with the forms
that resolve them or refer them for accountability, and the form that enters a finding of their own; for
every login, the inbox of the cards that reach it (预警消息). Thin: parse, call supervision.selectors /
supervision.services, render."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from sunlit.core import clock, paging
from sunlit.core.errors import DomainError
from sunlit.supervision import selectors, services
from sunlit.supervision.models import CardLevel, CardState

CARDS_PAGE = 50
INBOX_PAGE = 30
MONTHS_OFFERED = 24


def _covered(request: HttpRequest) -> None:
    if not selectors.board_units(request.user).exists():
        raise Http404("您没有监察权限")


def _month(text: str, today: dt.date) -> dt.date:
    """The month asked for (YYYY-MM, not after this one), as its first day; this month otherwise."""
    try:
        month = dt.date.fromisoformat(f"{text}-01") if len(text) == 7 else today
    except ValueError:
        month = today
    return min(month, today).replace(day=1)


def _chart(board: selectors.Board) -> dict[str, Any]:
    """The trend as the chart script reads it (the same numbers as the table beside it)."""
    return {
        "labels": [f"{p.month.year}年{p.month.month}月" for p in board.trend],
        "decided": [p.decided.count for p in board.trend],
        "onTimeRate": [p.decided.on_time_rate for p in board.trend],
        "decidedLabel": "办结件数", "rateLabel": "按期办结率（%）",
    }


@login_required
def board(request: HttpRequest) -> HttpResponse:
    _covered(request)
    today = clock.today()
    month = _month(request.GET.get("month", "").strip(), today)
    found = selectors.supervision_board(viewer=request.user, day=today, month=month)
    months = [selectors.months_back(today.replace(day=1), n) for n in range(MONTHS_OFFERED)]
    return render(request, "console/board.html", {
        "board": found, "month_key": f"{month:%Y-%m}", "months": months, "chart": _chart(found),
        "levels": CardLevel.choices,
    })


# ------------------------------------------------------------------------------------------- cards

def _card_filters(request: HttpRequest) -> dict[str, str]:
    return {name: request.GET.get(name, "").strip()[:40] for name in ("unit", "level", "trigger")
            if request.GET.get(name, "").strip()}


def _cards_page(request: HttpRequest, filters: dict[str, str], *, errors: dict[int, str] | None = None,
                values: dict[int, str] | None = None, refused: str = "", status: int = 200) -> HttpResponse:
    cards = selectors.open_cards(viewer=request.user, unit=filters.get("unit"), level=filters.get("level"),
                                 trigger=filters.get("trigger"))
    page = paging.paginate(cards, CARDS_PAGE, request.GET.get("page"))
    units = selectors.board_units(request.user).filter(cards__state=CardState.OPEN).distinct()
    triggers = sorted({t for t in selectors.open_cards(viewer=request.user).values_list("trigger", flat=True)})
    return render(request, "console/board_cards.html", {
        "page": page, "rows": selectors.card_rows(list(page)), "filters": filters,
        "query": urlencode(filters), "levels": CardLevel.choices, "units": units,
        "triggers": [(t, selectors.TRIGGER_LABELS.get(t, t)) for t in triggers],
        "errors": errors or {}, "values": values or {}, "refused": refused,
        "may_enter": selectors.supervised_units(request.user).exists(),
    }, status=status)


@login_required
def cards(request: HttpRequest) -> HttpResponse:
    _covered(request)
    return _cards_page(request, _card_filters(request))


ACTIONS = {"resolve": (services.card_resolve, "预警已处理"), "refer": (services.card_refer, "已移送问责")}


@login_required
@require_POST
def card_action(request: HttpRequest, card_id: int, action: str) -> HttpResponse:
    _covered(request)
    chosen = ACTIONS.get(action)
    card = selectors.open_card(viewer=request.user, card_id=card_id)
    if chosen is None or card is None:
        raise Http404("没有这条预警或这项操作")
    act, done = chosen
    note = request.POST.get("note", "")[:2000]
    filters = _card_filters(request)
    try:
        act(card=card, note=note, actor=request.user)
    except DomainError as exc:
        return _cards_page(request, filters, errors={card.pk: exc.message}, values={card.pk: note},
                           refused=f"{card.label}：{exc.message}", status=exc.status)
    messages.success(request, f"{done}：{card.label}")
    target = "/console/board/cards/"
    return redirect(f"{target}?{urlencode(filters)}" if filters else target)


ENTRY_FIELDS = ("receipt", "detail")


@login_required
@require_http_methods(["GET", "POST"])
def card_new(request: HttpRequest) -> HttpResponse:
    """录入其他异常: a supervisor's finding on a case of a unit they supervise."""
    if not selectors.supervised_units(request.user).exists():
        raise Http404("您没有监察权限")
    values = {name: request.POST.get(name, "")[:2100] for name in ENTRY_FIELDS}
    errors: dict[str, str] = {}
    if request.method == "POST":
        case = selectors.case_for_entry(viewer=request.user, receipt=values["receipt"])
        try:
            if case is None:
                raise DomainError("没有这个受理编号的办件，或该办件不属于您监察的单位", field="receipt")
            card = services.card_enter(case=case, detail=values["detail"], actor=request.user)
        except DomainError as exc:
            errors[exc.field if exc.field in ENTRY_FIELDS else "form"] = exc.message
        else:
            messages.success(request, f"已录入：{card.label}")
            return redirect(f"/console/board/cards/?{urlencode({'trigger': card.trigger})}")
    else:
        values["receipt"] = request.GET.get("receipt", "").strip()[:60]
    return render(request, "console/board_enter.html", {"values": values, "errors": errors},
                  status=400 if errors else 200)


# ------------------------------------------------------------------------------------------- the inbox

def _inbox_query(source: Any) -> str:
    """The inbox's own parameters (which cards, which page), as its links and forms carry them."""
    kept = {"show": "unread"} if source.get("show") == "unread" else {}
    page = source.get("page", "")
    if page.isdigit():
        kept["page"] = page
    return urlencode(kept)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    unread = request.GET.get("show") == "unread"
    cards = selectors.inbox(viewer=request.user, day=clock.today(), unread=unread)
    page = paging.paginate(cards, INBOX_PAGE, request.GET.get("page"))
    rows = selectors.card_rows(list(page))
    return render(request, "console/inbox.html", {
        "page": page, "rows": rows, "unread": unread, "query": _inbox_query(request.GET),
        "page_unread": sum(not getattr(r.card, "read", False) for r in rows),
    })


@login_required
@require_POST
def inbox_read(request: HttpRequest) -> HttpResponse:
    """标为已读: the card whose button was pressed, or every card of the page shown."""
    chosen = request.POST.getlist("page_card") if request.POST.get("scope") == "page" else request.POST.getlist("card")
    ids = [int(i) for i in chosen[:INBOX_PAGE] if i.isdigit()]
    services.card_mark_read(viewer=request.user, card_ids=ids)
    query = _inbox_query(request.GET)
    return redirect(f"/console/inbox/?{query}" if query else "/console/inbox/")
