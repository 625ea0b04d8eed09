"""The console's home: the units the viewer works in, the review queue, and the major-decision desks (三重一大)
the viewer works at."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sunlit.catalog import selectors
from sunlit.catalog.permissions import READ_ROLES
from sunlit.decisions import selectors as decisions


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    units = selectors.staff_units(viewer=request.user, roles=READ_ROLES)
    desk = decisions.desk(request.user)
    return render(request, "console/dashboard.html", {
        "units": units[:200], "unit_count": units.count(),
        "queue": selectors.review_queue(viewer=request.user)[:20],
        "queue_count": selectors.review_queue(viewer=request.user).count(),
        "desk": desk, "reviews_waiting": decisions.waiting_reviews(request.user).count() if desk.legal else 0,
    })
