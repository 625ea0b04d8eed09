"""The power list's hard rules as plain functions: time limits, categories, legal bases, validity.

Used by the services (API, console) and by the Excel import alike, so each rule lives once.
"""

from __future__ import annotations

import math
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from sunlit.catalog.models import Category, requires_legal_basis
from sunlit.core.errors import FieldError
from sunlit.core.lawnames import law_name, law_title
from sunlit.core.timelimits import LimitUnit, format_limit

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_ON_THE_SPOT = {"即办", "即时办结", "当场办结", "当场", "即时", "立即办结", "当即办结", "即来即办"}
_NO_LIMIT = {"", "无", "-", "—", "——", "/", "／", "无时限", "不适用"}


@dataclass(frozen=True)
class Limit:
    """A time limit: `days` in `unit` (0 means on the spot, 即办)."""

    days: int
    unit: str = LimitUnit.WORKING_DAYS


def normalize(text: Any) -> str:
    """Full-width digits and letters to half-width, surrounding blanks removed."""
    if text is None:
        return ""
    return unicodedata.normalize("NFKC", str(text)).strip()


def chinese_number(text: str) -> int:
    """'二十' → 20, '一百二十' → 120, '15' → 15. Raises ValueError otherwise."""
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in text):
        raise ValueError(text)
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
    return total + (digit or 0)


_LIMIT_RE = re.compile(r"^(?P<n>[0-9零〇一二两三四五六七八九十百千]+)\s*(?:个)?\s*(?P<unit>工作日|自然日|日|天)$")


def parse_limit(text: Any) -> Limit | None:
    """Read one limit: '20个工作日', '60日', '60天', '即办', '二十个工作日'; None when there is none."""
    s = normalize(text).replace(" ", "")
    s = re.sub(r"^(法定|承诺|办理)?(时限)?[:：]?", "", s)
    s = s.rstrip("。.;；")
    if s in _NO_LIMIT:
        return None
    if s in _ON_THE_SPOT or s in {"0", "0个工作日", "0日"}:
        return Limit(0, LimitUnit.WORKING_DAYS)
    m = _LIMIT_RE.match(s)
    if not m:
        raise ValueError(f"无法识别的时限「{normalize(text)}」，应写作“20个工作日”“60日”或“即办”")
    try:
        n = chinese_number(m["n"])
    except ValueError:
        raise ValueError(f"无法识别的时限「{normalize(text)}」") from None
    unit = LimitUnit.WORKING_DAYS if m["unit"] == "工作日" else LimitUnit.CALENDAR_DAYS
    return Limit(n, unit)


def parse_limits_cell(text: Any) -> tuple[Limit | None, Limit | None]:
    """A cell that may hold both limits: '法定20个工作日，承诺10个工作日' → (statutory, promised).

    A cell with one plain limit gives (limit, None).
    """
    s = normalize(text)
    if "法定" in s or "承诺" in s:
        statutory = promised = None
        for part in re.split(r"[，,；;、\n/]+", s):
            part = part.strip()
            if not part:
                continue
            if part.startswith("承诺"):
                promised = parse_limit(part)
            else:
                statutory = parse_limit(part)
        return statutory, promised
    return parse_limit(s), None


def _calendar_span(days: int, unit: str, longest: bool) -> float:
    """Calendar days a limit can span: N working days span at least N and about N×7/5 at most."""
    if unit == LimitUnit.CALENDAR_DAYS:
        return days
    return math.ceil(days * 7 / 5) if longest else days


def promised_exceeds_statutory(promised: Limit | None, statutory: Limit | None) -> bool:
    """承诺时限 may be shorter than 法定时限, never longer (LAW.md)."""
    if promised is None or statutory is None:
        return False
    if promised.unit == statutory.unit:
        return promised.days > statutory.days
    return _calendar_span(promised.days, promised.unit, True) > _calendar_span(statutory.days, statutory.unit, False)


@cache
def synonyms(section: str) -> dict[str, tuple[str, ...]]:
    """A section of synonyms.toml (the words sheets use): each canonical word → its synonyms."""
    data = tomllib.loads(resources.files("sunlit.catalog").joinpath("synonyms.toml").read_text("utf-8"))
    return {word: tuple(str(s) for s in words) for word, words in data[section].items()}


@cache
def _category_words() -> dict[str, str]:
    """Every word that names a category (its label, its national code, its synonyms) → its value."""
    by_label = {str(label): str(value) for value, label in Category.choices}
    words = {**{value: value for value in by_label.values()}, **by_label}
    for label, names in synonyms("categories").items():
        words.update({normalize(name): by_label[label] for name in names})
    return words


