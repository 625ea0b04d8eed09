"""三重一大 reads: what a matter still lacks before it may reach an agenda, who counts on an agenda matter
(present and not withdrawn), who speaks last, the observers' eligible pool, and the public draw."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sunlit.core.visibility import public_queryset
from sunlit.decisions.models import (
    AgendaItem,
    Attendance,
    BodyMember,
    Consultation,
    LegalityReview,
    Matter,
    Meeting,
    MeetingState,
    Observer,
    ObserverCategory,
    ObserverDraw,
    StageRecord,
    Statement,
    Vote,
    Withdrawal,
)
from sunlit.decisions.rules import MatterKind, Stage
from sunlit.record import selectors as log
from sunlit.record.models import Checkpoint

# ------------------------------------------------------------------------------------------- matters


def missing_stages(matter: Matter, today: dt.date) -> list[str]:
    """What keeps a matter off an agenda, in the stages' order, each in words a clerk reads: a required
    stage not done, or a legality review that failed (with its opinion). Empty when it is ready."""
    missing: list[str] = []
    recorded = set(StageRecord.objects.filter(matter=matter).values_list("stage", flat=True))
    for stage in matter.required_stages:
        label = Stage(stage).label
        if stage in (Stage.RESEARCH, Stage.DRAFT, Stage.RISK) and stage not in recorded:
            missing.append(label)
        elif stage == Stage.PARTICIPATION:
            consultation = Consultation.objects.filter(matter=matter).first()
            if consultation is None:
                missing.append(f"{label}（未公开征求意见）")
            elif consultation.closes_on >= today:
                missing.append(f"{label}（征求意见期至{consultation.closes_on:%Y-%m-%d}，尚未结束）")
            elif not consultation.answer_summary:
                missing.append(f"{label}（未公布意见采纳情况）")
        elif stage == Stage.EXPERT and not matter.expert_opinions.exists():
            missing.append(f"{label}（无专家论证意见）")
        elif stage == Stage.LEGALITY:
            review = latest_legality_review(matter)
            if review is None:
                missing.append(f"{label}（未送审）")
            elif review.passed is None:
                missing.append(f"{label}（审查中，最早{review.earliest_on:%Y-%m-%d}作出结论）")
            elif not review.passed:
                missing.append(f"{label}未通过：{review.opinion}")
    return missing


def latest_legality_review(matter: Matter) -> LegalityReview | None:
    return LegalityReview.objects.filter(matter=matter).order_by("-submitted_on", "-id").first()


def latest_stage_record(matter: Matter, stage: str) -> StageRecord | None:
    return StageRecord.objects.filter(matter=matter, stage=stage).order_by("-at", "-id").first()


# ------------------------------------------------------------------------------------------- meetings


@dataclass(frozen=True)
class Roll:
    """Who counts on an agenda matter: the body's members, those present, those withdrawn."""

    members: list[BodyMember]
    present: set[int]
    withdrawn: set[int]
    appointment: bool

    @property
    def counted(self) -> set[int]:
        """Present and not withdrawn: who states, votes and makes the quorum."""
        return self.present - self.withdrawn

    def principal(self) -> BodyMember | None:
        return next((m for m in self.members if m.is_principal), None)


def roll(item: AgendaItem) -> Roll:
    members = list(BodyMember.objects.filter(body_id=item.meeting.body_id, active=True).select_related("official"))
    present = set(Attendance.objects.filter(meeting_id=item.meeting_id, present=True).values_list("member_id", flat=True))
    withdrawn = set(Withdrawal.objects.filter(item=item).values_list("member_id", flat=True))
    return Roll(members, present & {m.pk for m in members}, withdrawn, item.matter.kind == MatterKind.APPOINTMENT)


def last_speaker(item: AgendaItem, current: Roll) -> BodyMember | None:
    """Who speaks last (末位表态): the principal when present and not withdrawn, else the member presiding in
    the principal's place (None until one is named)."""
    principal = current.principal()
    if principal is not None and principal.pk in current.counted:
        return principal
    acting = item.meeting.acting_presider
    return acting if acting is not None and acting.pk in current.counted else None


def stated(item: AgendaItem) -> dict[int, Statement]:
    return {s.member_id: s for s in Statement.objects.filter(item=item)}


def voted(item: AgendaItem) -> dict[int, Vote]:
    return {v.member_id: v for v in Vote.objects.filter(item=item)}


def meeting_units(meeting: Meeting) -> set[str]:
    """The units a meeting concerns: its body's and its agenda matters' (an observer related to any of them
    has a conflict)."""
    codes = {meeting.body.unit.code}
    codes.update(AgendaItem.objects.filter(meeting=meeting).values_list("matter__unit__code", flat=True))
    return codes


# ------------------------------------------------------------------------------------------- observers


def eligible_observers(meeting: Meeting, topic: str) -> list[Observer]:
    """The pool a draw is made from: active members whose topics include the meeting's topic, minus those
    with a conflict (related to a unit the meeting concerns). (The pool is hundreds at most: read whole.)"""
    units = meeting_units(meeting)
    return [o for o in Observer.objects.filter(active=True).order_by("code")
            if topic in (o.topics or []) and not units & set(o.conflict_units or [])]


def eligible_counts(members: list[Observer]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for member in members:
        counts[member.category] = counts.get(member.category, 0) + 1
    return counts


def draw_leaf_index(draw: ObserverDraw) -> int | None:
    return log.record_leaf_index(draw)


def seed_checkpoint(index: int) -> Checkpoint | None:
    """The first checkpoint whose size exceeds the pool leaf's index: the first to cover it."""
    return Checkpoint.objects.filter(size__gt=index).order_by("size").first()


def mask_name(name: str) -> str:
    """A person's name as shown beside a draw: the surname, the rest starred (王**)."""
    name = name.strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def public_draw(meeting_id: int) -> dict[str, Any] | None:
    """The draw of a public meeting whose pool is frozen, as `GET /api/v1/meetings/{id}/draw` answers it;
    None when there is none to show. The hashed pool holds codes and categories only; names, masked, are
    given beside it for the people drawn."""
    draw = public_queryset(ObserverDraw).filter(meeting_id=meeting_id).select_related("meeting").first()
    if draw is None:
        return None
    index = draw_leaf_index(draw)
    checkpoint = None
    if draw.checkpoint_size is not None:
        checkpoint = Checkpoint.objects.filter(size=draw.checkpoint_size).first()
    elif index is not None:
        checkpoint = seed_checkpoint(index)
    names = dict(Observer.objects.filter(code__in=draw.drawn).values_list("code", "name"))
    categories = {m["id"]: m["category"] for m in draw.pool or []}
    return {
        "topic": draw.topic,
        "pool": draw.pool,
        "pool_sha256": draw.pool_sha256,
        "pool_leaf_index": index,
        "checkpoint": checkpoint.signed_note if checkpoint is not None else None,
        "external_source": draw.external_source,
        "external": draw.external_value or None,
        "seed": draw.seed or None,
        "quotas": draw.quotas,
        "drawn": draw.drawn,
        "observers": [{"id": code, "category": categories.get(code, ""),
                       "category_label": ObserverCategory(categories[code]).label if code in categories else "",
                       "name": mask_name(names.get(code, ""))} for code in draw.drawn],
        "meeting": {"id": draw.meeting.pk, "title": draw.meeting.title, "starts_at": draw.meeting.starts_at,
                    "closed": draw.meeting.state != MeetingState.PLANNED},
    }

