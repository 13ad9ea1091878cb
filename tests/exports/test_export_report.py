"""Territory reports: a few PDF pages that open with pypdf and say what they should.

The department report is written to ``artifacts/`` to be read as a regional
official would.
"""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from geo.core import fmt
from geo.core.analysis import analyse
from geo.core.coverage import CoverageOptions
from geo.exports.report import ReportError, comparison_rows, report_bytes
from geo.exports.scope import resolve
from geo.importers.inputs import bundled_inputs
from tests.export_data import artifacts_dir


@pytest.fixture(scope="module")
def bundled(reference):
    inputs = bundled_inputs()
    return reference, inputs, analyse(reference, inputs, CoverageOptions())


def plain(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def pages_text(data: bytes) -> list[str]:
    return [plain(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture(scope="module")
def department_report(bundled) -> bytes:
    reference, inputs, analysis = bundled
    data = report_bytes(
        reference, analysis, inputs, resolve(reference, analysis, "departement", "63")
    )
    (artifacts_dir() / "export_rapport_departement_63.pdf").write_bytes(data)
    return data


def test_department_report_pages_and_text(department_report, bundled):
    analysis = bundled[2]
    reader = PdfReader(io.BytesIO(department_report))
    assert 2 <= len(reader.pages) <= 6
    for page in reader.pages:  # A4 landscape throughout
        size = (round(float(page.mediabox.width)), round(float(page.mediabox.height)))
        assert size == (842, 595)
    assert reader.metadata.title == "Rapport de territoire — Puy-de-Dôme (63)"
    texts = pages_text(department_report)
    first, whole = texts[0], " ".join(texts)
    assert "Couverture des communes par un OPSN — Puy-de-Dôme (63)" in first  # the map
    rule = plain(analysis.figures.counting_rule)
    assert rule[:1].upper() + rule[1:] in whole
    assert "Licence Ouverte 2.0" in first and "Réalisation : Couverture OPSN" in first
    for heading in (
        "Chiffres clés, face à la France",
        "OPSN présents et comment ils servent le territoire",
        "OPSN voisins",
        "Communes sans OPSN, par population",
        "Sources et règle de comptage",
    ):
        assert heading in whole, heading
    assert all(f"page {n}" in text for n, text in enumerate(texts, start=1))
    # The headline figures against France, as computed for the side panel.
    france = plain(fmt.percent(analysis.figures.covered_share, 1))
    assert france in whole
    assert "ADIT63" in whole  # the department's OPSN, by name


def test_comparison_rows_are_the_view_and_france(bundled):
    reference, _, analysis = bundled
    scope = resolve(reference, analysis, "departement", "63")
    rows = {
        label: (view, whole) for label, view, whole in comparison_rows(reference, analysis, scope)
    }
    population = int(reference.communes.loc[scope.mask, "population"].sum())
    assert rows["Population municipale"] == (
        fmt.integer(population),
        fmt.integer(analysis.figures.total_population),
    )
    assert rows["Communes"][0] == fmt.integer(scope.mask.sum())


def test_territory_report_lists_its_communes_by_population(bundled, tmp_path):
    reference, inputs, analysis = bundled
    zone = analysis.zones.iloc[4]  # a mainland territory of several hundred communes
    scope = resolve(reference, analysis, "territoire", zone["id"])
    whole = " ".join(pages_text(report_bytes(reference, analysis, inputs, scope)))
    assert plain(f"{fmt.count(zone['communes'], 'commune')} sans OPSN") in whole
    assert "Les 60 plus peuplées ci-dessous" in whole or zone["communes"] <= 60
    biggest = reference.communes[scope.mask].nlargest(3, "population")["nom"]
    assert all(name in whole for name in biggest)


def test_report_is_for_regions_departments_and_territories(bundled):
    reference, inputs, analysis = bundled
    for level, code in (("france", ""), ("commune", "29019")):
        with pytest.raises(ReportError, match="région, un département ou un territoire"):
            report_bytes(reference, analysis, inputs, resolve(reference, analysis, level, code))


def test_calvados_report_cells_keep_whole_words_and_numbers_print_legibly(bundled):
    """« délégué à la prote… » was cut; « 709 441 » printed as « 709441 » (issue 17)."""
    reference, inputs, analysis = bundled
    data = report_bytes(
        reference, analysis, inputs, resolve(reference, analysis, "departement", "14")
    )
    raw = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    whole = plain(raw)
    assert "délégué à la protection des données" in whole
    assert "prote…" not in whole and "données …" not in whole  # no cell cut short
    # Thousands separated by a full no-break space in print, never the narrow one.
    assert "709\u00a0441" in raw and "\u202f" not in raw
