"""API input and output shapes. No rules here: validation of meaning is in catalog.rules."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.utils import timezone
from ninja import Field, Schema
from pydantic import BeforeValidator, PlainSerializer, field_validator
from pydantic_core import PydanticCustomError

from sunlit.catalog.models import Category, LimitUnit
from sunlit.core.lawnames import law_name
from sunlit.core.paging import page_number
from sunlit.core.timelimits import format_limit
from sunlit.core.visibility import Audience, Exemption

LocalDateTime = Annotated[dt.datetime, PlainSerializer(lambda d: timezone.localtime(d).isoformat(), return_type=str)]
"""Datetimes leave the API in Asia/Shanghai time, as users read them."""

PageNumber = Annotated[int, BeforeValidator(page_number), Field(description="页码，从1开始")]
"""A page number, by the portal's rule (core.paging): 0, negative or not a number is refused with 400."""



class InputSchema(Schema):
    """Input: no text may hold a NUL character, which PostgreSQL cannot store or even compare."""

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_nul(cls, value: object) -> object:
        if isinstance(value, str) and "\x00" in value:
            raise PydanticCustomError("string_nul", "不能包含空字符（\\0）")
        return value


class ErrorItem(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    errors: list[ErrorItem]


class UnitOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    parent: str | None = Field(None, alias="parent.code")


class OfficialOut(Schema):
    id: int
    name: str
    title: str
    duties: str
    unit: str = Field(alias="unit.code")
    unit_name: str = Field(alias="unit.name")
    public_phone: str
    photo: str | None = None
    portfolio: list[str]

    @staticmethod
    def resolve_photo(obj: object) -> str | None:
        photo = getattr(obj, "photo", None)
        return photo.url if photo else None

    @staticmethod
    def resolve_portfolio(obj: object) -> list[str]:
        return [a.name for a in obj.portfolio.all()]  # type: ignore[attr-defined]


class LegalBasisIn(InputSchema):
    law: str = Field(..., min_length=1, max_length=200)
    article: str = Field("", max_length=100)
    excerpt: str = ""


class LegalBasisOut(Schema):
    law: str = Field(description="法律法规名称，不带书名号（显示时加一对《》）")
    article: str
    excerpt: str

    @staticmethod
    def resolve_law(obj: object) -> str:
        return law_name(obj.law)  # type: ignore[attr-defined]


def _limit_text(days: int | None, unit: str) -> str:
    return format_limit(days, unit)


class PowerSummaryOut(Schema):
    id: int
    code: str
    name: str = Field(alias="published_version.name")
    category: str = Field(alias="published_version.category")
    category_label: str = Field(alias="published_version.get_category_display")
    unit: str = Field(alias="unit.code")
    unit_name: str = Field(alias="unit.name")
    main_item: int | None = Field(None, alias="parent_id")
    statutory_limit: str
    promised_limit: str
    version: int = Field(alias="published_version.number")
    approved_at: LocalDateTime | None = Field(None, alias="published_version.reviewed_at")

    @staticmethod
    def resolve_statutory_limit(obj: object) -> str:
        v = obj.published_version  # type: ignore[attr-defined]
        return _limit_text(v.statutory_limit, v.statutory_limit_unit)

    @staticmethod
    def resolve_promised_limit(obj: object) -> str:
        v = obj.published_version  # type: ignore[attr-defined]
        return _limit_text(v.promised_limit, v.promised_limit_unit)


class VersionContentOut(Schema):
    number: int
    change_kind: str
    reason: str
    reviewed_at: LocalDateTime | None
    name: str
    category: str
    category_label: str = Field(alias="get_category_display")
    implementing_body: str
    handling_office: str
    handling_post: str | None = Field(None, alias="handling_post.name")
    responsible_leader: str | None = Field(None, alias="responsible_leader.name")
    conditions: str
    materials: str
    statutory_limit: int | None
    statutory_limit_unit: str
    statutory_limit_text: str
    promised_limit: int | None
    promised_limit_unit: str
    promised_limit_text: str
    fees: str
    fee_basis: str
    service_commitment: str
    responsibilities: str
    accountability: str
    complaint_phone: str
    remarks: str
    legal_bases: list[LegalBasisOut]

    @staticmethod
    def resolve_statutory_limit_text(obj: object) -> str:
        return _limit_text(obj.statutory_limit, obj.statutory_limit_unit)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_promised_limit_text(obj: object) -> str:
        return _limit_text(obj.promised_limit, obj.promised_limit_unit)  # type: ignore[attr-defined]

    @staticmethod
    def resolve_legal_bases(obj: object) -> list[object]:
        return list(obj.legal_bases.all())  # type: ignore[attr-defined]


class PowerDetailOut(Schema):
    id: int
    code: str
    unit: str = Field(alias="unit.code")
    unit_name: str = Field(alias="unit.name")
    main_item: int | None = Field(None, alias="parent_id")
    current: VersionContentOut = Field(alias="published_version")


class PowerPageOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[PowerSummaryOut]
    count_capped: bool = Field(False, description="检索结果超过1000项时为true，count即为1000")
    terms: list[str] = Field([], description="检索时使用的词（已统一全半角、大小写）")
    also_searched: list[str] = Field([], description="按群众常用说法一并查找的词")


def _omitted(**constraints: Any) -> Any:
    """The default of a content field a request may leave out: None, so that one left out can be told
    from one sent (`exclude_unset`), while the field's type stays non-null where content may not be empty
    (a null name is refused, not read as "keep")."""
    return Field(None, **constraints)


class VersionContentIn(InputSchema):
    """A version's content. In a new version of an item (POST /powers/{id}/versions) a field left out
    keeps its value in the version revised (the published one, else the newest), legal_bases too; null
    (or "" for text) clears a field that may be empty, and a field that may not (name, category, the
    units of limits, audience, exemption) takes no null."""

    name: str = _omitted(max_length=200)
    category: Category = _omitted()
    implementing_body: str = _omitted(max_length=200)
    handling_office: str = _omitted(max_length=200)
    handling_post: int | None = _omitted()
    responsible_leader: int | None = _omitted()
    conditions: str = _omitted()
    materials: str = _omitted()
    statutory_limit: int | None = _omitted(ge=0, le=3650)
    statutory_limit_unit: LimitUnit = _omitted(description="working（工作日）或 calendar（自然日），新增时默认 working")
    promised_limit: int | None = _omitted(ge=0, le=3650)
    promised_limit_unit: LimitUnit = _omitted(description="working（工作日）或 calendar（自然日），新增时默认 working")
    fees: str = _omitted()
    fee_basis: str = _omitted()
    service_commitment: str = _omitted()
    responsibilities: str = _omitted()
    accountability: str = _omitted()
    complaint_phone: str = _omitted(max_length=60)
    remarks: str = _omitted()
    audience: Audience = _omitted(description="新增时默认 public")
    exemption: Exemption = _omitted(description="新增时默认 none")
    legal_bases: list[LegalBasisIn] = _omitted(description="设定依据；新版本中省略则沿用，[] 为清空")
    reason: str = Field(..., max_length=2000)
    submit: bool = False


class PowerCreateIn(VersionContentIn):
    """A new item and its first version: a field left out takes its default (empty, or as said)."""

    name: str = Field(..., max_length=200)
    category: Category
    unit: str = Field(..., max_length=32)
    code: str = Field(..., min_length=1, max_length=64)
    main_item: int | None = None


class ReviewIn(InputSchema):
    comment: str = Field("", max_length=2000)


class CancelIn(InputSchema):
    reason: str = Field(..., max_length=2000)


class VersionStateOut(Schema):
    id: int
    item: int = Field(alias="item_id")
    number: int
    status: str
    status_label: str = Field(alias="get_status_display")
    change_kind: str
    name: str
    reason: str
    author: str = Field(alias="author.username")
    created_at: LocalDateTime
    submitted_at: LocalDateTime | None
    reviewer: str | None = Field(None, alias="reviewer.username")
    reviewed_at: LocalDateTime | None
    review_comment: str


class ImportRowErrorOut(Schema):
    row: int
    field: str
    message: str
    code: str


class ImportReportOut(Schema):
    """What an Excel import did (catalog.excel.ImportReport): items created, items given a new version,
    items unchanged, each refused row, and what was imported but should be looked at."""

    imported: int
    changed: int
    unchanged: int
    rows: int
    errors: list[ImportRowErrorOut]
    warnings: list[ImportRowErrorOut]
    dry_run: bool
    sheet: str
