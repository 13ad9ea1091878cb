"""What the app's « Exporter » menu offers for a view, and the names of its files."""

from __future__ import annotations

import pytest

from geo.core.analysis import analyse
from geo.core.coverage import CoverageOptions
from geo.exports.files import DOWNLOADS, download_name, downloads_for, table_name
from geo.exports.scope import resolve
from geo.importers.inputs import bundled_inputs


@pytest.fixture(scope="module")
def analysis(reference):
    return analyse(reference, bundled_inputs(), CoverageOptions())


def test_every_view_offers_maps_html_and_tables_and_a_report_where_one_exists():
    keys = {level: [d.key for d in downloads_for(level)] for level in ("france", "region", "epci")}
    assert keys["france"] == ["png_slide", "png_print", "pdf_map", "html", "xlsx", "csv"]
    assert keys["region"] == [d.key for d in DOWNLOADS], "everything, report included"
    assert "report" not in keys["epci"]
    assert "report" in [d.key for d in downloads_for("territoire")]


def test_file_names_are_french_and_name_the_view_rule_and_territory(reference, analysis):
    by_key = {d.key: d for d in DOWNLOADS}
    france = resolve(reference, analysis, "france")
    finistere = resolve(reference, analysis, "departement", "29")
    both = "adherentes-ou-perimetre_france-entiere"
    assert download_name(france, by_key["png_slide"]) == (
        f"couverture_opsn_france_{both}_diapositive.png"
    )
    assert download_name(france, by_key["png_print"]) == (
        f"couverture_opsn_france_{both}_impression.png"
    )
    members = CoverageOptions(rule="adhesion", territory="metropole")
    assert download_name(finistere, by_key["report"], members) == (
        "rapport_opsn_departement_29_finistere_adherentes-seulement_metropole.pdf"
    )
    assert download_name(finistere, by_key["xlsx"]) == (
        f"tableaux_opsn_departement_29_finistere_{both}.xlsx"
    )
    assert table_name(finistere, "communes", members) == (
        "opsn_communes_departement_29_finistere_adherentes-seulement_metropole.csv"
    )
    names = {download_name(finistere, d) for d in DOWNLOADS}
    assert len(names) == len(DOWNLOADS), "two files of one view never share a name"
    for name in names:
        assert name.isascii() and " " not in name
