"""The observer pool (旁听人员库) and a meeting's draw, in the order that lets anyone check it: the secretary
sets the topic, the quotas and the external value's source in advance; the eligible pool is frozen and its
document logged (a public record leaf whose content is the pool document); only then can the seed exist,
from the first checkpoint covering that leaf and the external value once announced (decisions.draw)."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction

from sunlit.core import clock as clock_mod
from sunlit.core.clock import Clock
from sunlit.core.errors import Conflict, DomainError
from sunlit.core.visibility import public_queryset
from sunlit.decisions import draw as draw_rules
from sunlit.decisions import selectors
from sunlit.decisions.models import Meeting, MeetingState, Observer, ObserverCategory, ObserverDraw, Topic
from sunlit.decisions.permissions import require_pool_keeper, require_secretary
from sunlit.decisions.services.matters import text
from sunlit.org.models import Unit
from sunlit.record.events import record_event
from sunlit.record.services import record_leaf_for

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")


class PoolNotFrozen(DomainError):
    """The seed was asked for before the eligible pool was frozen and logged."""


class QuotaTooLarge(DomainError):
    """A category's quota exceeds its eligible members."""


def _topics(topics: list[str]) -> list[str]:
    unknown = [t for t in topics if t not in Topic.values]
    if unknown or not topics:
        raise DomainError("请选择可旁听的议题领域" if not topics else f"议题领域无法识别：{'、'.join(unknown)}",
                          field="topics")
    return sorted(set(topics))


def _units(codes: list[str]) -> list[str]:
    """The units a person is related to, by code; a code no unit has is refused (a mistyped conflict would let
    the person be drawn for the very unit they are related to)."""
    cleaned = sorted({c.strip() for c in codes if c.strip()})
    unknown = set(cleaned) - set(Unit.objects.filter(code__in=cleaned).values_list("code", flat=True))
    if unknown:
        raise DomainError(f"没有编码为{'、'.join(sorted(unknown))}的单位", field="conflict_units")
    return cleaned


@transaction.atomic
def observer_add(
    *, code: str, name: str, category: str, topics: list[str], actor: Any, contact: str = "",
    conflict_units: list[str] | None = None, clock: Clock | None = None,
) -> Observer:
    """Add a person to the observer pool. The pool code is public and enters draws; name and contact never do."""
    require_pool_keeper(actor)
    code = (code or "").strip()
    if not CODE.match(code):
        raise DomainError("库内编号应为字母、数字和 - . _ 组成（如 OBS-0042），至多32位", field="code")
    if Observer.objects.filter(code=code).exists():
        raise Conflict(f"库内编号{code}已被使用", field="code")
    if category not in ObserverCategory.values:
        raise DomainError("请选择人员类别", field="category")
    observer = Observer.objects.create(
        code=code, name=text(name, "name", "姓名", limit=50), category=category, topics=_topics(topics),
        contact=text(contact, "contact", "联系方式", required=False, limit=100),
        conflict_units=_units(conflict_units or []), added_at=clock_mod.now(clock))
    record_event(actor=actor, action="decisions.observer.add", obj=observer, clock=clock, after={
        "code": code, "category": category, "topics": observer.topics, "conflict_units": observer.conflict_units})
    return observer


def _lock_meeting(meeting: Meeting) -> Meeting:
    locked = Meeting.objects.select_for_update().select_related("body__unit").get(pk=meeting.pk)
    if locked.state != MeetingState.PLANNED:
        raise Conflict(f"「{locked.title}」已闭会", field="meeting")
    return locked


def _checked_quotas(quotas: dict[str, Any], counts: dict[str, int]) -> dict[str, int]:
    cleaned: dict[str, int] = {}
    for code, raw in quotas.items():
        if code not in ObserverCategory.values:
            raise DomainError(f"人员类别「{code}」无法识别", field="quotas")
        label = ObserverCategory(code).label
        if isinstance(raw, bool) or not isinstance(raw, int) and not (isinstance(raw, str) and raw.strip().isdigit()):
            raise DomainError(f"「{label}」人数应为0或正整数", field=f"quotas.{code}")
        k = int(raw)
        if k < 0:
            raise DomainError(f"「{label}」人数应为0或正整数", field=f"quotas.{code}")
        if k > counts.get(code, 0):
            raise QuotaTooLarge(f"「{label}」符合条件的只有{counts.get(code, 0)}人，不能抽取{k}人", field=f"quotas.{code}")
        cleaned[code] = k
    if not any(cleaned.values()):
        raise DomainError("请至少为一个类别设定抽取人数", field="quotas")
    return cleaned


