"""配权: units, posts, officials, portfolios, appointments, roles and the roles staff hold."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from sunlit.core import clock
from sunlit.core.calendar import validate_jurisdiction
from sunlit.core.visibility import Visibility, open_q, publishable


class UnitKind(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", "党委"
    GOVERNMENT = "government", "政府"
    DEPARTMENT = "department", "部门"
    TOWNSHIP = "township", "乡镇"
    VILLAGE = "village", "村（社区）"


@publishable(lambda: models.Q())
class Unit(models.Model):
    """单位: one node of the tree county → departments/townships → villages. Units are public."""

    code = models.CharField("单位编码", max_length=32, unique=True)
    name = models.CharField("单位名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    kind = models.CharField("类型", max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级单位", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=400, editable=False, db_index=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("电话", max_length=40, blank=True)
    calendar = models.CharField(
        "节假日适用范围", max_length=32, blank=True, validators=[validate_jurisdiction],
        help_text="期限按哪一地区的节假日安排计算（如 CN-36-0731）；留空则随上级单位，最上级默认全国（CN）")

    class Meta:
        verbose_name = verbose_name_plural = "单位"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.path = (self.parent.path if self.parent else "/") + self.code + "/"
        super().save(*args, **kwargs)


class PortfolioArea(models.Model):
    """分管领域: what an official may oversee. Areas are data, not code."""

    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=50)
    principal_forbidden = models.BooleanField(
        "党政正职不得直接分管", default=False,
        help_text="人事、财务、工程项目建设、大宗物资采购、行政审批、执法（不直接分管）",
    )

    class Meta:
        verbose_name = verbose_name_plural = "分管领域"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


def _post_public() -> models.Q:
    # A post of a public unit is public unless marked internal; every unit is public today (Unit's rule
    # is empty), so only the post's own flag decides.
    return models.Q(is_internal=False)


@publishable(_post_public)
class Post(models.Model):
    """岗位: a position in a unit that holds powers. Public unless marked internal (内部岗位)."""

    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="posts")
    name = models.CharField("岗位名称", max_length=100)
    is_principal = models.BooleanField("党政正职", default=False)
    is_leader = models.BooleanField("领导岗位", default=False)
    is_sensitive = models.BooleanField("重点岗位（定期轮岗）", default=False)
    is_internal = models.BooleanField("内部岗位", default=False, help_text="内部岗位不在门户和公开接口中显示")

    class Meta:
        verbose_name = verbose_name_plural = "岗位"
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="post_unique_name_in_unit")]

    def __str__(self) -> str:
        return f"{self.unit.name}·{self.name}"


@publishable(lambda: open_q())
class Official(Visibility):
    """干部: shown on the officials' board with photo, title, duties, portfolio and public phone."""

    name = models.CharField("姓名", max_length=50)
    unit = models.ForeignKey(Unit, verbose_name="所在单位", on_delete=models.PROTECT, related_name="officials")
    title = models.CharField("职务", max_length=100)
    duties = models.TextField("职责", blank=True)
    photo = models.FileField("照片", upload_to="officials/", blank=True)
    public_phone = models.CharField("公开电话", max_length=40, blank=True)
    portfolio = models.ManyToManyField(PortfolioArea, verbose_name="分管工作", blank=True, related_name="officials")
    sort_order = models.PositiveIntegerField("排序", default=0)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="登录账号", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="official", help_text="工作人员的登录账号；系统账号可不关联干部",
    )

    class Meta:
        verbose_name = verbose_name_plural = "干部"
        ordering = ["unit__path", "sort_order", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.title}）"


class Appointment(models.Model):
    """任职: an official holds a post from one date to another (open-ended while serving)."""

    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="appointments")
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="appointments")
    start = models.DateField("任职日期")
    end = models.DateField("离任日期", null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "任职"
        indexes = [models.Index(fields=["post", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="appointment_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.official}→{self.post}（{self.start}起）"


class Role(models.Model):
    """角色: what a staff login may do in a unit (and the units below it). Roles are data, seeded by a
    migration; the constants name the codes that code refers to."""

    EDITOR = "editor"  # 承办人（录入）
    REVIEWER = "reviewer"  # 审核人
    SUPERVISOR = "supervisor"  # 纪检监察
    ADMIN = "admin"  # 管理员
    LEGAL_REVIEWER = "legal_reviewer"  # 法制审核
    PRINCIPAL = "principal"  # 单位主要负责人

    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=50)
    description = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "角色"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """角色授权: a staff role held in a unit; it covers the unit and the units below it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="memberships")
    # The column keeps its name and holds the role's code, as it did before roles were rows.
    role = models.ForeignKey(
        Role, verbose_name="角色", to_field="code", db_column="role", on_delete=models.PROTECT,
        related_name="memberships",
    )

    class Meta:
        verbose_name = verbose_name_plural = "角色授权"
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user}@{self.unit}:{self.role_id}"


class StaffContact(models.Model):
    """A staff login's own mobile number (手机号码), where the platform texts its notices (短信提醒).

    Kept per login, not on Official: supervisors and administrators log in without being officials on the
    board, and an official's `public_phone` is the office line printed for the public. Never shown on the
    portal or in the API; only org.services writes it, and its events keep the number masked."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="登录账号", on_delete=models.CASCADE,
                                related_name="staff_contact")
    mobile = models.CharField("手机号码", max_length=11, help_text="用于接收监察预警等短信提醒，不公开")
    changed_at = models.DateTimeField("更新时间", default=clock.now)

    class Meta:
        verbose_name = verbose_name_plural = "工作人员手机号码"

    def __str__(self) -> str:
        return f"{self.user}·{self.mobile[:3]}****{self.mobile[-4:]}"
