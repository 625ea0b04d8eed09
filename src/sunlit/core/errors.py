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


class NotAuthenticated(DomainError):
    """Credentials that no longer count (an expired or revoked API token): log in or get a new one."""

    status = 401


class NotAllowed(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class Gone(DomainError):
    """What was public is no longer in force (a cancelled power item); its record says when and why."""

    status = 410


class TooMany(DomainError):
    """Too many attempts in a while (a guessed password, a flood): try again later, after `retry_after`
    seconds when that is known."""

    status = 429

    def __init__(self, message: str, field: str | None = None, retry_after: int | None = None) -> None:
        super().__init__(message, field)
        self.retry_after = retry_after


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
