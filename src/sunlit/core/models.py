"""Events (every change of state), the audit trail of refusals, and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from sunlit.core import clock


class AppendOnlyError(Exception):
    pass


class Event(models.Model):
    """One change of state: who, what, when, before, after (DESIGN.md, Record).

    Written only by services, in the same transaction as the change; never updated or deleted.
    """

    at = models.DateTimeField("时间", default=clock.now, db_index=True)
    actor = models.ForeignKey(  # no index: events are read by object and time, and every write adds one
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT,
        db_index=False,
    )
    action = models.CharField("操作", max_length=64)
    object_type = models.CharField("对象类型", max_length=64)
    object_id = models.CharField("对象编号", max_length=64)
    before = models.JSONField("变更前", null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField("变更后", null=True, blank=True, encoder=DjangoJSONEncoder)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "事件"
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("事件记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("事件记录只能追加，不能删除")


class AuditKind(models.TextChoices):
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGIN_LOCKED = "login_locked", "登录锁定"
    LOGIN_REFUSED = "login_refused", "锁定期间拒绝登录"
    TOKEN_REFUSED = "token_refused", "令牌已过期或已吊销"
    REFUSED = "refused", "拒绝操作"
    CASE_LOOKUP_FAILED = "case_lookup_failed", "办件查询失败"


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("审计记录只能追加，不能修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("审计记录只能追加，不能删除")


class AuditEntry(models.Model):
    """审计记录: a refusal that must be kept (a failed login, a refused request a rule names), outside
    the transparency log, so that anonymous visitors cannot grow the log. Append-only, like Event."""

    at = models.DateTimeField("时间", default=clock.now, db_index=True)
    kind = models.CharField("类型", max_length=32, choices=AuditKind.choices)
    username = models.CharField("尝试的用户名", max_length=150, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    detail = models.JSONField("详情", default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "审计记录"
        # The lockouts count by kind and name or address within a window (core.lockout, cases.selectors).
        indexes = [models.Index(fields=["kind", "at"]),
                   models.Index(fields=["kind", "username", "at"], name="audit_kind_username_at"),
                   models.Index(fields=["kind", "address", "at"], name="audit_kind_address_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("审计记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("审计记录只能追加，不能删除")


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


TOKEN_DAYS = 90
"""How long an API token lives unless its issuer says otherwise (`sunlit issue-token --days N`)."""
TOKEN_DAYS_MAX = 366
# Using a token notes when, at most this often: not a write on every request.
_USE_NOTED_EVERY = dt.timedelta(minutes=5)


class TokenState(models.TextChoices):
    ACTIVE = "active", "有效"
    EXPIRED = "expired", "已过期"
    REVOKED = "revoked", "已吊销"


class ApiToken(models.Model):
    """A bearer token for API clients; only its hash is stored. Issued and revoked through
    org.services (api_token_issue, api_token_revoke), which record the event. It works until it
    expires or is revoked, whichever comes first; when it was last used is noted, not logged."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("名称", max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("签发时间", default=clock.now)
    expires_at = models.DateTimeField("到期时间")
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked = models.BooleanField("已吊销", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.user}·{self.name}"

    @classmethod
    def issue(cls, user: Any, name: str, *, at: Any = None, days: int = TOKEN_DAYS) -> tuple[ApiToken, str]:
        """The row and the raw token. Services call it (org.services.api_token_issue records the event)."""
        raw = "sl_" + secrets.token_urlsafe(32)
        at = at or clock.now()
        token = cls.objects.create(user=user, name=name, key_hash=_hash_token(raw), created_at=at,
                                   expires_at=at + dt.timedelta(days=days))
        return token, raw

    @classmethod
    def find(cls, raw: str) -> ApiToken | None:
        """The token this raw value is, whatever its state."""
        return cls.objects.select_related("user").filter(key_hash=_hash_token(raw)).first()

    def state(self, at: dt.datetime | None = None) -> TokenState:
        if self.revoked:
            return TokenState.REVOKED
        if self.expires_at <= (at or clock.now()):
            return TokenState.EXPIRED
        return TokenState.ACTIVE

    @property
    def current_state(self) -> TokenState:
        return self.state()

    def note_use(self, at: dt.datetime | None = None) -> None:
        """Note that the token was used now, unless that was noted a few minutes ago already."""
        at = at or clock.now()
        if self.last_used_at is not None and at - self.last_used_at < _USE_NOTED_EVERY:
            return
        ApiToken.objects.filter(pk=self.pk).filter(
            models.Q(last_used_at__isnull=True) | models.Q(last_used_at__lte=at - _USE_NOTED_EVERY)
        ).update(last_used_at=at)
        self.last_used_at = at

    @classmethod
    def user_for(cls, raw: str, *, at: dt.datetime | None = None) -> Any | None:
        """The active login a usable token (neither expired nor revoked) stands for, or None."""
        token = cls.find(raw)
        if token is None or token.state(at) != TokenState.ACTIVE or not token.user.is_active:
            return None
        return token.user


