"""Import a clerk's sheet into a unit's power list. The rules are in the package docstring.

An import is planned first, then written in chunks. The plan reads every row, checks it, and compares it
with its item's newest version (so that a sheet exported, edited and imported back changes only what was
edited): a new code is a new item; a row equal to its item is unchanged; a row that differs from an approved
version is a new submitted version (变更) keeping the fields the sheet has no column for; a row that differs
from a pending one is refused naming it. A dry run stops after the plan. The writes go in chunks of about
CHUNK_ROWS rows, each one transaction (with the job's progress, when there is a job), so other writers wait
a moment at most, and an import stopped midway has committed whole chunks and reported them.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import DatabaseError, transaction
from django.db.models import OuterRef, Prefetch, Subquery

from sunlit.catalog import services
from sunlit.catalog.excel.columns import BY_KEY, IDENTITY_KEYS, TEXT_FIELDS, match_text
from sunlit.catalog.excel.parse import ParsedRow, parse_row
from sunlit.catalog.excel.reader import Header, SheetRow, group_blocks, read_sheet
from sunlit.catalog.models import LegalBasis, PowerItem, PowerItemVersion
from sunlit.catalog.permissions import EDIT_ROLES
from sunlit.catalog.rules import normalize, parse_legal_bases
from sunlit.core.errors import DomainError, NotAllowed
from sunlit.core.lawnames import law_name
from sunlit.core.timelimits import format_limit
from sunlit.core.versioning import OPEN_STATUSES, VersionStatus
from sunlit.org.models import Official, Post, Role, Unit
from sunlit.org.permissions import has_role
from sunlit.org.services import membership_grant

IMPORTER_USERNAME = "importer"
CODE_MAX_LENGTH = PowerItem._meta.get_field("code").max_length or 64
CHUNK_ROWS = 500


@dataclass(frozen=True)
class RowError:
    """A refused (or, in `warnings`, questionable) row: the row as Excel numbers it, the column as the file
    writes its header, the reason with the values concerned, and the row's item code where it has one."""

    row: int
    field: str
    message: str
    code: str = dataclasses.field(default="", compare=False)


@dataclass
class ImportReport:
    """What an import did (or, for a dry run, would do): `imported` counts the items created (a main item and
    each of its sub-items count one each), `changed` the items given a new version, `unchanged` those whose
    row equals their newest version; `errors` names every refused row, column and reason, `warnings` what was
    imported but should be looked at; `rows` is how many data rows the sheet has and `done` how many are
    handled so far; `refused` is why nothing was read at all (a limit, unreadable, no header), else empty."""

    imported: int = 0
    changed: int = 0
    unchanged: int = 0
    rows: int = 0
    done: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    sheet: str = ""
    refused: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"imported": self.imported, "changed": self.changed, "unchanged": self.unchanged,
                "rows": self.rows, "done": self.done, "errors": [asdict(e) for e in self.errors],
                "warnings": [asdict(e) for e in self.warnings], "dry_run": self.dry_run, "sheet": self.sheet,
                "refused": self.refused or None}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ImportReport:
        counts = {k: int(data.get(k) or 0) for k in ("imported", "changed", "unchanged", "rows", "done")}
        return cls(**counts, errors=[RowError(**e) for e in data.get("errors") or ()],
                   warnings=[RowError(**e) for e in data.get("warnings") or ()],
                   dry_run=bool(data.get("dry_run")), sheet=str(data.get("sheet") or ""),
                   refused=str(data.get("refused") or ""))

    @property
    def refused_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})


Progress = Callable[[ImportReport], None]


def importer_user(unit: Unit) -> Any:
    """The system user imports from the command line are written by, able to edit `unit`."""
    user, _ = get_user_model().objects.get_or_create(
        username=IMPORTER_USERNAME, defaults={"password": make_password(None)})
    if not has_role(user, unit, EDIT_ROLES):
        membership_grant(user=user, unit=unit, role=Role.EDITOR, actor=None,
                         note="Excel导入：系统导入用户取得编制权限")
    return user


