"""The power list (权力清单) in and out of Excel, in the common provincial template.

Reading (`import_powers`):

- The file must first pass the limits of guard.py (20 MB; 100 MB inflated; no zip bomb; 200,000 cells
  a sheet; 10,000 cells a merged range; …), checked on the zip and a streamed scan of its XML before
  openpyxl opens it, read-only. A refusal names the limit and what the file holds, and nothing is read.
- The header is the row, among the first ten of the first sheet that has one, holding the most
  recognised column names; a title may stand above it. Columns may use the usual aliases
  (事项编码/权力编码, 事项名称/权力名称, 子项/子项名称, 权力类型/职权类型, 设定依据/法律法规依据,
  法定时限/办理时限, 受理条件/申请条件, 申请材料/申报材料, 收费依据及标准 → 收费标准, …; see
  columns.py). Unknown columns are ignored. 事项编码 and 事项名称 must be there.
- Merged cells give their value to every row they cover. Empty rows, a repeated header row and
  notes written across the code and name columns are skipped.
- Limits read "20个工作日", "60日", "即办", "二十个工作日", full-width digits, or both at once
  ("法定20个工作日，承诺10个工作日") in either limit column. A bare number is read only when the
  header gives the unit ("法定时限（工作日）").
- Every row is checked on its own and written in its own savepoint as a submitted version, with
  the reason "Excel导入：<file name>"; a refused row leaves nothing behind. Each refusal names the
  row as Excel numbers it, the column header as the file writes it, and the reason. A code used
  twice in the file is kept for its first row and refused for the later ones.
- Main items and sub-items (主项/子项): rows whose 事项编码 or 事项名称 cell is merged down across
  them, or that repeat the same code and name, and that name sub-items (子项名称 or 子项编码), are
  one main item with one sub-item per row. The sub-item's code is its 子项编码, else
  "<main code>-01", "-02", … in row order. The main item is not a row of its own, so its content is
  derived from its sub-item rows: its code and name are the merged 事项编码 and 事项名称; every
  other column is the text all its sub-item rows share, and blank where they differ; its legal
  bases are those of all its sub-items, each once, in order (职权法定: a main power rests on every
  basis its parts cite). When the main item cannot be written (no code, a code already used,
  sub-items of different 权力类型, …) all its rows are refused; it is written only together with at
  least one of its sub-items.
- A dry run does all of this and then rolls everything back.

Writing (`export_powers`, `write_powers`): a title row, the header, then one row per item with its
newest version (the working list, whatever the state); a main item is one row per sub-item with
序号/事项编码/事项名称 merged down. Export then import into an empty unit gives back the same
content, except 承办岗位 and 责任领导, which the template has no column for.
"""

from sunlit.catalog.excel.exporter import export_powers, write_powers
from sunlit.catalog.excel.guard import FileTooLarge, ImportFileError
from sunlit.catalog.excel.importer import ImportReport, RowError, import_powers, importer_user

__all__ = [
    "FileTooLarge", "ImportFileError", "ImportReport", "RowError", "export_powers", "import_powers", "importer_user",
    "write_powers",
]
