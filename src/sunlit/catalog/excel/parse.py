"""One row's cells → a version's content and legal bases, with every reason to refuse it.

Pure: no database. The rules themselves live in catalog.rules; this only reads cells into them and
says which column each problem is in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from sunlit.catalog.excel.columns import BY_KEY, TEXT_FIELDS
from sunlit.catalog.models import LegalBasis, LimitUnit, PowerItemVersion
from sunlit.catalog.rules import (
    Limit,
    normalize,
    parse_category,
    parse_legal_bases,
    parse_limit,
    parse_limits_cell,
    synonyms,
    validate_content,
)
from sunlit.core.visibility import Audience, Exemption

_BARE_NUMBER = re.compile(r"[0-9零〇一二两三四五六七八九十百千]+")


@dataclass
class ParsedRow:
    content: dict[str, Any]
    bases: list[dict[str, str]]
    errors: list[tuple[str, str]] = field(default_factory=list)
    # content field → the column key it was read from, where that is not the field itself
    sources: dict[str, str] = field(default_factory=dict)
    # the content fields (and legal_bases) the sheet has a column for: a new version of an item already
    # in the list changes those and keeps the others
    given: set[str] = field(default_factory=set)
    reason: str = ""  # 变更理由

    def column_of(self, field_name: str) -> str:
        """The column to blame for a content field named by validate_content or a service."""
        base = field_name.split("[", 1)[0].removesuffix("_unit")
        return self.sources.get(base, base)

    def refuse(self, column: str, message: str) -> None:
        self.errors.append((column, message))


def parse_row(
    values: Mapping[str, str], hints: Mapping[str, str], *, name_key: str = "name",
    bases: list[dict[str, str]] | None = None, given: Iterable[str] | None = None,
) -> ParsedRow:
    """Read one row. `name_key` is the column holding the item's name (子项名称 for a sub-item);
    `bases` replaces the row's own 设定依据 (a main item's are gathered from its sub-items); `given`: the
    column keys of the sheet (default: those of `values`)."""
    columns = set(values if given is None else given)
    content: dict[str, Any] = {f: values.get(f, "") for f in TEXT_FIELDS}
    content["name"] = values.get(name_key, "").strip()
    parsed = ParsedRow(content, parse_legal_bases(values.get("legal_bases", "")) if bases is None else bases)
    parsed.sources["name"] = name_key
    parsed.reason = values.get("reason", "").strip()
    parsed.given = {"name"} | (columns & {*TEXT_FIELDS, "category", "legal_bases", "audience", "exemption",
                                          "handling_post", "responsible_leader", "statutory_limit"})
    if "promised_limit" in columns:
        parsed.given.add("promised_limit")
    content["category"] = _category(values.get("category", ""), parsed)
    _limits(values, hints, parsed)
    content["audience"] = _choice(values, "audience", Audience, Audience.PUBLIC, parsed)
    content["exemption"] = _choice(values, "exemption", Exemption, Exemption.NONE, parsed)
    _lengths(parsed)
    _validate(parsed)
    return parsed


def _category(text: str, parsed: ParsedRow) -> str:
    if not normalize(text):
        parsed.refuse("category", "缺少权力类型（职权类别）")
        return ""
    try:
        return parse_category(text)
    except ValueError as exc:
        parsed.refuse("category", str(exc))
        return ""


def _read_limit_cell(text: str, hint: str | None, promised_column: bool) -> tuple[Limit | None, Limit | None]:
    """(statutory, promised) from one cell. A bare number takes its unit from the header
    ('法定时限（工作日）'); without one it is refused, as a law's 20日 and 20个工作日 differ."""
    s = normalize(text)
    if hint and _BARE_NUMBER.fullmatch(s):
        s += "个工作日" if hint == LimitUnit.WORKING_DAYS else "日"
    if "法定" in s or "承诺" in s:
        return parse_limits_cell(s)
    limit = parse_limit(s)
    return (None, limit) if promised_column else (limit, None)


def _limits(values: Mapping[str, str], hints: Mapping[str, str], parsed: ParsedRow) -> None:
    found: dict[str, tuple[Limit, str]] = {}
    for column in ("statutory_limit", "promised_limit"):
        text = values.get(column, "")
        if not normalize(text):
            continue
        try:
            limits = _read_limit_cell(text, hints.get(column), column == "promised_limit")
        except ValueError as exc:
            parsed.refuse(column, str(exc))
            continue
        for kind, limit in zip(("statutory_limit", "promised_limit"), limits, strict=True):
            if limit is None:
                continue
            if kind in found and found[kind][0] != limit:
                label = BY_KEY[kind].header
                parsed.refuse(column, f"{label}与本行另一列所写的{label}不一致")
            found.setdefault(kind, (limit, column))
    if "promised_limit" in found:  # read from a 办理时限 cell holding both limits
        parsed.given.add("promised_limit")
    for kind in ("statutory_limit", "promised_limit"):
        limit, column = found.get(kind, (None, kind))
        parsed.content[kind] = None if limit is None else limit.days
        parsed.content[f"{kind}_unit"] = LimitUnit.WORKING_DAYS if limit is None else limit.unit
        parsed.sources[kind] = column


def _choice(values: Mapping[str, str], key: str, choices: type[models.TextChoices], default: str,
            parsed: ParsedRow) -> str:
    text = normalize(values.get(key, ""))
    if not text:
        return default
    words = synonyms("audiences") if key == "audience" else {}
    for value, label in choices.choices:
        if text in (value, label, *words.get(str(label), ())):
            return str(value)
    labels = "、".join(str(label) for _, label in choices.choices)
    parsed.refuse(key, f"未知的{BY_KEY[key].header}「{text}」，应为：{labels}")
    return default


def _too_long(text: str, model: type[models.Model], name: str) -> str | None:
    model_field = model._meta.get_field(name)
    limit = getattr(model_field, "max_length", None)
    if isinstance(model_field, models.CharField) and limit and len(text) > limit:
        return f"内容过长（{len(text)}字），{model_field.verbose_name}最多{limit}字"
    return None


def _lengths(parsed: ParsedRow) -> None:
    """Over-long text is refused here: PostgreSQL would otherwise fail the row with a database error."""
    for name, value in parsed.content.items():
        message = _too_long(value, PowerItemVersion, name) if isinstance(value, str) else None
        if message:
            parsed.refuse(parsed.column_of(name), message)
    for basis in parsed.bases:
        for name in ("law", "article"):
            message = _too_long(basis.get(name, ""), LegalBasis, name)
            if message:
                parsed.refuse("legal_bases", f"{message}：{basis.get(name, '')[:20]}…")


def _validate(parsed: ParsedRow) -> None:
    """The catalog's own rules; a column already refused above is not blamed twice."""
    refused = {column for column, _ in parsed.errors}
    for error in validate_content(parsed.content, parsed.bases):
        column = parsed.column_of(error.field)
        if column not in refused:
            parsed.refuse(column, error.message)
