"""Public pages of the major-decision procedure (三重一大): a meeting's observer draw, with the short script
anyone can run to redo it. They read through decisions.selectors' public reads only."""

from __future__ import annotations

from importlib.resources import files

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from sunlit.decisions import selectors
from sunlit.decisions.models import ObserverCategory, Topic

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
