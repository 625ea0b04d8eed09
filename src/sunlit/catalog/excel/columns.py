"""The columns of the provincial power-list template (权力清单): canonical headers, in export order,
and the aliases clerks' sheets use for them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sunlit.catalog.models import LimitUnit


@dataclass(frozen=True)
class Column:
    """One column. `key` is a content field of PowerItemVersion, or one of the structural keys
    seq / code / name / sub_code / sub_name / legal_bases / unit."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    width: int = 16


COLUMNS: tuple[Column, ...] = (
    Column("seq", "序号", width=6),
    Column("code", "事项编码", ("权力编码", "职权编码", "权力事项编码"), 14),
    Column("name", "事项名称", ("权力名称", "职权名称", "权力事项名称"), 22),
    Column("sub_code", "子项编码", (), 14),
    Column("sub_name", "子项名称", ("子项", "子项事项名称"), 22),
    Column("category", "权力类型", ("职权类型", "权力类别", "职权类别"), 12),
    Column("legal_bases", "设定依据", ("法律法规依据", "法律依据"), 50),
    Column("implementing_body", "实施主体", (), 16),
    Column("handling_office", "承办机构", ("承办科室",), 16),
    Column("conditions", "受理条件", ("申请条件",), 30),
    Column("materials", "申请材料", ("申报材料",), 30),
    Column("statutory_limit", "法定时限", ("办理时限",), 12),
    Column("promised_limit", "承诺时限", (), 12),
    # The combined column of older templates is read into 收费标准: both texts are free text.
    Column("fees", "收费标准", ("收费依据及标准",), 20),
    Column("fee_basis", "收费依据", (), 20),
    Column("service_commitment", "服务承诺", (), 24),
    Column("responsibilities", "责任事项", (), 40),
    Column("accountability", "追责情形", ("责任追究情形", "问责情形"), 40),
    Column("complaint_phone", "监督电话", ("投诉电话", "监督投诉电话"), 16),
    Column("remarks", "备注", (), 20),
    Column("audience", "公开范围", (), 10),
    Column("exemption", "豁免情形", (), 10),
)

UNIT_COLUMN = Column("unit", "实施单位", (), 18)

BY_KEY = {c.key: c for c in (*COLUMNS, UNIT_COLUMN)}

TEXT_FIELDS = (
    "implementing_body", "handling_office", "conditions", "materials", "fees", "fee_basis",
    "service_commitment", "responsibilities", "accountability", "complaint_phone", "remarks",
)

# Columns that say which item a row is, not what it contains: a main item does not derive them.
IDENTITY_KEYS = frozenset({"seq", "code", "name", "sub_code", "sub_name", "unit"})

_KEY_BY_ALIAS = {
    alias: c.key for c in COLUMNS for alias in (c.header, *c.aliases)
}
_PARENTHESIS = re.compile(r"\(([^()]*)\)$")


def header_key(text: object) -> tuple[str | None, str | None]:
    """The column key a header cell names, and the limit unit its parenthesis gives, if any.

    '法定时限（工作日）' → ('statutory_limit', 'working'); '*权力名称' → ('name', None);
    anything else → (None, None).
    """
    s = unicodedata.normalize("NFKC", str(text or ""))
    s = re.sub(r"\s+", "", s).lstrip("*★※")
    hint = None
    m = _PARENTHESIS.search(s)
    if m:
        s = s[: m.start()]
        hint = _unit_hint(m[1])
    return _KEY_BY_ALIAS.get(s), hint


def _unit_hint(text: str) -> str | None:
    if "工作日" in text:
        return LimitUnit.WORKING_DAYS
    if any(word in text for word in ("自然日", "日", "天")):
        return LimitUnit.CALENDAR_DAYS
    return None


def as_written(text: object) -> str:
    """A header as the file writes it, line breaks and blanks removed so a report can quote it."""
    return re.sub(r"\s+", "", str(text or ""))
