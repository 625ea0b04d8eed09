"""三重一大 reads: what a matter still lacks before it may reach an agenda, who counts on an agenda matter
(present and not withdrawn), who speaks last, the observers' eligible pool, and the public draw."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from sunlit.core.models import Event
from sunlit.core.tlog.merkle import leaf_hash
from sunlit.core.visibility import Exemption, public_queryset
from sunlit.decisions.models import (
    AgendaItem,
    Attendance,
    Body,
    BodyMember,
    Consultation,
    Execution,
    Expert,
    LegalityReview,
    Matter,
    MatterStatus,
    Meeting,
    MeetingState,
    Minutes,
    Observer,
    ObserverCategory,
    ObserverDraw,
    ProgressReport,
    Publication,
    StageRecord,
    Statement,
    StatementRefusal,
    Vote,
    Withdrawal,
)
from sunlit.decisions.permissions import LEGAL_ROLES, SECRETARY_ROLES, SPONSOR_ROLES, keeps_pool
from sunlit.decisions.rules import MatterKind, Stage, quorum_met
from sunlit.org.models import Official, Role, Unit
from sunlit.org.permissions import has_role, units_for
from sunlit.record import selectors as log
from sunlit.record.models import Checkpoint

# ------------------------------------------------------------------------------------------- matters


@dataclass(frozen=True)
class StageProgress:
    """One stage a matter requires, as its page shows it: done or not, and what it still lacks in the words
    the agenda's refusal uses ("" when done, and for the collective discussion, which the meeting does)."""

    stage: str
    label: str
    done: bool
    lacking: str


def stage_progress(matter: Matter, today: dt.date) -> list[StageProgress]:
    """Each stage the matter requires, in the stages' order, with what it lacks: a document stage not recorded,
    a comment period not opened, still running or not answered, no expert opinion, a legality review not sent,
    pending (with its earliest conclusion date) or failed (with its opinion)."""
    progress: list[StageProgress] = []
    recorded = set(StageRecord.objects.filter(matter=matter).values_list("stage", flat=True))
    for stage in matter.required_stages:
        label = Stage(stage).label
        lacking = ""
        if stage in (Stage.RESEARCH, Stage.DRAFT, Stage.RISK) and stage not in recorded:
            lacking = label
        elif stage == Stage.PARTICIPATION:
            consultation = Consultation.objects.filter(matter=matter).first()
            if consultation is None:
                lacking = f"{label}（未公开征求意见）"
            elif consultation.closes_on >= today:
                lacking = f"{label}（征求意见期至{consultation.closes_on:%Y-%m-%d}，尚未结束）"
            elif not consultation.answer_summary:
                lacking = f"{label}（未公布意见采纳情况）"
        elif stage == Stage.EXPERT and not matter.expert_opinions.exists():
            lacking = f"{label}（无专家论证意见）"
        elif stage == Stage.LEGALITY:
            review = latest_legality_review(matter)
            if review is None:
                lacking = f"{label}（未送审）"
            elif review.passed is None:
                lacking = f"{label}（审查中，最早{review.earliest_on:%Y-%m-%d}作出结论）"
            elif not review.passed:
                lacking = f"{label}未通过：{review.opinion}"
        done = matter.status == MatterStatus.DECIDED if stage == Stage.DISCUSSION else not lacking
        progress.append(StageProgress(stage, label, done, lacking))
    return progress


def missing_stages(matter: Matter, today: dt.date) -> list[str]:
    """What keeps a matter off an agenda, in the stages' order, each in words a clerk reads: a required
    stage not done, or a legality review that failed (with its opinion). Empty when it is ready."""
    return [p.lacking for p in stage_progress(matter, today) if p.lacking]


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



# ------------------------------------------------------------------------------------------- the record


