"""廉能风险点 writes and reads: the risk ledger (风险台账) of a unit.

Writes are services (one transaction, one event); reads take the viewer, or go through the public
query path for the portal.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet

from sunlit.catalog.models import PowerItem
from sunlit.catalog.permissions import READ_ROLES, require_edit
from sunlit.core.clock import Clock
from sunlit.core.errors import DomainError
from sunlit.core.visibility import public_queryset
from sunlit.flows.models import RISK_SEVERITY, RiskLevel, RiskPoint, Step
from sunlit.org.models import Post, Unit
from sunlit.org.permissions import units_for
from sunlit.record.events import record_event

TEXT_LIMIT = 2000
FIELDS = ("description", "level", "measures", "owner", "next_review", "internal_note")


def _snapshot(risk: RiskPoint) -> dict[str, Any]:
    return {"item": risk.item_id, "step": risk.step_id, "post": risk.post_id,
            **{f: getattr(risk, f) for f in FIELDS}}


def _clean(*, unit: Unit, description: str, level: str, measures: str, owner: str, internal_note: str,
           item: PowerItem | None, step: Step | None, post: Post | None) -> dict[str, Any]:
    description = (description or "").strip()
    if not description:
        raise DomainError("请填写风险描述", field="description")
    if level not in RiskLevel.values:
        raise DomainError("风险等级只能是高、中、低", field="level")
    for name, value in (("description", description), ("measures", measures), ("internal_note", internal_note)):
        if len(value or "") > TEXT_LIMIT:
            raise DomainError(f"内容超过{TEXT_LIMIT}字", field=name)
    if len(owner or "") > 100:
        raise DomainError("责任人超过100字", field="owner")
    if item is None and step is None and post is None:
        raise DomainError("风险点须对应一个职权事项、流程环节或岗位", field="item")
    if item is not None and item.unit_id != unit.pk:
        raise DomainError("职权事项不属于本单位", field="item")
    if post is not None and post.unit_id != unit.pk:
        raise DomainError("岗位不属于本单位", field="post")
    if step is not None and step.version.flow.unit_id != unit.pk:
        raise DomainError("流程环节不属于本单位的流程", field="step")
    return {"description": description, "level": level, "measures": (measures or "").strip(),
            "owner": (owner or "").strip(), "internal_note": (internal_note or "").strip()}


@transaction.atomic
def risk_point_create(
    *, unit: Unit, description: str, level: str, actor: Any, measures: str = "", owner: str = "",
    next_review: dt.date | None = None, internal_note: str = "", item: PowerItem | None = None,
    step: Step | None = None, post: Post | None = None, clock: Clock | None = None,
) -> RiskPoint:
    """Register a risk point of a unit (on an item, a step of its flow, or a post)."""
    require_edit(actor, unit)
    cleaned = _clean(unit=unit, description=description, level=level, measures=measures, owner=owner,
                     internal_note=internal_note, item=item, step=step, post=post)
    risk = RiskPoint.objects.create(unit=unit, item=item, step=step, post=post, next_review=next_review, **cleaned)
    record_event(actor=actor, action="flows.risk.create", obj=risk, after=_snapshot(risk), clock=clock)
    return risk


def risk_ledger(*, viewer: Any, unit: Unit, level: str | None = None, owner: str | None = None,
                review_overdue_on: dt.date | None = None) -> QuerySet[RiskPoint]:
    """风险台账: the risk points of a unit the viewer works in, filtered by level, owner, overdue review."""
    if not units_for(viewer, READ_ROLES).filter(pk=unit.pk).exists():
        return RiskPoint.objects.none()
    risks = RiskPoint.objects.filter(unit=unit).select_related("item__published_version", "step", "post")
    if level:
        risks = risks.filter(level=level)
    if owner:
        risks = risks.filter(owner=owner)
    if review_overdue_on is not None:
        risks = risks.filter(next_review__lt=review_overdue_on)
    return risks.order_by(RISK_SEVERITY, "id")


def public_risks(unit: Unit) -> QuerySet[RiskPoint]:
    """A unit's risk points as programmes publish them (levels and measures), through the public path."""
    return public_queryset(RiskPoint).filter(unit=unit).select_related(
        "item__published_version", "step__version", "post").order_by(RISK_SEVERITY, "id")


def high_risks_without_measures() -> dict[int, int]:
    """Per unit id, how many high risks have no prevention measures: what later warnings count."""
    rows = (RiskPoint.objects.filter(level=RiskLevel.HIGH).filter(Q(measures="") | Q(measures__isnull=True))
            .values("unit").annotate(n=Count("id")))
    return {row["unit"]: row["n"] for row in rows}
