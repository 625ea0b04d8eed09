"""受理编号 and the applicant's query password.

A receipt number reads `UNIT-YYYYMMDD-NNNN-C`: the unit's code, the day the application was received, its
sequence that day in the unit, and a check character over the date and sequence digits by ISO 7064
MOD 11-2, as the national ID number has (0–9 or X), so a mistyped digit is caught before any lookup. The
check character stands apart, so 0001-0 does not read as 00010.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.conf import settings

PASSWORD_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read off paper, typed on a phone
PASSWORD_LENGTH = 8
_SHAPE = re.compile(r"^(?P<unit>[0-9A-Za-z_.-]{1,32})-(?P<digits>\d{8}-\d{4,6})-(?P<check>[0-9X])$")


def mod11_2(digits: str) -> str:
    """The ISO 7064 MOD 11-2 check character of a string of digits (as GB 11643 ID numbers use)."""
    total = 0
    for ch in digits:
        total = (total + int(ch)) * 2 % 11
    value = (12 - total) % 11
    return "X" if value == 10 else str(value)


def receipt_number(unit_code: str, day_yyyymmdd: str, sequence: int) -> str:
    body = f"{day_yyyymmdd}-{sequence:04d}"
    return f"{unit_code}-{body}-{mod11_2(body.replace('-', ''))}"


def well_formed(receipt: str) -> bool:
    """Whether a typed receipt number has the shape and its check character fits."""
    found = _SHAPE.match(receipt.strip().upper())
    if not found:
        return False
    return mod11_2(found["digits"].replace("-", "")) == found["check"]


def new_password() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(PASSWORD_LENGTH))


def password_digest(receipt: str, password: str) -> str:
    """What is kept of a query password: HMAC-SHA256 over the receipt number and the password, keyed by a
    key derived from the secret key. A lookup is throttled per address and per receipt, so the password's
    40 bits are not guessed online; without the secret key a stolen table gives nothing to guess against
    offline. (A slow password hash, 300 ms of CPU a case, would protect nothing more here: the case's own
    rows are in the same database.)"""
    key = hashlib.sha256(b"sunlit.cases.query-password\x00" + settings.SECRET_KEY.encode()).digest()
    mac = hmac.new(key, f"{receipt.strip().upper()}\x00{password.strip().upper()}".encode(), hashlib.sha256)
    return "hmac-sha256$" + mac.hexdigest()


def password_matches(receipt: str, password: str, digest: str) -> bool:
    return hmac.compare_digest(password_digest(receipt, password), digest)


def mask_id_number(number: str) -> str:
    """An ID number as every view but the handler's shows it: the first 4 and last 4 characters."""
    text = number.strip()
    if len(text) <= 8:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 8) + text[-4:]
