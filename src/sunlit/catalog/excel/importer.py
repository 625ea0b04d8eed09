"""Import a clerk's sheet into a unit's power list: each good row a submitted version, each bad row
refused on its own with its row, column and reason. The rules are in the package docstring."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import DatabaseError, transaction

from sunlit.catalog import services
from sunlit.catalog.excel.columns import IDENTITY_KEYS
from sunlit.catalog.excel.parse import ParsedRow, parse_row
from sunlit.catalog.excel.reader import Header, SheetRow, group_blocks, read_sheet
from sunlit.catalog.models import PowerItem, PowerItemVersion
from sunlit.catalog.permissions import EDIT_ROLES
from sunlit.catalog.rules import normalize, parse_legal_bases
from sunlit.core.errors import DomainError, NotAllowed
from sunlit.org.models import Role, Unit
from sunlit.org.permissions import has_role
from sunlit.org.services import membership_grant

IMPORTER_USERNAME = "importer"
CODE_MAX_LENGTH = PowerItem._meta.get_field("code").max_length or 64


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str


@dataclass
class ImportReport:
    """What an import did: `imported` counts the items created (a main item and each of its
    sub-items count one each); `errors` names every refused row, column and reason; `refused` is why
    nothing was read at all (the file beyond a limit, unreadable, without header), else empty."""

    imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    sheet: str = ""
    refused: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"imported": self.imported, "errors": [asdict(e) for e in self.errors],
                "dry_run": self.dry_run, "sheet": self.sheet, "refused": self.refused or None}

    @property
    def refused_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})


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
) -> ImportReport:
    """Import the power list in `file` into `unit`, written by `author` (who must be able to edit it).

    Raises ImportFileError when the file cannot be read or has no header; a dry run reads, checks and
    writes everything as usual and then rolls it all back.
    """
    if not has_role(author, unit, EDIT_ROLES):
        raise NotAllowed(f"您没有{unit.name}的编制权限", field="unit")
    sheet = read_sheet(file)
    name = file_name or _file_name(file)
    run = _Run(unit=unit, author=author, header=sheet.header, reason=f"Excel导入：{name}" if name else "Excel导入",
               report=ImportReport(dry_run=dry_run, sheet=sheet.title))
    with transaction.atomic():
        for block in group_blocks(sheet.rows):
            if any(row.get("sub_name") or row.get("sub_code") for row in block):
                _import_main(run, block)
            else:
                for row in block:
                    _import_single(run, row)
        if dry_run:
            transaction.set_rollback(True)
    order = run.column_order
    run.report.errors.sort(key=lambda e: (e.row, order.get(e.field, 10_000)))
    return run.report


def _file_name(file: IO[bytes] | str | Path) -> str:
    if isinstance(file, str | Path):
        return Path(file).name
    name = getattr(file, "name", "")
    return Path(name).name if isinstance(name, str) else ""


@dataclass
class _Run:
    unit: Unit
    author: Any
    header: Header
    reason: str
    report: ImportReport
    claimed: dict[str, tuple[int, str]] = field(default_factory=dict)
    refused: set[RowError] = field(default_factory=set)

    @property
    def column_order(self) -> dict[str, int]:
        return {self.header.label(key): col for key, col in self.header.columns.items()}

    def refuse(self, rows: list[int], errors: list[tuple[str, str]], prefix: str = "") -> None:
        for number in rows:
            for column, message in errors:
                error = RowError(number, self.header.label(column), prefix + message)
                if error not in self.refused:
                    self.refused.add(error)
                    self.report.errors.append(error)

    def claim(self, code: str, row: int, column: str) -> list[tuple[str, str]]:
        """Reasons `code` cannot be used by this row (missing, too long, already used in the file)."""
        if not code:
            return [(column, "缺少事项编码")]
        if len(code) > CODE_MAX_LENGTH:
            return [(column, f"事项编码过长（{len(code)}字），最多{CODE_MAX_LENGTH}字")]
        first = self.claimed.setdefault(code, (row, column))
        if first != (row, column):
            return [(column, f"事项编码{code}与第{first[0]}行重复")]
        return []

    def create(self, rows: list[int], code: str, parsed: ParsedRow, code_column: str,
               parent: PowerItem | None = None, prefix: str = "") -> PowerItemVersion | None:
        """Write one item in its own savepoint, so a refusal leaves nothing of it behind."""
        try:
            with transaction.atomic():
                version = services.power_item_create(
                    unit=self.unit, code=code, content=parsed.content, legal_bases=parsed.bases,
                    reason=self.reason, author=self.author, parent=parent, submit=True)
        except services.ContentInvalid as exc:
            self.refuse(rows, [(parsed.column_of(e.field), e.message) for e in exc.errors], prefix)
        except DomainError as exc:
            column = code_column if exc.field in (None, "code") else parsed.column_of(exc.field)
            self.refuse(rows, [(column, exc.message)], prefix)
        except DatabaseError:
            self.refuse(rows, [(code_column, "数据库拒绝保存该行，请检查内容是否含有无法保存的字符")], prefix)
        else:
            self.report.imported += 1
            return version
        return None


def _code(text: str) -> str:
    return normalize(text)


def _import_single(run: _Run, row: SheetRow) -> None:
    parsed = parse_row(row.values, run.header.hints)
    code = _code(row.get("code"))
    errors = parsed.errors + run.claim(code, row.number, "code")
    if errors:
        run.refuse([row.number], errors)
    else:
        run.create([row.number], code, parsed, "code")


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


def _main_errors(run: _Run, block: list[SheetRow]) -> tuple[str, ParsedRow]:
    values, differing, bases = main_values(block)
    parsed = parse_row(values, run.header.hints, bases=bases)
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
        parsed = parse_row(row.values, run.header.hints, name_key="sub_name")
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


def _import_main(run: _Run, block: list[SheetRow]) -> None:
    """A main item and its sub-items. A main item is written only with at least one of its
    sub-items; when it cannot be written, none of its rows are."""
    numbers = [row.number for row in block]
    code, main = _main_errors(run, block)
    subs = _sub_rows(run, block, code)
    if main.errors:
        run.refuse(numbers, main.errors, prefix="主项：")
        for row, _, _, parsed in subs:
            blamed = {column for column, _ in main.errors}
            run.refuse([row.number], [e for e in parsed.errors if e[0] not in blamed])
        return
    for row, _, _, parsed in subs:
        run.refuse([row.number], parsed.errors)
    good = [s for s in subs if not s[3].errors]
    if not good:
        return
    imported_before = run.report.imported
    with transaction.atomic():
        version = run.create(numbers, code, main, "code", prefix="主项：")
        if version is None:
            return
        for row, sub_code, column, parsed in good:
            run.create([row.number], sub_code, parsed, column, parent=version.item)
        if run.report.imported == imported_before + 1:
            # every sub-item was refused by the catalog: the main item alone is not what was asked
            transaction.set_rollback(True)
            run.report.imported = imported_before
