"""Result tables for spreadsheets: labelled CSV files and Excel workbooks.

Columns are headed "label (name)": the label in the chosen language from the outcome
registry (or the areas table's own columns), the name as in the Parquet files, so that a
sheet can be read by a person and matched to its column by a script. Excel cells take
their number format from the registry's format (percent for shares, thousands separators
for counts). Workbooks need openpyxl (the ``xlsx`` extra); CSV files need nothing.
"""

from __future__ import annotations

import csv
import importlib.util
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa

from sim.output_folder import OutputError
from sim.results.areas import area_outcome, kind_label
from sim.results.outcomes import OUTCOME, Outcome
from sim.results.text_table import display_width

XLSX_HINT = "Excel files need openpyxl: pip install 'dispute-sim[xlsx]'"
# Headers of the long tables (one row per outcome) and of comparison tables.
COLUMN_LABELS = {
    "name": ("name", "名称"),
    "label": ("outcome", "指标"),
    "value": ("value", "数值"),
    "unit": ("unit", "单位"),
    "definition": ("definition", "定义"),
    "policy": ("policy", "方案"),
    "seed": ("seed", "随机种子"),
    "outcome": ("outcome", "指标名"),
    "pairs": ("paired replications", "配对重复次数"),
    "n": ("replications defining it", "有定义的重复次数"),
    "baseline_mean": ("baseline mean", "基线均值"),
    "policy_mean": ("policy mean", "方案均值"),
    "difference": ("difference", "差值"),
    "ci_low": ("95% interval, low", "95%区间下限"),
    "ci_high": ("95% interval, high", "95%区间上限"),
    "changes": ("what the policy changes", "方案的改变"),
}
# Columns of a differences table scaled to percent (means) and percentage points (the rest)
# for outcomes that are shares, so that a spreadsheet reads as the report does.
_MEANS, _DIFFERENCES = ("baseline_mean", "policy_mean"), ("difference", "ci_low", "ci_high")
_MAX_WIDTH = 60  # characters of a column in Excel; longer text runs on off-screen anyway
_HEADER_WIDTH = 24  # a longer header wraps onto more lines
_SHEET_NAME = re.compile(r"^[^\[\]:*?/\\]{1,31}$")  # Excel's own rule


def column_label(name: str, lang: str = "en") -> str:
    """A column's label in ``lang``; a name nobody labelled is shown as it is."""
    if name in COLUMN_LABELS:
        return COLUMN_LABELS[name][lang == "zh"]
    outcome = area_outcome(name)
    return outcome.label(lang) if outcome else name


def header(name: str, lang: str = "en") -> str:
    """ "label (name)", or the bare name when it has no label of its own."""
    text = column_label(name, lang)
    return name if text == name else f"{text} ({name})"


def labelled(table: pa.Table, lang: str = "en") -> pa.Table:
    """``table`` with its columns renamed "label (name)"."""
    return table.rename_columns([header(name, lang) for name in table.column_names])


def summary_rows(row: Mapping[str, Any], lang: str = "en") -> pa.Table:
    """A summary row as one row per outcome: name, label, value, unit, definition."""
    outcomes = [(name, area_outcome(name)) for name in row]
    return pa.table(
        {
            "name": [name for name, _ in outcomes],
            "label": [o.label(lang) if o else name for name, o in outcomes],
            "value": pa.array([_number(row[name]) for name, _ in outcomes], type=pa.float64()),
            "unit": [o.unit if o else "" for _, o in outcomes],
            "definition": [(o.meaning(lang) or o.definition) if o else "" for _, o in outcomes],
        }
    )


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, str):
        return None
    number = float(value)
    return None if math.isnan(number) else number


def with_kind_labels(table: pa.Table, lang: str = "en") -> pa.Table:
    """An areas table with its ``kind`` ("county", "township") in ``lang``."""
    if "kind" not in table.column_names or lang != "zh":
        return table
    kinds = [kind_label(k, lang) for k in table.column("kind").to_pylist()]
    return table.set_column(table.column_names.index("kind"), "kind", pa.array(kinds))


