"""Open data (开放数据): every public list as CSV and JSON at stable addresses under /data/.

Each dataset is a list of columns (key, Chinese label, value of a row); the CSV and the JSON of a dataset
hold the same rows and columns. CSV is UTF-8 with a byte-order mark, so Excel opens the Chinese as
written, its header the Chinese labels; JSON names each field by key and gives the labels in `fields`.
Rows are read through the public query path only (catalog.selectors, org.selectors) and streamed, so a
province-sized list is never held in memory whole.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from sunlit.catalog import selectors
from sunlit.catalog.models import Category, PowerItem, PowerItemVersion
from sunlit.core import clock
from sunlit.core.timelimits import format_limit
from sunlit.core.visibility import public_queryset
from sunlit.org import selectors as org_selectors
from sunlit.org.models import Official, Post, Unit

CHUNK = 1000
FORMATS = ("csv", "json")
# A cell a spreadsheet would run as a formula (CSV injection): written with a leading apostrophe.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    value: Callable[[Any], Any]


def _when(moment: Any) -> str | None:
    return timezone.localtime(moment).date().isoformat() if moment else None


def _name(named: Post | Official | None) -> str:
    """A public handling post's or leader's name (the selectors leave out those that are not public)."""
    return named.name if named is not None else ""


def _bases(version: PowerItemVersion) -> list[dict[str, str]]:
    return [{"law": b.law, "article": b.article, "excerpt": b.excerpt} for b in version.legal_bases.all()]


def _content(version: Callable[[Any], PowerItemVersion]) -> list[Column]:
    """The columns of a version's content, reached from a row by `version`."""
    def field(name: str) -> Callable[[Any], Any]:
        return lambda row: getattr(version(row), name)

    def limit(kind: str) -> Callable[[Any], str]:
        return lambda row: format_limit(getattr(version(row), f"{kind}_limit"), getattr(version(row), f"{kind}_limit_unit"))

    return [
        Column("name", "事项名称", field("name")),
        Column("category", "职权类别", lambda row: version(row).get_category_display()),
        Column("implementing_body", "实施主体", field("implementing_body")),
        Column("handling_office", "承办机构", field("handling_office")),
        Column("handling_post", "承办岗位", lambda row: _name(version(row).handling_post)),
        Column("responsible_leader", "责任领导", lambda row: _name(version(row).responsible_leader)),
        Column("statutory_limit", "法定时限", limit("statutory")),
        Column("promised_limit", "承诺时限", limit("promised")),
        Column("legal_bases", "设定依据", lambda row: _bases(version(row))),
        Column("conditions", "受理条件", field("conditions")),
        Column("materials", "申请材料", field("materials")),
        Column("fees", "收费标准", field("fees")),
        Column("fee_basis", "收费依据", field("fee_basis")),
        Column("service_commitment", "服务承诺", field("service_commitment")),
        Column("responsibilities", "责任事项", field("responsibilities")),
        Column("accountability", "追责情形", field("accountability")),
        Column("complaint_phone", "监督电话", field("complaint_phone")),
    ]


def _published(item: PowerItem) -> PowerItemVersion:
    assert item.published_version is not None  # the public list holds published items only
    return item.published_version


POWER_COLUMNS = [
    Column("id", "事项ID", lambda item: item.pk),
    Column("code", "事项编码", lambda item: item.code),
    *_content(_published)[:2],
    Column("unit_code", "单位编码", lambda item: item.unit.code),
    Column("unit", "实施单位", lambda item: item.unit.name),
    Column("main_item_code", "主项编码", lambda item: item.parent.code if item.parent else ""),
    *_content(_published)[2:],
    Column("version", "版本", lambda item: _published(item).number),
    Column("approved_at", "批准日期", lambda item: _when(_published(item).reviewed_at)),
    Column("url", "网址", lambda item: f"/powers/{item.pk}/"),
]

HISTORY_COLUMNS = [
    Column("number", "版本", lambda v: v.number),
    Column("change_kind", "变更类型", lambda v: v.get_change_kind_display()),
    Column("approved_at", "批准日期", lambda v: _when(v.reviewed_at)),
    Column("reason", "变更理由", lambda v: v.reason),
    *_content(lambda v: v),
]

UNIT_COLUMNS = [
    Column("code", "单位编码", lambda u: u.code),
    Column("name", "单位名称", lambda u: u.name),
    Column("short_name", "简称", lambda u: u.short_name),
    Column("kind", "类型", lambda u: u.get_kind_display()),
    Column("parent_code", "上级单位编码", lambda u: u.parent.code if u.parent else ""),
    Column("address", "地址", lambda u: u.address),
    Column("phone", "电话", lambda u: u.phone),
    Column("url", "网址", lambda u: f"/units/{u.code}/"),
]