def import_powers(
    file: IO[bytes] | str | Path, *, unit: Unit, author: Any, dry_run: bool = False, file_name: str | None = "",
    reason: str = "", columns: Mapping[str, str] | None = None, progress: Progress | None = None,
) -> ImportReport:
    """Import the power list in `file` into `unit`, written by `author` (who must be able to edit it).

    `reason`: why rows that differ from their items are new versions, where the sheet has no 变更理由 column
    (default "Excel导入：<file name>"); `columns`: headers as the file writes them → template column keys;
    `progress` is called after the plan and after each chunk (inside the chunk's transaction).
    Raises ImportFileError when the file cannot be read or has no header.
    """
    if not has_role(author, unit, EDIT_ROLES):
        raise NotAllowed(f"您没有{unit.name}的编制权限", field="unit")
    sheet = read_sheet(file, columns)
    name = file_name or _file_name(file)
    run = _Run(unit=unit, author=author, header=sheet.header,
               reason=reason.strip() or (f"Excel导入：{name}" if name else "Excel导入"),
               report=ImportReport(dry_run=dry_run, sheet=sheet.title, rows=len(sheet.rows)))
    steps = _plan(run, group_blocks(sheet.rows))
    if progress:
        progress(run.report)
    for chunk in _chunks(steps):
        with transaction.atomic():
            for step in chunk:
                if dry_run:
                    step.count(run)
                run.report.done += len(step.rows)
            if not dry_run:
                _write_chunk(run, chunk)
            _sort(run)
            if progress:
                progress(run.report)
    _sort(run)
    return run.report


def _write_chunk(run: _Run, chunk: list[_Step]) -> None:
    """The chunk's new items in a few statements (services.power_items_create_many): the single items, then
    the new main items, then their sub-items; new versions one by one. Should the catalog refuse one of the
    new items, they are written one by one instead, so that the refusal is told for its own row."""
    writes = [w for step in chunk for w in step.writes]
    new = [w for w in writes if w.item is None]
    if new:
        try:
            with transaction.atomic():
                _create_many(run, [w for w in new if not w.subs])
                mains = [w for w in new if w.subs]
                for main, version in zip(mains, _create_many(run, mains), strict=True):
                    for sub in main.subs:
                        sub.parent = version.item
                _create_many(run, [sub for main in mains for sub in main.subs])
            run.report.imported += sum(1 + len(w.subs) for w in new)
            writes = [w for w in writes if w.item is not None]
        except (DomainError, DatabaseError):
            for main in new:
                for sub in main.subs:
                    sub.parent = None
    for w in writes:
        w.apply(run)


def _create_many(run: _Run, writes: list[_Write]) -> list[PowerItemVersion]:
    if not writes:
        return []
    return services.power_items_create_many(unit=run.unit, author=run.author, submit=True, powers=[
        services.NewPower(w.code, w.parsed.content, w.parsed.bases, w.parsed.reason or run.reason, w.parent)
        for w in writes])


def _file_name(file: IO[bytes] | str | Path) -> str:
    if isinstance(file, str | Path):
        return Path(file).name
    name = getattr(file, "name", "")
    return Path(name).name if isinstance(name, str) else ""


def _sort(run: _Run) -> None:
    order = run.column_order
    for errors in (run.report.errors, run.report.warnings):
        errors.sort(key=lambda e: (e.row, order.get(e.field, 10_000)))


# ---------------------------------------------------------------------------------------------- the run


@dataclass
class _Existing:
    """An item already in the unit's list, with its newest version and its published one."""

    item: PowerItem
    newest: PowerItemVersion
    published: PowerItemVersion | None


@dataclass
class _Run:
    unit: Unit
    author: Any
    header: Header
    reason: str
    report: ImportReport
    claimed: dict[str, tuple[int, str]] = field(default_factory=dict)
    refused: set[RowError] = field(default_factory=set)
    existing: dict[str, _Existing] = field(default_factory=dict)
    posts: dict[str, int] = field(default_factory=dict)
    leaders: dict[str, list[int]] = field(default_factory=dict)
    others: _OtherUnits | None = None

    @property
    def column_order(self) -> dict[str, int]:
        return {self.header.label(key): col for key, col in self.header.columns.items()}

    def has(self, key: str) -> bool:
        return key in self.header.columns

    def refuse(self, rows: list[int], errors: Iterable[tuple[str, str]], prefix: str = "", code: str = "") -> None:
        for number in rows:
            for column, message in errors:
                error = RowError(number, self.header.label(column), prefix + message, code)
                if error not in self.refused:
                    self.refused.add(error)
                    self.report.errors.append(error)

    def warn(self, row: int, column: str, message: str, code: str) -> None:
        self.report.warnings.append(RowError(row, self.header.label(column), message, code))

    def claim(self, code: str, row: int, column: str) -> list[tuple[str, str]]:
        """Reasons `code` cannot be used by this row (missing, too long, already used in the file)."""
        if not code:
            return [(column, "缺少事项编码")]
        if len(code) > CODE_MAX_LENGTH:
            return [(column, f"事项编码过长（{len(code)}字），最多{CODE_MAX_LENGTH}字")]
        first = self.claimed.setdefault(_key(code), (row, column))
        if first != (row, column):
            return [(column, f"事项编码{code}与第{first[0]}行重复")]
        return []


