"""The procedure's rules as plain values (LAW.md, Major administrative decisions): which stages each kind
of matter requires by default, the comment period, the legality review's least duration, quorum and
whether a conclusion goes against the majority. No database: the models and services wrap these."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class MatterKind(models.TextChoices):
    DECISION = "decision", "重大决策"
    APPOINTMENT = "appointment", "重要人事任免"
    PROJECT = "project", "重大项目安排"
    FUNDS = "funds", "大额度资金运作"


class Stage(models.TextChoices):
    """The mandatory stages in the order a matter passes them (重大行政决策程序暂行条例)."""

    RESEARCH = "research", "调查研究"
    DRAFT = "draft", "方案起草"
    PARTICIPATION = "participation", "公众参与"
    EXPERT = "expert", "专家论证"
    RISK = "risk", "风险评估"
    LEGALITY = "legality", "合法性审查"
    DISCUSSION = "discussion", "集体讨论决定"


STAGE_ORDER: tuple[str, ...] = tuple(Stage.values)

RULE_SOURCE = "《重大行政决策程序暂行条例》（2019）第九条、第十四条至第三十二条；本地三重一大决策制度"


@dataclass(frozen=True)
class KindDefault:
    stages: tuple[str, ...]
    vote: bool


DEFAULT_RULES: dict[str, KindDefault] = {
    MatterKind.DECISION: KindDefault(STAGE_ORDER, vote=False),
    MatterKind.PROJECT: KindDefault(STAGE_ORDER, vote=False),
    # 考察 is the research stage of an appointment; no public participation.
    MatterKind.APPOINTMENT: KindDefault((Stage.RESEARCH, Stage.DISCUSSION), vote=True),
    MatterKind.FUNDS: KindDefault((Stage.RESEARCH, Stage.RISK, Stage.LEGALITY, Stage.DISCUSSION), vote=True),
}

MIN_COMMENT_DAYS = 30
"""Public comment period, calendar days (第十四条: 一般不少于30日); shorter only with a stated reason."""

MIN_LEGALITY_WORKING_DAYS = 7
"""Legality review, working days (第二十七条: 不得少于7个工作日)."""


def quorum_met(*, counted: int, members: int, appointment: bool) -> bool:
    """Members present and not withdrawn against the body's members: more than half; two thirds or more
    when appointments are discussed."""
    if members <= 0:
        return False
    return counted * 3 >= members * 2 if appointment else counted * 2 > members


def quorum_text(appointment: bool) -> str:
    return "三分之二以上" if appointment else "过半数"


def against_majority(*, adopted: bool, agree: int, present: int) -> bool:
    """Whether a conclusion goes against the majority of those present (not withdrawn): adopting what
    no more than half agreed to, or not adopting what more than half agreed to."""
    majority_agrees = agree * 2 > present
    return adopted != majority_agrees
