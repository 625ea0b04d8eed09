"""Login lockout (登录锁定): after LIMIT failed logins for one name, or from one address, within WINDOW,
every further attempt with that name or from that address is refused for LOCK, the right password
included.

One rule for the console, the admin (sunlit.org.backends) and API tokens (sunlit.api.auth), kept on the
audit trail, which every worker shares and the one clock dates: a failure is a LOGIN_FAILED entry, the
start of a lock a LOGIN_LOCKED entry (by name: the name and no address; by address: the address and no
name), an attempt refused while locked a LOGIN_REFUSED entry, which counts towards nothing. Names are
compared folded (NFKC, then case-folded), so `Admin` and `ＡＤＭＩＮ` count against `admin`; the address is
the client's as sunlit.core.remote finds it, never a header the client wrote.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from sunlit.core import clock as clock_mod
from sunlit.core.audit import USERNAME_MAX, audit_record, ip_text
from sunlit.core.clock import Clock
from sunlit.core.models import AuditEntry, AuditKind

LIMIT = 10
WINDOW = dt.timedelta(minutes=15)
LOCK = dt.timedelta(minutes=15)

BY_USERNAME = "username"
BY_ADDRESS = "address"


@dataclass(frozen=True)
class Lock:
    """A lock in force: until when, and whether the name or the address is locked."""

    until: dt.datetime
    by: str

    def seconds_left(self, clock: Clock | None = None) -> int:
        return max(1, math.ceil((self.until - clock_mod.now(clock)).total_seconds()))

    def message(self, clock: Clock | None = None) -> str:
        minutes = math.ceil(self.seconds_left(clock) / 60)
        return (f"登录失败次数过多，为保护账号安全，登录已暂停，请{minutes}分钟后"
                f"（{timezone.localtime(self.until):%H:%M}以后）再试。如忘记密码，请联系系统管理员。")


def username_key(username: Any) -> str:
    """The name as the lockout counts it: NFKC-normalised, trimmed, case-folded, cut to the audit column."""
    return unicodedata.normalize("NFKC", str(username or "")).strip().casefold()[:USERNAME_MAX]


def current_lock(*, username: Any, address: str | None, clock: Clock | None = None) -> Lock | None:
    """The lock on this name or this address now, the one lasting longer when both are locked."""
    key, ip = username_key(username), ip_text(address)
    if not key and not ip:
        return None
    wanted = Q()
    if key:
        wanted |= Q(username=key, address__isnull=True)
    if ip:
        wanted |= Q(username="", address=ip)
    started = (AuditEntry.objects.filter(wanted, kind=AuditKind.LOGIN_LOCKED, at__gt=clock_mod.now(clock) - LOCK)
               .order_by("-at").values_list("at", "username").first())
    if started is None:
        return None
    at, locked_name = started
    return Lock(until=at + LOCK, by=BY_USERNAME if locked_name else BY_ADDRESS)


def refuse(*, lock: Lock, username: Any, address: str | None, via: str, clock: Clock | None = None) -> None:
    """Keep an attempt refused while locked (its password was never checked)."""
    audit_record(kind=AuditKind.LOGIN_REFUSED, username=username_key(username), address=address,
                 detail={"via": via, "by": lock.by, "until": lock.until.isoformat()}, clock=clock)


def record_failure(*, username: Any, address: str | None, via: str, detail: dict[str, Any] | None = None,
                   clock: Clock | None = None) -> Lock | None:
    """Keep a failed login and, when it is the LIMIT-th within WINDOW for its name or its address, start
    the lock (returned). A failure with no name (a wrong API token) counts for its address only."""
    now = clock_mod.now(clock)
    key, ip = username_key(username), ip_text(address)
    typed = str(username or "")[:USERNAME_MAX]
    detail = {"via": via, **({"typed": typed} if typed != key else {}), **(detail or {})}
    audit_record(kind=AuditKind.LOGIN_FAILED, username=key, address=ip, detail=detail, clock=clock)
    failures = AuditEntry.objects.filter(kind=AuditKind.LOGIN_FAILED, at__gt=now - WINDOW)
    lock = None
    until = (now + LOCK).isoformat()
    if ip and failures.filter(address=ip).count() >= LIMIT:
        audit_record(kind=AuditKind.LOGIN_LOCKED, address=ip,
                     detail={"by": BY_ADDRESS, "via": via, "until": until}, clock=clock)
        lock = Lock(until=now + LOCK, by=BY_ADDRESS)
    if key and failures.filter(username=key).count() >= LIMIT:
        audit_record(kind=AuditKind.LOGIN_LOCKED, username=key,
                     detail={"by": BY_USERNAME, "via": via, "from": ip, "until": until}, clock=clock)
        lock = Lock(until=now + LOCK, by=BY_USERNAME)
    return lock