def _key(code: str) -> str:
    """A code as matching compares it (width and case); the clerk's own text is what is stored."""
    return match_text(code).upper()


def _code(text: str) -> str:
    return text.strip()


def _load(run: _Run) -> None:
    """What the plan compares rows with, in a few queries: the unit's items, their newest and published
    versions with legal bases; the unit's posts and officials by name; the other units. (A sub-item's code
    may be made from its main item's, so every item of the unit is a candidate.)"""
    newest = PowerItemVersion.objects.filter(item=OuterRef("pk")).order_by("-number").values("pk")[:1]
    items = [item for item in PowerItem.objects.filter(unit=run.unit).annotate(newest_pk=Subquery(newest))
             if item.newest_pk is not None]
    wanted = {i.newest_pk for i in items} | {i.published_version_id for i in items if i.published_version_id}
    versions: dict[int, PowerItemVersion] = {}
    ids = sorted(wanted)
    for start in range(0, len(ids), 5000):
        query = PowerItemVersion.objects.filter(pk__in=ids[start:start + 5000]).prefetch_related(
            Prefetch("legal_bases", queryset=LegalBasis.objects.order_by("position")))
        versions.update((v.pk, v) for v in query)
    for item in items:
        published = versions.get(item.published_version_id) if item.published_version_id else None
        run.existing[_key(item.code)] = _Existing(item, versions[item.newest_pk], published)
    if run.has("handling_post"):
        run.posts = {match_text(p.name): p.pk for p in Post.objects.filter(unit=run.unit)}
    if run.has("responsible_leader"):
        for official in Official.objects.filter(unit=run.unit).only("pk", "name"):
            run.leaders.setdefault(match_text(official.name), []).append(official.pk)
    run.others = _OtherUnits(run.unit)


def _chunks(steps: list[_Step]) -> Iterable[list[_Step]]:
    chunk: list[_Step] = []
    rows = 0
    for step in steps:
        chunk.append(step)
        rows += len(step.rows)
        if rows >= CHUNK_ROWS:
            yield chunk
            chunk, rows = [], 0
    yield chunk


# ---------------------------------------------------------------------------------------------- the plan


@dataclass
class _Step:
    """What the import does for one block of rows: writes, in order, each in its own savepoint. `rows`
    are the block's rows (its progress); for a new main item, `subs` are written with it, or nothing is."""

    rows: list[int]
    writes: list[_Write] = field(default_factory=list)

    def count(self, run: _Run) -> None:
        """A dry run: count what would be written."""
        for w in self.writes:
            if w.item is not None:
                run.report.changed += 1
            else:
                run.report.imported += 1 + len(w.subs)


@dataclass
class _Write:
    rows: list[int]
    code: str
    code_column: str
    parsed: ParsedRow
    item: PowerItem | None = None  # an existing item: a new version of it; else a new item
    parent: PowerItem | None = None
    subs: list[_Write] = field(default_factory=list)
    prefix: str = ""
    fields: tuple[str, ...] = ()  # for a new version: the fields the row gives

    def apply(self, run: _Run, parent: PowerItem | None = None) -> PowerItemVersion | None:
        """Write in its own savepoint, so that a refusal leaves nothing of it behind."""
        report = run.report
        try:
            with transaction.atomic():
                version = self._write(run, parent or self.parent)
                if self.subs:
                    before = report.imported
                    for sub in self.subs:
                        sub.apply(run, parent=version.item)
                    if report.imported == before:
                        # every sub-item was refused by the catalog: the main item alone is not what was asked
                        raise _NothingWritten
        except _NothingWritten:
            return None
        except services.ContentInvalid as exc:
            run.refuse(self.rows, [(self.parsed.column_of(e.field), e.message) for e in exc.errors],
                       self.prefix, self.code)
        except DomainError as exc:
            column = self.code_column if exc.field in (None, "code", "item") else self.parsed.column_of(exc.field)
            run.refuse(self.rows, [(column, exc.message)], self.prefix, self.code)
        except DatabaseError:
            run.refuse(self.rows, [(self.code_column, "数据库拒绝保存该行，请检查内容是否含有无法保存的字符")],
                       self.prefix, self.code)
        else:
            if self.item is None:
                report.imported += 1
            else:
                report.changed += 1
            return version
        return None

    def _write(self, run: _Run, parent: PowerItem | None) -> PowerItemVersion:
        reason = self.parsed.reason or run.reason
        if self.item is None:
            return services.power_item_create(
                unit=run.unit, code=self.code, content=self.parsed.content, legal_bases=self.parsed.bases,
                reason=reason, author=run.author, parent=parent, submit=True)
        # what the sheet gives in place of the item's own (services.power_version_revise keeps the rest)
        changes = {name: self.parsed.content[name] for name in self.fields if name in self.parsed.content}
        for name in {"statutory_limit", "promised_limit"} & set(self.fields):
            changes[f"{name}_unit"] = self.parsed.content[f"{name}_unit"]
        bases = self.parsed.bases if "legal_bases" in self.fields else None
        return services.power_version_revise(item=self.item, changes=changes, legal_bases=bases, reason=reason,
                                             author=run.author, submit=True)


