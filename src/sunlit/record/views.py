"""The log over HTTP, read-only and without login: c2sp.org/tlog-tiles, the verifier key, proofs.

Views parse, call a selector, and set the headers the specs ask for; nothing else.
"""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from sunlit.core.tlog.tiles import TileError, parse_tile_path
from sunlit.record import selectors

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=1"
TEXT = "text/plain; charset=utf-8"
BINARY = "application/octet-stream"
_DECIMAL = re.compile(r"0|[1-9][0-9]{0,18}")


def _plain(status: int, message: str) -> HttpResponse:
    response = HttpResponse(message + "\n", status=status, content_type=TEXT)
    response["Cache-Control"] = "no-store"
    return response


def _ok(body: bytes | str, content_type: str, cache: str, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = cache
    response["Access-Control-Allow-Origin"] = "*"
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _size_param(request: HttpRequest) -> tuple[int | None, HttpResponse | None]:
    raw = request.GET.get("size")
    if raw is None or raw == "":
        return None, None
    if not _DECIMAL.fullmatch(raw):
        return None, _plain(400, "size must be a decimal tree size")
    return int(raw), None


@require_safe
def checkpoint(request: HttpRequest) -> HttpResponse:
    cp = selectors.latest_checkpoint()
    if cp is None:
        return _plain(404, "no checkpoint yet")
    return _ok(cp.signed_note, TEXT, SHORT)


@require_safe
def key(request: HttpRequest) -> HttpResponse:
    return _ok(selectors.verifier_key() + "\n", TEXT, "public, max-age=3600")


@require_safe
def tile(request: HttpRequest, rest: str) -> HttpResponse:
    try:
        parsed = parse_tile_path("tile/" + rest)
    except TileError:
        return _plain(404, "not a tile path")
    content = selectors.tile_content(parsed)
    if content is None:
        return _plain(404, "no such tile in any checkpointed tree")
    return _ok(content, BINARY, IMMUTABLE)


@require_safe
def proof(request: HttpRequest, index: int) -> HttpResponse:
    size, error = _size_param(request)
    if error:
        return error
    fmt = request.GET.get("format", "tlog-proof")
    if fmt not in ("tlog-proof", "json"):
        return _plain(400, "format must be tlog-proof or json")
    try:
        found = selectors.inclusion_proof(index, size)
    except selectors.ProofUnavailable as exc:
        return _plain(404, str(exc))
    cache = IMMUTABLE if size is not None else SHORT
    name = f"sunlit-leaf-{found.index}-size-{found.size}"
    if fmt == "json":
        return _ok(found.bundle().dumps(), "application/json; charset=utf-8", cache, name + ".json")
    return _ok(found.tlog_proof(), TEXT, cache, name + ".tlog-proof")


@require_safe
def consistency(request: HttpRequest, size1: int, size2: int | None = None) -> HttpResponse:
    try:
        bundle = selectors.consistency(size1, size2)
    except selectors.ProofUnavailable as exc:
        return _plain(404, str(exc))
    cache = IMMUTABLE if size2 is not None else SHORT
    name = f"sunlit-consistency-{bundle.size1}-{bundle.size2}.json"
    return _ok(bundle.dumps(), "application/json; charset=utf-8", cache, name)


@require_safe
def leaf(request: HttpRequest, index: int) -> HttpResponse:
    entry = selectors.leaf_entry(index)
    if entry is None:
        return _plain(404, "no such leaf in the latest checkpoint")
    return _ok(entry, BINARY, IMMUTABLE, f"sunlit-leaf-{index}.json")


@require_safe
def document(request: HttpRequest, index: int) -> HttpResponse:
    data = selectors.public_document(index)
    if data is None:
        return _plain(404, "no such public document")
    return _ok(data, "application/json; charset=utf-8", IMMUTABLE, f"sunlit-leaf-{index}-document.json")
