"""Workbooks for Excel: one sheet per table, a « Sources » sheet, French number formats.

Written with XlsxWriter in constant-memory mode: each row goes to disk as it is
written, typed by its column (``write_number``, ``write_string``) rather than
guessed cell by cell. The 35,000 communes of France and the other tables take
about a second and a half, where openpyxl's write-only mode took five
(``bench/bench_export.py`` measures both against the CSV export). Headers are
bold on a tinted band and frozen, with a filter; widths follow the content;
number formats are Excel's locale-neutral codes (``#,##0``, ``0.0 %``) that
French Excel shows as ``12 345`` and ``57,3 %``. Text cells pass through the
OWASP rule (:mod:`geo.exports.cells`), and the writer is told never to turn a
string into a formula, a number or a link.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import xlsxwriter

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

HEADER_STYLE = {
    "bold": True,
    "font_color": "#FFFFFF",
    "bg_color": "#5E3C99",  # the « adhérente » purple of the maps
    "text_wrap": True,
    "valign": "vcenter",
    "bottom": 1,
    "bottom_color": "#3F2870",
}
MAX_WIDTH = 60
SOURCES_SHEET = "Sources et règle"
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    # Cells hold what the tables hold: never a formula, a number or a link guessed
    # from a string (a name starting with « = » stays text, neutralised as well).
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}


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


def _column_values(table: Table, position: int) -> list[object]:
    """Cell values of one column: numbers as numbers (percent / 100, ``None`` when
    missing), text neutralised."""
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


def _writer(sheet, kind: str, values: list[object]) -> Callable[[int, int, object, object], None]:
    """How the cells of a column of ``kind`` are written: typed, an empty text or a missing
    number left out (no cell at all: most communes have no « Adhérente à »), through a
    check only in the columns that have such cells."""
    if kind in ("code", "text"):
        if "" not in values:
            return sheet.write_string
        text = sheet.write_string

        def cell(row: int, col: int, value: object, style) -> None:
            if value:
                text(row, col, value, style)

        return cell
    if None not in values:
        return sheet.write_number
    number = sheet.write_number

    def cell(row: int, col: int, value: object, style) -> None:
        if value is not None:
            number(row, col, value, style)

    return cell


def add_table_sheet(workbook: xlsxwriter.Workbook, table: Table, taken: set[str]) -> None:
    sheet = workbook.add_worksheet(sheet_title(table.sheet, taken))
    columns = [_column_values(table, k) for k in range(len(table.columns))]
    styles = [workbook.add_format({"num_format": number_format(c.kind, c.digits)})
              for c in table.columns]  # fmt: skip
    for k, column in enumerate(table.columns):
        shown = [str(v) if v is not None else "" for v in columns[k]]
        if column.kind == "integer":
            shown = [f"{v:,}" if isinstance(v, int) else "" for v in columns[k]]
        sheet.set_column(k, k, _width(column.name, shown))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, len(table.frame), len(table.columns) - 1)
    sheet.repeat_rows(0)
    header = workbook.add_format(HEADER_STYLE)
    for k, column in enumerate(table.columns):
        sheet.write_string(0, k, neutralise(column.name), header)
    writers = [_writer(sheet, c.kind, v) for c, v in zip(table.columns, columns, strict=True)]
    cells = list(zip(range(len(writers)), writers, styles, strict=True))
    for row, values in enumerate(zip(*columns, strict=True), start=1):
        for (k, write, style), value in zip(cells, values, strict=True):
            write(row, k, value, style)
    row = len(table.frame) + 2  # an empty line, then the notes
    for offset, note in enumerate(table.notes):
        sheet.write_string(row + offset, 0, neutralise(note))


def add_sources_sheet(
    workbook: xlsxwriter.Workbook, about: About, tables: list[Table], taken: set[str]
) -> None:
    """The sheet that says where the figures come from, how they count, what each column is."""
    sheet = workbook.add_worksheet(sheet_title(SOURCES_SHEET, taken))
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 1, 100)
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheet.write_string(0, 0, f"Couverture OPSN — {about.view}",
                       workbook.add_format({"bold": True, "font_size": 14}))  # fmt: skip
    row = 2
    for label, value in about.rows():
        sheet.write_string(row, 0, label, bold)
        sheet.write_string(row, 1, str(neutralise(value)), wrap)
        row += 1
    for table in tables:
        row += 1
        sheet.write_string(row, 0, f"Feuille « {table.sheet} » : {table.title}", bold)
        row += 1
        for column in table.columns:
            sheet.write_string(row, 0, str(neutralise(column.name)))
            sheet.write_string(row, 1, str(neutralise(column.description)), wrap)
            row += 1


def workbook_bytes(tables: list[Table], about: About) -> bytes:
    """An XLSX file: one sheet per table, then the sources and counting rule."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    taken: set[str] = set()
    for table in tables:
        add_table_sheet(workbook, table, taken)
    add_sources_sheet(workbook, about, tables, taken)
    workbook.close()
    return buffer.getvalue()
