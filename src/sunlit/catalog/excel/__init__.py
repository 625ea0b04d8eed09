"""The power list (权力清单) in and out of Excel, in the common provincial template.

Reading (`import_powers`):

- The file must first pass the limits of guard.py (20 MB; 100 MB inflated; no zip bomb; 200,000 cells
  a sheet; 10,000 cells a merged range; …), checked on the zip and a streamed scan of its XML before
  openpyxl opens it, read-only. A refusal names the limit and what the file holds, and nothing is read.
- The header is the row, among the first ten of the first sheet that has one, holding the most
  recognised column names; a title may stand above it. Headers are matched through the synonym table
  catalog/synonyms.toml (the words provincial platforms use: 项目编码, 项目名称, 行政权力类别, 实施依据,
  子项（分项）名称, 办理时限, 承诺办结时限, …), normalised (width, blanks, marks, a parenthesis set aside and
  read for its unit of time); `columns` (the command's `--column 来源表头=目标列`) maps any other header.
  Unknown columns are ignored, and so is 状态 (the working export's). 事项编码 and 事项名称 must be there;
  when one is missing, the refusal lists the headers found.
- Merged cells give their value to every row they cover. Empty rows, a repeated header row and
  notes written across the code and name columns are skipped.
- Limits read "20个工作日", "60日", "即办", "二十个工作日", full-width digits, or both at once
  ("法定20个工作日，承诺10个工作日") in either limit column. A bare number is read only when the
  header gives the unit ("法定时限（工作日）"). Categories by name, variant (许可类, 其他类) or national
  code (01 行政许可 … 10 其他行政权力), as synonyms.toml lists them. 承办岗位 and 责任领导 by name in the unit.
- The clerk's text is stored as written (codes keep their leading zeros and their width); matching
  normalises (Ａ－１ and A-1 are one code).
- Each row is compared with its item's newest version in the unit (importer.py says how): a new code is a
  new item; an equal row is reported unchanged; a row that differs from an approved version becomes a new
  submitted version (变更) with the reason from its 变更理由 column or the import's, keeping the fields the
  sheet has no column for; a row that differs from a pending version is refused naming it; a cancelled item
  is refused. Every refusal names the row as Excel numbers it, the column header as the file writes it, the
  item code, and the reason with the values concerned ("承诺时限（30个工作日）长于法定时限（20个工作日）").
  A sheet whose 实施主体 or 监督电话 names another unit is imported with a warning.
- Main items and sub-items (主项/子项): rows whose 事项编码 or 事项名称 cell is merged down across
  them, or that repeat the same code and name, and that name sub-items (子项名称 or 子项编码), are
  one main item with one sub-item per row. The sub-item's code is its 子项编码, else
  "<main code>-01", "-02", … in row order. A new main item is not a row of its own, so its content is
  derived from its sub-item rows: its code and name are the merged 事项编码 and 事项名称; every
  other column is the text all its sub-item rows share, and blank where they differ; its legal
  bases are those of all its sub-items, each once, in order (职权法定: a main power rests on every
  basis its parts cite). When it cannot be written all its rows are refused; it is written only together
  with at least one of its sub-items. A main item already in the list keeps its content but for its name,
  and new sub-item rows attach to it.
- The writes go in chunks of about 500 rows, each one transaction (with the job's progress: imports.py),
  so other writers wait a moment at most and an import stopped midway has reported what it committed. A
  dry run plans and checks everything and writes nothing.

Writing (`export_powers`, `write_powers`): a title row, the header, then one row per item: by default the
published list (each item's approved version), `working` each item's newest version with a 状态 column
(草稿, 待审核, 已退回, 已批准), `with_cancelled` cancelled items too; a main item is one row per sub-item
with 序号/事项编码/事项名称 merged down. Export then import into the same unit reports every row unchanged;
into an empty unit it gives back the same content.
"""

from sunlit.catalog.excel.exporter import export_powers, write_powers
from sunlit.catalog.excel.guard import FileTooLarge, ImportFileError
from sunlit.catalog.excel.importer import ImportReport, RowError, import_powers, importer_user

__all__ = [
    "FileTooLarge", "ImportFileError", "ImportReport", "RowError", "export_powers", "import_powers", "importer_user",
    "write_powers",
]
