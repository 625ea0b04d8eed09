"""网上运行 reads. An applicant reaches a case by its receipt number and query password, throttled per
address and per receipt (failures are kept in the audit trail, which every worker shares); staff reach
cases through their units."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sunlit.cases import receipt
from sunlit.cases.models import Case, CaseNotice, CaseStep
from sunlit.core import clock as clock_mod
from sunlit.core.audit import audit_record
from sunlit.core.clock import Clock
from sunlit.core.errors import DomainError, TooMany
from sunlit.core.models import AuditEntry, AuditKind

WINDOW = dt.timedelta(minutes=15)
PER_ADDRESS = 10
PER_RECEIPT = 5


def applicant_case(*, number: str, password: str, address: str | None, clock: Clock | None = None) -> Case:
    """The case these two open, or a refusal that says only that they do not match (never which one)."""
    number = (number or "").strip().upper()[:60]
    since = clock_mod.now(clock) - WINDOW
    failures = AuditEntry.objects.filter(kind=AuditKind.CASE_LOOKUP_FAILED, at__gte=since)
    if (address and failures.filter(address=address).count() >= PER_ADDRESS) or \
            failures.filter(username=number).count() >= PER_RECEIPT:
        raise TooMany("查询过于频繁，请15分钟后再试", field="password")
    if not receipt.well_formed(number):
        _failed(number, address, clock)
        raise DomainError("受理编号有误，请核对（最后一位是校验码）", field="receipt")
    case = Case.objects.select_related("item__published_version", "unit", "current_step").filter(receipt=number).first()
    if case is None or not receipt.password_matches(number, password or "", case.password_hash):
        _failed(number, address, clock)
        raise DomainError("受理编号或查询密码不正确", field="password")
    return case


def _failed(number: str, address: str | None, clock: Clock | None) -> None:
    audit_record(kind=AuditKind.CASE_LOOKUP_FAILED, username=number, address=address, clock=clock)


@dataclass(frozen=True)
class Progress:
    """What the applicant reads: the steps taken (without who did them), what they were told, and what
    stands now."""

    case: Case
    steps: list[CaseStep]
    notices: list[CaseNotice]


def applicant_progress(case: Case) -> Progress:
    steps = list(CaseStep.objects.filter(case=case).select_related("step").order_by("id"))
    return Progress(case, steps, list(CaseNotice.objects.filter(case=case).order_by("id")))
