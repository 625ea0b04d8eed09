"""督权 through the API: the e-supervision cards (黄牌, 红牌, 异常) of the units a supervisor covers, closing
them, and the board's figures, each with the address of the cases or cards it counts. The same selectors
and services as the console's board: logins with the supervisor (纪检监察) or administrator role reach the
units where they hold it and the units below; others are refused."""

from __future__ import annotations

import datetime as dt
from contextlib import suppress
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router

from sunlit.api import schemas as s
from sunlit.api.auth import staff_auth
from sunlit.core import clock
from sunlit.core.errors import DomainError, NotAllowed, NotFound
from sunlit.supervision import selectors, services
from sunlit.supervision.anomalies import LABELS as ANOMALY_RULES
from sunlit.supervision.models import Card, CardLevel, CardState

router = Router(auth=staff_auth, tags=["电子监察"])


class CardFilters(s.InputSchema):
    unit: str | None = s.Field(None, max_length=32, description="单位编码（只含该单位本身）")
    level: CardLevel | None = None
    state: CardState | None = s.Field(None, description="不填为全部状态")
    trigger: str | None = s.Field(None, max_length=40)
    page: s.PageNumber = 1
    page_size: int = s.Field(50, ge=1, le=100)


class AnomalyFilters(s.InputSchema):
    unit: str | None = s.Field(None, max_length=32, description="单位编码（只含该单位本身）")
    state: CardState | None = s.Field(None, description="不填为全部状态")
    trigger: str | None = s.Field(None, max_length=40)
    page: s.PageNumber = 1
    page_size: int = s.Field(50, ge=1, le=100)


class NoteIn(s.InputSchema):
    note: str = s.Field("", max_length=2000)


class StatisticsQuery(s.InputSchema):
    month: str | None = s.Field(None, max_length=7, description="统计月份，如 2026-10；不填为本月")


class CardOut(s.Schema):
    id: int
    level: str
    level_label: str
    trigger: str
    rule: str
    unit: str
    unit_name: str
    label: str
    due: dt.date | None
    detail: str
    issued_at: s.LocalDateTime
    state: str
    state_label: str
    closed_at: s.LocalDateTime | None
    closed_by: str | None
    note: str
    receipt: str | None
    case: str | None


class CardPageOut(s.Schema):
    count: int
    page: int
    page_size: int
    items: list[CardOut]


class AnomalyPageOut(CardPageOut):
    rules: dict[str, str]


class Figure(s.Schema):
    """A figure of the board and the address of what it counts (the staff case list or the cards)."""

    value: int | float | None
    href: str


class DecidedOut(s.Schema):
    count: Figure
    on_time: Figure
    on_time_rate: Figure
    late: Figure
    early: Figure
    early_rate: Figure
    average_days: Figure


class RatingShareOut(s.Schema):
    level: str
    label: str
    count: Figure
    percent: float


class UnitFiguresOut(s.Schema):
    unit: str | None
    unit_name: str | None
    open: Figure
    overdue: Figure
    stopped: Figure
    cards: dict[str, Figure]
    decided: DecidedOut
    ratings: list[RatingShareOut]
    rated: Figure
    rank: int | None


class RankOut(s.Schema):
    rank: int
    unit: str
    unit_name: str
    on_time_rate: Figure
    average_days: Figure
    decided: Figure


class TrendOut(s.Schema):
    month: str
    decided: Figure
    on_time_rate: Figure
    average_days: Figure


class StatisticsOut(s.Schema):
    day: dt.date
    month: str
    units: list[UnitFiguresOut]
    quiet: int
    total: UnitFiguresOut
    ranking: list[RankOut]
    trend: list[TrendOut]


# ------------------------------------------------------------------------------------------- helpers

def _covered(request: HttpRequest) -> None:
    """As the console's board: only a login that supervises some unit."""
    if not selectors.board_units(request.user).exists():
        raise NotAllowed("您没有监察权限（须在所监察单位担任纪检监察或管理员）", field="actor")


