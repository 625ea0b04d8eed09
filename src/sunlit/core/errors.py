"""Domain errors that name the field they concern, so every caller can show it."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refused request: `field` names what was wrong, `message` says why in Chinese."""

    status = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class Invalid(DomainError):
    """Several fields were wrong at once; `errors` lists each (objects with `field` and `message`)."""

    def __init__(self, errors: list[Any]) -> None:
        super().__init__(errors[0].message, errors[0].field)
        self.errors = errors