OFFICIAL_COLUMNS = [
    Column("name", "姓名", lambda o: o.name),
    Column("title", "职务", lambda o: o.title),
    Column("unit_code", "单位编码", lambda o: o.unit.code),
    Column("unit", "所在单位", lambda o: o.unit.name),
    Column("portfolio", "分管工作", lambda o: [a.name for a in o.portfolio.all()]),
    Column("duties", "职责", lambda o: o.duties),
    Column("public_phone", "公开电话", lambda o: o.public_phone),
]


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = "；".join(_basis_text(v) if isinstance(v, dict) else str(v) for v in value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _basis_text(basis: dict[str, str]) -> str:
    return f"《{basis['law']}》{basis['article']}"


class _Line:
    """A file-like sink for csv.writer that hands back what was written."""

    def write(self, text: str) -> str:
        return text


def _csv(columns: list[Column], rows: Iterable[Any]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow([c.label for c in columns])
    for row in rows:
        yield writer.writerow([_csv_cell(c.value(row)) for c in columns])


def _json(meta: dict[str, Any], columns: list[Column], rows: Iterable[Any]) -> Iterator[str]:
    head = {**meta, "fields": [{"key": c.key, "label": c.label} for c in columns]}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "rows": ['
    for n, row in enumerate(rows):
        yield ("," if n else "") + "\n" + json.dumps({c.key: c.value(row) for c in columns}, ensure_ascii=False)
    yield "\n]}\n"


def _download(request: HttpRequest, fmt: str, *, name: str, title: str, columns: list[Column],
              rows: Iterable[Any]) -> StreamingHttpResponse:
    """Dataset `name` (the file's name) as CSV or JSON; `title` says in Chinese what it holds."""
    if fmt == "csv":
        response = StreamingHttpResponse(_csv(columns, rows), content_type="text/csv; charset=utf-8")
    else:
        meta = {"title": title, "source": request.get_full_path(), "generated_at": clock.now().isoformat()}
        response = StreamingHttpResponse(_json(meta, columns, rows), content_type="application/json; charset=utf-8")
    file_name = f"{name}.{fmt}"
    response["Content-Disposition"] = (f"attachment; filename=\"{file_name}\"; "
                                       f"filename*=UTF-8''{quote(title + '.' + fmt)}")
    return response


def _code(request: HttpRequest, name: str) -> str | None:
    return request.GET.get(name, "").strip()[:32] or None


def index(request: HttpRequest) -> HttpResponse:
    """开放数据: what can be downloaded, where, in which formats; the API beside."""
    units = org_selectors.public_units()
    return render(request, "portal/open_data.html", {"units": units, "categories": Category.choices})


def units(request: HttpRequest, fmt: str) -> StreamingHttpResponse:
    return _download(request, fmt, name="units", title="单位名录", columns=UNIT_COLUMNS,
                     rows=org_selectors.public_units())


def officials(request: HttpRequest, fmt: str) -> StreamingHttpResponse:
    unit_code = _code(request, "unit")
    unit = public_queryset(Unit).filter(code=unit_code).first() if unit_code else None
    if unit_code and unit is None:
        raise Http404("单位不存在")
    rows: list[Official] = org_selectors.public_officials(unit_code=unit_code)
    return _download(request, fmt, name=f"officials-{unit.code}" if unit else "officials",
                     title=f"{unit.name if unit else ''}领导班子公示", columns=OFFICIAL_COLUMNS, rows=rows)


def listed_powers(request: HttpRequest) -> tuple[dict[str, Any], Unit | None]:
    """The filters of the portal's power list as a request gives them (unit with its sub-units, category,
    search words), and the unit they name: the list page and its download read the same rows."""
    q = request.GET.get("q", "").strip()[:100]
    unit_code = _code(request, "unit")
    asked = request.GET.get("category", "")
    category = asked if asked in Category.values else None
    unit = public_queryset(Unit).filter(code=unit_code).first() if unit_code else None
    return {"unit_code": unit_code, "category": category, "q": q, "include_sub_units": True}, unit


def powers(request: HttpRequest, fmt: str) -> StreamingHttpResponse:
    filters, unit = listed_powers(request)
    if filters["unit_code"] and unit is None:
        raise Http404("单位不存在")
    label = Category(filters["category"]).label if filters["category"] else ""
    title = f"{unit.name if unit else ''}权力清单{('（' + label + '）') if label else ''}"
    name = "-".join(["powers", *(f for f in (filters["unit_code"], filters["category"]) if f)])
    rows = selectors.public_powers_downloaded(**filters).iterator(chunk_size=CHUNK)
    return _download(request, fmt, name=name, title=title, columns=POWER_COLUMNS, rows=rows)


def history(request: HttpRequest, item_id: str, fmt: str) -> StreamingHttpResponse:
    item = selectors.public_record(int(item_id))
    if item is None:
        raise Http404("事项不存在或未公开")
    versions = list(selectors.public_power_history(item))
    name = versions[0].name if versions else item.code
    return _download(request, fmt, name=f"power-{item.pk}-history", title=f"{name}变更记录",
                     columns=HISTORY_COLUMNS, rows=versions)