def _card(request: HttpRequest, card_id: int) -> Card:
    _covered(request)
    card = selectors.open_card(viewer=request.user, card_id=card_id)
    if card is None:
        raise NotFound("预警不存在或不在您监察的单位", field="id")
    return card


def _card_out(row: selectors.CardRow) -> dict[str, Any]:
    c = row.card
    return {
        "id": c.pk, "level": c.level, "level_label": c.get_level_display(), "trigger": c.trigger,
        "rule": row.trigger_label, "unit": c.unit.code, "unit_name": c.unit.name, "label": c.label, "due": c.due,
        "detail": c.detail, "issued_at": c.issued_at, "state": c.state, "state_label": c.get_state_display(),
        "closed_at": c.closed_at, "closed_by": c.closed_by.username if c.closed_by is not None else None,
        "note": c.note, "receipt": row.receipt,
        "case": reverse("api:get_case", kwargs={"receipt": row.receipt}) if row.receipt else None,
    }


def _shown(request: HttpRequest, card_id: int) -> dict[str, Any]:
    return _card_out(selectors.card_rows([_card(request, card_id)])[0])


def _page(cards: QuerySet[Card], page: int, size: int) -> dict[str, Any]:
    start = (page - 1) * size
    return {"count": cards.count(), "page": page, "page_size": size,
            "items": [_card_out(row) for row in selectors.card_rows(list(cards[start:start + size]))]}


def _month(text: str | None, today: dt.date) -> dt.date:
    """The month asked for (YYYY-MM), as its first day; this month when none is."""
    if not text:
        return today.replace(day=1)
    month = None
    if len(text) == 7:
        with suppress(ValueError):
            month = dt.date.fromisoformat(f"{text}-01")
    if month is None:
        raise DomainError("统计月份应为年月，如 2026-10", field="month")
    if month > today:
        raise DomainError("统计月份不能晚于本月", field="month")
    return month


def _link(name: str, **filters: Any) -> str:
    query = urlencode({k: v for k, v in filters.items() if v not in (None, "")})
    return reverse(name) + (f"?{query}" if query else "")


def _figure(value: int | float | None, name: str, **filters: Any) -> dict[str, Any]:
    return {"value": value, "href": _link(name, **filters)}


def _decided(d: selectors.Decided, unit: str | None, month: str) -> dict[str, Any]:
    cases = "api:list_cases"
    return {
        "count": _figure(d.count, cases, unit=unit, decided=month),
        "on_time": _figure(d.on_time, cases, unit=unit, decided=month, timing="on_time"),
        "on_time_rate": _figure(d.on_time_rate, cases, unit=unit, decided=month, timing="on_time"),
        "late": _figure(d.late, cases, unit=unit, decided=month, timing="late"),
        "early": _figure(d.early, cases, unit=unit, decided=month, timing="early"),
        "early_rate": _figure(d.early_rate, cases, unit=unit, decided=month, timing="early"),
        "average_days": _figure(d.average_days, cases, unit=unit, decided=month),
    }


def _unit_figures(f: selectors.UnitFigures, month: str) -> dict[str, Any]:
    """One row of the board (or its total, when `f.unit` is None), each figure linked as the board links it."""
    code = f.unit.code if f.unit is not None else None
    cases, cards = "api:list_cases", "api:list_cards"
    return {
        "unit": code, "unit_name": f.unit.name if f.unit is not None else None,
        "open": _figure(f.open, cases, unit=code, state="active"),
        "overdue": _figure(f.overdue, cases, unit=code, overdue="true"),
        "stopped": _figure(f.stopped, cases, unit=code, state="stopped"),
        "cards": {level: _figure(f.cards.get(level, 0), cards, unit=code, level=level, state=CardState.OPEN.value)
                  for level in CardLevel.values},
        "decided": _decided(f.decided, code, month),
        "ratings": [{"level": share.level, "label": share.label, "percent": share.percent,
                     "count": _figure(share.count, cases, unit=code, rating=share.level)} for share in f.ratings],
        "rated": _figure(f.rated, cases, unit=code, rating="any"),
        "rank": f.rank or None,
    }


