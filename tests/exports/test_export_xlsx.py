"""Workbooks reopened with openpyxl: sheets, headers, French number formats, sources."""

from __future__ import annotations

import io

import openpyxl
import pytest

from geo.core.analysis import analyse
from geo.core.coverage import CoverageOptions
from geo.core.stats import CREDITS
from geo.explore import tables
from geo.exports.about import about
from geo.exports.scope import resolve
from geo.exports.xlsx import SOURCES_SHEET, sheet_title, workbook_bytes
from geo.importers.inputs import bundled_inputs


@pytest.fixture(scope="module")
def workbook(reference):
    inputs = bundled_inputs()
    analysis = analyse(reference, inputs, CoverageOptions(rule="adhesion"))
    scope = resolve(reference, analysis, "region", "84")
    built = [
        tables.build(key, reference, analysis, inputs, scope.mask, scope.name)
        for key in tables.TABLES_BY_LEVEL["region"]
    ]
    data = workbook_bytes(built, about(reference, analysis, inputs, scope.name))
    return openpyxl.load_workbook(io.BytesIO(data)), built, analysis


def test_one_sheet_per_table_then_sources(workbook):
    book, built, _ = workbook
    assert book.sheetnames == [t.sheet for t in built] + [SOURCES_SHEET]
    assert book.sheetnames[:3] == ["Départements", "EPCI", "OPSN"]


def test_headers_are_styled_frozen_and_filterable(workbook):
    book, built, _ = workbook
    for table in built:
        sheet = book[table.sheet]
        header = [cell.value for cell in sheet[1]]
        assert header == [c.name for c in table.columns], table.key
        assert all(cell.font.b for cell in sheet[1])
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref.startswith("A1:")
        widths = [sheet.column_dimensions[chr(65 + k)].width for k in range(len(header))]
        assert all(6 <= w <= 62 for w in widths), (table.key, widths)


def test_french_number_formats_and_typed_values(workbook):
    book, built, _ = workbook
    sheet = book["Départements"]
    header = [cell.value for cell in sheet[1]]
    finistere = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "63")
    cell = dict(zip(header, finistere, strict=True))
    assert cell["Code"].value == "63" and cell["Code"].number_format == "@"  # codes stay text
    assert isinstance(cell["Population"].value, int)
    assert cell["Population"].number_format == "#,##0"  # 664 453 in French Excel
    share = cell["Part couverte (%)"]
    frame = built[0].frame.set_index("Code")
    assert share.value == pytest.approx(frame.at["63", "Part couverte (%)"] / 100)
    assert share.number_format == "0.0 %"  # 57,3 % in French Excel
    zones = book[next(t.sheet for t in built if t.key == "territoires")]
    header = [c.value for c in zones[1]]
    assert zones.cell(row=2, column=1).value == 1  # rank of the first territory
    surface = zones.cell(row=2, column=header.index("Superficie (km²)") + 1)
    assert surface.number_format == "#,##0.0" and isinstance(surface.value, float)


def test_sources_sheet_states_rule_vintages_and_credits(workbook):
    book, built, analysis = workbook
    lines = [row[:2] for row in book[SOURCES_SHEET].iter_rows(values_only=True)]
    rows = {row[0]: row[1] for row in lines if row[0]}
    assert rows["Vue"] == "Auvergne-Rhône-Alpes"
    rule = analysis.figures.counting_rule
    assert rows["Règle de comptage"] == rule[0].upper() + rule[1:] + "."
    assert "adhérente à un OPSN (directement ou par son EPCI)" in rows["Règle de comptage"]
    assert rows["Millésimes"] == "populations légales 2023, communes au 1er janvier 2026"
    assert rows["Données de référence"] == CREDITS
    assert rows["Données OPSN"] == "données livrées"
    for table in built:  # every column explained, under its sheet's name
        start = lines.index((f"Feuille « {table.sheet} » : {table.title}", None)) + 1
        explained = lines[start : start + len(table.columns)]
        assert explained == [(c.name, c.description) for c in table.columns]


def test_notes_follow_each_table(workbook):
    book, built, _ = workbook
    sheet = book["OPSN"]
    values = [row[0] for row in sheet.iter_rows(values_only=True)]
    table = next(t for t in built if t.key == "opsn")
    assert values[len(table.frame) + 1] is None  # an empty line, then the notes
    assert values[len(table.frame) + 2 :] == list(table.notes)


def test_sheet_titles_are_valid_and_unique():
    taken: set[str] = set()
    assert sheet_title("Territoires hors des OPSN choisis [2/3]", taken) == (
        "Territoires hors des OPSN chois"
    )
    assert (
        sheet_title("Territoires hors des OPSN choisis", taken) == "Territoires hors des OPSN c (2)"
    )
    assert sheet_title("a:b*c?", taken) == "a b c"