class _NothingWritten(Exception):
    pass


def _plan(run: _Run, blocks: list[list[SheetRow]]) -> list[_Step]:
    _load(run)
    steps = []
    for block in blocks:
        step = _Step(rows=[row.number for row in block])
        if any(row.get("sub_name") or row.get("sub_code") for row in block):
            _plan_main(run, block, step)
        else:
            _plan_single(run, block[0], step)
        steps.append(step)
    return steps


def _parse(run: _Run, values: Mapping[str, str], **kwargs: Any) -> ParsedRow:
    parsed = parse_row(values, run.header.hints, given=run.header.columns.keys(), **kwargs)
    _references(run, values, parsed)
    return parsed


def _references(run: _Run, values: Mapping[str, str], parsed: ParsedRow) -> None:
    """承办岗位 and 责任领导 by name in the unit (as the export writes them)."""
    post = values.get("handling_post", "")
    if run.has("handling_post"):
        parsed.content["handling_post"] = run.posts.get(match_text(post)) if post else None
        if post and parsed.content["handling_post"] is None:
            parsed.refuse("handling_post", f"承办岗位「{post}」不是{run.unit.name}的岗位")
    leader = values.get("responsible_leader", "")
    if run.has("responsible_leader"):
        found = run.leaders.get(match_text(leader), []) if leader else []
        parsed.content["responsible_leader"] = found[0] if len(found) == 1 else None
        if leader and not found:
            parsed.refuse("responsible_leader", f"责任领导「{leader}」不是{run.unit.name}的工作人员")
        elif len(found) > 1:
            parsed.refuse("responsible_leader", f"{run.unit.name}有{len(found)}位名为「{leader}」的工作人员，"
                                                "请在控制台中选择")


def _plan_single(run: _Run, row: SheetRow, step: _Step) -> None:
    parsed = _parse(run, row.values)
    code = _code(row.get("code"))
    errors = parsed.errors + run.claim(code, row.number, "code")
    if errors:
        run.refuse([row.number], errors, code=code)
        return
    write = _compare(run, [row.number], code, "code", parsed)
    if write is not None:
        _warn_other_unit(run, row, code)
        step.writes.append(write)


def _compare(run: _Run, rows: list[int], code: str, column: str, parsed: ParsedRow,
             fields: Iterable[str] | None = None) -> _Write | None:
    """The write a checked row asks for (None: unchanged or refused, and reported so): a new item, or a new
    version of the item with its code when the row differs from it. `fields`: those compared (default all
    the sheet gives)."""
    known = run.existing.get(_key(code))
    if known is None:
        return _Write(rows, code, column, parsed)
    item, newest = known.item, known.newest
    given = set(parsed.given if fields is None else fields)
    if item.is_cancelled:
        run.refuse(rows, [(column, f"事项{code}已取消，不能再导入；如需恢复，请以新的事项编码新增")], code=code)
        return None
    differs = _differences(newest, parsed, given)
    if newest.status in OPEN_STATUSES:
        if differs:
            run.refuse(rows, [(column, f"事项{code}已有{newest.get_status_display()}的第{newest.number}版"
                                       f"（{_listed(differs)}与本行不同），请待其审结后再导入本行")], code=code)
        else:
            run.report.unchanged += 1
        return None
    if newest.status != VersionStatus.APPROVED:  # rejected or withdrawn: compared with the published version
        if not differs:
            comment = f"（退回意见：{newest.review_comment}）" if newest.review_comment else ""
            run.refuse(rows, [(column, f"本行与事项{code}{newest.get_status_display()}的第{newest.number}版相同"
                                       f"{comment}，请修改后再导入")], code=code)
            return None
        if known.published is not None:
            differs = _differences(known.published, parsed, given)
    if not differs:
        run.report.unchanged += 1
        return None
    # the new version starts from the published version, as power_version_revise does
    return _Write(rows, code, column, parsed, item=item, fields=tuple(given))


