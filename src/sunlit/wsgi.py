"""The WSGI application, with bodies of unknown length bounded before Django sees them.

Django reads a body only as far as its declared Content-Length, and the first middleware (core.middleware)
refuses a declared length over SUNLIT_MAX_REQUEST_BYTES before anything reads it. A chunked body declares no
length: production servers pass it on whole (gunicorn sets wsgi.input_terminated). Here such a body is read
into a spooled temporary file (in memory up to 1 MB, then on disk) up to the limit and handed on with its
length; past the limit reading stops and the request goes on declaring a length over the limit, so the same
middleware answers 413 in the same words and shape.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Callable, Iterable
from typing import Any

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunlit.settings")

CHUNK = 64 * 1024
Start = Callable[..., Any]
App = Callable[[dict[str, Any], Start], Iterable[bytes]]


def bound_unknown_lengths(app: App, limit: Callable[[], int]) -> App:
    def bounded(environ: dict[str, Any], start_response: Start) -> Iterable[bytes]:
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not environ.get("CONTENT_LENGTH") and environ.get("wsgi.input_terminated"):
            most = limit()
            body = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115 - closed with the request
            stream, size = environ["wsgi.input"], 0
            while size <= most:
                data = stream.read(min(CHUNK, most + 1 - size))
                if not data:
                    break
                body.write(data)
                size += len(data)
            if size > most:
                body.close()
                environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(), str(size)
            else:
                body.seek(0)
                environ["wsgi.input"], environ["CONTENT_LENGTH"] = body, str(size)
            environ.pop("HTTP_TRANSFER_ENCODING", None)
        return app(environ, start_response)

    return bounded


def _limit() -> int:
    from django.conf import settings

    return int(settings.SUNLIT_MAX_REQUEST_BYTES)


application = bound_unknown_lengths(get_wsgi_application(), _limit)
