"""Public pages of the major-decision procedure (三重一大): open consultations where residents comment,
published decisions with their record, and a meeting's observer draw with the short script anyone can run to
redo it. They read through decisions.selectors' public reads only."""

from __future__ import annotations

from importlib.resources import files

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from sunlit.core import clock
from sunlit.core.errors import DomainError
from sunlit.decisions import selectors, services
from sunlit.decisions.models import ObserverCategory, Position, Topic

SCRIPT_NAME = "redo_draw.py"


def redo_script() -> str:
    return files("sunlit.decisions").joinpath(SCRIPT_NAME).read_text(encoding="utf-8")


def meeting_draw(request: HttpRequest, meeting_id: int) -> HttpResponse:
    document = selectors.public_draw(meeting_id)
    if document is None:
        raise Http404("该会议不存在、未公开或旁听人员库尚未冻结")
    quotas = [(ObserverCategory(code).label, code, k, sum(1 for m in document["pool"] if m["category"] == code))
              for code, k in sorted(document["quotas"].items())]
    return render(request, "portal/meeting_draw.html", {
        "d": document, "meeting": document["meeting"], "topic": Topic(document["topic"]).label, "quotas": quotas,
        "api_url": f"/api/v1/meetings/{meeting_id}/draw", "script": redo_script(), "script_name": SCRIPT_NAME,
    })


def draw_script(request: HttpRequest) -> HttpResponse:
    """The redo script as a file to save (text, never run by the browser)."""
    response = HttpResponse(redo_script(), content_type="text/x-python; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{SCRIPT_NAME}"'
    return response


def index(request: HttpRequest) -> HttpResponse:
    """重大决策公开: open consultations (征求意见) and published decisions."""
    return render(request, "portal/decisions.html", {
        "consultations": selectors.open_consultations(clock.today()), "decisions": selectors.published_decisions(),
    })


@never_cache
@require_http_methods(["GET", "POST"])
def consultation(request: HttpRequest, consultation_id: int) -> HttpResponse:
    """A draft open for comment, and the form residents comment with during the period."""
    found = selectors.public_consultation(consultation_id)
    if found is None:
        raise Http404("征求意见不存在或未公开")
    values = {name: request.POST.get(name, "")[:5000] for name in ("name", "contact", "text")}
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.consultation_comment(consultation=found, body=values["text"], name=values["name"],
                                          contact=values["contact"])
        except DomainError as exc:
            errors[exc.field or "form"] = exc.message
        else:
            messages.success(request, "您的意见已提交，感谢参与。承办单位将在征求意见结束后公布意见采纳情况。")
            return redirect("portal:consultation", consultation_id=found.pk)
    today = clock.today()
    return render(request, "portal/consultation.html", {
        "c": found, "matter": found.matter, "values": values, "errors": errors,
        "open": found.opens_on <= today <= found.closes_on, "comments": found.comments.count(),
    }, status=400 if errors else 200)


def decision(request: HttpRequest, publication_id: int) -> HttpResponse:
    """A published decision with its whole record: stages, attendance, statements in order, votes, observers."""
    publication = selectors.public_decision(publication_id)
    if publication is None:
        raise Http404("决策不存在或未公开")
    record = selectors.decision_record(publication.item)
    labels = dict(Position.choices)
    for row in record["statements"]:
        row["position_label"] = labels[row["position"]]
    tally = {label: sum(1 for v in record["votes"] if v["choice"] == code) for code, label in Position.choices}
    return render(request, "portal/decision.html", {
        "p": publication, "r": record, "tally": tally if record["votes"] else None,
        "draw_url": f"/meetings/{publication.item.meeting_id}/draw/" if record["observers"] else None,
    })