def parse_category(text: Any) -> str:
    """A category as sheets write it → its value: '行政许可', '许可类', '行政许可事项', '01' (the national
    code) or 'licensing' → 'licensing'. Raises ValueError naming the list."""
    s = re.sub(r"\s+", "", normalize(text))
    words = _category_words()
    for candidate in (s, s.removesuffix("类"), s.removesuffix("事项"), s.removesuffix("权")):
        for word in (candidate, candidate.removeprefix("行政"), f"行政{candidate}"):
            if word in words:
                return words[word]
    labels = "、".join(str(label) for label in Category.labels)
    raise ValueError(f"未知的职权类别「{s}」，应为：{labels}")


_LEADING_NUMBER = re.compile(r"^\s*(?:\d+[.、．)）]|[（(]\d+[）)]|[①-⑳])\s*")
# 《法》 at the head of a line, the marks doubled or not (《《法》》 is read as 《法》).
_MARKED_LAW = re.compile(r"^《+(?P<law>[^《》]+)》+(?P<rest>.*)$")


def parse_legal_bases(text: Any) -> list[dict[str, str]]:
    """A cell of legal bases, one per line: '《法》第X条：条文'. Lines that do not open with 《 continue
    the previous excerpt. A first line without 《》 is read as '法名第X条：条文'.

    Text is kept as written (no NFKC): it would turn the Chinese punctuation of laws and excerpts
    (，：（）) into ASCII, and format_legal_bases → parse_legal_bases must give back what was stored.
    """
    bases: list[dict[str, str]] = []
    for raw in str(text or "").replace("\r", "").split("\n"):
        line = raw.strip()
        if not line:
            continue
        head = _LEADING_NUMBER.sub("", line)
        marked = _MARKED_LAW.match(head)
        if marked:
            law, rest = marked["law"], marked["rest"]
        elif not bases:
            m = re.match(r"^(.+?)(第[\d一二三四五六七八九十百零〇]+条.*)$", head)
            law, rest = (m[1], m[2]) if m else (head, "")
        else:
            prev = bases[-1]
            prev["excerpt"] = f"{prev['excerpt']}\n{line}" if prev["excerpt"] else line
            continue
        article, excerpt = rest, ""
        for sep in ("：", ":"):
            if sep in rest:
                article, excerpt = rest.split(sep, 1)
                break
        bases.append({"law": law_name(law), "article": article.strip(), "excerpt": excerpt.strip()})
    return bases


def format_legal_bases(bases: list[dict[str, str]]) -> str:
    lines = []
    for b in bases:
        head = f"{law_title(b['law'])}{b.get('article', '')}"
        lines.append(f"{head}：{b['excerpt']}" if b.get("excerpt") else head)
    return "\n".join(lines)


def validate_content(content: dict[str, Any], legal_bases: list[dict[str, str]]) -> list[FieldError]:
    """Every reason a version's content cannot be accepted, each naming its field."""
    errors: list[FieldError] = []
    if not normalize(content.get("name")):
        errors.append(FieldError("name", "缺少事项名称"))
    category = content.get("category")
    if category not in Category.values:
        errors.append(FieldError("category", f"未知的职权类别「{category or ''}」"))
    limits: dict[str, Limit | None] = {}
    for kind, label in (("statutory", "法定时限"), ("promised", "承诺时限")):
        days, unit = content.get(f"{kind}_limit"), content.get(f"{kind}_limit_unit") or LimitUnit.WORKING_DAYS
        if unit not in LimitUnit.values:
            errors.append(FieldError(f"{kind}_limit_unit", f"{label}单位应为工作日或日"))
            limits[kind] = None
        elif days is not None and (not isinstance(days, int) or isinstance(days, bool) or days < 0):
            errors.append(FieldError(f"{kind}_limit", f"{label}应为不小于0的整数天数"))
            limits[kind] = None
        else:
            limits[kind] = None if days is None else Limit(days, unit)
    promised, statutory = limits["promised"], limits["statutory"]
    if promised is not None and statutory is not None and promised_exceeds_statutory(promised, statutory):
        errors.append(FieldError("promised_limit", f"承诺时限（{format_limit(promised.days, promised.unit)}）"
                                                   f"长于法定时限（{format_limit(statutory.days, statutory.unit)}）"))
    if category in Category.values and requires_legal_basis(category) and not legal_bases:
        errors.append(FieldError("legal_bases", f"{Category(category).label}事项必须写明设定依据"))
    for i, basis in enumerate(legal_bases):
        if not law_name(normalize(basis.get("law"))):
            errors.append(FieldError(f"legal_bases[{i}].law", "设定依据缺少法律法规名称"))
    return errors
