"""电子监察: cards (黄牌, 红牌) issued by the sweep on watched deadlines, and anomalies found in the record.

A card points at what it watches (a generic target: a case, later a decision's execution report or a
rating's follow-up) and is never deleted: it is resolved with a note, and a red card can be referred for
accountability (问责).

Cards reach people without a row per recipient: the inbox (supervision.selectors.inbox) is a query over the
cards, and a login's reading of one is a CardRead. `notified_at` is set once, by compare-and-swap, by the step
that texts a card's recipients (supervision.services.notify_cards).
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
    # The login whose recorded action an anomaly names (who did the step, entered the case, refused it).
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="所涉办理人", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    notified_at = models.DateTimeField("短信通知时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "监察预警"
        indexes = [models.Index(fields=["unit", "state", "level"], name="card_unit_state_level"),
                   models.Index(fields=["target_type", "target_id"], name="card_target"),
                   # Only the cards not yet notified: what notify_cards reads, however many cards there are.
                   models.Index(fields=["id"], condition=models.Q(notified_at__isnull=True), name="card_unnotified")]

    def __str__(self) -> str:
        return f"{self.get_level_display()}：{self.label}"


class SweepMark(models.Model):
    """How far the sweep's anomaly pass has read one append-only table (a rule family: the cases' steps, the
    cases, the notices that end them), so that each sweep reads only the rows added since.

    Every row with an id up to `done` has been examined after it settled; `seen` is the highest id a sweep has
    examined, first at `seen_at`. Ids are handed out before their transactions commit, and on PostgreSQL they
    may commit out of order (id 101 visible while 100 is still being written), so the mark only moves up to
    `seen` once that observation is older than the settling time (anomalies.SETTLE): until then the rows above
    `done` are read again, which costs a few minutes of activity and issues nothing twice (the cards' keys).
    Both move forward by compare-and-swap on (done, seen), so two sweeps at once never move them back."""

    name = models.CharField("规则组", max_length=40, unique=True)
    done = models.BigIntegerField("已确认读至", default=0)
    seen = models.BigIntegerField("已读至", default=0)
    seen_at = models.DateTimeField("读至时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "异常扫描进度"

    def __str__(self) -> str:
        return f"{self.name}≤{self.done}"


class CardRead(models.Model):
    """A login has read a card in its inbox (已读): what the unread count leaves out."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="reads")
    read_at = models.DateTimeField("阅读时间", default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "预警阅读记录"
        constraints = [models.UniqueConstraint(fields=["user", "card"], name="card_read_once")]

    def __str__(self) -> str:
        return f"{self.user_id}·{self.card_id}"
