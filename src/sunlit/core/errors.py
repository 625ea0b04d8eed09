"""Domain errors that name the field they concern, so every caller can show it."""

from __future__ import annotations

from dataclasses import dataclass


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


class TooMany(DomainError):
    """Too many attempts in a while (a guessed password, a flood): try again later."""

    status = 429


@dataclass(frozen=True)
class FieldError:
    """One field that was wrong, and why (in Chinese)."""

    field: str
    message: str


class Invalid(DomainError):
    """Several fields were wrong at once; `errors` lists each."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(errors[0].message, errors[0].field)
        self.errors = errors
