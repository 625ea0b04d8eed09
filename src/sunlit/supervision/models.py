"""电子监察: cards (黄牌, 红牌) issued by the sweep on watched deadlines, and anomalies found in the record.

A card points at what it watches (a generic target: a case, later a decision's execution report or a
rating's follow-up) and is never deleted: it is resolved with a note, and a red card can be referred for
accountability (问责).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from sunlit.core import clock
from sunlit.org.models import Unit


class CardLevel(models.TextChoices):
    YELLOW = "yellow", "黄牌（临近时限）"
    RED = "red", "红牌（超过时限）"
    ANOMALY = "anomaly", "异常"


class CardState(models.TextChoices):
    OPEN = "open", "待处理"
    RESOLVED = "resolved", "已处理"
    REFERRED = "referred", "已移送问责"


class Card(models.Model):
    level = models.CharField("类型", max_length=10, choices=CardLevel.choices)
    trigger = models.CharField("触发规则", max_length=40)
    target_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField()
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="cards")
    label = models.CharField("监察对象", max_length=200)
    due = models.DateField("所监控的期限", null=True, blank=True)
    detail = models.TextField("说明", blank=True)
    issued_at = models.DateTimeField("发出时间", default=clock.now)
    key = models.CharField(max_length=200, unique=True)  # one card per watched deadline and level, ever
    state = models.CharField("状态", max_length=10, choices=CardState.choices, default=CardState.OPEN)
    closed_at = models.DateTimeField("处理时间", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    note = models.TextField("处理说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "监察预警"
        indexes = [models.Index(fields=["unit", "state", "level"], name="card_unit_state_level"),
                   models.Index(fields=["target_type", "target_id"], name="card_target")]

    def __str__(self) -> str:
        return f"{self.get_level_display()}：{self.label}"
