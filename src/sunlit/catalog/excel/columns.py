"""The columns of the provincial power-list template (权力清单): canonical headers, in export order, and
how a sheet's headers are matched to them (the words of catalog/synonyms.toml, normalised)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from sunlit.catalog.models import LimitUnit
from sunlit.catalog.rules import synonyms


@dataclass(frozen=True)
class Column:
    """One column. `key` is a content field of PowerItemVersion, or one of the structural keys
    seq / code / name / sub_code / sub_name / legal_bases / unit / reason / status. Its aliases are in
    catalog/synonyms.toml."""

    key: str
    header: str
    width: int = 16

    @property
    def aliases(self) -> tuple[str, ...]:
        return synonyms("headers").get(self.header, ())


COLUMNS: tuple[Column, ...] = (
    Column("seq", "序号", 6),
    Column("code", "事项编码", 14),
    Column("name", "事项名称", 22),
    Column("sub_code", "子项编码", 14),
    Column("sub_name", "子项名称", 22),
    Column("category", "权力类型", 12),
    Column("legal_bases", "设定依据", 50),
    Column("implementing_body", "实施主体", 16),
    Column("handling_office", "承办机构", 16),
    Column("handling_post", "承办岗位", 14),
    Column("responsible_leader", "责任领导", 10),
    Column("conditions", "受理条件", 30),
    Column("materials", "申请材料", 30),
    Column("statutory_limit", "法定时限", 12),
    Column("promised_limit", "承诺时限", 12),
    Column("fees", "收费标准", 20),
    Column("fee_basis", "收费依据", 20),
    Column("service_commitment", "服务承诺", 24),
    Column("responsibilities", "责任事项", 40),
    Column("accountability", "追责情形", 40),
    Column("complaint_phone", "监督电话", 16),
    Column("remarks", "备注", 20),
    Column("audience", "公开范围", 10),
    Column("exemption", "豁免情形", 10),
)

UNIT_COLUMN = Column("unit", "实施单位", 18)
# Written by the working export; an import ignores it (a status is the reviewer's, not the sheet's).
STATUS_COLUMN = Column("status", "状态", 8)
# Read by an import: why a row that differs from its item's approved version is a new version.
REASON_COLUMN = Column("reason", "变更理由", 20)

BY_KEY = {c.key: c for c in (*COLUMNS, UNIT_COLUMN, STATUS_COLUMN, REASON_COLUMN)}
# The columns an import reads (the status column is not one of them).
READ_COLUMNS = (*COLUMNS, REASON_COLUMN)

TEXT_FIELDS = (
    "implementing_body", "handling_office", "conditions", "materials", "fees", "fee_basis",
    "service_commitment", "responsibilities", "accountability", "complaint_phone", "remarks",
)

# Columns that say which item a row is, not what it contains: a main item does not derive them.
IDENTITY_KEYS = frozenset({"seq", "code", "name", "sub_code", "sub_name", "unit", "reason", "status"})

_PARENTHESIS = re.compile(r"\(([^()]*)\)")
_DECORATION = re.compile(r"^(?:[*★※]+|\d+[.、]|[一二三四五六七八九十]+、)+|[:：*]+$")


def match_text(text: object) -> str:
    """A header, or a word of synonyms.toml, as matching compares it: full-width to half-width, blanks and
    line breaks removed, a leading mark or number and a trailing colon dropped."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or "")))
    return _DECORATION.sub("", s)


def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for column in READ_COLUMNS:
        for word in (column.header, *column.aliases):
            table.setdefault(match_text(word), column.key)
    return table


_KEY_BY_ALIAS = _alias_table()


def column_named(text: str) -> str | None:
    """The key of the template column a name given by the user (`--column 来源表头=目标列`) names: the
    template's header or one of its synonyms."""
    return _KEY_BY_ALIAS.get(match_text(text))


def header_key(text: object, mapping: Mapping[str, str] | None = None) -> tuple[str | None, str | None]:
    """The column key a header cell names, and the limit unit its parenthesis gives, if any.

    '法定时限（工作日）' → ('statutory_limit', 'working'); '*权力名称' → ('name', None); '子项（分项）名称' →
    ('sub_name', None); `mapping` (a header as the file writes it → a column key) comes first;
    anything else → (None, None).
    """
    s = match_text(text)
    if mapping:
        for source, key in mapping.items():
            if match_text(source) == s:
                return key, None
    hint = None
    for m in _PARENTHESIS.finditer(s):
        hint = hint or _unit_hint(m[1])
    bare = _PARENTHESIS.sub("", s)
    for candidate in (s, bare, s.replace("(", "").replace(")", "")):
        if candidate in _KEY_BY_ALIAS:
            return _KEY_BY_ALIAS[candidate], hint
    return None, None


def _unit_hint(text: str) -> str | None:
    if "工作日" in text:
        return LimitUnit.WORKING_DAYS
    if any(word in text for word in ("自然日", "日", "天")):
        return LimitUnit.CALENDAR_DAYS
    return None


def as_written(text: object) -> str:
    """A header as the file writes it, line breaks and blanks removed so a report can quote it."""
    return re.sub(r"\s+", "", str(text or ""))
