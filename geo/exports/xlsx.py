"""Workbooks for Excel: one sheet per table, a « Sources » sheet, French number formats.

Written with openpyxl in write-only mode (35,000 communes stream in a few
seconds without building every cell in memory). Headers are bold on a tinted
band and frozen, with a filter; widths follow the content; number formats are
Excel's locale-neutral codes (``#,##0``, ``0.0 %``) that French Excel shows as
``12 345`` and ``57,3 %``. Text cells pass through the OWASP rule
(:mod:`geo.exports.cells`): openpyxl would otherwise store a name starting with
``=`` as a live formula.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from geo.explore.tables import Table
from geo.exports.about import About
from geo.exports.cells import neutralise

NUMBER_FORMATS = {
    "code": "@",
    "text": "@",
    "integer": "#,##0",
    "decimal": "#,##0.0",
    "percent": "0.0 %",
}
"""Excel number format of each column kind (see :mod:`geo.explore.tables`); decimals as digits say."""

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="5E3C99")  # the « adhérente » purple of the maps
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center")
HEADER_BORDER = Border(bottom=Side(style="thin", color="3F2870"))
MAX_WIDTH = 60
SOURCES_SHEET = "Sources et règle"
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def number_format(kind: str, digits: int = 0) -> str:
    if kind == "decimal":
        return "#,##0" + ("." + "0" * digits if digits else "")
    if kind == "percent":
        return "0" + ("." + "0" * digits if digits else "") + " %"
    return NUMBER_FORMATS[kind]


def sheet_title(text: str, taken: set[str]) -> str:
    """A valid, unique sheet name (≤ 31 characters, none of ``[]:*?/\\``)."""
    base = _FORBIDDEN.sub(" ", text).strip()[:31] or "Feuille"
    title, n = base, 2
    while title.casefold() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.casefold())
    return title


def _width(name: str, values: list[str]) -> float:
    longest = max([len(v) for v in values[:2000]] + [0])
    header = max(len(word) for word in name.split()) if name.split() else len(name)
    return float(min(MAX_WIDTH, max(longest, header, 6) + 2))


def _cells(sheet, values: list[object], style: dict) -> list[WriteOnlyCell]:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        for key, attribute in style.items():
            setattr(cell, key, attribute)
        cells.append(cell)
    return cells


def _column_values(table: Table, position: int) -> list[object]:
    """Cell values of one column: numbers as numbers (percent / 100), text neutralised."""
    column = table.columns[position]
    series = table.frame.iloc[:, position]
    if column.kind in ("integer", "decimal", "percent"):
        numbers = pd.to_numeric(series, errors="coerce").astype(float)
        if column.kind == "percent":
            numbers = numbers / 100.0
        values = numbers.to_numpy()
        if column.kind == "integer":
            return [None if np.isnan(v) else int(v) for v in values]
        return [None if np.isnan(v) else float(v) for v in values]
    return [neutralise("" if v is None or v is pd.NA else str(v)) for v in series]


def add_table_sheet(workbook: Workbook, table: Table, taken: set[str]) -> None:
    sheet = workbook.create_sheet(sheet_title(table.sheet, taken))
    columns = [_column_values(table, k) for k in range(len(table.columns))]
    formats = [number_format(c.kind, c.digits) for c in table.columns]
    for k, column in enumerate(table.columns):
        shown = [str(v) if v is not None else "" for v in columns[k]]
        if column.kind == "integer":
            shown = [f"{v:,}" if isinstance(v, int) else "" for v in columns[k]]
        width = _width(column.name, shown)
        sheet.column_dimensions[get_column_letter(k + 1)].width = width
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(table.columns))
    sheet.auto_filter.ref = f"A1:{last}{len(table.frame) + 1}"
    sheet.print_title_rows = "1:1"
    header_style = {
        "font": HEADER_FONT,
        "fill": HEADER_FILL,
        "alignment": HEADER_ALIGNMENT,
        "border": HEADER_BORDER,
    }
    sheet.append(_cells(sheet, [neutralise(c.name) for c in table.columns], header_style))
    # One styled cell per column, its value replaced row after row: write-only
    # sheets serialise each row as it is appended, and styling a new cell for
    # each of 400,000 values is most of the time otherwise.
    row_cells = _cells(sheet, [None] * len(formats), {})
    for cell, number in zip(row_cells, formats, strict=True):
        cell.number_format = number
    for row in zip(*columns, strict=True):
        for cell, value in zip(row_cells, row, strict=True):
            cell.value = value
        sheet.append(row_cells)
    sheet.append([])
    for note in table.notes:
        sheet.append([neutralise(note)])


def add_sources_sheet(workbook: Workbook, about: About, tables: list[Table], taken: set[str]):
    """The sheet that says where the figures come from, how they count, what each column is."""
    sheet = workbook.create_sheet(sheet_title(SOURCES_SHEET, taken))
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 100
    bold = {"font": Font(bold=True)}
    wrap = {"alignment": Alignment(wrap_text=True, vertical="top")}
    sheet.append(
        _cells(sheet, [f"Couverture OPSN — {about.view}"], {"font": Font(bold=True, size=14)})
    )
    sheet.append([])
    for label, value in about.rows():
        sheet.append(_cells(sheet, [label], bold) + _cells(sheet, [neutralise(value)], wrap))
    for table in tables:
        sheet.append([])
        sheet.append(_cells(sheet, [f"Feuille « {table.sheet} » : {table.title}"], bold))
        for column in table.columns:
            sheet.append(
                _cells(sheet, [neutralise(column.name)], {})
                + _cells(sheet, [neutralise(column.description)], wrap)
            )


def workbook_bytes(tables: list[Table], about: About) -> bytes:
    """An XLSX file: one sheet per table, then the sources and counting rule."""
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    for table in tables:
        add_table_sheet(workbook, table, taken)
    add_sources_sheet(workbook, about, tables, taken)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
