"""网上申请 on the portal: apply for a public item online, and follow a case by its receipt number and
query password. Thin: parse, call cases.services / cases.selectors, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from sunlit.cases import materials as material_rules
from sunlit.cases import selectors as case_selectors
from sunlit.cases import services
from sunlit.cases.models import Case, RatingLevel
from sunlit.cases.receipt import mask_id_number
from sunlit.catalog import selectors
from sunlit.core import clock
from sunlit.core.errors import DomainError
from sunlit.core.remote import client_address

FIELDS = ("applicant_name", "applicant_id_number", "applicant_contact", "subject")
GRANTED = "cases_granted"  # the case ids this browser session has opened with their password


@never_cache
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, item_id: int) -> HttpResponse:
    item = selectors.public_power(item_id)
    if item is None or not services.can_apply(item):
        raise Http404("事项不存在、未公开或不受理网上申请")
    values = {name: request.POST.get(name, "")[:300] for name in FIELDS}
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            case, password = services.case_submit(
                item_id=item.pk, applicant_name=values["applicant_name"], subject=values["subject"],
                applicant_id_number=values["applicant_id_number"], applicant_contact=values["applicant_contact"],
                materials=request.FILES.getlist("materials"))
        except DomainError as exc:
            errors[exc.field or "form"] = exc.message
        else:
            _grant(request, case)
            return render(request, "portal/case_received.html", {"case": case, "password": password, "item": item})
    return render(request, "portal/case_apply.html", {
        "item": item, "v": item.published_version, "values": values, "errors": errors,
        "accept": material_rules.ACCEPT, "materials_hint": material_rules.hint(),
        "files_dropped": bool(errors) and bool(request.FILES)}, status=400 if errors else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    number = request.POST.get("receipt", request.GET.get("receipt", ""))[:60]
    error = ""
    status = 200
    if request.method == "POST":
        try:
            case = case_selectors.applicant_case(number=number, password=request.POST.get("password", "")[:40],
                                                 address=client_address(request))
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            _grant(request, case)
            return redirect("portal:case", receipt=case.receipt)
    return render(request, "portal/case_lookup.html", {"receipt": number, "error": error}, status=status)


@never_cache
def progress(request: HttpRequest, receipt: str) -> HttpResponse:
    case = _granted(request, receipt)
    if case is None:
        return redirect(f"/cases/?receipt={receipt[:60]}")
    found = case_selectors.applicant_progress(case)
    return render(request, "portal/case_progress.html", {
        "past_due": case.past_due(clock.today()), "case": case, "steps": found.steps, "notices": found.notices,
        "materials": found.materials,
        "id_number": mask_id_number(case.applicant_id_number), "rating": getattr(case, "rating", None),
        "ratable": case.state in services.RATABLE, "levels": RatingLevel.choices})


@never_cache
@require_POST
def rate(request: HttpRequest, receipt: str) -> HttpResponse:
    """好差评 by the applicant, from the progress page this session opened."""
    case = _granted(request, receipt)
    if case is None:
        return redirect(f"/cases/?receipt={receipt[:60]}")
    try:
        services.rating_submit(case=case, level=request.POST.get("level", "")[:2],
                               comment=request.POST.get("comment", "")[:600])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "感谢您的评价。" + ("我们会在规定期限内整改并回访您。" if
                                               request.POST.get("level") in ("1", "2") else ""))
    return redirect("portal:case", receipt=case.receipt)


def _granted(request: HttpRequest, receipt: str) -> Case | None:
    """The case of this receipt number, if this browser session opened it with its password."""
    return Case.objects.select_related("item__published_version", "unit", "current_step").filter(
        receipt=receipt, pk__in=request.session.get(GRANTED, [])).first()


def _grant(request: HttpRequest, case: Case) -> None:
    granted = [pk for pk in request.session.get(GRANTED, []) if pk != case.pk][-19:]
    request.session[GRANTED] = [*granted, case.pk]