def decision_record(item: AgendaItem) -> dict[str, Any]:
    """A decided matter's record as the portal shows it and its publication logs it: who proposed, how its
    stages went, who attended, withdrew and observed, who said what in which order, how each voted, what was
    decided, with any reasons and dissent."""
    matter, meeting = item.matter, item.meeting
    members = {m.pk: str(m) for m in BodyMember.objects.filter(body_id=meeting.body_id).select_related("official")}
    attendance = list(Attendance.objects.filter(meeting=meeting))
    review = latest_legality_review(matter)
    draw = ObserverDraw.objects.filter(meeting=meeting).first()
    consultation = Consultation.objects.filter(matter=matter).first()
    return {
        "title": matter.title, "kind": matter.kind, "kind_label": matter.get_kind_display(),
        "unit": {"code": matter.unit.code, "name": matter.unit.name}, "sponsor_office": matter.sponsor_office,
        "amount": matter.amount, "proposed_at": matter.created_at, "required_stages": matter.required_stages,
        "documents": [{"stage": r.stage, "label": Stage(r.stage).label, "at": r.at, "data": r.data}
                      for r in StageRecord.objects.filter(matter=matter).order_by("at", "pk")],
        "consultation": None if consultation is None else {
            "opens_on": consultation.opens_on, "closes_on": consultation.closes_on,
            "comments": consultation.comments.count(), "answer_summary": consultation.answer_summary},
        "expert_opinions": [{"expert": o.expert.name, "opinion": o.opinion}
                            for o in matter.expert_opinions.select_related("expert")],
        "legality_review": None if review is None else {
            "submitted_on": review.submitted_on, "concluded_on": review.concluded_on, "passed": review.passed,
            "opinion": review.opinion},
        "meeting": {"id": meeting.pk, "title": meeting.title, "body": meeting.body.name, "starts_at": meeting.starts_at},
        "present": [members[a.member_id] for a in attendance if a.present],
        "absent": [{"name": members[a.member_id], "note": a.note} for a in attendance if not a.present],
        "withdrawals": [{"name": members[w.member_id], "reason": w.reason} for w in Withdrawal.objects.filter(item=item)],
        "statements": [{"sequence": s.sequence, "name": members[s.member_id], "position": s.position,
                        "reasons": s.reasons} for s in Statement.objects.filter(item=item).order_by("sequence")],
        "refused_statements": [{"name": members[r.member_id], "reason": r.reason}
                               for r in item.refusals.all()],
        "votes": [{"name": members[v.member_id], "choice": v.choice} for v in Vote.objects.filter(item=item)],
        "adopted": item.adopted, "decision": item.conclusion, "reasons": item.reasons,
        "dissent": [{"name": d["name"], "reasons": d["reasons"]} for d in item.dissent],
        "observers": draw.drawn if draw is not None else [],
    }


def open_consultations(today: dt.date) -> list[Consultation]:
    """Consultations of public matters whose comment period runs today (征求意见中)."""
    return list(public_queryset(Consultation).filter(opens_on__lte=today, closes_on__gte=today)
                .select_related("matter__unit").order_by("closes_on", "pk"))


def public_consultation(consultation_id: int) -> Consultation | None:
    return public_queryset(Consultation).filter(pk=consultation_id).select_related("matter__unit").first()


def published_decisions() -> list[Publication]:
    return list(public_queryset(Publication).select_related("item__matter__unit", "item__meeting__body")
                .order_by("-published_at", "-pk"))


def public_decision(publication_id: int) -> Publication | None:
    return (public_queryset(Publication).filter(pk=publication_id)
            .select_related("item__matter__unit", "item__meeting__body").first())


def exemptions_for(viewer: Any) -> list[Publication]:
    """Decisions not published for an exemption, in the units `viewer` supervises (纪检监察), for review."""
    units = units_for(viewer, (Role.SUPERVISOR, Role.ADMIN))
    return list(Publication.objects.exclude(exemption=Exemption.NONE).filter(item__matter__unit__in=units)
                .select_related("item__matter__unit").order_by("-published_at"))


# ------------------------------------------------------------------------------------------- the secretary's console


def meetings_for(viewer: Any) -> QuerySet[Meeting]:
    """The meetings of the bodies whose units the viewer is a secretary of, newest first."""
    from_units = units_for(viewer, SECRETARY_ROLES)
    return Meeting.objects.filter(body__unit__in=from_units).select_related("body__unit").order_by("-starts_at", "-pk")


