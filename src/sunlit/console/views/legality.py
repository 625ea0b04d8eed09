"""合法性审查 pages for the legal office (法制机构): the reviews waiting for it, each with the earliest day its
conclusion may be given (7 working days on the unit's calendar, decisions.services.legality_submit), and one
review read with the matter's papers and concluded, passed or failed with its opinion. Only the legal office of
the matter's unit (or a unit above it) opens a review: 404 for any other id. Thin: parse, call
decisions.selectors / decisions.services, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sunlit.console.decision_forms import ConcludeForm
from sunlit.core import clock
from sunlit.core.errors import DomainError
from sunlit.decisions import selectors, services
from sunlit.decisions.models import LegalityReview


@login_required
def reviews(request: HttpRequest) -> HttpResponse:
    desk = selectors.desk(request.user)
    if not desk.legal:
        raise PermissionDenied("您没有合法性审查权限")
    return render(request, "console/legality.html", {
        "waiting": selectors.waiting_reviews(request.user)[:200], "today": clock.today(),
        "concluded": selectors.concluded_reviews(request.user)[:50], "desk": desk})


def _review(request: HttpRequest, review_id: int) -> LegalityReview:
    found = selectors.review_for(request.user, review_id)
    if found is None:
        raise Http404("审查不存在或不属于您的审查范围")
    return found


def _page(request: HttpRequest, review: LegalityReview, form: ConcludeForm) -> HttpResponse:
    today = clock.today()
    matter = review.matter
    return render(request, "console/legality_review.html", {
        "review": review, "matter": matter, "form": form, "today": today, "papers": selectors.matter_papers(matter),
        "progress": selectors.stage_progress(matter, today), "desk": selectors.desk(request.user),
        "base": f"/console/legality/{review.pk}/", "own": review.submitted_by_id == request.user.pk,
    }, status=400 if form.errors else 200)


@login_required
def review(request: HttpRequest, review_id: int) -> HttpResponse:
    return _page(request, _review(request, review_id), ConcludeForm(prefix="conclude"))


@login_required
@require_POST
def review_conclude(request: HttpRequest, review_id: int) -> HttpResponse:
    found = _review(request, review_id)
    form = ConcludeForm(request.POST, prefix="conclude")
    if form.valid():
        try:
            done = services.legality_conclude(review=found, passed=form.cleaned_data["passed"],
                                              opinion=form.cleaned_data["opinion"], actor=request.user)
        except DomainError as exc:
            form.refuse(exc)
        else:
            messages.success(request, f"「{done.matter.title}」合法性审查结论（{'通过' if done.passed else '不通过'}）已记录")
            return redirect("console:legality")
    return _page(request, found, form)