@transaction.atomic
def draw_prepare(
    *, meeting: Meeting, topic: str, quotas: dict[str, Any], external_source: str, actor: Any,
    clock: Clock | None = None,
) -> ObserverDraw:
    """Set up a meeting's draw before its pool is frozen: the topic, the quota per category (none above the
    category's eligible members), and, named in advance, the external public value the seed will use (e.g.
    a named lottery's draw on a named date)."""
    meeting = _lock_meeting(meeting)
    require_secretary(actor, meeting.body.unit)
    if topic not in Topic.values:
        raise DomainError("请选择议题领域", field="topic")
    draw = ObserverDraw.objects.select_for_update().filter(meeting=meeting).first()
    if draw is not None and draw.frozen_at is not None:
        raise Conflict("旁听人员库已冻结，抽取设置不能再更改", field="meeting")
    counts = selectors.eligible_counts(selectors.eligible_observers(meeting, topic))
    cleaned = _checked_quotas(quotas, counts)
    source = text(external_source, "external_source", "外部随机值来源（如某期彩票开奖号码及日期）", limit=300)
    before = None if draw is None else {"topic": draw.topic, "quotas": draw.quotas, "external_source": draw.external_source}
    if draw is None:
        draw = ObserverDraw(meeting=meeting)
    draw.topic, draw.quotas, draw.external_source = topic, cleaned, source
    draw.prepared_by, draw.prepared_at = actor, clock_mod.now(clock)
    draw.save()
    record_event(actor=actor, action="decisions.draw.prepare", obj=draw, clock=clock, before=before,
                 after={"meeting": meeting.pk, "topic": topic, "quotas": cleaned, "external_source": source,
                        "eligible": counts})
    return draw


@transaction.atomic
def draw_freeze(*, meeting: Meeting, actor: Any, clock: Clock | None = None) -> ObserverDraw:
    """Freeze the eligible pool and log its document (a record leaf whose content is the pool document, its
    header naming the meeting, topic, quotas, the external value's source and the pool's SHA-256)."""
    meeting = _lock_meeting(meeting)
    require_secretary(actor, meeting.body.unit)
    draw = ObserverDraw.objects.select_for_update().filter(meeting=meeting).first()
    if draw is None:
        raise DomainError("请先设定议题、各类别人数和外部随机值来源", field="meeting")
    if draw.frozen_at is not None:
        raise Conflict("旁听人员库已冻结", field="meeting")
    eligible = selectors.eligible_observers(meeting, draw.topic)
    _checked_quotas(draw.quotas, selectors.eligible_counts(eligible))
    members = draw_rules.pool_members((o.category, o.code) for o in eligible)
    document = draw_rules.pool_document(members)
    draw.pool = [{"category": m.category, "id": m.id} for m in members]
    draw.pool_sha256 = draw_rules.pool_sha256(document)
    draw.frozen_at = clock_mod.now(clock)
    draw.save(update_fields=["pool", "pool_sha256", "frozen_at"])
    public = public_queryset(Meeting).filter(pk=meeting.pk).exists()
    header = {"meeting": meeting.pk, "topic": draw.topic, "quotas": draw.quotas,
              "external_source": draw.external_source, "pool_sha256": draw.pool_sha256}
    leaf = record_leaf_for(obj=draw, header=header, content=draw.pool, public=public, at=draw.frozen_at, clock=clock)
    record_event(actor=actor, action="decisions.draw.freeze", obj=draw, clock=clock, published=leaf,
                 after={"pool_sha256": draw.pool_sha256, "pool_size": len(members), "public": public})
    return draw


@transaction.atomic
def draw_complete(*, meeting: Meeting, external_value: str, actor: Any, clock: Clock | None = None) -> ObserverDraw:
    """Enter the external value as announced: the seed is made from the first checkpoint covering the pool's
    leaf and that value, and the observers are drawn. Refused before the pool is frozen and logged."""
    meeting = _lock_meeting(meeting)
    require_secretary(actor, meeting.body.unit)
    draw = ObserverDraw.objects.select_for_update().filter(meeting=meeting).first()
    if draw is None or draw.frozen_at is None or draw.pool is None:
        raise PoolNotFrozen("旁听人员库尚未冻结并记入日志，不能生成种子", field="external_value")
    if draw.seed:
        raise Conflict("旁听人员已抽取", field="meeting")
    value = draw_rules.external_text(external_value or "")
    if not value:
        raise DomainError(f"请填写外部随机值（{draw.external_source}）", field="external_value")
    if len(value) > 300:
        raise DomainError("外部随机值不能超过300个字", field="external_value")
    index = selectors.draw_leaf_index(draw)
    if index is None:
        raise PoolNotFrozen("旁听人员库尚未写入日志，请稍候再试", field="external_value")
    checkpoint = selectors.seed_checkpoint(index)
    if checkpoint is None:
        raise PoolNotFrozen("尚无覆盖旁听人员库的检查点，请稍候再试", field="external_value")
    seed = draw_rules.seed(checkpoint.note, value)
    pool = [draw_rules.PoolMember(m["category"], m["id"]) for m in draw.pool]
    draw.external_value, draw.checkpoint_size, draw.seed = value, checkpoint.size, seed.hex()
    draw.drawn = draw_rules.draw(pool, draw.quotas, seed)
    draw.drawn_at = clock_mod.now(clock)
    draw.save(update_fields=["external_value", "checkpoint_size", "seed", "drawn", "drawn_at"])
    record_event(actor=actor, action="decisions.draw.complete", obj=draw, clock=clock, after={
        "external_value": value, "checkpoint_size": checkpoint.size, "pool_leaf_index": index, "seed": draw.seed,
        "drawn": draw.drawn})
    return draw