def meeting_for(viewer: Any, meeting_id: int) -> Meeting | None:
    return meetings_for(viewer).filter(pk=meeting_id).first()


def secretary_units(viewer: Any) -> QuerySet[Unit]:
    return units_for(viewer, SECRETARY_ROLES).order_by("path")


def bodies_for(viewer: Any) -> QuerySet[Body]:
    """The deciding bodies of the units the viewer is a secretary of (the party or government office)."""
    return (Body.objects.filter(unit__in=units_for(viewer, SECRETARY_ROLES)).select_related("unit")
            .annotate(member_count=Count("members", filter=Q(members__active=True))).order_by("unit__path", "name"))


def body_for(viewer: Any, body_id: int) -> Body | None:
    return bodies_for(viewer).filter(pk=body_id).first()


def member_candidates(body: Body) -> QuerySet[Official]:
    """Officials who may join a body: in its unit or a unit below it, with a login (members sign the minutes
    with their own), not yet members."""
    return (Official.objects.filter(unit__path__startswith=body.unit.path, user__isnull=False)
            .exclude(pk__in=BodyMember.objects.filter(body=body).values("official_id"))
            .select_related("unit").order_by("unit__path", "sort_order", "name"))


def agenda_matters(meeting: Meeting) -> QuerySet[Matter]:
    """The matters a meeting's body may decide: those of its unit and the units below it."""
    return Matter.objects.filter(unit__path__startswith=meeting.body.unit.path).select_related("unit")


def agenda_candidates(meeting: Meeting, today: dt.date) -> list[tuple[Matter, list[str]]]:
    """The body's matters still in preparation, each with what it lacks (empty: ready for the agenda), ready
    ones first."""
    matters = agenda_matters(meeting).filter(status=MatterStatus.PREPARING).order_by("-created_at", "-pk")[:200]
    return sorted(((m, missing_stages(m, today)) for m in matters), key=lambda row: bool(row[1]))


@dataclass(frozen=True)
class SeatRow:
    """One member on one agenda matter, as the secretary's screen shows it."""

    member: BodyMember
    present: bool
    withdrawn: bool
    statement: Statement | None
    vote: Vote | None
    last: bool
    may_state: bool
    may_vote: bool


@dataclass(frozen=True)
class ItemBoard:
    item: AgendaItem
    rows: list[SeatRow]
    quorum: bool
    counted: int
    statements_done: bool
    votes_done: bool
    refusals: list[StatementRefusal]


def item_board(item: AgendaItem) -> ItemBoard:
    """Who may state or vote now on an agenda matter: the principal's (or the acting presider's) statement only
    once every other member present and not withdrawn has stated (末位表态); votes only after every statement."""
    current = roll(item)
    done, votes = stated(item), voted(item)
    last = last_speaker(item, current)
    counted = current.counted
    quorum = quorum_met(counted=len(counted), members=len(current.members), appointment=current.appointment)
    others_done = all(m.pk in done for m in current.members if m.pk in counted and (last is None or m.pk != last.pk))
    statements_done = all(m.pk in done for m in current.members if m.pk in counted)
    open_ = item.adopted is None and item.meeting.state == MeetingState.PLANNED
    rows = []
    for member in current.members:
        takes_part = member.pk in counted and open_ and quorum and last is not None
        is_last = last is not None and member.pk == last.pk
        rows.append(SeatRow(
            member=member, present=member.pk in current.present, withdrawn=member.pk in current.withdrawn,
            statement=done.get(member.pk), vote=votes.get(member.pk), last=is_last,
            may_state=takes_part and member.pk not in done and (others_done or not is_last),
            may_vote=takes_part and item.matter.vote_required and statements_done and member.pk not in votes))
    votes_done = not item.matter.vote_required or all(m.pk in votes for m in current.members if m.pk in counted)
    return ItemBoard(item=item, rows=rows, quorum=quorum, counted=len(counted), statements_done=statements_done,
                     votes_done=votes_done, refusals=list(item.refusals.select_related("member__official")))


