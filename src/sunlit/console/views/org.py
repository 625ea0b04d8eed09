"""配权 pages: the principal-rule compliance check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from sunlit.core import clock
from sunlit.org.selectors import principal_violations


@login_required
def compliance(request: HttpRequest) -> HttpResponse:
    day = clock.today()
    found = principal_violations(day=day, viewer=request.user)
    return render(request, "console/compliance.html", {"violations": found, "day": day})
