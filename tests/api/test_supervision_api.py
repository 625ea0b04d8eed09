"""E-supervision through the API: the cards and anomalies of the units a supervisor covers, resolved or
referred once with a note, and the board's figures, each linking to the cases or cards it counts. The same
scope, selectors and services as the console's board; everyone else is refused and changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sunlit.cases.models import Case
from sunlit.core.clock import FixedClock
from sunlit.core.models import ApiToken, Event
from sunlit.org import services as org
from sunlit.org.models import Role, Unit
from sunlit.supervision.anomalies import BACKDATED, LABELS
from sunlit.supervision.models import Card, CardLevel, CardState
from sunlit.supervision.selectors import UnitFigures, supervision_board
from tests import factories
from tests.cases.conftest import Office
from tests.supervision.board_cases import card

pytestmark = pytest.mark.django_db
D = dt.date


class As:
    """An API client speaking as one user by a bearer token, or as no one."""

    def __init__(self, user: User | None = None, headers: dict[str, str] | None = None) -> None:
        self.headers = headers if headers is not None else factories.bearer(user) if user is not None else {}

    def get(self, url: str, **query: object) -> Any:
        return Client().get(url if url.startswith("/api/") else f"/api/v1{url}", query, headers=self.headers)

    def post(self, url: str, body: dict[str, object]) -> Any:
        return Client().post(f"/api/v1{url}", body, content_type="application/json", headers=self.headers)


def refused(response: Any, status: int, field: str) -> None:
    assert response.status_code == status, response.content
    assert response.json()["errors"][0]["field"] == field


def cards_as_they_were() -> tuple[Any, ...]:
    return (tuple(Card.objects.order_by("pk").values_list("state", "note", "closed_by", "closed_at")),
            Event.objects.count())


# ------------------------------------------------------------------------------------------- cards

def test_a_supervisor_lists_the_cards_of_the_units_covered_by_unit_level_state_and_trigger(
        county_cases: dict[str, Case], supervisor: User) -> None:
    api, overdue = As(supervisor), county_cases["overdue"]
    listed = api.get("/supervision/cards").json()

    assert listed["count"] == 2 and {c["level"] for c in listed["items"]} == {"red", "yellow"}
    red = next(c for c in listed["items"] if c["level"] == "red")
    assert (red["rule"], red["unit"], red["state"], red["receipt"]) == ("承诺办结时限", "YD-ZRZY", "open", overdue.receipt)
    assert red["case"] == f"/api/v1/cases/{overdue.receipt}"
    assert api.get(red["case"]).json()["receipt"] == overdue.receipt  # the supervisor reads the case it watches
    assert api.get(f"/supervision/cards/{red['id']}").json() == red

    def ids(**filters: object) -> list[int]:
        return [c["id"] for c in api.get("/supervision/cards", **filters).json()["items"]]

    yellow = Card.objects.get(level=CardLevel.YELLOW).pk
    assert ids(level="red") == [red["id"]] and ids(trigger="case.step") == [yellow]
    assert ids(unit="YD-ZRZY", state="open") == [yellow, red["id"]]  # newest first
    assert ids(unit="YD-CZ") == [] and ids(state="resolved") == []
    assert api.get("/supervision/cards", page_size=1, page=2).json()["items"][0]["id"] == red["id"]
    refused(api.get("/supervision/cards", level="purple"), 422, "level")
    refused(api.get("/supervision/cards", state="closed"), 422, "state")


def test_cards_are_resolved_or_referred_once_with_a_note_and_a_refusal_changes_nothing(
        county_cases: dict[str, Case], supervisor: User) -> None:
    api = As(supervisor)
    red, yellow = Card.objects.get(level=CardLevel.RED).pk, Card.objects.get(level=CardLevel.YELLOW).pk
    before = cards_as_they_were()

    refused(api.post(f"/supervision/cards/{yellow}/refer", {"note": "移送"}), 400, "card")
    refused(api.post(f"/supervision/cards/{red}/refer", {"note": "  "}), 400, "note")
    refused(api.post(f"/supervision/cards/{red}/resolve", {}), 400, "note")
    refused(api.post(f"/supervision/cards/{red}/resolve", {"note": "x" * 2001}), 422, "note")
    refused(api.post("/supervision/cards/999999/resolve", {"note": "已核查"}), 404, "id")
    assert cards_as_they_were() == before

    referred = api.post(f"/supervision/cards/{red}/refer", {"note": "超期未办结，移送问责"})
    assert referred.status_code == 200, referred.content
    assert (referred.json()["state"], referred.json()["closed_by"], referred.json()["note"]) == (
        "referred", "sup", "超期未办结，移送问责")
    after = cards_as_they_were()
    refused(api.post(f"/supervision/cards/{red}/resolve", {"note": "再处理"}), 409, "card")
    refused(api.post(f"/supervision/cards/{red}/refer", {"note": "再移送"}), 409, "card")
    assert cards_as_they_were() == after

    resolved = api.post(f"/supervision/cards/{yellow}/resolve", {"note": "已催办，当日办结"})
    assert resolved.status_code == 200 and resolved.json()["state"] == "resolved"
    refused(api.post(f"/supervision/cards/{yellow}/resolve", {"note": "已催办，当日办结"}), 409, "card")
    assert Event.objects.filter(action__startswith="supervision.card.").count() == 2
    assert [c["id"] for c in api.get("/supervision/cards", state="resolved").json()["items"]] == [yellow]
    assert api.get("/supervision/cards", state="open").json()["count"] == 0


def test_only_supervisors_and_administrators_of_the_unit_reach_its_cards(
        county_cases: dict[str, Case], office: Office, editor: User, county: dict[str, Unit]) -> None:
    red = Card.objects.get(level=CardLevel.RED).pk
    before = cards_as_they_were()
    for user in (office.window, office.director, editor):  # staff of the unit, without the supervisor's role
        api = As(user)
        for url in ("/supervision/cards", f"/supervision/cards/{red}", "/supervision/anomalies",
                    "/supervision/statistics"):
            refused(api.get(url), 403, "actor")
        refused(api.post(f"/supervision/cards/{red}/resolve", {"note": "已核查"}), 403, "actor")

    town = As(factories.staff("sup-town", county["town"], Role.SUPERVISOR))  # the township and its villages
    assert town.get("/supervision/cards").json()["count"] == 0
    refused(town.get(f"/supervision/cards/{red}"), 404, "id")
    refused(town.post(f"/supervision/cards/{red}/resolve", {"note": "已核查"}), 404, "id")
    assert "YD-ZRZY" not in str(town.get("/supervision/statistics", month="2026-10").json())

    refused(As().get("/supervision/cards"), 401, "Authorization")
    refused(As().post(f"/supervision/cards/{red}/resolve", {"note": "已核查"}), 401, "Authorization")
    sup = factories.staff("sup-old", county["gov"], Role.SUPERVISOR)
    token, raw = ApiToken.issue(sup, "旧令牌")
    org.api_token_revoke(token=token, actor=sup)
    revoked = As(headers={"Authorization": f"Bearer {raw}"})
    refused(revoked.get("/supervision/cards"), 401, "Authorization")
    refused(revoked.post(f"/supervision/cards/{red}/resolve", {"note": "已核查"}), 401, "Authorization")
    assert cards_as_they_were()[0] == before[0]
    assert not Event.objects.filter(action__startswith="supervision.card.").exists()

    admin = As(factories.staff("adm", county["land"], Role.ADMIN))  # the board's other role, as on the console
    assert admin.get("/supervision/cards").json()["count"] == 2


def test_anomalies_are_listed_with_their_rule_and_detail(county_cases: dict[str, Case], supervisor: User) -> None:
    backdated = card(county_cases["early"], CardLevel.ANOMALY, BACKDATED)
    Card.objects.filter(pk=backdated.pk).update(detail="「审查」记录的办理时间早于「受理」")
    listed = As(supervisor).get("/supervision/anomalies").json()

    assert listed["count"] == 1 and listed["rules"] == LABELS
    (found,) = listed["items"]
    assert (found["id"], found["trigger"], found["rule"]) == (backdated.pk, BACKDATED, "办理时间早于上一步")
    assert found["detail"] == "「审查」记录的办理时间早于「受理」" and found["receipt"] == county_cases["early"].receipt
    assert As(supervisor).get("/supervision/anomalies", trigger="case.off_post").json()["count"] == 0
    assert As(supervisor).get("/supervision/cards", level="anomaly").json()["items"] == listed["items"]


def test_the_card_list_takes_the_same_queries_whatever_the_page_size(county_cases: dict[str, Case],
                                                                     supervisor: User) -> None:
    for n, case in enumerate(county_cases.values()):
        made = card(case, CardLevel.ANOMALY, f"case.rule{n}")
        if n % 2:
            Card.objects.filter(pk=made.pk).update(state=CardState.RESOLVED, closed_by=supervisor, note="已核查")
    api = As(supervisor)

    def queries(size: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert len(api.get("/supervision/cards", page_size=size).json()["items"]) == size
        return len(captured)

    queries(1)  # a token's first use is noted (ApiToken.note_use); later ones within minutes write nothing
    assert queries(1) == queries(9)


# ------------------------------------------------------------------------------------------- statistics

def figures(f: UnitFigures) -> dict[str, Any]:
    """A row of the board as the API writes its values."""
    d = f.decided
    return {
        "unit": f.unit.code if f.unit else None, "open": f.open, "overdue": f.overdue, "stopped": f.stopped,
        "cards": dict(f.cards), "decided": {
            "count": d.count, "on_time": d.on_time, "on_time_rate": d.on_time_rate, "late": d.late,
            "early": d.early, "early_rate": d.early_rate, "average_days": d.average_days},
        "ratings": [(s.level, s.count, s.percent) for s in f.ratings], "rated": f.rated, "rank": f.rank or None,
    }


def values(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "unit": row["unit"], "open": row["open"]["value"], "overdue": row["overdue"]["value"],
        "stopped": row["stopped"]["value"], "cards": {k: v["value"] for k, v in row["cards"].items()},
        "decided": {k: v["value"] for k, v in row["decided"].items()},
        "ratings": [(s["level"], s["count"]["value"], s["percent"]) for s in row["ratings"]],
        "rated": row["rated"]["value"], "rank": row["rank"],
    }


def test_the_statistics_are_the_boards_figures(county_cases: dict[str, Case], supervisor: User,
                                              clock: FixedClock) -> None:
    found = As(supervisor).get("/supervision/statistics", month="2026-10").json()
    board = supervision_board(viewer=supervisor, day=D(2026, 11, 24), month=D(2026, 10, 1))

    assert (found["day"], found["month"], found["quiet"]) == ("2026-11-24", "2026-10", board.quiet)
    assert [values(row) for row in found["units"]] == [figures(f) for f in board.units]
    assert values(found["total"]) == figures(board.total)
    land = next(row for row in found["units"] if row["unit"] == "YD-ZRZY")
    assert land["decided"]["on_time_rate"]["value"] == 66.7 and land["decided"]["average_days"]["value"] == 4.0
    assert [(r["rank"], r["unit"], r["on_time_rate"]["value"], r["average_days"]["value"], r["decided"]["value"])
            for r in found["ranking"]] == [(f.rank, f.unit.code, f.decided.on_time_rate, f.decided.average_days,
                                            f.decided.count) for f in board.ranking if f.unit]
    assert [(p["month"], p["decided"]["value"], p["on_time_rate"]["value"]) for p in found["trend"]] == [
        (f"{p.month:%Y-%m}", p.decided.count, p.decided.on_time_rate) for p in board.trend]

    this_month = As(supervisor).get("/supervision/statistics").json()
    assert this_month["month"] == "2026-11" and this_month["total"]["decided"]["count"]["value"] == 1
    refused(As(supervisor).get("/supervision/statistics", month="2026-12"), 400, "month")
    refused(As(supervisor).get("/supervision/statistics", month="2026-1"), 400, "month")


def test_every_figure_links_to_the_cases_or_cards_it_counts(county_cases: dict[str, Case], supervisor: User) -> None:
    api = As(supervisor)
    found = api.get("/supervision/statistics", month="2026-10").json()
    land = next(row for row in found["units"] if row["unit"] == "YD-ZRZY")

    def query(href: str) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(href).query))

    assert land["decided"]["on_time_rate"]["href"] == "/api/v1/cases?unit=YD-ZRZY&decided=2026-10&timing=on_time"
    assert query(land["cards"]["red"]["href"]) == {"unit": "YD-ZRZY", "level": "red", "state": "open"}
    assert query(found["total"]["open"]["href"]) == {"state": "active"}

    def listed(href: str) -> int:
        response = api.get(href)
        assert response.status_code == 200, (href, response.content)
        return int(response.json()["count"])

    counted = 0
    for row in [*found["units"], found["total"]]:
        counts = [row["open"], row["overdue"], row["stopped"], *row["cards"].values(), row["rated"],
                  *(share["count"] for share in row["ratings"])]
        d = row["decided"]
        counts += [d["count"], d["on_time"], d["late"], d["early"]]
        for figure in counts:
            assert listed(figure["href"]) == figure["value"], figure
            counted += 1
        # A rate's link lists the cases over the line; an average's, the cases it averages.
        assert listed(d["on_time_rate"]["href"]) == d["on_time"]["value"]
        assert listed(d["early_rate"]["href"]) == d["early"]["value"]
        assert listed(d["average_days"]["href"]) == d["count"]["value"]
    for rank in found["ranking"]:
        assert listed(rank["decided"]["href"]) == rank["decided"]["value"]
    for point in found["trend"]:
        assert listed(point["decided"]["href"]) == point["decided"]["value"]
    assert counted > 40
    on_time = {c["receipt"] for c in api.get(land["decided"]["on_time"]["href"]).json()["items"]}
    assert on_time == {county_cases["holiday"].receipt, county_cases["early"].receipt}
