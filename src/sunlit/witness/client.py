"""Plain HTTP for witnessing (stdlib urllib): short time-outs, size caps, http(s) only."""

from __future__ import annotations

import http.client
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

TIMEOUT = 5.0
"""Seconds per request: a witness or a log that is slower is reported, not waited for."""
USER_AGENT = "sunlit-witness/1 (+c2sp.org/tlog-witness)"
MAX_BODY = 1 << 20


class FetchError(OSError):
    """The request could not be made or answered (network, time-out, oversized or non-HTTP URL)."""


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    content_type: str

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def _check_url(url: str) -> None:
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise FetchError(f"only http and https URLs are supported, not {url!r}")


def request(url: str, data: bytes | None = None, *, content_type: str = "text/plain; charset=utf-8",
            timeout: float = TIMEOUT, limit: int = MAX_BODY) -> Response:
    """GET ``url`` (or POST ``data`` to it); any HTTP status is returned, not raised."""
    _check_url(url)
    headers = {"User-Agent": USER_AGENT}
    if data is not None:
        headers["Content-Type"] = content_type
    req = urllib.request.Request(url, data=data, headers=headers, method="GET" if data is None else "POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - scheme checked above
            return _read(resp.status, resp, limit)
    except urllib.error.HTTPError as exc:
        try:
            return _read(exc.code, exc, limit)
        finally:
            exc.close()
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise FetchError(f"{url}: {reason}") from exc


def _read(status: int, resp: Any, limit: int) -> Response:
    body = resp.read(limit + 1)
    if len(body) > limit:
        raise FetchError(f"response larger than {limit} bytes")
    headers = resp.headers
    return Response(status=status, body=body, content_type=headers.get("Content-Type", "") if headers else "")