# ------------------------------------------------------------------------------------------- the preparing desks


@dataclass(frozen=True)
class Desk:
    """Which of the procedure's desks the viewer works at, in some unit: the sponsor's (承办), the legal
    office's (合法性审查), the meeting secretary's (bodies, meetings, and the county's observer pool)."""

    sponsor: bool
    legal: bool
    secretary: bool

    @property
    def any(self) -> bool:
        return self.sponsor or self.legal or self.secretary


def desk(viewer: Any) -> Desk:
    return Desk(sponsor=units_for(viewer, SPONSOR_ROLES).exists(), legal=units_for(viewer, LEGAL_ROLES).exists(),
                secretary=units_for(viewer, SECRETARY_ROLES).exists())


def sponsored_units(viewer: Any) -> QuerySet[Unit]:
    return units_for(viewer, SPONSOR_ROLES).order_by("path")


def sponsored_matter(viewer: Any, matter_id: int) -> Matter | None:
    """A matter the viewer may prepare (承办): of a unit where they hold a sponsor's role."""
    return Matter.objects.filter(unit__in=units_for(viewer, SPONSOR_ROLES), pk=matter_id).select_related("unit").first()


def may_sponsor(viewer: Any, matter: Matter) -> bool:
    return has_role(viewer, matter.unit, SPONSOR_ROLES)


def experts() -> QuerySet[Expert]:
    """The expert pool (专家库): the experts in it now."""
    return Expert.objects.filter(active=True).order_by("name", "pk")


def reviews_for(viewer: Any) -> QuerySet[LegalityReview]:
    """The legality reviews of the units whose legal office the viewer is (法制审核)."""
    return (LegalityReview.objects.filter(matter__unit__in=units_for(viewer, LEGAL_ROLES))
            .select_related("matter__unit", "submitted_by__official", "reviewer__official"))


def waiting_reviews(viewer: Any) -> QuerySet[LegalityReview]:
    """Reviews waiting for the viewer's conclusion, the earliest due first."""
    return reviews_for(viewer).filter(passed__isnull=True).order_by("earliest_on", "submitted_on", "pk")


def concluded_reviews(viewer: Any) -> QuerySet[LegalityReview]:
    return reviews_for(viewer).filter(passed__isnull=False).order_by("-concluded_on", "-pk")


def review_for(viewer: Any, review_id: int) -> LegalityReview | None:
    return reviews_for(viewer).filter(pk=review_id).first()


def matter_papers(matter: Matter) -> dict[str, Any]:
    """What the matter's page and its legal reviewer read: the latest document of each stage, the comment
    period with its comments (the text only: a resident's name and contact stay with the sponsor's records),
    the expert opinions and every legality review, oldest first."""
    consultation = Consultation.objects.filter(matter=matter).first()
    return {
        "documents": {stage: latest_stage_record(matter, stage) for stage in (Stage.RESEARCH, Stage.DRAFT, Stage.RISK)},
        "consultation": consultation,
        "comments": list(consultation.comments.order_by("at", "pk")) if consultation else [],
        "opinions": list(matter.expert_opinions.select_related("expert").order_by("at", "pk")),
        "reviews": list(LegalityReview.objects.filter(matter=matter).select_related("reviewer__official")
                        .order_by("submitted_on", "pk")),
        "agenda": list(AgendaItem.objects.filter(matter=matter).select_related("meeting").order_by("pk")),
    }


def observer_pool(viewer: Any) -> QuerySet[Observer]:
    """The observer pool (旁听人员库) in full, names and contacts included: for its keepers only (none to anyone
    else). The public sees pool codes and masked names beside a draw (public_draw), nothing more."""
    if not keeps_pool(viewer):
        return Observer.objects.none()
    return Observer.objects.order_by("code")


# ------------------------------------------------------------------------------------------- the lifetime record


