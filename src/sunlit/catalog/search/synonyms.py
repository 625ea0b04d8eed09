"""Residents' words (群众常用说法): staff keep a table of what people type and the list's own words for it.

A query holding a phrase also looks for its words (盖房子 → 建房、宅基地), and the results say so. Writes
are services (one transaction, one event), as everywhere; the Django admin saves through them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from sunlit.catalog.models import SearchSynonym
from sunlit.catalog.permissions import EDIT_ROLES
from sunlit.catalog.search.text import normalize, term_grams
from sunlit.core import clock as clock_mod
from sunlit.core.clock import Clock
from sunlit.core.errors import Conflict, DomainError, NotAllowed
from sunlit.org.permissions import units_for
from sunlit.record.events import record_event

_cached: tuple[tuple[Any, ...], list[tuple[str, list[str]]]] | None = None


def synonym_table() -> list[tuple[str, list[str]]]:
    """Every phrase with its words, normalised: what `text.parse` widens a query with.

    Normalised once per process and again only when a row was added, changed or removed (each row's id
    and time of change are compared: a few hundred small values, not every phrase normalised again).
    """
    global _cached
    stamp = tuple(SearchSynonym.objects.order_by("pk").values_list("pk", "updated_at"))
    if _cached is None or _cached[0] != stamp:
        rows = SearchSynonym.objects.order_by("phrase")
        _cached = (stamp, [(normalize(s.phrase).strip(), [normalize(w).strip() for w in s.word_list()]) for s in rows])
    return _cached[1]


def _require_staff(actor: Any) -> None:
    if not units_for(actor, EDIT_ROLES).exists():
        raise NotAllowed("只有清单编制人员或管理员可以维护群众常用说法", field="phrase")


def _cleaned(phrase: str, words: str, keep: SearchSynonym | None) -> tuple[str, str]:
    phrase = normalize(phrase or "").strip()
    if not term_grams(phrase):
        raise DomainError("请填写群众说法（至少一个汉字、字母或数字）", field="phrase")
    if len(phrase) > SearchSynonym._meta.get_field("phrase").max_length:  # type: ignore[operator]
        raise DomainError("群众说法最多40个字", field="phrase")
    listed = SearchSynonym(words=words or "").word_list()
    if not listed:
        raise DomainError("请填写至少一个也查找的清单用语", field="words")
    if len(words) > SearchSynonym._meta.get_field("words").max_length:  # type: ignore[operator]
        raise DomainError("也查找的用语合计最多200个字", field="words")
    same = SearchSynonym.objects.filter(phrase=phrase)
    if keep is not None:
        same = same.exclude(pk=keep.pk)
    if same.exists():
        raise Conflict(f"“{phrase}”已有对应用语，请修改原条目", field="phrase")
    return phrase, "、".join(listed)


@transaction.atomic
def synonym_create(*, phrase: str, words: str, actor: Any, clock: Clock | None = None) -> SearchSynonym:
    """Add a phrase residents use and the list's words for it."""
    _require_staff(actor)
    phrase, words = _cleaned(phrase, words, None)
    synonym = SearchSynonym.objects.create(phrase=phrase, words=words, updated_at=clock_mod.now(clock))
    record_event(actor=actor, action="catalog.synonym.create", obj=synonym,
                 after={"phrase": phrase, "words": words}, clock=clock)
    return synonym


@transaction.atomic
def synonym_change(*, synonym: SearchSynonym, phrase: str, words: str, actor: Any,
                   clock: Clock | None = None) -> SearchSynonym:
    _require_staff(actor)
    synonym = SearchSynonym.objects.select_for_update().get(pk=synonym.pk)
    before = {"phrase": synonym.phrase, "words": synonym.words}
    synonym.phrase, synonym.words = _cleaned(phrase, words, synonym)
    # Later than before even on a clock that stands still, so every process sees the table changed.
    synonym.updated_at = max(clock_mod.now(clock), synonym.updated_at + dt.timedelta(microseconds=1))
    synonym.save()
    record_event(actor=actor, action="catalog.synonym.change", obj=synonym, before=before,
                 after={"phrase": synonym.phrase, "words": synonym.words}, clock=clock)
    return synonym


@transaction.atomic
def synonym_delete(*, synonym: SearchSynonym, actor: Any, clock: Clock | None = None) -> None:
    _require_staff(actor)
    synonym = SearchSynonym.objects.select_for_update().get(pk=synonym.pk)
    record_event(actor=actor, action="catalog.synonym.delete", obj=synonym,
                 before={"phrase": synonym.phrase, "words": synonym.words}, clock=clock)
    synonym.delete()