# ------------------------------------------------------------------------------------------- cards

@router.get("/supervision/cards", response=CardPageOut, summary="监察预警（黄牌、红牌、异常）：筛选与分页")
def list_cards(request: HttpRequest, filters: Query[CardFilters]) -> Any:
    _covered(request)
    cards = selectors.board_cards(viewer=request.user, unit=filters.unit, level=filters.level,
                                  state=filters.state, trigger=filters.trigger)
    return _page(cards, filters.page, filters.page_size)


@router.get("/supervision/cards/{card_id}", response=CardOut, summary="一条监察预警")
def get_card(request: HttpRequest, card_id: int) -> Any:
    return _shown(request, card_id)


@router.post("/supervision/cards/{card_id}/resolve", response=CardOut, summary="处理并关闭预警（写明处理说明）")
def resolve_card(request: HttpRequest, card_id: int, payload: NoteIn) -> Any:
    services.card_resolve(card=_card(request, card_id), note=payload.note, actor=request.user)
    return _shown(request, card_id)


@router.post("/supervision/cards/{card_id}/refer", response=CardOut, summary="移送问责（红牌和异常；写明处理说明）")
def refer_card(request: HttpRequest, card_id: int, payload: NoteIn) -> Any:
    services.card_refer(card=_card(request, card_id), note=payload.note, actor=request.user)
    return _shown(request, card_id)


@router.get("/supervision/anomalies", response=AnomalyPageOut, summary="异常（办理记录中发现的问题）及其规则")
def list_anomalies(request: HttpRequest, filters: Query[AnomalyFilters]) -> Any:
    _covered(request)
    cards = selectors.board_cards(viewer=request.user, unit=filters.unit, level=CardLevel.ANOMALY,
                                  state=filters.state, trigger=filters.trigger)
    return {**_page(cards, filters.page, filters.page_size), "rules": ANOMALY_RULES}


# ------------------------------------------------------------------------------------------- statistics

@router.get("/supervision/statistics", response=StatisticsOut,
            summary="监察看板的统计：各单位在办、预警、按期办结率、平均用时、提前办结、月度排名（每个数字附所统计办件的地址）")
def statistics(request: HttpRequest, query: Query[StatisticsQuery]) -> Any:
    _covered(request)
    today = clock.today()
    board = selectors.supervision_board(viewer=request.user, day=today, month=_month(query.month, today))
    key = f"{board.month:%Y-%m}"
    cases = "api:list_cases"
    return {
        "day": board.day, "month": key, "quiet": board.quiet,
        "units": [_unit_figures(f, key) for f in board.units],
        "total": _unit_figures(board.total, key),
        "ranking": [{
            "rank": f.rank, "unit": f.unit.code, "unit_name": f.unit.name,
            "on_time_rate": _figure(f.decided.on_time_rate, cases, unit=f.unit.code, decided=key, timing="on_time"),
            "average_days": _figure(f.decided.average_days, cases, unit=f.unit.code, decided=key),
            "decided": _figure(f.decided.count, cases, unit=f.unit.code, decided=key),
        } for f in board.ranking if f.unit is not None],
        "trend": [{
            "month": f"{p.month:%Y-%m}",
            "decided": _figure(p.decided.count, cases, decided=f"{p.month:%Y-%m}"),
            "on_time_rate": _figure(p.decided.on_time_rate, cases, decided=f"{p.month:%Y-%m}", timing="on_time"),
            "average_days": _figure(p.decided.average_days, cases, decided=f"{p.month:%Y-%m}"),
        } for p in board.trend],
    }