READ_ROLES: tuple[str, ...] = (*SPONSOR_ROLES, *LEGAL_ROLES, *SECRETARY_ROLES, Role.SUPERVISOR)
"""Who may read a matter's whole record (终身责任追究): its unit's sponsors, legal reviewers, meeting secretaries
and the supervisors covering it."""


def readable_matters(viewer: Any) -> QuerySet[Matter]:
    return Matter.objects.filter(unit__in=units_for(viewer, READ_ROLES)).select_related("unit")


def person(user: Any) -> str:
    """A login as the record names it: the official it stands for, else its display name."""
    if user is None:
        return "公众"
    official = getattr(user, "official", None)
    return official.name if official is not None else (user.first_name or user.username)


@dataclass(frozen=True)
class LoggedEvent:
    event: Event
    actor: str
    leaf_index: int | None
    leaf_hash: str | None


def matter_events(matter: Matter) -> list[LoggedEvent]:
    """Every event of the matter's life, in order, each with its leaf in the log (index and leaf hash) so that
    a printed page can be checked against the log (/log/proof/INDEX)."""
    items = list(AgendaItem.objects.filter(matter=matter).values_list("pk", "meeting_id"))
    meetings = {m for _, m in items}
    objects = [("decisions.matter", [matter.pk]),
               ("decisions.consultation", list(Consultation.objects.filter(matter=matter).values_list("pk", flat=True))),
               ("decisions.agendaitem", [i for i, _ in items]),
               ("decisions.publication", list(Publication.objects.filter(item__matter=matter).values_list("pk", flat=True))),
               ("decisions.execution", list(Execution.objects.filter(item__matter=matter).values_list("pk", flat=True))),
               ("decisions.minutes", list(Minutes.objects.filter(meeting_id__in=meetings).values_list("pk", flat=True))),
               ("decisions.observerdraw", list(ObserverDraw.objects.filter(meeting_id__in=meetings).values_list("pk", flat=True))),
               ("decisions.meeting", list(meetings))]
    condition = Q(pk__in=[])
    for object_type, ids in objects:
        if ids:
            condition |= Q(object_type=object_type, object_id__in=[str(i) for i in ids])
    events = list(Event.objects.filter(condition).select_related("actor__official").order_by("at", "pk"))
    leaves = log.event_leaves([e.pk for e in events])
    out = []
    for e in events:
        leaf = leaves.get(e.pk)
        out.append(LoggedEvent(e, person(e.actor), leaf[0] if leaf else None,
                               leaf_hash(leaf[1]).hex() if leaf else None))
    return out


def dossier(matter: Matter) -> dict[str, Any]:
    """A matter's whole record (决策全过程档案): who proposed, every stage with who recorded it, every legality
    review with its reviewer, each meeting's record (decision_record), the publication, execution reports,
    evaluations, and every event with its leaf in the log."""
    items = list(AgendaItem.objects.filter(matter=matter).select_related("meeting__body").order_by("pk"))
    return {
        "matter": matter, "proposed_by": person(matter.proposed_by),
        "documents": [{"label": Stage(r.stage).label, "at": r.at, "by": person(r.author), "text": r.text, "data": r.data}
                      for r in StageRecord.objects.filter(matter=matter).select_related("author__official")],
        "consultation": Consultation.objects.filter(matter=matter).first(),
        "experts": list(matter.expert_opinions.select_related("expert", "entered_by__official")),
        "reviews": [{"review": r, "submitted_by": person(r.submitted_by), "reviewer": person(r.reviewer) if r.reviewer else ""}
                    for r in LegalityReview.objects.filter(matter=matter).select_related(
                        "submitted_by__official", "reviewer__official").order_by("submitted_on", "pk")],
        "meetings": [{"item": i, "record": decision_record(i),
                      "publication": Publication.objects.filter(item=i).first(),
                      "execution": Execution.objects.filter(item=i).select_related("owner").first(),
                      "reports": list(ProgressReport.objects.filter(execution__item=i).select_related("by__official")),
                      "evaluations": list(i.evaluations.all())} for i in items if i.adopted is not None],
        "events": matter_events(matter),
    }
