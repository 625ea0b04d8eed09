"""Page numbers (页码): one rule for the portal's pages, the console's and the API.

Pages count from 1. No number means the first page; 0, a negative number or anything that is not a whole
number is refused with 400, naming the field, never quietly turned into the last page (Django's
`Paginator.get_page` does that for 0). A number past the end gives the last page on the portal and the
console, and an empty page in the API.

Every list page is cut here (`paginate`): no other module builds a Django Paginator
(tests/core/test_paging.py holds the project to that).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.core.paginator import Page, Paginator

from sunlit.core.errors import DomainError

if TYPE_CHECKING:
    from django.core.paginator import _SupportsPagination

MAX_PAGE = 100_000
T = TypeVar("T")


def page_number(raw: str | int | None) -> int:
    """The page asked for, from a query parameter or a parsed integer."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return 1
    try:
        number = int(raw)
    except (TypeError, ValueError):
        number = 0
    shown = str(raw).strip()[:20]
    if number < 1:
        raise DomainError(f"页码“{shown}”无效：页码是从 1 开始的整数", field="page")
    if number > MAX_PAGE:
        raise DomainError(f"页码“{shown}”超出范围：最大为 {MAX_PAGE}", field="page")
    return number


def get_page(paginator: Paginator[T], raw: Any) -> Page[T]:
    """The page of `paginator` a request asks for (`raw`, its `page` parameter): refused by `page_number`,
    the last one when past the end."""
    return paginator.page(min(page_number(raw), max(paginator.num_pages, 1)))


def paginate(items: _SupportsPagination[T], per_page: int, raw: Any) -> Page[T]:
    """The page of `items` (a queryset, a list, or anything sliced like one) that a request's `page`
    parameter (`raw`) asks for, `per_page` to a page: refused by `page_number`, the last page when past
    the end."""
    return get_page(Paginator(items, per_page), raw)