# ------------------------------------------------------------------------------------ the official calendar

NATIONAL = "CN"
"""The national jurisdiction: the State Council's annual notice. Others are plain codes under it, each part
after a hyphen (CN-45 a province, CN-45-0721 a county): a day entered for a code applies to every code
under it, the most specific entry winning (core.calendar)."""


class DayKind(models.TextChoices):
    REST = "rest", "休息（节假日）"
    WORK = "work", "上班（调休）"


class CalendarNotice(models.Model):
    """A year's official holiday notice for a jurisdiction: while it is held, the year is known and due dates
    crossing it are confirmed."""

    jurisdiction = models.CharField("适用范围", max_length=32, default=NATIONAL)
    year = models.PositiveSmallIntegerField("年份")
    source = models.CharField("来源文件", max_length=300)
    entered_at = models.DateTimeField("录入时间", default=clock.now)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "节假日安排通知"
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "year"], name="one_notice_per_year")]

    def __str__(self) -> str:
        return f"{self.jurisdiction} {self.year}年：{self.source}"


class CalendarDay(models.Model):
    """A weekday off (节假日) or a weekend worked (调休) in a jurisdiction, with the notice it comes from."""

    jurisdiction = models.CharField("适用范围", max_length=32, default=NATIONAL)
    day = models.DateField("日期")
    kind = models.CharField("类型", max_length=8, choices=DayKind.choices)
    name = models.CharField("名称", max_length=100, blank=True)
    source = models.CharField("来源文件", max_length=300)
    entered_at = models.DateTimeField("录入时间", default=clock.now)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "节假日与调休"
        ordering = ["jurisdiction", "day"]
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "day"], name="one_entry_per_day")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.get_kind_display()} {self.name}"


# ------------------------------------------------------------------------------------------------ deadlines watched

class WatchLevel(models.TextChoices):
    NONE = "", "未预警"
    YELLOW = "yellow", "黄牌"
    RED = "red", "红牌"


class Watch(models.Model):
    """A deadline e-supervision watches: a case's current step, a case's promised limit, later a decision's
    execution report or a rating's follow-up. Domain services keep one row per (object, kind) up to date
    (core.watch); the sweep reads only this table, by its indexed due date, and raises `level` by
    compare-and-swap, so two sweeps at once never issue a card twice."""

    kind = models.CharField("类型", max_length=40)
    target_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField()
    unit_code = models.CharField("单位编码", max_length=32)
    calendar = models.CharField("节假日适用范围", max_length=32, default=NATIONAL)
    label = models.CharField("说明", max_length=200)
    due = models.DateField("期限", null=True, blank=True)
    level = models.CharField("已发预警", max_length=8, choices=WatchLevel.choices, default=WatchLevel.NONE, blank=True)
    changed_at = models.DateTimeField("更新时间", default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "期限监控"
        constraints = [models.UniqueConstraint(fields=["target_type", "target_id", "kind"], name="one_watch_per_kind")]
        indexes = [models.Index(fields=["level", "due"], name="watch_level_due",
                                condition=models.Q(due__isnull=False))]

    def __str__(self) -> str:
        return f"{self.label}（{self.due or '—'}）"
