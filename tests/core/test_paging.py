"""Page numbers on every paginated list, the portal's, the console's and the API's: 0, a negative number or
anything not a whole number is a clear 400 naming the page number (never the last page, as Django's
`Paginator.get_page` would give for 0 or -1); past the end is the last page on a page for people and an
empty page in the API; no number is the first page. One place cuts pages (core.paging.paginate)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from sunlit.cases.models import Case
from sunlit.console.views import cases as cases_views
from sunlit.console.views import powers as powers_views
from sunlit.console.views import supervision as supervision_views
from sunlit.org.models import Unit
from sunlit.portal import views as portal_views
from sunlit.supervision.models import CardLevel
from tests import factories
from tests.cases.conftest import Office, office  # noqa: F401  (the land bureau's item and its officials)
from tests.supervision.board_cases import card, county_cases, supervisor  # noqa: F401  (the board's data)

SRC = Path(__file__).resolve().parents[2] / "src" / "sunlit"
NOT_A_PAGE = ["0", "-1", "abc"]

# The pages people read: the address, who reads it (a fixture's name; None: anyone), and the page size's
# name in the view's module, set to 1 here so that a few rows make several pages.
PAGES = {
    "portal power list": ("/powers/", None, portal_views, "PAGE_SIZE"),
    "console power list": ("/console/powers/", "editor", powers_views, "PAGE_SIZE"),
    "console cases": ("/console/cases/", "window", cases_views, "PAGE_SIZE"),
    "console supervision cards": ("/console/board/cards/", "supervisor", supervision_views, "CARDS_PAGE"),
    "console inbox": ("/console/inbox/", "supervisor", supervision_views, "INBOX_PAGE"),
}
# The API's lists and who asks (a bearer token of that login; None: anyone).
API = {
    "powers": ("/api/v1/powers", None),
    "cases": ("/api/v1/cases", "window"),
    "supervision cards": ("/api/v1/supervision/cards", "supervisor"),
    "supervision anomalies": ("/api/v1/supervision/anomalies", "supervisor"),
}


@pytest.fixture
def readers(request: pytest.FixtureRequest, county: dict[str, Unit], editor: User, reviewer: User) -> dict[str, Any]:
    """Several rows in every list: two more published items beside the office's, the county's cases (six of
    the land bureau's), their red and yellow cards and two anomalies (tests.supervision.board_cases)."""
    land_office: Office = request.getfixturevalue("office")
    cases: dict[str, Case] = request.getfixturevalue("county_cases")
    for code in ("XK-101", "XK-102"):
        factories.published(county["land"], editor, reviewer, code=code)
    for key in ("late", "early"):
        card(cases[key], CardLevel.ANOMALY, "case.offline")
    return {"editor": editor, "window": land_office.window, "supervisor": request.getfixturevalue("supervisor")}


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _pager(page: str) -> tuple[int, int]:
    found = re.search(r"第 (\d+) / (\d+) 页", page)
    assert found is not None, "no pager on the page"
    return int(found.group(1)), int(found.group(2))


@pytest.fixture(params=list(PAGES), ids=list(PAGES))
def listing(request: pytest.FixtureRequest, readers: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> tuple[str, Client]:
    path, who, module, size = PAGES[request.param]
    monkeypatch.setattr(module, size, 1)
    return path, _client(readers[who] if who else None)


@pytest.mark.parametrize("raw", NOT_A_PAGE)
def test_a_page_number_that_is_no_page_is_a_clear_400_on_every_list_page(listing: tuple[str, Client], raw: str) -> None:
    path, client = listing
    response = client.get(path, {"page": raw})
    assert response.status_code == 400
    page = response.content.decode()
    assert f"页码“{raw}”无效：页码是从 1 开始的整数" in page and "第 " not in page  # the message, no list at all


def test_past_the_end_is_the_last_page_and_no_number_the_first(listing: tuple[str, Client]) -> None:
    path, client = listing
    first = client.get(path)
    assert first.status_code == 200
    number, pages = _pager(first.content.decode())
    assert number == 1 and pages > 1
    assert _pager(client.get(path, {"page": ""}).content.decode()) == (1, pages)
    assert _pager(client.get(path, {"page": "2"}).content.decode()) == (2, pages)
    assert _pager(client.get(path, {"page": "999"}).content.decode()) == (pages, pages)


@pytest.fixture(params=list(API), ids=list(API))
def api_list(request: pytest.FixtureRequest, readers: dict[str, Any]) -> tuple[str, dict[str, str]]:
    path, who = API[request.param]
    return path, factories.bearer(readers[who]) if who else {}


@pytest.mark.parametrize("raw", NOT_A_PAGE)
def test_a_page_number_that_is_no_page_is_a_clear_400_in_every_api_list(api_list: tuple[str, dict[str, str]],
                                                                        raw: str) -> None:
    path, headers = api_list
    response = Client().get(path, {"page": raw}, headers=headers)
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["field"] == "page" and error["message"].startswith(f"页码“{raw}”无效：页码是从 1 开始的整数")


def test_past_the_end_is_an_empty_page_in_every_api_list(api_list: tuple[str, dict[str, str]]) -> None:
    path, headers = api_list
    first = Client().get(path, {"page_size": 1}, headers=headers).json()
    assert first["page"] == 1 and first["count"] > 1 and len(first["items"]) == 1
    past = Client().get(path, {"page": first["count"] + 1, "page_size": 1}, headers=headers).json()
    assert past["page"] == first["count"] + 1 and past["count"] == first["count"] and past["items"] == []


def test_lists_are_cut_into_pages_in_one_place() -> None:
    """No view builds a Django Paginator of its own (its get_page turns 0 and -1 into the last page)."""
    elsewhere = [str(path.relative_to(SRC)) for path in SRC.rglob("*.py") if path.name != "paging.py"
                 and re.search(r"\bPaginator\(|\.get_page\(|django\.core\.paginator import Paginator", path.read_text())]
    assert elsewhere == []
