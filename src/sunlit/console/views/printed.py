"""Printed pages from the console: a unit's power handbook (权力手册) and its A3 boards (图板), as PDF.

They are drawn while the request waits (seconds for a department; no task runner exists yet). What they
print is public content only (handbook.content reads through the public query path); the buttons are the
staff's, for a unit they may read.
"""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.utils.http import content_disposition_header

from sunlit.catalog import selectors
from sunlit.catalog.permissions import READ_ROLES
from sunlit.handbook import content, render
from sunlit.org.models import Unit

PDF = "application/pdf"


def pdf_response(data: bytes, filename: str) -> FileResponse:
    """A PDF to save, under `filename` (any characters: encoded as RFC 6266 asks)."""
    response = FileResponse(io.BytesIO(data), content_type=PDF)
    response["Content-Disposition"] = content_disposition_header(True, filename) or ""
    return response


def _public_unit(request: HttpRequest, code: str) -> Unit:
    staff = selectors.staff_unit(viewer=request.user, code=code, roles=READ_ROLES)
    unit = content.public_unit(code) if staff is not None else None
    if unit is None:
        raise Http404("单位不存在、未公开或您无权查看")
    return unit


@login_required
def handbook(request: HttpRequest, code: str) -> FileResponse:
    unit = _public_unit(request, code)
    with_sub_units = request.GET.get("sub") == "1"
    data = render.handbook_pdf(unit, with_sub_units=with_sub_units)
    return pdf_response(data, f"{unit.name}权力手册{'（含下级单位）' if with_sub_units else ''}.pdf")


@login_required
def officials_board(request: HttpRequest, code: str) -> FileResponse:
    unit = _public_unit(request, code)
    return pdf_response(render.officials_board_pdf(unit), f"{unit.name}领导干部公示栏.pdf")


@login_required
def flow_board(request: HttpRequest, item_id: int) -> FileResponse:
    item = selectors.staff_item(viewer=request.user, item_id=item_id)
    data = render.flow_board_pdf(item.pk) if item is not None else None
    if item is None or data is None:
        raise Http404("事项不存在、未公开、没有公开的流程图或您无权查看")
    return pdf_response(data, f"{item.code}流程图板.pdf")
