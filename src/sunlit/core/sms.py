"""Text messages (短信) to staff, through a pluggable backend named by the setting SUNLIT_SMS_BACKEND (a dotted
path), the way Django sends mail: `ConsoleBackend` by default (each text written to stderr, the number masked),
`LocMemBackend` for tests (the texts kept in `outbox`, like django.core.mail.outbox), and a gateway's backend
for production, written against `SmsBackend`: one method, `send(phone, text)`, raising `SmsError` when the
gateway refuses.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass
from typing import TextIO

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_BACKEND = "sunlit.core.sms.ConsoleBackend"


class SmsError(Exception):
    """The gateway did not take the text."""


def mask_phone(phone: str) -> str:
    """A number as logs may show it: 138****0000."""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


class SmsBackend:
    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class ConsoleBackend(SmsBackend):
    """Writes each text to a stream (stderr): what a fresh install does, so nothing leaves the machine."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream

    def send(self, phone: str, text: str) -> None:
        stream = self.stream or sys.stderr
        stream.write(f"短信 → {mask_phone(phone)}：{text}\n")
        stream.flush()


@dataclass(frozen=True)
class Text:
    phone: str
    text: str


outbox: list[Text] = []
_outbox_lock = threading.Lock()


class LocMemBackend(SmsBackend):
    """Keeps each text in `outbox` (tests read and clear it), from any thread."""

    def send(self, phone: str, text: str) -> None:
        with _outbox_lock:
            outbox.append(Text(phone, text))


def get_backend() -> SmsBackend:
    backend: SmsBackend = import_string(getattr(settings, "SUNLIT_SMS_BACKEND", DEFAULT_BACKEND))()
    return backend