def _listed(fields: list[str]) -> str:
    labels = [BY_KEY[f].header if f in BY_KEY else f for f in fields]
    return "、".join(labels[:4]) + ("等" if len(labels) > 4 else "")


# ------------------------------------------------------------------------------------- comparing content


_COMPARED = ("name", "category", *TEXT_FIELDS, "handling_post", "responsible_leader", "statutory_limit",
             "promised_limit", "audience", "exemption", "legal_bases")


def _text(value: Any) -> str:
    return re.sub(r"[ \t\xa0]*\n[ \t\xa0]*", "\n", str(value or "").replace("\r\n", "\n")).strip()




def _bases(bases: Iterable[Mapping[str, str]]) -> list[tuple[str, str, str]]:
    return [(law_name(_text(b.get("law"))), _text(b.get("article")), _text(b.get("excerpt"))) for b in bases]


def _differences(version: PowerItemVersion, parsed: ParsedRow, given: set[str]) -> list[str]:
    """The fields (of those the sheet gives) in which the row differs from `version`."""
    content = parsed.content
    differs = []
    for name in _COMPARED:
        if name not in given:
            continue
        if name in ("statutory_limit", "promised_limit"):
            same = (format_limit(getattr(version, name), getattr(version, f"{name}_unit"))
                    == format_limit(content[name], content[f"{name}_unit"]))
        elif name in ("handling_post", "responsible_leader"):
            same = getattr(version, f"{name}_id") == content.get(name)
        elif name == "legal_bases":
            same = _bases({"law": b.law, "article": b.article, "excerpt": b.excerpt}
                          for b in version.legal_bases.all()) == _bases(parsed.bases)
        else:
            same = _text(getattr(version, name)) == _text(content.get(name))
        if not same:
            differs.append(name)
    return differs


# ----------------------------------------------------------------------------------- main and sub-items


def main_values(block: list[SheetRow]) -> tuple[dict[str, str], set[str], list[dict[str, str]]]:
    """A main item's row derived from its sub-item rows: its code and name, every other column's
    text where all the rows agree (blank where they differ, those columns returned apart), and the
    legal bases of all its sub-items, each once, in order."""
    values = {"code": block[0].get("code"), "name": block[0].get("name")}
    differing: set[str] = set()
    keys = {key for row in block for key in row.values} - IDENTITY_KEYS - {"legal_bases"}
    for key in keys:
        texts = {row.get(key) for row in block}
        if len(texts) == 1:
            values[key] = texts.pop()
        else:
            values[key] = ""
            differing.add(key)
    bases: list[dict[str, str]] = []
    for row in block:
        bases.extend(b for b in parse_legal_bases(row.get("legal_bases")) if b not in bases)
    return values, differing, bases


def _main_parsed(run: _Run, block: list[SheetRow]) -> tuple[str, ParsedRow]:
    values, differing, bases = main_values(block)
    parsed = _parse(run, values, bases=bases)
    for i, (column, _) in enumerate(parsed.errors):
        if column in differing:
            label = run.header.label(column)
            parsed.errors[i] = (column, f"各子项的{label}不一致，无法确定主项的{label}")
    code = _code(values["code"])
    parsed.errors.extend(run.claim(code, block[0].number, "code"))
    return code, parsed


def _sub_rows(run: _Run, block: list[SheetRow], main_code: str) -> list[tuple[SheetRow, str, str, ParsedRow]]:
    """Each sub-item row read: (row, code, code column, parsed). Without a 子项编码 a sub-item is
    numbered after its main item: <main code>-01, -02, …"""
    subs = []
    for k, row in enumerate(block, start=1):
        parsed = _parse(run, row.values, name_key="sub_name")
        if not row.get("sub_name"):
            parsed.errors = [(c, m) for c, m in parsed.errors if c != "sub_name"]
            parsed.refuse("sub_name", "主项下的每一行都须填写子项名称")
        given = _code(row.get("sub_code"))
        code = given or (f"{main_code}-{k:02d}" if main_code else "")
        column = "sub_code" if given else "code"
        if code:
            parsed.errors.extend(run.claim(code, row.number, column))
        subs.append((row, code, column, parsed))
    return subs