def write_csv(path: Path, table: pa.Table, lang: str = "en") -> Path:
    """``table`` as CSV with labelled headers, UTF-8 with a byte-order mark (without it
    Excel reads Chinese as Latin-1); undefined values are empty cells."""
    path = Path(path)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([header(name, lang) for name in table.column_names])
        for row in table.to_pylist():
            writer.writerow([_csv_cell(v) for v in row.values()])
    return path


def _csv_cell(value: object) -> object:
    """Empty when undefined; a whole number without its ".0" (counts read as counts)."""
    if _missing(value):
        return ""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def require_xlsx() -> None:
    """Refuse (OutputError: bad input, exit 2) when openpyxl is not installed."""
    if importlib.util.find_spec("openpyxl") is None:
        raise OutputError(f"--xlsx: {XLSX_HINT}")


def write_xlsx(path: Path, sheets: Mapping[str, pa.Table], lang: str = "en") -> Path:
    """A workbook of one sheet per table, in order: labelled header row (frozen), column
    widths to fit, number formats from the registry. A table with ``name`` and ``value``
    columns (one row per outcome, see :func:`summary_rows`) formats each value by its
    row's outcome; any other table formats each column by the column's outcome."""
    require_xlsx()
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    book.remove(book.active)
    for title, table in sheets.items():
        if not _SHEET_NAME.match(title):
            raise ValueError(f"sheet name {title!r}: 1 to 31 characters, none of []:*?/\\")
        sheet = book.create_sheet(title)
        sheet.append([header(name, lang) for name in table.column_names])
        for cell in sheet[1]:  # long labels wrap rather than widen their column
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
        _fill(sheet, table)
        _fit_widths(sheet, table, lang)
    path = Path(path)
    book.save(path)
    return path


def _fill(sheet, table: pa.Table) -> None:
    names = table.column_names
    by_row = "name" in names and "value" in names
    formats = [_format_of(area_outcome(n)) for n in names]
    for row in table.to_pylist():
        sheet.append([None if _missing(v) else v for v in row.values()])
        cells = sheet[sheet.max_row]
        if by_row:
            formats[names.index("value")] = _format_of(area_outcome(str(row["name"])))
        for cell, fmt in zip(cells, formats, strict=True):
            if fmt and isinstance(cell.value, int | float):
                cell.number_format = fmt


def _format_of(outcome: Outcome | None) -> str:
    """Excel's number format for a registry format such as "{:,.0f}" or "{:.1%}"."""
    if outcome is None:
        return ""
    found = re.fullmatch(r"\{:(,?)\.(\d+)([f%])\}", outcome.fmt)
    if not found:
        return ""
    comma, places, kind = found.groups()
    digits = "0." + "0" * int(places) if int(places) else "0"
    return ("#,##" if comma else "") + digits + ("%" if kind == "%" else "")


def _fit_widths(sheet, table: pa.Table, lang: str) -> None:
    from openpyxl.utils import get_column_letter

    for k, name in enumerate(table.column_names, start=1):
        values = table.column(name).to_pylist()
        widest = max(
            [min(display_width(header(name, lang)), _HEADER_WIDTH)]
            + [display_width(_shown(v)) for v in values if not _missing(v)]
        )
        sheet.column_dimensions[get_column_letter(k)].width = min(widest + 2, _MAX_WIDTH)


def _shown(value: object) -> str:
    return f"{value:,.2f}" if isinstance(value, float) else str(value)


def differences_sheet(differences: pa.Table, lang: str = "en") -> pa.Table:
    """A paired-differences table for a spreadsheet: each outcome's label and unit beside
    its name, shares in % and their differences in percentage points."""
    rows = differences.to_pylist()
    for row in rows:
        outcome = OUTCOME.get(row["outcome"])
        share = outcome is not None and outcome.is_share
        for key in (*_MEANS, *_DIFFERENCES):
            if share and row.get(key) is not None:
                row[key] = 100 * row[key]
        row["label"] = outcome.label(lang) if outcome else row["outcome"]
        row["unit"] = ("% / pp" if share else outcome.unit) if outcome else ""
    first = ["policy", "label", "unit"]
    columns = first + [c for c in differences.column_names if c not in first]
    return pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in rows])
