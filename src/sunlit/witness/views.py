"""``POST /add-checkpoint`` (c2sp.org/tlog-witness) and ``GET /witness/key``. Thin: services decide."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from sunlit.witness import keys, services

TEXT = "text/plain; charset=utf-8"


def _response(body: str, status: int = 200, content_type: str = TEXT) -> HttpResponse:
    response = HttpResponse(body, status=status, content_type=content_type)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # no cookie or session is involved: the checkpoint's signature is the only authentication
@require_POST
def add_checkpoint(request: HttpRequest) -> HttpResponse:
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = 0
    if length > services.MAX_REQUEST_BYTES:
        return _response(f"request body over {services.MAX_REQUEST_BYTES} bytes\n", services.TooLarge.status)
    try:
        lines = services.add_checkpoint(request.body)
    except services.Conflict as exc:
        return _response(f"{exc.size}\n", 409, services.SIZE_CONTENT_TYPE)
    except services.AddCheckpointError as exc:
        return _response(f"{exc}\n", exc.status)
    return _response(lines)


@require_safe
def key(request: HttpRequest) -> HttpResponse:
    response = _response(keys.verifier_key() + "\n")
    response["Cache-Control"] = "public, max-age=3600"
    response["Access-Control-Allow-Origin"] = "*"
    return response