def _plan_main(run: _Run, block: list[SheetRow], step: _Step) -> None:
    """A main item and its sub-items. A new main item is written only with at least one of its sub-items;
    when it cannot be written, none of its rows are. A main item already in the list keeps its content but
    for its name (the sheet's 事项名称 is its own; every other column is its sub-items'), and its new
    sub-items attach to it."""
    numbers = [row.number for row in block]
    code, main = _main_parsed(run, block)
    subs = _sub_rows(run, block, code)
    existing = run.existing.get(_key(code)) if code else None
    name_error = [e for e in main.errors if e[0] == "name"]
    if existing is not None and not name_error and not [e for e in main.errors if e[0] == "code"]:
        refused = len(run.report.errors)
        main_write = _compare(run, numbers, code, "code", main, fields=("name",))
        if len(run.report.errors) > refused:
            return  # the main item is refused (pending, cancelled): so are its rows
        if main_write is not None:
            step.writes.append(main_write)
        parent: PowerItem | None = existing.item
    elif main.errors:
        run.refuse(numbers, main.errors, prefix="主项：", code=code)
        blamed = {column for column, _ in main.errors}
        for row, sub_code, _, parsed in subs:
            run.refuse([row.number], [e for e in parsed.errors if e[0] not in blamed], code=sub_code)
        return
    else:
        parent = None
    new_subs = []
    for row, sub_code, column, parsed in subs:
        if parsed.errors:
            run.refuse([row.number], parsed.errors, code=sub_code)
            continue
        write = _compare(run, [row.number], sub_code, column, parsed)
        if write is None:
            continue
        _warn_other_unit(run, row, sub_code)
        if write.item is not None or parent is not None:  # a change, or a new sub-item of a main item in the list
            write.parent = parent if write.item is None else None
            step.writes.append(write)
        else:
            new_subs.append(write)
    if new_subs:
        step.writes.append(_Write(numbers, code, "code", main, subs=new_subs, prefix="主项："))


# --------------------------------------------------------------------------------- another unit's sheet


class _OtherUnits:
    """Whether a row's 实施主体 or 监督电话 names a unit other than the one imported into (a sheet copied
    from another unit): a warning, not a refusal (a township may name the county department it acts for)."""

    def __init__(self, unit: Unit) -> None:
        self.unit = unit
        self.own = {match_text(n) for n in (unit.name, unit.short_name) if n}
        self.names: dict[str, str] = {}
        self.phones: dict[str, str] = {}
        for other in Unit.objects.exclude(pk=unit.pk).only("name", "short_name", "phone"):
            for n in (other.name, other.short_name):
                if len(match_text(n)) >= 3:
                    self.names.setdefault(match_text(n), other.name)
            if _digits(other.phone):
                self.phones.setdefault(_digits(other.phone), other.name)
        self.own_phone = _digits(unit.phone)
        self._bodies: dict[str, str | None] = {}

    def body(self, text: str) -> str | None:
        key = match_text(text)
        if key not in self._bodies:
            self._bodies[key] = None if not key or any(own in key for own in self.own) else next(
                (name for n, name in self.names.items() if n == key or n in key), None)
        return self._bodies[key]

    def phone(self, text: str) -> str | None:
        digits = _digits(text)
        if not digits or digits == self.own_phone:
            return None
        return self.phones.get(digits)


def _digits(text: str) -> str:
    return "".join(ch for ch in normalize(text) if ch.isdigit())


def _warn_other_unit(run: _Run, row: SheetRow, code: str) -> None:
    assert run.others is not None
    body = run.others.body(row.get("implementing_body"))
    if body:
        run.warn(row.number, "implementing_body",
                 f"实施主体「{row.get('implementing_body')}」是{body}，不是导入的单位{run.unit.name}", code)
    phone = run.others.phone(row.get("complaint_phone"))
    if phone:
        run.warn(row.number, "complaint_phone",
                 f"监督电话「{row.get('complaint_phone')}」是{phone}的电话，不是导入的单位{run.unit.name}的", code)
